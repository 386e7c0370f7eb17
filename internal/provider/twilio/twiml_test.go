package twilio

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/textback/textback/internal/provider"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/twiml")

const callbackBaseURL = "https://hooks.example.com/webhooks/twilio"

// dialPlan returns a plan that rings the owner's cell for 18 s with check.
func dialPlan(check provider.AnswerCheck) provider.CallPlan {
	return provider.CallPlan{
		Dial:         "+13125550123",
		RingSeconds:  18,
		Say:          "Sorry, nobody could take your call. We will text you right away.",
		AnswerCheck:  check,
		ScreenPrompt: "Call for Acme Plumbing. Press 1 to take it.",
		CallbackBase: callbackBaseURL,
		CallID:       parentCallSID,
		CallerID:     "+12025550143",
	}
}

// checkGolden compares a response with the golden file testdata/twiml/<name>.xml.
func checkGolden(t *testing.T, name string, got provider.Response) {
	t.Helper()
	if got.ContentType != "text/xml; charset=utf-8" {
		t.Errorf("content type = %q, want text/xml; charset=utf-8", got.ContentType)
	}
	path := filepath.Join("testdata", "twiml", name+".xml")
	if *update {
		if err := os.WriteFile(path, got.Body, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got.Body, want) {
		t.Errorf("TwiML differs from %s\n got %s\nwant %s", path, got.Body, want)
	}
}

func TestRespondCall(t *testing.T) {
	noDial := dialPlan(provider.AnswerCheckNone)
	noDial.Dial = ""
	silentNoDial := noDial
	silentNoDial.Say = ""
	escaped := noDial
	escaped.Say = `Tom & Jerry's "Shop" <closed>`
	noTimeout := dialPlan(provider.AnswerCheckNone)
	noTimeout.RingSeconds = 0
	noTimeout.CallerID = ""
	slashBase := dialPlan(provider.AnswerCheckMachine)
	slashBase.CallbackBase = "https://hooks.example.com/t&c/webhooks/twilio/"

	tests := []struct {
		name string
		plan provider.CallPlan
	}{
		{"hangup-say", noDial},
		{"hangup", silentNoDial},
		{"hangup-escaped", escaped},
		{"dial-none", dialPlan(provider.AnswerCheckNone)},
		{"dial-unset-check", dialPlan("")},
		{"dial-default-timeout", noTimeout},
		{"dial-machine", dialPlan(provider.AnswerCheckMachine)},
		{"dial-screen", dialPlan(provider.AnswerCheckScreen)},
		{"dial-ampersand-base", slashBase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(Options{}).RespondCall(tt.plan)
			if err != nil {
				t.Fatalf("RespondCall returned error %v", err)
			}
			checkGolden(t, tt.name, got)
		})
	}
}

func TestRespondCallErrors(t *testing.T) {
	noBase := dialPlan(provider.AnswerCheckNone)
	noBase.CallbackBase = ""
	machineNoCall := dialPlan(provider.AnswerCheckMachine)
	machineNoCall.CallID = ""
	screenNoCall := dialPlan(provider.AnswerCheckScreen)
	screenNoCall.CallID = ""

	tests := []struct {
		name string
		plan provider.CallPlan
	}{
		{"no callback base", noBase},
		{"machine without call", machineNoCall},
		{"screen without call", screenNoCall},
		{"unknown answer check", dialPlan("voicemail")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := New(Options{}).RespondCall(tt.plan); err == nil {
				t.Errorf("RespondCall succeeded with %s, want an error", got.Body)
			}
		})
	}
}

func TestRespondEvent(t *testing.T) {
	plan := dialPlan(provider.AnswerCheckScreen)
	silentPlan := plan
	silentPlan.Say = ""
	silentPlan.ScreenPrompt = ""
	eventCallPlan := plan
	eventCallPlan.CallID = ""

	tests := []struct {
		name   string
		golden string
		ev     provider.Event
		plan   provider.CallPlan
	}{
		{"screen prompt", "screen-prompt", provider.Event{Type: provider.CallScreenPrompt, CallID: parentCallSID}, plan},
		{"screen prompt call from event", "screen-prompt",
			provider.Event{Type: provider.CallScreenPrompt, CallID: parentCallSID}, eventCallPlan},
		{"screen prompt silent", "screen-prompt-silent",
			provider.Event{Type: provider.CallScreenPrompt, CallID: parentCallSID}, silentPlan},
		{"screened pressed 1", "empty", provider.Event{Type: provider.CallScreened, Digits: "1"}, plan},
		{"screened pressed 2", "hangup", provider.Event{Type: provider.CallScreened, Digits: "2"}, plan},
		{"screened nothing", "hangup", provider.Event{Type: provider.CallScreened}, plan},
		{"dial completed", "empty", provider.Event{Type: provider.CallDialEnded, DialStatus: "completed"}, plan},
		{"dial answered", "empty", provider.Event{Type: provider.CallDialEnded, DialStatus: "answered"}, plan},
		{"dial no-answer", "hangup-say", provider.Event{Type: provider.CallDialEnded, DialStatus: "no-answer"}, plan},
		{"dial busy", "hangup-say", provider.Event{Type: provider.CallDialEnded, DialStatus: "busy"}, plan},
		{"dial failed", "hangup-say", provider.Event{Type: provider.CallDialEnded, DialStatus: "failed"}, plan},
		{"dial weird status", "hangup-say",
			provider.Event{Type: provider.CallDialEnded, DialStatus: "weird-status"}, plan},
		{"dial busy silent", "hangup", provider.Event{Type: provider.CallDialEnded, DialStatus: "busy"}, silentPlan},
		{"call status", "empty", provider.Event{Type: provider.CallStatus, Status: "completed"}, plan},
		{"call incoming", "empty", provider.Event{Type: provider.CallIncoming}, plan},
		{"machine", "empty", provider.Event{Type: provider.CallMachine, AnsweredBy: "machine_start"}, plan},
		{"sms inbound", "empty", provider.Event{Type: provider.MessageInbound, Body: "STOP"}, plan},
		{"sms status", "empty", provider.Event{Type: provider.MessageStatus, Status: "delivered"}, plan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(Options{}).RespondEvent(tt.ev, tt.plan)
			if err != nil {
				t.Fatalf("RespondEvent returned error %v", err)
			}
			checkGolden(t, tt.golden, got)
		})
	}
}

func TestRespondEventErrors(t *testing.T) {
	noBase := dialPlan(provider.AnswerCheckScreen)
	noBase.CallbackBase = ""
	noCall := dialPlan(provider.AnswerCheckScreen)
	noCall.CallID = ""

	tests := []struct {
		name string
		ev   provider.Event
		plan provider.CallPlan
	}{
		{"no callback base", provider.Event{Type: provider.CallScreenPrompt, CallID: parentCallSID}, noBase},
		{"no call id", provider.Event{Type: provider.CallScreenPrompt}, noCall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := New(Options{}).RespondEvent(tt.ev, tt.plan); err == nil {
				t.Errorf("RespondEvent succeeded with %s, want an error", got.Body)
			}
		})
	}
}
