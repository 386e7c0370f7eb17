package callflow

import (
	"fmt"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// MenuFacts is what a call's path through a phone menu says for its decision.
type MenuFacts struct {
	// Last is the call's latest menu step.
	Last store.CallMenuStep
	// Gap is true when a step before Last has not been applied yet.
	Gap bool
	// Path is the call's path in words.
	Path string
}

// Reasons of the decisions about calls that a menu answered.
const (
	ReasonMenuEnded     = "menu-ended"      // the menu said goodbye and hung up
	ReasonSelfServe     = "self-serve"      // the caller asked for a text, such as the booking link
	ReasonVoicemail     = "voicemail"       // the caller left a voicemail
	ReasonNoMessage     = "no-message"      // the caller reached the voicemail and left nothing
	ReasonMenuNoAnswer  = "no-answer"       // nobody answered the numbers the menu rang
	ReasonHungUpInMenu  = "hung-up-in-menu" // the caller hung up before the menu ended
	ReasonMenuTimedOut  = "menu-timed-out"  // no webhook came by the time the step was due to end
	menuTimedOutExplain = " → no further webhook arrived, so the caller is taken to have hung up"
)

// classifyMenu decides a call that a menu answered from its last step: the menu ended it, a number
// it rang took it, or the caller hung up while the menu waited for input, rang or recorded.
func classifyMenu(f Facts, now time.Time) Verdict {
	m := f.Menu
	if m.Gap {
		// A step's webhook overtook the one before it; wait briefly so the record is complete.
		if waitUntil := m.Last.At.Add(f.resultWait()); now.Before(waitUntil) {
			return Verdict{Outcome: store.OutcomePending, DecideBy: waitUntil}
		}
	}
	switch m.Last.Next {
	case store.NextEnd:
		return missed(endReason(m.Last), m.Path)
	case store.NextConnected:
		v := classifyDial(f, now)
		if f.AnswerCheck == provider.AnswerCheckMachine && isMachine(f.AnsweredBy) {
			v = missed("voicemail", fmt.Sprintf("answered by a machine (%s)", f.AnsweredBy))
		}
		switch {
		case v.Outcome == store.OutcomeAnswered && f.AnswerCheck == provider.AnswerCheckNone:
			// The path's last step already says that the call was answered.
			v.Explain = m.Path
		case v.Outcome != store.OutcomePending:
			v.Explain = m.Path + " → " + v.Explain
		}
		return v
	}
	if _, unanswered := callStatusMissed[f.CallStatus]; unanswered || f.CallStatus == "completed" {
		// The webhook of the step in progress may still be on its way.
		if waitUntil := f.EndedAt.Add(f.resultWait()); now.Before(waitUntil) {
			return Verdict{Outcome: store.OutcomePending, DecideBy: waitUntil}
		}
		return missed(ReasonHungUpInMenu, m.Path+" → the caller hung up")
	}
	if m.Last.ExpectBy.IsZero() {
		return Verdict{Outcome: store.OutcomePending}
	}
	if now.Before(m.Last.ExpectBy) {
		return Verdict{Outcome: store.OutcomePending, DecideBy: m.Last.ExpectBy}
	}
	return missed(ReasonMenuTimedOut, m.Path+menuTimedOutExplain)
}

// endReason returns the reason of a call that the menu ended at step.
func endReason(step store.CallMenuStep) string {
	switch {
	case step.Requested:
		return ReasonSelfServe
	case step.Kind == store.StepVoicemail && step.Input == "":
		return ReasonNoMessage
	case step.Kind == store.StepVoicemail:
		return ReasonVoicemail
	case step.Kind == store.StepDialed:
		return ReasonMenuNoAnswer
	}
	return ReasonMenuEnded
}
