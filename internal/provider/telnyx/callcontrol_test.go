package telnyx

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// forwardedQuery is the query string of the forwarded-leg route in the tests.
const forwardedQuery = "number=%2B13125550199"

func TestParseCallControl(t *testing.T) {
	at := time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)
	tests := []struct {
		name    string
		route   provider.Route
		query   string
		fixture string
		want    provider.Event
	}{
		{"incoming call", RouteCallControl, "", "cc-initiated-incoming.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000101", Type: provider.CallIncoming, CallID: sessionID,
			From: callerNumber, To: businessPhone, Status: "parked",
			OccurredAt: time.Date(2025, 3, 11, 19, 3, 48, 0, time.UTC),
		}},
		{"caller answered by app", RouteCallControl, "", "cc-answered-caller.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000102", Type: provider.CallStatus, CallID: sessionID,
			From: callerNumber, To: businessPhone, Status: "in-progress", OccurredAt: at,
		}},
		{"caller cancelled", RouteCallControl, "", "cc-hangup-caller-cancel.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000301", Type: provider.CallStatus, CallID: sessionID,
			From: callerNumber, To: businessPhone, Status: "canceled", OccurredAt: at,
		}},
		{"caller hung up", RouteCallControl, "", "cc-hangup-caller-normal.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000302", Type: provider.CallStatus, CallID: sessionID,
			From: callerNumber, To: businessPhone, Status: "completed", OccurredAt: at,
		}},
		{"other event", RouteCallControl, "", "cc-speak-ended.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000501", Type: provider.CallStatus, CallID: sessionID,
			From: callerNumber, To: businessPhone, OccurredAt: at,
		}},
		{"outgoing leg on caller route", RouteCallControl, "", "cc-initiated-outgoing.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000103", Type: provider.CallStatus, CallID: sessionID,
			From: callerNumber, To: ownerPhone, OccurredAt: at,
		}},
		{"forwarded leg started", RouteCallControlForwarded, forwardedQuery, "cc-initiated-outgoing.json",
			provider.Event{
				Key: "cc:00000000-0000-4000-8000-000000000103", Type: provider.CallStatus, CallID: sessionID,
				LegID: ownerLegID, LegOnly: true, To: businessPhone, OccurredAt: at,
			}},
		{"owner answered", RouteCallControlForwarded, forwardedQuery, "cc-answered-owner.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000104", Type: provider.CallDialEnded, CallID: sessionID,
			LegID: ownerLegID, LegOnly: true, To: businessPhone, DialStatus: "answered", OccurredAt: at,
		}},
		{"owner bridged", RouteCallControlForwarded, forwardedQuery, "cc-bridged-owner.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000105", Type: provider.CallDialEnded, CallID: sessionID,
			LegID: ownerLegID, LegOnly: true, To: businessPhone, DialStatus: "answered", OccurredAt: at,
		}},
		{"owner timed out", RouteCallControlForwarded, forwardedQuery, "cc-hangup-owner-timeout.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000303", Type: provider.CallDialEnded, CallID: sessionID,
			LegID: ownerLegID, LegOnly: true, To: businessPhone, DialStatus: "no-answer", OccurredAt: at,
		}},
		{"owner hung up", RouteCallControlForwarded, forwardedQuery, "cc-hangup-owner-normal.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000304", Type: provider.CallDialEnded, CallID: sessionID,
			LegID: ownerLegID, LegOnly: true, To: businessPhone, DialStatus: "completed", OccurredAt: at,
		}},
		{"owner hangup without cause", RouteCallControlForwarded, forwardedQuery, "cc-hangup-owner-no-cause.json",
			provider.Event{
				Key: "cc:00000000-0000-4000-8000-000000000305", Type: provider.CallDialEnded, CallID: sessionID,
				LegID: ownerLegID, LegOnly: true, To: businessPhone, DialStatus: "unspecified", OccurredAt: at,
			}},
		{"forwarded without number", RouteCallControlForwarded, "", "cc-hangup-owner-timeout.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000303", Type: provider.CallDialEnded, CallID: sessionID,
			LegID: ownerLegID, LegOnly: true, DialStatus: "no-answer", OccurredAt: at,
		}},
		{"machine", RouteCallControlForwarded, forwardedQuery, "cc-machine-detection.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000401", Type: provider.CallMachine, CallID: sessionID,
			LegID: ownerLegID, To: businessPhone, AnsweredBy: "machine_start", OccurredAt: at,
		}},
		{"machine on caller route", RouteCallControl, "", "cc-machine-detection.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000401", Type: provider.CallMachine, CallID: sessionID,
			LegID: ownerLegID, AnsweredBy: "machine_start", OccurredAt: at,
		}},
		{"premium human", RouteCallControlForwarded, forwardedQuery, "cc-machine-premium.json", provider.Event{
			Key: "cc:00000000-0000-4000-8000-000000000402", Type: provider.CallMachine, CallID: sessionID,
			LegID: ownerLegID, To: businessPhone, AnsweredBy: "human", OccurredAt: at,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseFixture(t, tt.route, tt.query, tt.fixture); got != tt.want {
				t.Errorf("Parse(%s)\n got %+v\nwant %+v", tt.fixture, got, tt.want)
			}
		})
	}
}

