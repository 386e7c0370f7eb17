package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/ivr"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// HandlingMenu marks a call that a phone menu answered. Its path through the menu is in its menu
// steps, and it is decided from the last of them.
const HandlingMenu = store.HandlingMenu

// MenuStep returns the answer to a call webhook of a number with a phone menu, and the step of the
// call's path that the webhook completes. It reports false when the webhook is not a menu step:
// the number plays no menu, or the event is of another kind. at is when the webhook was first
// received. screenDeclined is true when the person who answered a number that the menu rang hung
// up at the screening prompt. The webhook handler and the processor both call it, so that the
// step recorded is the one the caller heard.
func MenuStep(b store.Business, n store.Number, ev provider.Event, at time.Time, screenDeclined bool) (ivr.Result, bool, error) {
	plan, _ := Plan(b, n, ev, "")
	_, why := phone.ClassifyCaller(ev.From, b.Region)
	req := ivr.Request{
		Business: b, Number: n, Event: ev, At: at, Goodbye: plan.Say,
		CallerTextable: ev.From == "" || why == phone.Textable, ScreenDeclined: screenDeclined,
	}
	switch ev.Type {
	case provider.CallIncoming:
		res, err := ivr.Start(req)
		if errors.Is(err, ivr.ErrNoMenu) {
			return ivr.Result{}, false, nil
		}
		return res, err == nil, err
	case provider.CallMenuInput, provider.CallMenuDialEnded, provider.CallVoicemail:
		res, err := ivr.Continue(req)
		return res, err == nil, err
	}
	return ivr.Result{}, false, nil
}

// ScreenDeclined reports whether a completed Dial of a menu on a number that screens calls reached
// nobody, because the person who answered did not press 1 at the screening prompt.
func ScreenDeclined(n store.Number, call store.Call, ev provider.Event) bool {
	return ev.Type == provider.CallMenuDialEnded && n.AnswerCheck == provider.AnswerCheckScreen &&
		(!call.ScreenAnswered || call.ScreenDigits != "1")
}

// rendersMenus reports whether the adapter of the stored webhook answers ev with call markup that
// can play a menu: false for Telnyx Call Control and the PBX webhook.
func (p *Processor) rendersMenus(w store.Webhook, ev provider.Event) bool {
	path, _ := SplitRoute(w.Route)
	adapter, _, ok := p.webhooks.Webhook(path)
	if !ok {
		return false
	}
	renderer, ok := adapter.(provider.ScriptRenderer)
	return ok && renderer.RendersScripts(ev)
}

// startMenu records the first step of a call that a menu answers, and reports whether it did.
func (p *Processor) startMenu(
	ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event, call store.Call, n store.Number, b store.Business,
) (bool, error) {
	if !p.rendersMenus(w, ev) {
		return false, nil
	}
	res, ok, err := MenuStep(b, n, ev, w.ReceivedAt, false)
	if err != nil || !ok {
		return false, err
	}
	res.Step.CallID = call.ID
	if _, err := tx.InsertCallMenuStep(ctx, res.Step); err != nil {
		return false, err
	}
	return true, nil
}

// applyMenuStep records the step that a menu webhook completes, with the Dial's outcome or the
// voicemail it reports, and decides the call when the step ends it.
func (p *Processor) applyMenuStep(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	call, number, business, err := p.menuCall(ctx, tx, w, ev)
	if err != nil {
		return "", err
	}
	res, ok, err := MenuStep(business, number, ev, w.ReceivedAt, ScreenDeclined(number, call, ev))
	if err != nil {
		return "not applied: " + err.Error(), nil
	}
	if !ok {
		return "not applied: the call's number plays no menu", nil
	}
	res.Step.CallID = call.ID
	if _, err := tx.InsertCallMenuStep(ctx, res.Step); err != nil {
		return "", err
	}
	switch ev.Type {
	case provider.CallMenuDialEnded:
		if err := tx.SetCallDialResult(ctx, call.ID, ev.DialStatus, ev.DialDuration, eventTime(ev, w)); err != nil {
			return "", err
		}
	case provider.CallVoicemail:
		if err := p.recordVoicemail(ctx, tx, call, business, ev); err != nil {
			return "", err
		}
	}
	return p.evaluate(ctx, tx, call.ID, number, business)
}

// menuCall returns the call that a menu webhook is about, locked, with its number and business. It
// returns errCallNotSeen when the call's first webhook has not been applied yet.
func (p *Processor) menuCall(
	ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event,
) (store.Call, store.Number, store.Business, error) {
	call, err := tx.GetCallByProviderID(ctx, w.ProviderID, ev.CallID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Call{}, store.Number{}, store.Business{}, errCallNotSeen
	}
	if err != nil {
		return store.Call{}, store.Number{}, store.Business{}, err
	}
	if err := tx.LockCall(ctx, call.ID); err != nil {
		return store.Call{}, store.Number{}, store.Business{}, err
	}
	// A status callback may have created the call before its voice webhook was applied, so the
	// call's record is read again under the lock.
	if call, err = tx.GetCall(ctx, call.ID); err != nil {
		return store.Call{}, store.Number{}, store.Business{}, err
	}
	number, err := p.dir.Number(ctx, tx, call.NumberID)
	if err != nil {
		return store.Call{}, store.Number{}, store.Business{}, fmt.Errorf("number of call %d: %w", call.ID, err)
	}
	business, err := p.dir.Business(ctx, tx, call.BusinessID)
	if err != nil {
		return store.Call{}, store.Number{}, store.Business{}, fmt.Errorf("business of call %d: %w", call.ID, err)
	}
	return call, number, business, nil
}

// menuFacts returns what the call's menu steps say for its decision, or nil for a call without
// steps.
func menuFacts(steps []store.CallMenuStep) *MenuFacts {
	if len(steps) == 0 {
		return nil
	}
	last := steps[len(steps)-1]
	return &MenuFacts{
		Last: last,
		// Steps are numbered from 0 without gaps, so a missing one is a webhook not applied yet.
		Gap:  last.Step != len(steps)-1,
		Path: ivr.Path(steps),
	}
}

// menuChoice returns the menu step whose chosen option's text-back template the call's text back
// uses, or false when the call chose none.
func (p *Processor) menuChoice(ctx context.Context, tx *store.Tx, call store.Call) (store.CallMenuStep, bool, error) {
	if call.Handling != HandlingMenu {
		return store.CallMenuStep{}, false, nil
	}
	steps, err := tx.ListCallMenuSteps(ctx, call.ID)
	if err != nil {
		return store.CallMenuStep{}, false, err
	}
	choice, ok := ivr.TextBackChoice(steps)
	return choice, ok, nil
}

// menuTemplate returns the template of the option that choice chose and its name for the
// message's record, such as "menu main option 2", or name and tmpl when the stored template no
// longer parses.
func (p *Processor) menuTemplate(
	b store.Business, choice store.CallMenuStep, name string, tmpl *msgtemplate.Template,
) (string, *msgtemplate.Template) {
	t, err := msgtemplate.Parse(choice.TextBack, msgtemplate.AllFields())
	if err != nil {
		p.log.Error("menu text-back template invalid, using the business's", slog.Int64("business_id", int64(b.ID)),
			slog.String("menu", choice.Menu), slog.String("option", choice.Option), slog.String("error", err.Error()))
		return name, tmpl
	}
	return fmt.Sprintf("menu %s option %s", choice.Menu, choice.Option), t
}
