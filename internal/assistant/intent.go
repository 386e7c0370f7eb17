// Package assistant understands a lead's free-text message and, where the business enables it,
// answers it from the business's own knowledge.
//
// A local classifier (rules over words, the business's corrections as examples, and the
// qualifying question's answers) always runs first and needs no network. When a business
// configures a model, an OpenAI-compatible chat-completions API is asked about messages the
// local classifier is unsure of, with a time limit. Any model error hands the message to a
// person. Replies quote knowledge entries as the business wrote them; a model's own wording is
// used only when every price, percentage and promise in it appears in the entries it cites.
//
// Consent words (STOP, START, HELP) are handled by package reply before anything here runs, and
// nothing here can opt a contact in or out.
package assistant

// Intent is the purpose of a lead's message.
type Intent string

const (
	IntentBook       Intent = "book"       // wants an appointment
	IntentReschedule Intent = "reschedule" // wants to move an appointment
	IntentCancel     Intent = "cancel"     // wants to cancel an appointment
	IntentCallBack   Intent = "call_back"  // wants a phone call
	IntentUrgent     Intent = "urgent"     // has an emergency
	IntentQuestion   Intent = "question"   // asks about the business
	IntentOptOut     Intent = "opt_out"    // wants no more texts
	IntentAnswer     Intent = "answer"     // answers the qualifying question
	IntentOther      Intent = "other"      // thanks, acknowledgements, wrong numbers and the rest
)

// Intents lists every intent, in the order reports show them.
var Intents = []Intent{
	IntentBook, IntentReschedule, IntentCancel, IntentCallBack, IntentUrgent, IntentQuestion, IntentOptOut,
	IntentAnswer, IntentOther,
}

// ParseIntent returns the intent named s, or false.
func ParseIntent(s string) (Intent, bool) {
	for _, i := range Intents {
		if string(i) == s {
			return i, true
		}
	}
	return "", false
}

// Entities are the details a message names.
type Entities struct {
	Dates    []string `json:"dates,omitempty"`    // day words as written, such as "tomorrow" or "thu"
	Times    []string `json:"times,omitempty"`    // times as written, such as "3pm" or "morning"
	Services []string `json:"services,omitempty"` // names of the business's services, as the business wrote them
}

// Reading is one classifier's view of a message.
type Reading struct {
	Intent Intent `json:"intent"`
	// Confidence is from 0 to 1. The local classifier's values are fixed per rule strength, not
	// calibrated probabilities.
	Confidence float64 `json:"confidence"`
	// Rule says what decided the intent, such as "phrase \"call me\"" or "example 12".
	Rule string `json:"rule,omitempty"`
}
