package webhook

import (
	"context"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// respondMenu renders the answer to a call webhook of a number with a phone menu. It reports
// false when the webhook is not a menu step, so that the call is answered without a menu.
func (h *Handler) respondMenu(
	ctx context.Context, renderer provider.ScriptRenderer, prov store.Provider, ev provider.Event,
	number store.Number, business store.Business, base string, at time.Time,
) (provider.Response, bool, error) {
	screenDeclined := false
	if ev.Type == provider.CallMenuDialEnded && number.AnswerCheck == provider.AnswerCheckScreen {
		if call, err := h.store.GetCallByProviderID(ctx, prov.ID, ev.CallID); err == nil {
			screenDeclined = callflow.ScreenDeclined(number, call, ev)
		}
	}
	plan, _ := callflow.Plan(business, number, ev, base)
	res, ok, err := callflow.MenuStep(business, number, ev, at, screenDeclined)
	if err != nil {
		// The callback URL's state is unreadable. The webhook is stored, and the caller hears the
		// goodbye instead of silence.
		h.log.Warn("menu step unreadable", slog.String("call_sid", ev.CallID), slog.String("error", err.Error()))
		res.Script, ok = provider.Script{provider.Say{Text: plan.Say}, provider.Hangup{}}, true
	}
	if !ok {
		return provider.Response{}, false, nil
	}
	resp, err := renderer.RenderScript(plan, res.Script)
	return resp, true, err
}

// firstReceived returns when the webhook was first received: now for a new one, and the stored time
// for a duplicate, so that a menu that depends on the hours answers a retry as it answered the
// first delivery. Times are stored to the microsecond, so now is truncated the same way.
func (h *Handler) firstReceived(ctx context.Context, prov store.Provider, ev provider.Event, now time.Time, inserted bool) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if inserted {
		return now
	}
	first, err := h.store.WebhookReceivedAt(ctx, prov.ID, ev.Key)
	if err != nil {
		h.log.Warn("first delivery of a duplicate webhook not found", slog.String("event_key", ev.Key),
			slog.String("error", err.Error()))
		return now
	}
	return first
}
