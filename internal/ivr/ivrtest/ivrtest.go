// Package ivrtest provides a plumber's phone menu and the scripts that it answers each kind of menu
// webhook with, for the golden-file tests of the provider adapters.
package ivrtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/ivr"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Numbers of the plumber.
const (
	BusinessNumber = "+13125550199"
	OnCall         = "+13125550101"
	FrontDesk      = "+13125550100"
	Caller         = "+12025550143"
	CallID         = "CA00000000000000000000000000000301"
)

// Now is 10:00 on Tuesday 10 March 2026 in Chicago, when the plumber is open.
var Now = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

// Plumber returns a business open on weekdays from 8:00 to 18:00 with a main menu: 1 texts the
// booking link, 2 rings the on-call phone and then the front desk, 3 speaks the hours, 4 rings both
// together and 9 takes a voicemail with a transcript.
func Plumber() store.Business {
	var week hours.Week
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	}
	b := store.Business{
		Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", Hours: week,
		BookingURL: "https://example.com/book/acme", Settings: store.DefaultSettings(),
	}
	b.Settings.IVR = &store.IVR{
		Greeting: "Thanks for calling {business}.", Menu: "main", Speech: true,
		Voicemail: store.VoicemailSettings{MaxLength: 90, Transcribe: true},
		Menus: []store.Menu{{
			ID: "main", Prompt: "For a booking, press 1. For an emergency, press 2. For our hours, press 3.",
			Timeout: 5, Replays: 2, Default: "9",
			Options: []store.MenuOption{
				{Key: "1", Label: "booking", Words: []string{"booking"}, Action: store.ActionBookingLink},
				{Key: "2", Label: "emergency", Words: []string{"emergency", "burst pipe"}, Action: store.ActionRing,
					Say: "Connecting you now.", Ring: []string{OnCall, FrontDesk}, RingOrder: store.RingInOrder, RingSeconds: 20},
				{Key: "3", Label: "hours", Words: []string{"hours"}, Action: store.ActionHours},
				{Key: "4", Label: "office", Action: store.ActionRing, Ring: []string{OnCall, FrontDesk}, RingSeconds: 15},
				{Key: "9", Label: "message", Action: store.ActionVoicemail},
			},
		}},
	}
	return b
}

// Sample is one menu step's script, named for its golden file.
type Sample struct {
	Name   string
	Script provider.Script
}

// Plan returns the call plan that renders the samples, with the callback base of an adapter such
// as "https://hooks.example.com/webhooks/twilio".
func Plan(callbackBase string) provider.CallPlan {
	return provider.CallPlan{CallbackBase: callbackBase, CallID: CallID, Number: BusinessNumber}
}

// Samples returns a script for each kind of menu step, with answer check for the numbers rung.
func Samples(check provider.AnswerCheck) ([]Sample, error) {
	steps := []struct {
		name, state, digits string
		eventType           provider.EventType
	}{
		{"menu-start", "", "", provider.CallIncoming},
		{"menu-press-ring-in-order", "menu=main&step=1", "2", provider.CallMenuInput},
		{"menu-ring-together", "menu=main&step=1", "4", provider.CallMenuInput},
		{"menu-invalid-key", "menu=main&step=1", "7", provider.CallMenuInput},
		{"menu-hours", "menu=main&step=1", "3", provider.CallMenuInput},
		{"menu-booking-link", "menu=main&step=1", "1", provider.CallMenuInput},
		{"menu-no-input-default", "menu=main&step=3&try=3", "", provider.CallMenuInput},
		{"menu-voicemail-end", "menu=main&step=4&option=9", "", provider.CallVoicemail},
	}
	recording := provider.Event{RecordingURL: "https://api.example.com/recordings/RE1", RecordingDuration: 32}
	var out []Sample
	for _, s := range steps {
		req := ivr.Request{
			Business: Plumber(), Number: store.Number{E164: BusinessNumber, AnswerCheck: check}, At: Now,
			Event: provider.Event{Type: s.eventType, CallID: CallID, From: Caller, Digits: s.digits, State: s.state,
				RecordingURL: recording.RecordingURL, RecordingDuration: recording.RecordingDuration},
			Goodbye: "Sorry we missed your call. We'll text you right away.", CallerTextable: true,
		}
		var res ivr.Result
		var err error
		if s.eventType == provider.CallIncoming {
			res, err = ivr.Start(req)
		} else {
			res, err = ivr.Continue(req)
		}
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", s.name, err)
		}
		out = append(out, Sample{Name: s.name, Script: res.Script})
	}
	return out, nil
}

// CheckRenderer renders every sample with renderer and hands each response to check, which compares
// it with its golden file. Samples that ring a number are rendered once more with answering-machine
// detection, under the sample's name with "-machine" added.
func CheckRenderer(t *testing.T, renderer provider.ScriptRenderer, callbackBase string,
	check func(t *testing.T, name string, got provider.Response)) {
	t.Helper()
	for _, answerCheck := range []provider.AnswerCheck{provider.AnswerCheckNone, provider.AnswerCheckMachine} {
		samples, err := Samples(answerCheck)
		if err != nil {
			t.Fatal(err)
		}
		for _, sample := range samples {
			name := sample.Name
			if answerCheck != provider.AnswerCheckNone {
				if !strings.Contains(name, "ring") {
					continue
				}
				name += "-" + string(answerCheck)
			}
			t.Run(name, func(t *testing.T) {
				got, err := renderer.RenderScript(Plan(callbackBase), sample.Script)
				if err != nil {
					t.Fatal(err)
				}
				check(t, name, got)
			})
		}
	}
	gather := provider.Script{provider.Gather{Action: provider.Callback{Route: "menu/unknown"}}}
	if _, err := renderer.RenderScript(Plan(callbackBase), gather); err == nil {
		t.Error("an unknown callback route rendered")
	}
	if _, err := renderer.RenderScript(provider.CallPlan{}, provider.Script{provider.Hangup{}}); err == nil {
		t.Error("a script without a callback base rendered")
	}
}

// CheckMenuRoutes parses a webhook on each of an adapter's menu routes with parse, and checks its
// event type, that its key starts with keyPrefix and names the call and the step, and that the
// business number comes from the callback URL.
func CheckMenuRoutes(t *testing.T, routes map[provider.CallbackRoute]provider.Route, keyPrefix string,
	parse func(route provider.Route, query, body string) (provider.Event, error)) {
	t.Helper()
	types := map[provider.CallbackRoute]provider.EventType{
		provider.CallbackMenu:          provider.CallMenuInput,
		provider.CallbackMenuDial:      provider.CallMenuDialEnded,
		provider.CallbackVoicemail:     provider.CallVoicemail,
		provider.CallbackRecording:     provider.CallRecording,
		provider.CallbackTranscription: provider.CallTranscription,
	}
	if len(routes) != len(types) {
		t.Errorf("%d menu routes, want %d", len(routes), len(types))
	}
	for callback, route := range routes {
		t.Run(string(route), func(t *testing.T) {
			ev, err := parse(route, "menu=main&number=%2B13125550199&step=4", "CallSid=CA1")
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != types[callback] {
				t.Errorf("type = %s, want %s", ev.Type, types[callback])
			}
			if !strings.HasPrefix(ev.Key, keyPrefix) || !strings.Contains(ev.Key, ":CA1:4") {
				t.Errorf("key = %q, want %q, the call and the step", ev.Key, keyPrefix)
			}
			if ev.To != BusinessNumber {
				t.Errorf("to = %q, want the number of the callback URL", ev.To)
			}
		})
	}
}
