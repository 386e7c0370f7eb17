package callflow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// ended is when the forwarded leg, or the caller's leg, ended in the cases below.
var ended = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

// Moments relative to ended: inside and past DefaultResultWait.
var (
	beforeWait = ended.Add(5 * time.Second)
	afterWait  = ended.Add(callflow.DefaultResultWait + time.Second)
)

// dialFacts returns the facts of a rung call whose forwarded leg ended with status.
func dialFacts(check provider.AnswerCheck, status string, duration int) callflow.Facts {
	return callflow.Facts{
		Handling: store.HandlingDial, AnswerCheck: check, CallStatus: "in-progress",
		DialStatus: status, DialDuration: duration, RingSeconds: 18, DialEndedAt: ended,
	}
}

// reported returns the facts of a call that a PBX reported with the dial status.
func reported(status string) callflow.Facts {
	return callflow.Facts{
		Handling: callflow.HandlingPBX, AnswerCheck: provider.AnswerCheckNone, DialStatus: status,
		RingSeconds: 18, DialEndedAt: ended,
	}
}

// callerLeg returns the facts of a call with only a status callback of the caller's leg.
func callerLeg(handling store.Handling, status string) callflow.Facts {
	f := callflow.Facts{Handling: handling, AnswerCheck: provider.AnswerCheckNone, CallStatus: status, RingSeconds: 18}
	if status == "completed" {
		f.EndedAt = ended
	}
	return f
}

func with(f callflow.Facts, change func(*callflow.Facts)) callflow.Facts {
	change(&f)
	return f
}

