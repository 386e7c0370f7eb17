package ivr

import (
	"strings"
	"time"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Spoken texts that a menu uses when its definition leaves them out.
const (
	DefaultNoInputMessage   = "Sorry, we didn't get your choice."
	DefaultInvalidMessage   = "Sorry, that's not one of the options."
	DefaultVoicemailPrompt  = "Please leave your name, your number and a short message after the tone."
	DefaultVoicemailGoodbye = "Thank you for your message. We'll get back to you soon. Goodbye."
	DefaultBookingSay       = "We'll text you a link to book online. Goodbye."
	// noTextMessage is spoken instead of DefaultBookingSay to a caller whose caller id cannot be
	// texted, so that the menu never promises a text that cannot arrive.
	noTextMessage = "Sorry, we can't send a text to the number you're calling from. Please call again later."
)

// DefaultBookingText is the text-back template of an option that texts the booking link and sets
// none of its own.
const DefaultBookingText = "Here's the link to book with {business}: {booking_link}"

// DefaultVoicemailSeconds is the longest voicemail when the definition sets no maximum.
const DefaultVoicemailSeconds = 120

// secondsPerWord estimates how long text-to-speech takes to speak one word. Speech engines speak
// about 150 words a minute; the estimate is slower to leave room for pauses.
const secondsPerWord = 0.5

// run answers one webhook of a call.
type run struct {
	req Request
	ivr *store.IVR
	// pos is the step being answered; its Step numbers the step recorded, and the next step
	// gets the number after it.
	pos Position
}

func newRun(req Request) *run {
	r := &run{req: req, ivr: req.Business.Settings.IVR}
	if req.Event.State != "" {
		// Continue parsed the position before; a malformed one stays the zero position.
		r.pos, _ = ParsePosition(req.Event.State)
	}
	return r
}

// next returns the position of the step after the one being answered, at menu.
func (r *run) next(menu string) Position {
	return Position{Menu: menu, Step: r.pos.Step + 1, Try: 1}
}

// callback returns the callback of route at pos, naming the business number.
func (r *run) callback(route provider.CallbackRoute, pos Position) provider.Callback {
	return pos.callback(route, r.req.Number.E164)
}

// spoken renders a spoken template, whose only field is {business}. A template that does not
// parse, which the manifest check rules out, is spoken as written.
func (r *run) spoken(template string) string {
	t, err := msgtemplate.Parse(template, []string{msgtemplate.FieldBusiness})
	if err != nil {
		return template
	}
	return t.Render(map[string]string{msgtemplate.FieldBusiness: r.req.Business.Name})
}

// spokenOr renders template, or fallback when template is empty.
func (r *run) spokenOr(template, fallback string) string {
	if template == "" {
		template = fallback
	}
	return r.spoken(template)
}

// gather returns the instructions that play menu at pos after the texts before: a Gather, and a
// Redirect to the same callback for when the caller chooses nothing.
func (r *run) gather(menu store.Menu, pos Position, before ...string) provider.Script {
	action := r.callback(provider.CallbackMenu, pos)
	g := provider.Gather{
		Action:  action,
		Prompt:  append(append([]string{}, before...), r.spoken(menu.Prompt)),
		Timeout: menu.Timeout,
	}
	if r.ivr.Speech {
		g.Hints = hints(menu)
		g.Speech = len(g.Hints) > 0
	}
	return provider.Script{g, provider.Redirect{Target: action}}
}

// goodbye returns the instructions that end the call after the texts before and the goodbye.
func (r *run) goodbye(before ...string) provider.Script {
	return sayThenHangUp(append(append([]string{}, before...), r.req.Goodbye)...)
}

// sayThenHangUp speaks each non-empty text and hangs up.
func sayThenHangUp(texts ...string) provider.Script {
	var script provider.Script
	for _, text := range texts {
		if text != "" {
			script = append(script, provider.Say{Text: text})
		}
	}
	return append(script, provider.Hangup{})
}

// result completes step with its number, time and next action, and pairs it with script.
func (r *run) result(script provider.Script, step store.CallMenuStep, next store.MenuNext) Result {
	step.Step = r.pos.Step
	step.Next = next
	step.At = r.req.At
	switch next {
	case store.NextGather, store.NextDial, store.NextRecord:
		step.ExpectBy = r.req.At.Add(length(script) + stepGrace)
	}
	return Result{Script: script, Step: step}
}

// length estimates how long the provider takes to carry out script while the caller listens:
// speech, the wait for input, the ring time and the longest recording.
func length(script provider.Script) time.Duration {
	var seconds float64
	speak := func(text string) { seconds += secondsPerWord * float64(len(strings.Fields(text))) }
	for _, instruction := range script {
		switch in := instruction.(type) {
		case provider.Say:
			speak(in.Text)
		case provider.Gather:
			for _, text := range in.Prompt {
				speak(text)
			}
			seconds += float64(in.Timeout)
		case provider.Dial:
			seconds += float64(max(in.RingSeconds, 30))
		case provider.Record:
			seconds += float64(in.MaxLength)
		}
	}
	return time.Duration(seconds * float64(time.Second))
}
