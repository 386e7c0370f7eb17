package ivr

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

const (
	testNumber = "+13125550199"
	onCall     = "+13125550101"
	frontDesk  = "+13125550100"
)

// tuesdayMorning is 10:00 on a Tuesday in Chicago, when the plumber is open.
var tuesdayMorning = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

// plumber returns a business with a main menu, an after-hours menu and a closure.
func plumber() store.Business {
	var week hours.Week
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	}
	b := store.Business{
		Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", Hours: week,
		BookingURL: "https://example.com/book/acme", Settings: store.DefaultSettings(),
	}
	b.Settings.IVR = &store.IVR{
		Greeting: "Thanks for calling {business}.", Menu: "main", AfterHoursMenu: "closed", Speech: true,
		Closures:  []store.Closure{{From: "2026-12-24", To: "2026-12-26", Label: "Christmas"}},
		Voicemail: store.VoicemailSettings{MaxLength: 90, Transcribe: true},
		Menus: []store.Menu{
			{ID: "main", Prompt: "For a booking, press 1. For an emergency, press 2. For our hours, press 3.",
				Timeout: 5, Replays: 2, Default: "9", Options: []store.MenuOption{
					{Key: "1", Label: "booking", Words: []string{"booking", "appointment"}, Action: store.ActionBookingLink},
					{Key: "2", Label: "emergency", Words: []string{"emergency", "burst pipe"}, Action: store.ActionRing,
						Say: "Connecting you to our on-call technician.", Ring: []string{onCall, frontDesk},
						RingOrder: store.RingInOrder, RingSeconds: 20,
						TextBack: "You pressed 2 for an emergency: reply URGENT and the on-call tech will call you back."},
					{Key: "3", Label: "hours", Words: []string{"hours"}, Action: store.ActionHours},
					{Key: "9", Label: "message", Action: store.ActionVoicemail},
				}},
			{ID: "closed", Prompt: "We're closed. For an emergency, press 2.", Timeout: 5, Replays: 1,
				Options: []store.MenuOption{
					{Key: "2", Label: "emergency", Action: store.ActionRing, Ring: []string{onCall}, RingSeconds: 25,
						Then: "hangup"},
				}},
		},
	}
	return b
}

func request(b store.Business, ev provider.Event) Request {
	return Request{
		Business: b, Number: store.Number{E164: testNumber, AnswerCheck: provider.AnswerCheckNone}, Event: ev,
		At: tuesdayMorning, Goodbye: "Sorry we missed your call. We'll text you right away.", CallerTextable: true,
	}
}

// menuEvent returns an event of the given type at the callback query.
func menuEvent(eventType provider.EventType, query string, fields ...string) provider.Event {
	ev := provider.Event{Type: eventType, CallID: "CA1", From: "+12025550143", To: testNumber, State: query}
	for i := 0; i+1 < len(fields); i += 2 {
		switch fields[i] {
		case "Digits":
			ev.Digits = fields[i+1]
		case "Speech":
			ev.Speech = fields[i+1]
		case "DialStatus":
			ev.DialStatus = fields[i+1]
		case "RecordingURL":
			ev.RecordingURL = fields[i+1]
		}
	}
	return ev
}

func mustContinue(t *testing.T, req Request) Result {
	t.Helper()
	res, err := Continue(req)
	if err != nil {
		t.Fatalf("Continue: %v", err)
	}
	return res
}

func menuCallback(query string) provider.Callback {
	q, _ := url.ParseQuery(query)
	return provider.Callback{Route: provider.CallbackMenu, Query: q}
}

