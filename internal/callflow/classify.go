package callflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// DefaultResultWait is how long after the forwarded leg ends textback waits for the
// answering-machine or screening result before it decides without one. The provider sends those
// results as separate webhooks, which can arrive seconds after the dial result.
const DefaultResultWait = 10 * time.Second

// Facts is what textback knows about a call when it decides whether the call was missed.
type Facts struct {
	Handling     store.Handling
	AnswerCheck  provider.AnswerCheck
	CallStatus   string // raw status of the caller's leg
	DialStatus   string // raw outcome of the forwarded leg
	DialDuration int
	AnsweredBy   string
	// Screened is true once the screening result arrived; Digits holds what was pressed.
	Screened    bool
	Digits      string
	RingSeconds int
	DialEndedAt time.Time
	EndedAt     time.Time
	// ResultWait overrides DefaultResultWait when positive.
	ResultWait time.Duration
	// Menu is the path of a call that a phone menu answered; nil for other calls.
	Menu *MenuFacts
}

func (f Facts) resultWait() time.Duration {
	if f.ResultWait > 0 {
		return f.ResultWait
	}
	return DefaultResultWait
}

// Verdict is a decision about a call, or the moment to decide when facts are still missing.
type Verdict struct {
	Outcome store.Outcome
	// Reason is a short stable code, such as "no-answer" or "voicemail".
	Reason string
	// Explain says the same for people, such as "no answer within 18 s".
	Explain string
	// DecideBy is when to decide without the missing facts; zero means wait for the next webhook.
	DecideBy time.Time
}

// callStatusMissed lists the caller-leg statuses that mean nobody at the business took the call.
var callStatusMissed = map[string]string{
	"no-answer": "the call was not answered",
	"busy":      "the line was busy",
	"failed":    "the call failed",
	"canceled":  "the caller hung up before an answer",
}

// dialStatusMissed lists the forwarded-leg outcomes that mean nobody picked up.
var dialStatusMissed = map[string]string{
	"no-answer": "no answer",
	"busy":      "the forwarded phone was busy",
	"failed":    "the forwarded phone could not be reached",
	"canceled":  "the caller hung up while the phone rang",
}

// HandlingPBX marks a call that a PBX reported after it ended. textback did not route it, and
// the report, which is the call's only webhook, gives its outcome.
const HandlingPBX store.Handling = "pbx"

// reportedMissed lists the dial statuses of PBX reports that mean nobody at the business took the
// call. The PBX adapter maps every outcome it accepts to one of them or to "completed".
var reportedMissed = map[string]string{
	"no-answer": "no answer",
	"busy":      "the line was busy",
	"failed":    "the call failed",
	"voicemail": "the business's voicemail took the call",
}

// isMachine reports whether an answering-machine detection result says a machine or a fax
// answered. "unknown" is neither a machine nor a person.
func isMachine(answeredBy string) bool {
	return strings.HasPrefix(answeredBy, "machine_") || answeredBy == "fax"
}

// Classify decides from the facts whether the call was missed. It never guesses "answered": a
// call counts as answered only when a person is known to have taken it, because a missed lead
// costs more than a needless text.
func Classify(f Facts, now time.Time) Verdict {
	if f.Handling == store.HandlingNoDial {
		return missed("not-rung", "nobody was rung: the call was already unanswered when it arrived")
	}
	if f.Handling == HandlingPBX {
		return classifyReported(f)
	}
	if f.Handling == HandlingMenu && f.Menu != nil {
		return classifyMenu(f, now)
	}
	if f.AnswerCheck == provider.AnswerCheckMachine && isMachine(f.AnsweredBy) {
		return missed("voicemail", fmt.Sprintf("answered by a machine (%s)", f.AnsweredBy))
	}
	if f.DialStatus != "" {
		return classifyDial(f, now)
	}
	if explain, ok := callStatusMissed[f.CallStatus]; ok {
		return missed(f.CallStatus, explain)
	}
	if f.CallStatus == "completed" {
		// Results about the forwarded leg, or another final status, may still be on their way.
		if waitUntil := f.EndedAt.Add(f.resultWait()); now.Before(waitUntil) {
			return Verdict{Outcome: store.OutcomePending, DecideBy: waitUntil}
		}
		if f.Handling == store.HandlingUnobserved {
			return Verdict{Outcome: store.OutcomeAnswered, Reason: "completed",
				Explain: "completed; textback did not route this call, so it counts as answered"}
		}
		return missed("hung-up", "the call ended before the forwarded phone's result arrived")
	}
	return Verdict{Outcome: store.OutcomePending}
}

func classifyDial(f Facts, now time.Time) Verdict {
	status := strings.ToLower(f.DialStatus)
	if explain, ok := dialStatusMissed[status]; ok {
		if status == "no-answer" && f.RingSeconds > 0 {
			explain = fmt.Sprintf("no answer within %d s", f.RingSeconds)
		}
		return missed(status, explain)
	}
	if status != "completed" && status != "answered" {
		return missed("unknown-dial-status", fmt.Sprintf("unrecognised dial status %q; counted as missed", f.DialStatus))
	}
	answered := Verdict{Outcome: store.OutcomeAnswered, Reason: "answered",
		Explain: fmt.Sprintf("answered (%d s)", f.DialDuration)}
	wait := Verdict{Outcome: store.OutcomePending, DecideBy: f.DialEndedAt.Add(f.resultWait())}
	switch f.AnswerCheck {
	case provider.AnswerCheckMachine:
		if f.AnsweredBy == "" {
			if now.Before(wait.DecideBy) {
				return wait
			}
			return missed("machine-result-missing", "no answering-machine result arrived, so no person is known to have answered")
		}
		if f.AnsweredBy == "human" {
			answered.Explain = fmt.Sprintf("answered by a person (%d s)", f.DialDuration)
			return answered
		}
		return missed("machine-unsure", fmt.Sprintf("answering-machine result %q does not show a person answered", f.AnsweredBy))
	case provider.AnswerCheckScreen:
		if !f.Screened {
			if now.Before(wait.DecideBy) {
				return wait
			}
			return missed("screen-no-response", "nobody pressed 1 at the screening prompt")
		}
		if f.Digits == "1" {
			answered.Explain = fmt.Sprintf("taken after screening (%d s)", f.DialDuration)
			return answered
		}
		return missed("screen-declined", "the screening prompt was not accepted")
	}
	return answered
}

// classifyReported decides a call from its PBX report. Nothing else about the call will arrive, so
// it never waits, and "completed" means the PBX saw a person answer.
func classifyReported(f Facts) Verdict {
	if f.DialStatus == "completed" {
		return Verdict{Outcome: store.OutcomeAnswered, Reason: "answered", Explain: "answered, as the PBX reported"}
	}
	if explain, ok := reportedMissed[f.DialStatus]; ok {
		return missed(f.DialStatus, explain+", as the PBX reported")
	}
	return missed("unknown-dial-status", fmt.Sprintf("unrecognised PBX outcome %q; counted as missed", f.DialStatus))
}

func missed(reason, explain string) Verdict {
	return Verdict{Outcome: store.OutcomeMissed, Reason: reason, Explain: explain}
}
