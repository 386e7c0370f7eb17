package provider

import (
	"fmt"
	"net/url"
)

// Script is one step of a phone menu in textback's terms: the instructions that answer a webhook,
// in order. Adapters that implement ScriptRenderer render it in their markup, such as TwiML or
// TeXML, so that one menu definition serves every such provider.
type Script []Instruction

// Instruction is one element of a Script: Say, Gather, Dial, Record, Redirect or Hangup.
type Instruction interface {
	isInstruction()
}

// Say speaks Text to the caller.
type Say struct {
	Text string
}

// Gather speaks Prompt and waits for the caller to press one key, or to speak when Speech is set.
// The provider posts the input to Action. Without input it goes on to the next instruction, so a
// Gather is followed by a Redirect to the same callback.
type Gather struct {
	Action Callback
	// Prompt is spoken in order while the provider listens; a key press interrupts it.
	Prompt []string
	// Timeout is how many seconds the provider waits for input after the prompt.
	Timeout int
	// Speech also accepts spoken words, and Hints lists the words the menu expects.
	Speech bool
	Hints  []string
}

// Dial rings Numbers at once for RingSeconds and posts the outcome to Action. AnswerCheck tells a
// person from a voicemail box as it does on a number's own forwarded call.
type Dial struct {
	Action      Callback
	Numbers     []string
	RingSeconds int
	AnswerCheck AnswerCheck
}

// Record records a voicemail of at most MaxLength seconds after a beep and posts it to Action. The
// provider reports the stored recording to Recording, and its transcript to Transcription when
// that is set.
type Record struct {
	Action        Callback
	Recording     Callback
	Transcription *Callback
	MaxLength     int
}

// Redirect asks the provider for the next instructions at Target.
type Redirect struct {
	Target Callback
}

// Hangup ends the call.
type Hangup struct{}

func (Say) isInstruction()      {}
func (Gather) isInstruction()   {}
func (Dial) isInstruction()     {}
func (Record) isInstruction()   {}
func (Redirect) isInstruction() {}
func (Hangup) isInstruction()   {}

// CallbackRoute names a menu webhook in textback's terms. Each adapter maps it to a route of its own,
// such as "voice/menu" for Twilio.
type CallbackRoute string

const (
	CallbackMenu          CallbackRoute = "menu"                    // the input at a menu, or its absence
	CallbackMenuDial      CallbackRoute = "menu/dial"               // the outcome of a menu's Dial
	CallbackVoicemail     CallbackRoute = "voicemail"               // the end of a Record
	CallbackRecording     CallbackRoute = "voicemail/recording"     // the stored recording of a Record
	CallbackTranscription CallbackRoute = "voicemail/transcription" // the transcript of a recording
)

// Query parameters of menu callback URLs that adapters read as well as the menu logic.
const (
	// MenuStepParam numbers the step that a callback answers, which makes its event key unique.
	MenuStepParam = "step"
	// MenuNumberParam is the business number called, which routes callbacks that name none.
	MenuNumberParam = "number"
)

// Callback is a webhook URL that textback hands to the provider: the route, and the state that
// textback keeps in the query string, such as the call, the menu and the step.
type Callback struct {
	Route CallbackRoute
	Query url.Values
}

// URL returns the callback's URL under base, the public URL prefix of an adapter's webhooks, with
// routes mapping each callback route to the adapter's own.
func (c Callback) URL(base string, routes map[CallbackRoute]Route) (string, error) {
	route, ok := routes[c.Route]
	if !ok {
		return "", fmt.Errorf("unknown menu callback %q", c.Route)
	}
	return base + "/" + string(route) + "?" + c.Query.Encode(), nil
}

// ScriptRenderer is implemented by adapters that can answer a webhook with a Script.
type ScriptRenderer interface {
	// RendersScripts reports whether the answer to ev is call markup that a Script can replace:
	// true for the voice webhooks of a TwiML or TeXML call, false for events that another
	// application controls, such as Telnyx Call Control.
	RendersScripts(ev Event) bool
	// RenderScript renders script. plan supplies the callback base URL, the call and the business
	// number for the callbacks of a Dial's answer check.
	RenderScript(plan CallPlan, script Script) (Response, error)
}