func TestStartOpenHours(t *testing.T) {
	res, err := Start(request(plumber(), provider.Event{Type: provider.CallIncoming, CallID: "CA1"}))
	if err != nil {
		t.Fatal(err)
	}
	action := menuCallback("menu=main&step=1&number=%2B13125550199")
	want := provider.Script{
		provider.Gather{Action: action, Prompt: []string{"Thanks for calling Acme Plumbing.",
			"For a booking, press 1. For an emergency, press 2. For our hours, press 3."}, Timeout: 5,
			Speech: true, Hints: []string{"booking", "appointment", "emergency", "burst pipe", "hours"}},
		provider.Redirect{Target: action},
	}
	if !reflect.DeepEqual(res.Script, want) {
		t.Errorf("script =\n%#v\nwant\n%#v", res.Script, want)
	}
	if res.Step.Step != 0 || res.Step.Kind != store.StepEntered || res.Step.Detail != "menu main" {
		t.Errorf("step = %+v, want step 0 entering menu main", res.Step)
	}
	if res.Step.Next != store.NextGather {
		t.Errorf("next = %s, want gather", res.Step.Next)
	}
	if res.Step.ExpectBy.Sub(tuesdayMorning) < stepGrace+5*time.Second {
		t.Errorf("expect by %v is before the prompt and the timeout can end", res.Step.ExpectBy)
	}
}

func TestFirstMenu(t *testing.T) {
	b := plumber()
	b.Settings.IVR.Numbers = map[string]store.NumberMenus{"+13125550198": {Off: true},
		"+13125550197": {Menu: "closed"}}
	tests := []struct {
		name, number string
		at           time.Time
		wantID       string
		wantWhy      string
		wantOK       bool
	}{
		{"open", testNumber, tuesdayMorning, "main", "", true},
		{"evening", testNumber, time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC), "closed", "after hours", true},
		{"closure", testNumber, time.Date(2026, 12, 24, 16, 0, 0, 0, time.UTC), "closed", "closed: Christmas", true},
		{"number off", "+13125550198", tuesdayMorning, "", "", false},
		{"number menu", "+13125550197", tuesdayMorning, "closed", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, why, ok := FirstMenu(b, tt.number, tt.at)
			if id != tt.wantID || why != tt.wantWhy || ok != tt.wantOK {
				t.Errorf("FirstMenu = %q, %q, %v, want %q, %q, %v", id, why, ok, tt.wantID, tt.wantWhy, tt.wantOK)
			}
		})
	}
	b.Settings.IVR = nil
	if _, err := Start(request(b, provider.Event{Type: provider.CallIncoming})); !errors.Is(err, ErrNoMenu) {
		t.Errorf("Start without a menu: error %v, want ErrNoMenu", err)
	}
}

func TestPressRingsInOrder(t *testing.T) {
	res := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=1", "Digits", "2")))
	dialAction := provider.Callback{Route: provider.CallbackMenuDial, Query: url.Values{
		"menu": {"main"}, "step": {"2"}, "option": {"2"}, "number": {testNumber}}}
	want := provider.Script{
		provider.Say{Text: "Connecting you to our on-call technician."},
		provider.Dial{Action: dialAction, Numbers: []string{onCall}, RingSeconds: 20, AnswerCheck: provider.AnswerCheckNone},
	}
	if !reflect.DeepEqual(res.Script, want) {
		t.Errorf("script =\n%#v\nwant\n%#v", res.Script, want)
	}
	step := res.Step
	if step.Step != 1 || step.Kind != store.StepPressed || step.Option != "2" || step.Label != "emergency" {
		t.Errorf("step = %+v, want step 1 pressing option 2", step)
	}
	if step.Detail != "pressed 2 (emergency)" {
		t.Errorf("detail = %q", step.Detail)
	}
	if !strings.HasPrefix(step.TextBack, "You pressed 2 for an emergency") || step.Requested {
		t.Errorf("text back = %q, requested %v", step.TextBack, step.Requested)
	}
	if step.Next != store.NextDial {
		t.Errorf("next = %s, want dial", step.Next)
	}
}