// callEventBody returns a Call Control webhook body of eventType with payload fields.
func callEventBody(t *testing.T, eventType string, payload map[string]any) []byte {
	t.Helper()
	fields := map[string]any{"call_session_id": sessionID, "call_leg_id": ownerLegID}
	for name, value := range payload {
		fields[name] = value
	}
	body, err := json.Marshal(map[string]any{"data": map[string]any{
		"record_type": "event", "event_type": eventType, "id": "00000000-0000-4000-8000-000000000999",
		"occurred_at": "2025-03-11T19:04:10Z", "payload": fields,
	}})
	if err != nil {
		t.Fatalf("encode event: %v", err)
	}
	return body
}

func TestMachineResults(t *testing.T) {
	tests := []struct {
		eventType string
		result    string
		want      string
	}{
		{"call.machine.detection.ended", "human", "human"},
		{"call.machine.detection.ended", "machine", "machine_start"},
		{"call.machine.detection.ended", "not_sure", "unknown"},
		{"call.machine.premium.detection.ended", "human_residence", "human"},
		{"call.machine.premium.detection.ended", "human_business", "human"},
		{"call.machine.premium.detection.ended", "machine", "machine_start"},
		{"call.machine.premium.detection.ended", "silence", "unknown"},
		{"call.machine.premium.detection.ended", "fax_detected", "fax"},
		{"call.machine.premium.detection.ended", "not_sure", "unknown"},
		{"call.machine.detection.ended", "something_new", "something_new"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.eventType+" "+tt.result, func(t *testing.T) {
			body := callEventBody(t, tt.eventType, map[string]any{"result": tt.result})
			ev, err := New(Options{}).Parse(rawWebhook(RouteCallControlForwarded, forwardedQuery, jsonType, body))
			if err != nil {
				t.Fatalf("Parse returned error %v", err)
			}
			if ev.Type != provider.CallMachine {
				t.Errorf("Type = %q, want %q", ev.Type, provider.CallMachine)
			}
			if ev.AnsweredBy != tt.want {
				t.Errorf("AnsweredBy = %q, want %q", ev.AnsweredBy, tt.want)
			}
		})
		covered[tt.result] = true
	}
	for result := range machineResults {
		if !covered[result] {
			t.Errorf("machine result %q has no test row", result)
		}
	}
}

// sequenceStep is one webhook of a recorded Call Control sequence.
type sequenceStep struct {
	Route provider.Route  `json:"route"`
	Query string          `json:"query"`
	Event json.RawMessage `json:"event"`
}

