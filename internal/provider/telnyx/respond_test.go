package telnyx

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/textback/textback/internal/provider"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/texml")

const callbackBaseURL = "https://hooks.example.com/webhooks/telnyx"

// dialPlan returns a plan that rings the owner's cell for 18 s with check.
func dialPlan(check provider.AnswerCheck) provider.CallPlan {
	return provider.CallPlan{
		Dial:         ownerPhone,
		RingSeconds:  18,
		Say:          "Sorry, nobody could take your call. We will text you right away.",
		AnswerCheck:  check,
		ScreenPrompt: "Call for Acme Plumbing. Press 1 to take it.",
		CallbackBase: callbackBaseURL,
		CallID:       parentCallSID,
		CallerID:     callerNumber,
		Number:       businessPhone,
	}
}

// checkGolden compares a TeXML response with the golden file testdata/texml/<name>.xml and checks
// that it is well-formed XML.
func checkGolden(t *testing.T, name string, got provider.Response) {
	t.Helper()
	if got.ContentType != "text/xml; charset=utf-8" {
		t.Errorf("content type = %q, want text/xml; charset=utf-8", got.ContentType)
	}
	if err := checkWellFormed(got.Body); err != nil {
		t.Errorf("TeXML is not well-formed XML: %v\n%s", err, got.Body)
	}
	path := filepath.Join("testdata", "texml", name+".xml")
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
		t.Errorf("TeXML differs from %s\n got %s\nwant %s", path, got.Body, want)
	}
}

// checkWellFormed reads every token of an XML document.
func checkWellFormed(doc []byte) error {
	decoder := xml.NewDecoder(bytes.NewReader(doc))
	for {
		if _, err := decoder.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
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
	longTimeout := dialPlan(provider.AnswerCheckNone)
	longTimeout.RingSeconds = 300
	shortTimeout := dialPlan(provider.AnswerCheckNone)
	shortTimeout.RingSeconds = 2
	slashBase := dialPlan(provider.AnswerCheckMachine)
	slashBase.CallbackBase = "https://hooks.example.com/t&c/webhooks/telnyx/"
	noNumber := dialPlan(provider.AnswerCheckScreen)
	noNumber.Number = ""

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
		{"dial-long-timeout", longTimeout},
		{"dial-short-timeout", shortTimeout},
		{"dial-machine", dialPlan(provider.AnswerCheckMachine)},
		{"dial-screen", dialPlan(provider.AnswerCheckScreen)},
		{"dial-screen-no-number", noNumber},
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

// texmlEvent returns an event of eventType as a TeXML route's parser returns it.
func texmlEvent(eventType provider.EventType) provider.Event {
	return provider.Event{Key: "texml:test:" + parentCallSID, Type: eventType, CallID: parentCallSID}
}

func TestRespondEvent(t *testing.T) {
	plan := dialPlan(provider.AnswerCheckScreen)
	silentPlan := plan
	silentPlan.Say = ""
	silentPlan.ScreenPrompt = ""
	eventCallPlan := plan
	eventCallPlan.CallID = ""
	eventCallPlan.Number = ""
	withDigits := func(digits string) provider.Event {
		ev := texmlEvent(provider.CallScreened)
		ev.Digits = digits
		return ev
	}
	withDialStatus := func(status string) provider.Event {
		ev := texmlEvent(provider.CallDialEnded)
		ev.DialStatus = status
		return ev
	}
	screenFromEvent := texmlEvent(provider.CallScreenPrompt)
	screenFromEvent.To = businessPhone

	tests := []struct {
		name   string
		golden string
		ev     provider.Event
		plan   provider.CallPlan
	}{
		{"screen prompt", "screen-prompt", texmlEvent(provider.CallScreenPrompt), plan},
		{"screen prompt call from event", "screen-prompt", screenFromEvent, eventCallPlan},
		{"screen prompt silent", "screen-prompt-silent", texmlEvent(provider.CallScreenPrompt), silentPlan},
		{"screened pressed 1", "empty", withDigits("1"), plan},
		{"screened pressed 2", "hangup", withDigits("2"), plan},
		{"screened nothing", "hangup", withDigits(""), plan},
		{"dial completed", "empty", withDialStatus("completed"), plan},
		{"dial answered", "empty", withDialStatus("answered"), plan},
		{"dial no-answer", "hangup-say", withDialStatus("no-answer"), plan},
		{"dial busy", "hangup-say", withDialStatus("busy"), plan},
		{"dial canceled", "hangup-say", withDialStatus("canceled"), plan},
		{"dial weird status", "hangup-say", withDialStatus("weird-status"), plan},
		{"dial busy silent", "hangup", withDialStatus("busy"), silentPlan},
		{"call status", "empty", texmlEvent(provider.CallStatus), plan},
		{"call incoming", "empty", texmlEvent(provider.CallIncoming), plan},
		{"machine", "empty", texmlEvent(provider.CallMachine), plan},
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

func TestRespondEventJSON(t *testing.T) {
	plan := dialPlan(provider.AnswerCheckScreen)
	tests := []struct {
		name string
		ev   provider.Event
	}{
		{"call control dial ended", provider.Event{Key: "cc:e1", Type: provider.CallDialEnded, DialStatus: "busy"}},
		{"call control status", provider.Event{Key: "cc:e2", Type: provider.CallStatus, Status: "completed"}},
		{"call control machine", provider.Event{Key: "cc:e3", Type: provider.CallMachine, AnsweredBy: "human"}},
		{"inbound text", provider.Event{Key: "msg:e4", Type: provider.MessageInbound, Body: "STOP"}},
		{"delivery report", provider.Event{Key: "msg:e5", Type: provider.MessageStatus, Status: "delivered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(Options{}).RespondEvent(tt.ev, plan)
			if err != nil {
				t.Fatalf("RespondEvent returned error %v", err)
			}
			if got.ContentType != "application/json" {
				t.Errorf("content type = %q, want application/json", got.ContentType)
			}
			if string(got.Body) != "{}" {
				t.Errorf("body = %q, want {}", got.Body)
			}
		})
	}
}

func TestRespondEventErrors(t *testing.T) {
	noBase := dialPlan(provider.AnswerCheckScreen)
	noBase.CallbackBase = ""
	noCall := dialPlan(provider.AnswerCheckScreen)
	noCall.CallID = ""
	eventWithoutCall := texmlEvent(provider.CallScreenPrompt)
	eventWithoutCall.CallID = ""

	tests := []struct {
		name string
		ev   provider.Event
		plan provider.CallPlan
	}{
		{"no callback base", texmlEvent(provider.CallScreenPrompt), noBase},
		{"no call id", eventWithoutCall, noCall},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := New(Options{}).RespondEvent(tt.ev, tt.plan); err == nil {
				t.Errorf("RespondEvent succeeded with %s, want an error", got.Body)
			}
		})
	}
}