func TestDialEndedGoesOn(t *testing.T) {
	first := mustContinue(t, request(plumber(),
		menuEvent(provider.CallMenuDialEnded, "menu=main&step=2&option=2", "DialStatus", "no-answer")))
	dial, ok := first.Script[0].(provider.Dial)
	if !ok || len(first.Script) != 1 {
		t.Fatalf("script = %#v, want one Dial of the next number", first.Script)
	}
	if !reflect.DeepEqual(dial.Numbers, []string{frontDesk}) || dial.Action.Query.Get("target") != "1" ||
		dial.Action.Query.Get("step") != "3" {
		t.Errorf("dial = %#v, want the front desk at step 3, target 1", dial)
	}
	if first.Step.Detail != "rang "+onCall+": no answer within 20 s → next number" {
		t.Errorf("detail = %q", first.Step.Detail)
	}

	last := mustContinue(t, request(plumber(),
		menuEvent(provider.CallMenuDialEnded, "menu=main&step=3&option=2&target=1", "DialStatus", "busy")))
	if last.Step.Next != store.NextRecord || last.Step.Detail != "rang "+frontDesk+": busy → voicemail" {
		t.Errorf("step = %+v, want voicemail after the last number", last.Step)
	}
	record, ok := last.Script[1].(provider.Record)
	if !ok {
		t.Fatalf("script = %#v, want Say, Record, Redirect", last.Script)
	}
	if record.MaxLength != 90 || record.Transcription == nil || record.Transcription.Route != provider.CallbackTranscription {
		t.Errorf("record = %#v, want 90 s with a transcription callback", record)
	}
	if record.Action.Query.Get("step") != "4" || record.Recording.Query.Get("step") != "4" {
		t.Errorf("record callbacks %v and %v, want step 4", record.Action.Query, record.Recording.Query)
	}
	if redirect, ok := last.Script[2].(provider.Redirect); !ok || !reflect.DeepEqual(redirect.Target, record.Action) {
		t.Errorf("script ends with %#v, want a Redirect to the Record action", last.Script[2])
	}

	answered := mustContinue(t, request(plumber(),
		menuEvent(provider.CallMenuDialEnded, "menu=main&step=2&option=2", "DialStatus", "completed")))
	if len(answered.Script) != 0 || answered.Step.Next != store.NextConnected {
		t.Errorf("answered: script %#v, step %+v, want nothing more", answered.Script, answered.Step)
	}
	if !answered.Step.ExpectBy.IsZero() {
		t.Errorf("answered: expect by %v, want zero", answered.Step.ExpectBy)
	}
}

func TestScreenDeclinedIsUnanswered(t *testing.T) {
	req := request(plumber(), menuEvent(provider.CallMenuDialEnded, "menu=closed&step=2&option=2", "DialStatus", "completed"))
	req.ScreenDeclined = true
	res := mustContinue(t, req)
	if res.Step.Next != store.NextEnd || !strings.Contains(res.Step.Detail, "screening prompt was not accepted → hung up") {
		t.Errorf("step = %+v, want hung up after the declined prompt", res.Step)
	}
	want := provider.Script{provider.Say{Text: "Sorry we missed your call. We'll text you right away."}, provider.Hangup{}}
	if !reflect.DeepEqual(res.Script, want) {
		t.Errorf("script = %#v", res.Script)
	}
}

func TestReplaysThenDefault(t *testing.T) {
	invalid := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=1", "Digits", "7")))
	gather, ok := invalid.Script[0].(provider.Gather)
	if !ok {
		t.Fatalf("script = %#v, want a Gather", invalid.Script)
	}
	if gather.Prompt[0] != DefaultInvalidMessage || gather.Action.Query.Get("try") != "2" {
		t.Errorf("gather = %#v, want the invalid message and try 2", gather)
	}
	if invalid.Step.Kind != store.StepInvalid || invalid.Step.Detail != "pressed 7 (not an option), menu played again" {
		t.Errorf("step = %+v", invalid.Step)
	}

	silent := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=2&try=2")))
	if g := silent.Script[0].(provider.Gather); g.Prompt[0] != DefaultNoInputMessage || g.Action.Query.Get("try") != "3" {
		t.Errorf("no input: gather = %#v, want the no-input message and try 3", g)
	}

	out := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=3&try=3")))
	if out.Step.Detail != "no input → default 9 (message)" || out.Step.Option != "9" {
		t.Errorf("step = %+v, want the default option 9", out.Step)
	}
	if out.Step.Next != store.NextRecord {
		t.Errorf("next = %s, want record", out.Step.Next)
	}

	noDefault := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=closed&step=2&try=2")))
	if noDefault.Step.Next != store.NextEnd || noDefault.Step.Detail != "no input → hung up" {
		t.Errorf("without a default: step %+v, want hung up", noDefault.Step)
	}
}

