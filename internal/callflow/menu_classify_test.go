package callflow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// menuFacts returns the facts of a call that a menu answered, whose last step is last.
func menuFacts(last store.CallMenuStep, gap bool) callflow.Facts {
	return callflow.Facts{
		Handling: callflow.HandlingMenu, AnswerCheck: provider.AnswerCheckNone, CallStatus: "in-progress",
		Menu: &callflow.MenuFacts{Last: last, Gap: gap, Path: "menu main: pressed 2 (emergency)"},
	}
}

func TestClassifyMenu(t *testing.T) {
	due := ended.Add(3 * time.Minute)
	waiting := store.CallMenuStep{Step: 1, Kind: store.StepPressed, Next: store.NextDial, At: ended, ExpectBy: due}
	end := func(kind store.MenuStepKind, input string, requested bool) store.CallMenuStep {
		return store.CallMenuStep{Step: 3, Kind: kind, Input: input, Requested: requested, Next: store.NextEnd, At: ended}
	}
	connected := store.CallMenuStep{Step: 2, Kind: store.StepDialed, Next: store.NextConnected, At: ended}
	rows := []struct {
		name    string
		facts   callflow.Facts
		now     time.Time
		outcome store.Outcome
		reason  string
		explain string
		decide  time.Time
	}{
		{"waiting for the step", menuFacts(waiting, false), beforeWait, store.OutcomePending, "", "", due},
		{"step overdue", menuFacts(waiting, false), due.Add(time.Second), store.OutcomeMissed,
			callflow.ReasonMenuTimedOut, "menu main: pressed 2 (emergency) → no further webhook arrived", time.Time{}},
		{"hung up, results may follow", with(menuFacts(waiting, false), func(f *callflow.Facts) {
			f.CallStatus, f.EndedAt = "completed", ended
		}), beforeWait, store.OutcomePending, "", "", afterWait.Add(-time.Second)},
		{"hung up", with(menuFacts(waiting, false), func(f *callflow.Facts) {
			f.CallStatus, f.EndedAt = "completed", ended
		}), afterWait, store.OutcomeMissed, callflow.ReasonHungUpInMenu, "→ the caller hung up", time.Time{}},
		{"earlier step missing", menuFacts(end(store.StepVoicemail, "https://example.com/RE1", false), true), beforeWait,
			store.OutcomePending, "", "", afterWait.Add(-time.Second)},
		{"voicemail", menuFacts(end(store.StepVoicemail, "https://example.com/RE1", false), false), beforeWait,
			store.OutcomeMissed, callflow.ReasonVoicemail, "menu main: pressed 2 (emergency)", time.Time{}},
		{"no message", menuFacts(end(store.StepVoicemail, "", false), false), beforeWait, store.OutcomeMissed,
			callflow.ReasonNoMessage, "", time.Time{}},
		{"booking link", menuFacts(end(store.StepPressed, "1", true), false), beforeWait, store.OutcomeMissed,
			callflow.ReasonSelfServe, "", time.Time{}},
		{"rang out then hung up", menuFacts(end(store.StepDialed, "no-answer", false), false), beforeWait,
			store.OutcomeMissed, callflow.ReasonMenuNoAnswer, "", time.Time{}},
		{"menu hung up", menuFacts(end(store.StepNoInput, "", false), false), beforeWait, store.OutcomeMissed,
			callflow.ReasonMenuEnded, "", time.Time{}},
		{"answered", with(menuFacts(connected, false), func(f *callflow.Facts) {
			f.DialStatus, f.DialDuration, f.DialEndedAt = "completed", 95, ended
		}), beforeWait, store.OutcomeAnswered, "answered", "menu main: pressed 2 (emergency)", time.Time{}},
		{"answered by a machine", with(menuFacts(connected, false), func(f *callflow.Facts) {
			f.AnswerCheck, f.AnsweredBy = provider.AnswerCheckMachine, "machine_end_beep"
			f.DialStatus, f.DialDuration, f.DialEndedAt = "completed", 30, ended
		}), beforeWait, store.OutcomeMissed, "voicemail", "answered by a machine", time.Time{}},
		{"machine result pending", with(menuFacts(connected, false), func(f *callflow.Facts) {
			f.AnswerCheck = provider.AnswerCheckMachine
			f.DialStatus, f.DialDuration, f.DialEndedAt = "completed", 30, ended
		}), beforeWait, store.OutcomePending, "", "", afterWait.Add(-time.Second)},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			v := callflow.Classify(row.facts, row.now)
			if v.Outcome != row.outcome {
				t.Errorf("outcome = %s, want %s (%+v)", v.Outcome, row.outcome, v)
			}
			if v.Reason != row.reason {
				t.Errorf("reason = %q, want %q", v.Reason, row.reason)
			}
			if row.explain != "" && !strings.Contains(v.Explain, row.explain) {
				t.Errorf("explain = %q, want it to contain %q", v.Explain, row.explain)
			}
			if !v.DecideBy.Equal(row.decide) {
				t.Errorf("decide by = %v, want %v", v.DecideBy, row.decide)
			}
		})
	}
}