func TestClassify(t *testing.T) {
	rows := []struct {
		name    string
		facts   callflow.Facts
		now     time.Time
		outcome store.Outcome
		reason  string
		explain string    // a part of Verdict.Explain; empty checks nothing
		decide  time.Time // the expected Verdict.DecideBy
	}{
		// Calls that rang nobody.
		{"not rung", callflow.Facts{Handling: store.HandlingNoDial, CallStatus: "ringing"}, afterWait,
			store.OutcomeMissed, "not-rung", "nobody was rung", time.Time{}},
		{"not rung completed", with(callerLeg(store.HandlingNoDial, "completed"), func(f *callflow.Facts) {
			f.DialStatus = "completed"
		}), beforeWait, store.OutcomeMissed, "not-rung", "already unanswered", time.Time{}},

		// Dial results without an answer check.
		{"dial no-answer", dialFacts(provider.AnswerCheckNone, "no-answer", 0), beforeWait,
			store.OutcomeMissed, "no-answer", "no answer within 18 s", time.Time{}},
		{"dial no-answer no ring seconds", with(dialFacts(provider.AnswerCheckNone, "no-answer", 0), func(f *callflow.Facts) {
			f.RingSeconds = 0
		}), beforeWait, store.OutcomeMissed, "no-answer", "no answer", time.Time{}},
		{"dial no-answer upper case", dialFacts(provider.AnswerCheckNone, "No-Answer", 0), beforeWait,
			store.OutcomeMissed, "no-answer", "no answer within 18 s", time.Time{}},
		{"dial busy", dialFacts(provider.AnswerCheckNone, "busy", 0), beforeWait,
			store.OutcomeMissed, "busy", "busy", time.Time{}},
		{"dial failed", dialFacts(provider.AnswerCheckNone, "failed", 0), beforeWait,
			store.OutcomeMissed, "failed", "could not be reached", time.Time{}},
		{"dial canceled", dialFacts(provider.AnswerCheckNone, "canceled", 0), beforeWait,
			store.OutcomeMissed, "canceled", "hung up while the phone rang", time.Time{}},
		{"dial unknown status", dialFacts(provider.AnswerCheckNone, "weird-status", 0), beforeWait,
			store.OutcomeMissed, "unknown-dial-status", `"weird-status"`, time.Time{}},
		{"dial empty-looking status", dialFacts(provider.AnswerCheckNone, " ", 0), beforeWait,
			store.OutcomeMissed, "unknown-dial-status", "counted as missed", time.Time{}},
		{"dial completed no check", dialFacts(provider.AnswerCheckNone, "completed", 95), beforeWait,
			store.OutcomeAnswered, "answered", "answered (95 s)", time.Time{}},
		{"dial answered no check", dialFacts(provider.AnswerCheckNone, "answered", 12), beforeWait,
			store.OutcomeAnswered, "answered", "answered (12 s)", time.Time{}},
		{"dial completed unset check", dialFacts("", "completed", 7), beforeWait,
			store.OutcomeAnswered, "answered", "answered (7 s)", time.Time{}},
		{"dial result beats caller leg", with(dialFacts(provider.AnswerCheckNone, "completed", 40), func(f *callflow.Facts) {
			f.CallStatus = "no-answer"
		}), beforeWait, store.OutcomeAnswered, "answered", "answered (40 s)", time.Time{}},
		{"machine result ignored without check", with(dialFacts(provider.AnswerCheckNone, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "machine_end_beep"
		}), beforeWait, store.OutcomeAnswered, "answered", "answered (31 s)", time.Time{}},

		// Answering-machine detection on a completed forwarded leg.
		{"machine human", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "human"
		}), beforeWait, store.OutcomeAnswered, "answered", "answered by a person (31 s)", time.Time{}},
		{"machine start", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "machine_start"
		}), beforeWait, store.OutcomeMissed, "voicemail", "answered by a machine (machine_start)", time.Time{}},
		{"machine end beep", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "machine_end_beep"
		}), beforeWait, store.OutcomeMissed, "voicemail", "(machine_end_beep)", time.Time{}},
		{"machine end silence", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "machine_end_silence"
		}), beforeWait, store.OutcomeMissed, "voicemail", "(machine_end_silence)", time.Time{}},
		{"machine end other", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "machine_end_other"
		}), beforeWait, store.OutcomeMissed, "voicemail", "(machine_end_other)", time.Time{}},
		{"machine fax", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "fax"
		}), beforeWait, store.OutcomeMissed, "voicemail", "(fax)", time.Time{}},
		{"machine unknown", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.AnsweredBy = "unknown"
		}), beforeWait, store.OutcomeMissed, "machine-unsure", `"unknown"`, time.Time{}},
		{"machine missing before deadline", dialFacts(provider.AnswerCheckMachine, "completed", 31), beforeWait,
			store.OutcomePending, "", "", ended.Add(callflow.DefaultResultWait)},
		{"machine missing at deadline", dialFacts(provider.AnswerCheckMachine, "completed", 31), ended.Add(callflow.DefaultResultWait),
			store.OutcomeMissed, "machine-result-missing", "no answering-machine result", time.Time{}},
		{"machine missing after deadline", dialFacts(provider.AnswerCheckMachine, "completed", 31), afterWait,
			store.OutcomeMissed, "machine-result-missing", "no person is known to have answered", time.Time{}},
		{"machine missing shorter wait", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.ResultWait = 2 * time.Second
		}), beforeWait, store.OutcomeMissed, "machine-result-missing", "", time.Time{}},
		{"machine missing longer wait", with(dialFacts(provider.AnswerCheckMachine, "completed", 31), func(f *callflow.Facts) {
			f.ResultWait = time.Minute
		}), afterWait, store.OutcomePending, "", "", ended.Add(time.Minute)},
		{"machine before dial result", with(callerLeg(store.HandlingDial, "in-progress"), func(f *callflow.Facts) {
			f.AnswerCheck, f.AnsweredBy = provider.AnswerCheckMachine, "machine_end_beep"
		}), beforeWait, store.OutcomeMissed, "voicemail", "(machine_end_beep)", time.Time{}},
		{"human before dial result", with(callerLeg(store.HandlingDial, "in-progress"), func(f *callflow.Facts) {
			f.AnswerCheck, f.AnsweredBy = provider.AnswerCheckMachine, "human"
		}), afterWait, store.OutcomePending, "", "", time.Time{}},
		{"human then dial no-answer", with(dialFacts(provider.AnswerCheckMachine, "no-answer", 0), func(f *callflow.Facts) {
			f.AnsweredBy = "human"
		}), beforeWait, store.OutcomeMissed, "no-answer", "no answer within 18 s", time.Time{}},

		// Call screening on a completed forwarded leg.
		{"screen digit 1", with(dialFacts(provider.AnswerCheckScreen, "completed", 42), func(f *callflow.Facts) {
			f.Screened, f.Digits = true, "1"
		}), beforeWait, store.OutcomeAnswered, "answered", "taken after screening (42 s)", time.Time{}},
		{"screen other digit", with(dialFacts(provider.AnswerCheckScreen, "completed", 42), func(f *callflow.Facts) {
			f.Screened, f.Digits = true, "2"
		}), beforeWait, store.OutcomeMissed, "screen-declined", "not accepted", time.Time{}},
		{"screen several digits", with(dialFacts(provider.AnswerCheckScreen, "completed", 42), func(f *callflow.Facts) {
			f.Screened, f.Digits = true, "11"
		}), beforeWait, store.OutcomeMissed, "screen-declined", "not accepted", time.Time{}},
		{"screen empty", with(dialFacts(provider.AnswerCheckScreen, "completed", 42), func(f *callflow.Facts) {
			f.Screened, f.Digits = true, ""
		}), beforeWait, store.OutcomeMissed, "screen-declined", "not accepted", time.Time{}},
		{"screen missing before deadline", dialFacts(provider.AnswerCheckScreen, "completed", 42), beforeWait,
			store.OutcomePending, "", "", ended.Add(callflow.DefaultResultWait)},
		{"screen missing after deadline", dialFacts(provider.AnswerCheckScreen, "completed", 42), afterWait,
			store.OutcomeMissed, "screen-no-response", "nobody pressed 1", time.Time{}},
		{"screen digits ignored by machine check", with(dialFacts(provider.AnswerCheckMachine, "completed", 42), func(f *callflow.Facts) {
			f.Screened, f.Digits = true, "1"
		}), afterWait, store.OutcomeMissed, "machine-result-missing", "", time.Time{}},

		// Calls a PBX reported once they ended: decided at once, never waiting for a result.
		{"pbx no-answer", reported("no-answer"), ended,
			store.OutcomeMissed, "no-answer", "no answer, as the PBX reported", time.Time{}},
		{"pbx busy", reported("busy"), ended,
			store.OutcomeMissed, "busy", "the line was busy, as the PBX reported", time.Time{}},
		{"pbx failed", reported("failed"), ended,
			store.OutcomeMissed, "failed", "the call failed, as the PBX reported", time.Time{}},
		{"pbx voicemail", reported("voicemail"), ended,
			store.OutcomeMissed, "voicemail", "the business's voicemail took the call", time.Time{}},
		{"pbx answered", reported("completed"), ended,
			store.OutcomeAnswered, "answered", "answered, as the PBX reported", time.Time{}},
		{"pbx answered with machine check", with(reported("completed"), func(f *callflow.Facts) {
			f.AnswerCheck = provider.AnswerCheckMachine
		}), ended, store.OutcomeAnswered, "answered", "answered, as the PBX reported", time.Time{}},
		{"pbx unknown status", reported("transferred"), ended,
			store.OutcomeMissed, "unknown-dial-status", `"transferred"`, time.Time{}},

		// Only the caller's leg reported.
		{"caller no-answer", callerLeg(store.HandlingDial, "no-answer"), beforeWait,
			store.OutcomeMissed, "no-answer", "the call was not answered", time.Time{}},
		{"caller busy", callerLeg(store.HandlingDial, "busy"), beforeWait,
			store.OutcomeMissed, "busy", "the line was busy", time.Time{}},
		{"caller failed", callerLeg(store.HandlingDial, "failed"), beforeWait,
			store.OutcomeMissed, "failed", "the call failed", time.Time{}},
		{"caller canceled", callerLeg(store.HandlingDial, "canceled"), beforeWait,
			store.OutcomeMissed, "canceled", "hung up before an answer", time.Time{}},
		{"unobserved no-answer", callerLeg(store.HandlingUnobserved, "no-answer"), beforeWait,
			store.OutcomeMissed, "no-answer", "the call was not answered", time.Time{}},
		{"dialled completed before wait", callerLeg(store.HandlingDial, "completed"), beforeWait,
			store.OutcomePending, "", "", ended.Add(callflow.DefaultResultWait)},
		{"dialled completed after wait", callerLeg(store.HandlingDial, "completed"), afterWait,
			store.OutcomeMissed, "hung-up", "before the forwarded phone's result arrived", time.Time{}},
		{"unobserved completed before wait", callerLeg(store.HandlingUnobserved, "completed"), beforeWait,
			store.OutcomePending, "", "", ended.Add(callflow.DefaultResultWait)},
		{"unobserved completed after wait", callerLeg(store.HandlingUnobserved, "completed"), afterWait,
			store.OutcomeAnswered, "completed", "did not route this call", time.Time{}},
		{"caller ringing", callerLeg(store.HandlingDial, "ringing"), afterWait,
			store.OutcomePending, "", "", time.Time{}},
		{"caller in-progress", callerLeg(store.HandlingDial, "in-progress"), afterWait,
			store.OutcomePending, "", "", time.Time{}},
		{"caller queued", callerLeg(store.HandlingUnobserved, "queued"), afterWait,
			store.OutcomePending, "", "", time.Time{}},
		{"no status yet", callerLeg(store.HandlingDial, ""), afterWait,
			store.OutcomePending, "", "", time.Time{}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got := callflow.Classify(row.facts, row.now)
			if got.Outcome != row.outcome {
				t.Errorf("outcome = %q, want %q (verdict %+v)", got.Outcome, row.outcome, got)
			}
			if got.Reason != row.reason {
				t.Errorf("reason = %q, want %q", got.Reason, row.reason)
			}
			if !strings.Contains(got.Explain, row.explain) {
				t.Errorf("explanation %q does not contain %q", got.Explain, row.explain)
			}
			if row.outcome != store.OutcomePending && got.Explain == "" {
				t.Errorf("decided verdict has no explanation for the decision record")
			}
			if !got.DecideBy.Equal(row.decide) {
				t.Errorf("decide by = %v, want %v", got.DecideBy, row.decide)
			}
		})
	}
}

func TestSplitRoute(t *testing.T) {
	rows := []struct {
		stored string
		path   string
		route  provider.Route
	}{
		{"twilio/voice/dial", "twilio", "voice/dial"},
		{"twilio/voice/screen/result", "twilio", "voice/screen/result"},
		{"twilio/voice", "twilio", "voice"},
		{"twilio/sms", "twilio", "sms"},
		{"twilio", "twilio", ""},
		{"twilio/", "twilio", ""},
		{"/voice", "", "voice"},
		{"", "", ""},
	}
	for _, row := range rows {
		t.Run(row.stored, func(t *testing.T) {
			path, route := callflow.SplitRoute(row.stored)
			if path != row.path {
				t.Errorf("path = %q, want %q", path, row.path)
			}
			if route != row.route {
				t.Errorf("route = %q, want %q", route, row.route)
			}
		})
	}
}