func TestSpeechChoosesOption(t *testing.T) {
	tests := []struct {
		said, want string
	}{
		{"I have a burst pipe!", "2"},
		{"Emergency.", "2"},
		{"option three please", "3"},
		{"booking or hours", ""},
		{"pizza", ""},
		{"burst", ""},
	}
	menu, _ := plumber().Settings.IVR.MenuByID("main")
	for _, tt := range tests {
		option, ok := matchSpeech(menu, tt.said)
		if got := option.Key; got != tt.want || ok != (tt.want != "") {
			t.Errorf("matchSpeech(%q) = %q, %v, want %q", tt.said, got, ok, tt.want)
		}
	}
	res := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=1", "Speech", "Emergency.")))
	if res.Step.Kind != store.StepSaid || res.Step.Detail != `said "Emergency." (emergency)` {
		t.Errorf("step = %+v", res.Step)
	}
	b := plumber()
	b.Settings.IVR.Speech = false
	ignored := mustContinue(t, request(b, menuEvent(provider.CallMenuInput, "menu=main&step=1", "Speech", "emergency")))
	if ignored.Step.Kind != store.StepNoInput {
		t.Errorf("speech with speech off: kind %s, want no-input", ignored.Step.Kind)
	}
}

func TestBookingLink(t *testing.T) {
	res := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=1", "Digits", "1")))
	want := provider.Script{provider.Say{Text: DefaultBookingSay}, provider.Hangup{}}
	if !reflect.DeepEqual(res.Script, want) {
		t.Errorf("script = %#v", res.Script)
	}
	if !res.Step.Requested || res.Step.TextBack != DefaultBookingText || res.Step.Next != store.NextEnd {
		t.Errorf("step = %+v, want the requested booking text and the end", res.Step)
	}

	req := request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=1", "Digits", "1"))
	req.CallerTextable = false
	withheld := mustContinue(t, req)
	if withheld.Step.Requested || !strings.Contains(withheld.Step.Detail, "cannot be texted") {
		t.Errorf("withheld caller: step %+v, want no promise", withheld.Step)
	}
	if say := withheld.Script[0].(provider.Say); say.Text != noTextMessage {
		t.Errorf("withheld caller hears %q", say.Text)
	}
}

func TestHoursThenMenu(t *testing.T) {
	res := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=4", "Digits", "3")))
	gather, ok := res.Script[0].(provider.Gather)
	if !ok {
		t.Fatalf("script = %#v, want a Gather", res.Script)
	}
	wantHours := "We're open now until 6 PM. We're open Monday to Friday from 8 AM to 6 PM. " +
		"We're closed on Saturday and Sunday."
	if gather.Prompt[0] != wantHours {
		t.Errorf("hours =\n%q\nwant\n%q", gather.Prompt[0], wantHours)
	}
	if gather.Action.Query.Get("menu") != "main" || gather.Action.Query.Get("step") != "5" {
		t.Errorf("gather action %v, want menu main at step 5", gather.Action.Query)
	}
	if res.Step.Detail != "pressed 3 (hours) → menu main" {
		t.Errorf("detail = %q", res.Step.Detail)
	}
}

