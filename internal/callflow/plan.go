package callflow

import (
	"time"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Plan returns how an inbound call to number should be handled, and the handling recorded for it.
// A number in forwarded mode is never rung again: the business's carrier sent the call here
// because nobody answered. A call forwarded from the very phone textback would ring is not rung
// either, since ringing it would loop back or reach its voicemail at once.
func Plan(b store.Business, n store.Number, ev provider.Event, callbackBase string) (provider.CallPlan, store.Handling) {
	plan := provider.CallPlan{
		Say:          renderSpoken(b.TextBack.MissedCallMessage, msgtemplate.DefaultMissedCallMessage, b),
		CallbackBase: callbackBase,
		CallID:       ev.CallID,
		Number:       n.E164,
	}
	if _, why := phone.ClassifyCaller(ev.From, b.Region); why != phone.Textable {
		// The usual message promises a text that a withheld or invalid caller id cannot get.
		plan.Say = untextableMessage
	}
	if n.Mode == store.ModeForwarded || n.ForwardTo == "" || forwardLoop(b, n, ev) {
		return plan, store.HandlingNoDial
	}
	plan.Dial = n.ForwardTo
	plan.RingSeconds = n.RingSeconds
	plan.AnswerCheck = n.AnswerCheck
	if n.AnswerCheck == provider.AnswerCheckScreen {
		plan.ScreenPrompt = renderSpoken(b.TextBack.ScreenPrompt, msgtemplate.DefaultScreenPrompt, b)
	}
	return plan, store.HandlingDial
}

// untextableMessage is spoken to callers who cannot be texted back when nobody answers.
const untextableMessage = "Sorry we missed your call. Please call again later."

// SpeakNoText replaces the spoken missed-call message, which promises a text, with one that does
// not when no text back will follow: text back is off, or the caller's contact opted out, cannot
// take texts, or was texted back within the window. contact is the caller's contact, or the zero
// Contact when there is none yet.
func SpeakNoText(plan *provider.CallPlan, b store.Business, contact store.Contact, now time.Time) {
	if plan.Say == "" || plan.Say == untextableMessage {
		return
	}
	noText := !b.TextBack.Enabled ||
		contact.ID != 0 && (contact.OptedOut() || contact.SMSBlocked != "" ||
			!contact.LastTextBackAt.IsZero() && now.Sub(contact.LastTextBackAt) < b.TextBack.Window)
	if noText {
		plan.Say = untextableMessage
	}
}

// forwardLoop reports whether the call was forwarded from the phone textback would ring.
func forwardLoop(b store.Business, n store.Number, ev provider.Event) bool {
	if ev.ForwardedFrom == "" {
		return false
	}
	from, err := phone.Parse(ev.ForwardedFrom, b.Region)
	return err == nil && from.E164 == n.ForwardTo
}

// renderSpoken renders a spoken message, which may name the business, falling back to def when
// the stored text no longer parses.
func renderSpoken(src, def string, b store.Business) string {
	if src == "" {
		src = def
	}
	t, err := msgtemplate.Parse(src, []string{msgtemplate.FieldBusiness})
	if err != nil {
		t, _ = msgtemplate.Parse(def, []string{msgtemplate.FieldBusiness})
	}
	if t == nil {
		return ""
	}
	return t.Render(map[string]string{msgtemplate.FieldBusiness: b.Name})
}