// callFacts gathers what textback's call flow would record from events, the way it applies them:
// the caller's leg status never moves back from a final one, the latest dial result and
// answering-machine result win, and textback rang the business's phone.
func callFacts(events []provider.Event, check provider.AnswerCheck, at time.Time) callflow.Facts {
	facts := callflow.Facts{Handling: store.HandlingDial, AnswerCheck: check}
	final := map[string]bool{"completed": true, "busy": true, "no-answer": true, "failed": true, "canceled": true}
	for _, ev := range events {
		switch ev.Type {
		case provider.CallStatus:
			if ev.Status != "" && !final[facts.CallStatus] {
				facts.CallStatus = ev.Status
				facts.EndedAt = at
			}
		case provider.CallDialEnded:
			facts.DialStatus = ev.DialStatus
			facts.DialEndedAt = at
		case provider.CallMachine:
			facts.AnsweredBy = ev.AnsweredBy
		}
	}
	return facts
}

func TestCallControlSequences(t *testing.T) {
	tests := []struct {
		name        string
		fixture     string
		check       provider.AnswerCheck
		wantTypes   []provider.EventType
		wantOutcome store.Outcome
	}{
		{"owner timed out", "owner-timeout.json", provider.AnswerCheckNone,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus, provider.CallStatus,
				provider.CallDialEnded, provider.CallStatus}, store.OutcomeMissed},
		{"owner busy", "owner-busy.json", provider.AnswerCheckNone,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus, provider.CallStatus,
				provider.CallDialEnded, provider.CallStatus}, store.OutcomeMissed},
		{"owner declined", "owner-declined.json", provider.AnswerCheckNone,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus, provider.CallStatus,
				provider.CallDialEnded, provider.CallStatus}, store.OutcomeMissed},
		{"caller hung up before answer", "caller-hung-up-early.json", provider.AnswerCheckNone,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus}, store.OutcomeMissed},
		{"owner answered", "owner-answered.json", provider.AnswerCheckNone,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus, provider.CallStatus,
				provider.CallDialEnded, provider.CallDialEnded, provider.CallDialEnded, provider.CallStatus},
			store.OutcomeAnswered},
		{"voicemail answered", "owner-voicemail.json", provider.AnswerCheckMachine,
			[]provider.EventType{provider.CallIncoming, provider.CallStatus, provider.CallStatus,
				provider.CallDialEnded, provider.CallMachine, provider.CallDialEnded, provider.CallStatus},
			store.OutcomeMissed},
	}
	at := time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var steps []sequenceStep
			if err := json.Unmarshal(readFixture(t, filepath.Join("sequences", tt.fixture)), &steps); err != nil {
				t.Fatalf("read sequence %s: %v", tt.fixture, err)
			}
			var events []provider.Event
			var types []provider.EventType
			keys := map[string]bool{}
			for i, step := range steps {
				ev, err := New(Options{}).Parse(rawWebhook(step.Route, step.Query, jsonType, step.Event))
				if err != nil {
					t.Fatalf("step %d: Parse returned error %v", i, err)
				}
				if ev.CallID != sessionID {
					t.Errorf("step %d: CallID = %q, want the session %q", i, ev.CallID, sessionID)
				}
				if ev.To != businessPhone {
					t.Errorf("step %d: To = %q, want the business number %q", i, ev.To, businessPhone)
				}
				if keys[ev.Key] {
					t.Errorf("step %d: key %q repeats an earlier event's key", i, ev.Key)
				}
				keys[ev.Key] = true
				events = append(events, ev)
				types = append(types, ev.Type)
			}
			if !slices.Equal(types, tt.wantTypes) {
				t.Errorf("event types = %v, want %v", types, tt.wantTypes)
			}
			verdict := callflow.Classify(callFacts(events, tt.check, at), at.Add(time.Hour))
			if verdict.Outcome != tt.wantOutcome {
				t.Errorf("outcome = %q (%s), want %q", verdict.Outcome, verdict.Explain, tt.wantOutcome)
			}
		})
	}
}