func TestHoursMessageClosures(t *testing.T) {
	b := plumber()
	christmasEve := time.Date(2026, 12, 24, 16, 0, 0, 0, time.UTC)
	got := nowSentence(b, christmasEve)
	want := "We're closed today for Christmas. We open again Monday at 8:00 AM."
	if got != want {
		t.Errorf("nowSentence = %q, want %q", got, want)
	}
	allDay := plumber()
	for day := range allDay.Hours {
		allDay.Hours[day] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	if got := nowSentence(allDay, tuesdayMorning); got != "We're open now." {
		t.Errorf("open all week: %q", got)
	}
	evening := plumber()
	evening.Hours[time.Tuesday] = []hours.Range{{Start: 8 * 60, End: 24 * 60}}
	if got := nowSentence(evening, tuesdayMorning); got != "We're open now until midnight." {
		t.Errorf("open until midnight: %q", got)
	}
	friday := time.Date(2026, 3, 13, 23, 30, 0, 0, time.UTC)
	if got := nowSentence(b, friday); got != "We're closed now. We open again Monday at 8:00 AM." {
		t.Errorf("Friday evening: %q", got)
	}
}

func TestVoicemailEnded(t *testing.T) {
	ev := menuEvent(provider.CallVoicemail, "menu=main&step=4&option=9")
	ev.RecordingURL, ev.RecordingDuration = "https://api.example.com/RE1", 32
	done := mustContinue(t, request(plumber(), ev))
	if done.Step.Detail != "left a voicemail (32 s)" || done.Step.Next != store.NextEnd || done.Step.Step != 4 {
		t.Errorf("step = %+v", done.Step)
	}
	want := provider.Script{provider.Say{Text: DefaultVoicemailGoodbye}, provider.Hangup{}}
	if !reflect.DeepEqual(done.Script, want) {
		t.Errorf("script = %#v", done.Script)
	}
	empty := mustContinue(t, request(plumber(), menuEvent(provider.CallVoicemail, "menu=main&step=4&option=9")))
	if empty.Step.Detail != "left no message" || empty.Step.Input != "" {
		t.Errorf("empty recording: step %+v", empty.Step)
	}
	wantEmpty := provider.Script{provider.Say{Text: "Sorry we missed your call. We'll text you right away."}, provider.Hangup{}}
	if !reflect.DeepEqual(empty.Script, wantEmpty) {
		t.Errorf("empty recording: script %#v, want the goodbye of a missed call", empty.Script)
	}
	if done.Step.Input != "https://api.example.com/RE1" {
		t.Errorf("input = %q, want the recording's address", done.Step.Input)
	}
}

func TestLostSteps(t *testing.T) {
	gone := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=billing&step=3", "Digits", "1")))
	if gone.Step.Kind != store.StepLost || gone.Step.Next != store.NextEnd || gone.Step.Step != 3 {
		t.Errorf("missing menu: step %+v, want lost at step 3", gone.Step)
	}
	if _, ok := gone.Script[len(gone.Script)-1].(provider.Hangup); !ok {
		t.Errorf("missing menu: script %#v, want a hang up", gone.Script)
	}
	tooMany := mustContinue(t, request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=40", "Digits", "3")))
	if tooMany.Step.Kind != store.StepLost || tooMany.Step.Detail != "stopped after 40 steps" {
		t.Errorf("step limit: step %+v", tooMany.Step)
	}
	if _, err := Continue(request(plumber(), menuEvent(provider.CallMenuInput, "step=2"))); err == nil {
		t.Error("a callback without a menu was accepted")
	}
	if _, err := Continue(request(plumber(), menuEvent(provider.CallMenuInput, "menu=main&step=-1"))); err == nil {
		t.Error("a negative step was accepted")
	}
}

func TestPathAndTextBackChoice(t *testing.T) {
	steps := []store.CallMenuStep{
		{Step: 0, Kind: store.StepEntered, Detail: "menu main"},
		{Step: 1, Kind: store.StepPressed, Detail: "pressed 2 (emergency)", TextBack: "Reply URGENT"},
		{Step: 2, Kind: store.StepDialed, Detail: "rang +13125550101: no answer within 20 s → voicemail"},
		{Step: 3, Kind: store.StepVoicemail, Detail: "left a voicemail (32 s)"},
	}
	want := "menu main: pressed 2 (emergency) → rang +13125550101: no answer within 20 s → voicemail → " +
		"left a voicemail (32 s)"
	if got := Path(steps); got != want {
		t.Errorf("Path =\n%q\nwant\n%q", got, want)
	}
	choice, ok := TextBackChoice(steps)
	if !ok || choice.Step != 1 {
		t.Errorf("TextBackChoice = %+v, %v, want step 1", choice, ok)
	}
	if _, ok := TextBackChoice(steps[:1]); ok {
		t.Error("TextBackChoice found a template in a path without options")
	}
}
