package app_test

import (
	"context"
	"flag"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/tz"
)

var updateIVR = flag.Bool("update", false, "rewrite the golden files in testdata/ivr")

// Numbers of the IVR scenarios: the holiday line belongs to a second business that is closed today.
const (
	ivrOnCall      = "+13125550101"
	ivrBackup      = "+13125550102"
	ivrHolidayLine = "+13125550197"
	ivrRecording   = "https://api.example.com/recordings/RE00000000000000000000000000000001"
)

// ivrWire plays the webhooks of calls to a number with a phone menu in one provider's wire format.
type ivrWire interface {
	// ivrCallID returns a new call id in the provider's form.
	ivrCallID(h *wireHarness) string
	// ivrVoice returns the webhook that starts a call from caller to the business number to.
	ivrVoice(callID, caller, to string) wireRequest
	// ivrCallback returns a webhook to a callback URL that textback rendered, as a path under /webhooks/.
	// withCaller adds the caller's and the business's numbers, which recording callbacks leave out.
	ivrCallback(path, callID, caller, to string, withCaller bool, fields ...string) wireRequest
	// ivrStatus returns the final status callback of the call.
	ivrStatus(callID, caller, to, status string) wireRequest
	// ivrGoldenDir names the folder of the provider's golden files under testdata/ivr.
	ivrGoldenDir() string
}

// TestIVRWireFormats walks every kind of menu path through Twilio's and Telnyx's signed webhooks, and
// checks the TwiML or TeXML of each step against golden files, the call's decision and path, the text
// back, the voicemail and the team's alert.
func TestIVRWireFormats(t *testing.T) {
	rows := []struct {
		name string
		wire func(t *testing.T) (string, ivrWire, wireTexts)
	}{
		{"twilio", func(t *testing.T) (string, ivrWire, wireTexts) {
			w := newTwilioWire(t)
			return w.providerYAML(), w, w
		}},
		{"telnyx texml", func(t *testing.T) (string, ivrWire, wireTexts) {
			w := newTelnyxWire(t)
			return w.providerYAML(), w, w
		}},
	}
	for _, row := range rows {
		for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
			t.Run(row.name+"/"+string(d), func(t *testing.T) {
				t.Parallel()
				providerYAML, wire, texts := row.wire(t)
				setup := wireSetup{providerYAML: providerYAML, texts: texts, file: ivrFile(providerYAML),
					resultWait: time.Second}
				h := startWireHarness(t, d, setup)
				m := &menuCall{h: h, wire: wire}
				t.Run("ring in order then voicemail", m.ringThenVoicemail)
				t.Run("booking link", m.bookingLink)
				t.Run("replays then default", m.replaysThenDefault)
				t.Run("speech then hang up", m.speechThenHangUp)
				t.Run("answered", m.answered)
				t.Run("holiday menu", m.holidayMenu)
			})
		}
	}
}

// ivrFile returns the textback.yaml of the scenarios: Acme Plumbing, open every day all day, whose
// main line plays a menu, and Acme Holiday Line, whose after-hours menu plays today because today is
// one of its closures.
func ivrFile(providerYAML string) string {
	today := time.Now().In(mustZone("America/Chicago")).Format(store.DateLayout)
	var hours strings.Builder
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		fmt.Fprintf(&hours, "      %s: \"00:00-24:00\"\n", day)
	}
	return "providers:\n" + providerYAML + `businesses:
  - slug: acme-plumbing
    name: Acme Plumbing
    time_zone: America/Chicago
    booking_url: https://example.com/book/acme
    hours:
` + hours.String() + `    numbers:
      - number: "` + wireNumber + `"
        provider: sms
        forward_to: "` + wireOwnerPhone + `"
        answer_check: none
    team:
      - {name: Dana, phone: "` + wireTeamPhone + `"}
    alerts: {sms: true, email: false, missed_calls: false}
    follow_ups: []
    ivr:
      greeting: Thanks for calling {business}.
      menu: main
      speech: true
      voicemail: {max_length: 60, transcribe: true}
      menus:
        - id: main
          prompt: For a booking, press 1. For an emergency, press 2. For our hours, press 3.
          timeout: 5
          replays: 2
          default: 9
          options:
            - {key: 1, label: booking, words: [booking], action: text_booking_link}
            - key: 2
              label: emergency
              words: [emergency]
              action: ring
              ring: ["` + ivrOnCall + `", "` + ivrBackup + `"]
              ring_order: in_order
              ring_seconds: 20
              text_back: "You pressed 2 for an emergency: reply URGENT and the on-call tech will call you back."
            - {key: 3, label: hours, words: [hours], action: hours}
            - {key: 9, label: message, action: voicemail}
  - slug: acme-holiday
    name: Acme Holiday Line
    time_zone: America/Chicago
    hours:
` + hours.String() + `    numbers:
      - number: "` + ivrHolidayLine + `"
        provider: sms
        forward_to: "` + wireOwnerPhone + `"
        answer_check: none
    follow_ups: []
    ivr:
      menu: main
      after_hours_menu: closed
      closures: [` + today + `]
      menus:
        - id: main
          prompt: Press 1 to leave a message.
          options: [{key: 1, action: voicemail}]
        - id: closed
          prompt: We're closed for the holiday. Press 1 to leave a message.
          options: [{key: 1, action: voicemail}]
`
}

func mustZone(name string) *time.Location {
	loc, err := tz.Load(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// menuCall plays one call through the menu.
type menuCall struct {
	h      *wireHarness
	wire   ivrWire
	callID string
	caller string
	to     string
	// last is the markup of the last response.
	last string
}

// start begins a call from caller to the business number to and checks the first menu's markup.
func (m *menuCall) start(t *testing.T, caller, to, golden string) {
	t.Helper()
	m.callID, m.caller, m.to = m.wire.ivrCallID(m.h), caller, to
	m.last = m.h.mustPost(m.wire.ivrVoice(m.callID, caller, to))
	m.checkGolden(t, golden)
}

// follow posts to the callback URL that attr of element sets in the last response, or to the URL of
// its <Redirect> when attr is empty, and checks the answer against the golden file, when one is named.
func (m *menuCall) follow(t *testing.T, element, attr, golden string, withCaller bool, fields ...string) string {
	t.Helper()
	path := callbackPath(t, m.last, element, attr)
	m.last = m.h.mustPost(m.wire.ivrCallback(path, m.callID, m.caller, m.to, withCaller, fields...))
	if golden != "" {
		m.checkGolden(t, golden)
	}
	return path
}

// checkGolden compares the last response with testdata/ivr/<provider>/<name>.xml.
func (m *menuCall) checkGolden(t *testing.T, name string) {
	t.Helper()
	path := filepath.Join("testdata", "ivr", m.wire.ivrGoldenDir(), name+".xml")
	if *updateIVR {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(m.last), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if m.last != string(want) {
		t.Errorf("markup differs from %s\n got %s\nwant %s", path, m.last, want)
	}
}

// callbackPath returns the callback URL that attr of element sets in markup, or the URL of its
// <Redirect> when attr is empty, as a path under /webhooks/.
func callbackPath(t *testing.T, markup, element, attr string) string {
	t.Helper()
	pattern := `<` + element + `\b[^>]*\b` + attr + `="([^"]*)"`
	if attr == "" {
		pattern = `<Redirect\b[^>]*>([^<]*)</Redirect>`
	}
	match := regexp.MustCompile(pattern).FindStringSubmatch(markup)
	if match == nil {
		t.Fatalf("markup has no %s %s: %s", element, attr, markup)
	}
	path, ok := strings.CutPrefix(html.UnescapeString(match[1]), wirePublicURL+"/webhooks/")
	if !ok {
		t.Fatalf("callback %q is not under %s/webhooks/", match[1], wirePublicURL)
	}
	return path
}

// decided waits for the call's decision and checks its outcome, reason and record.
func (m *menuCall) decided(t *testing.T, outcome store.Outcome, reason, decision string) store.Call {
	t.Helper()
	call := m.h.waitDecided(m.callID)
	if call.Outcome != outcome {
		t.Errorf("outcome = %s, want %s (decision %q)", call.Outcome, outcome, call.Decision)
	}
	if call.OutcomeReason != reason {
		t.Errorf("reason = %q, want %q", call.OutcomeReason, reason)
	}
	if call.Handling != callflow.HandlingMenu {
		t.Errorf("handling = %q, want %q", call.Handling, callflow.HandlingMenu)
	}
	if call.Decision != decision {
		t.Errorf("decision =\n%q\nwant\n%q", call.Decision, decision)
	}
	return call
}

// textBack waits for the one text to the caller and checks that it starts with prefix.
func (m *menuCall) textBack(t *testing.T, prefix string) {
	t.Helper()
	texts := m.h.waitTexts(m.caller, 1)
	if len(texts) != 1 {
		t.Fatalf("%d texts to the caller, want 1: %+v", len(texts), texts)
	}
	if !strings.HasPrefix(texts[0].body, prefix) {
		t.Errorf("text = %q, want it to start with %q", texts[0].body, prefix)
	}
}

func (m *menuCall) ringThenVoicemail(t *testing.T) {
	h := m.h
	m.start(t, "+12025550151", wireNumber, "start")
	m.follow(t, "Gather", "action", "press-2-ring-first", true, "Digits", "2")
	m.follow(t, "Dial", "action", "no-answer-ring-second", true, "DialCallStatus", "no-answer", "DialCallDuration", "0")
	m.follow(t, "Dial", "action", "busy-voicemail", true, "DialCallStatus", "busy", "DialCallDuration", "0")
	record := m.last
	m.follow(t, "Record", "action", "voicemail-goodbye", true, "RecordingUrl", ivrRecording, "RecordingDuration", "32",
		"Digits", "#")
	m.last = record
	m.follow(t, "Record", "recordingStatusCallback", "", false, "RecordingSid", "RE00000000000000000000000000000001",
		"RecordingUrl", ivrRecording, "RecordingStatus", "completed", "RecordingDuration", "32")
	transcriptAttr := "transcribeCallback"
	if m.wire.ivrGoldenDir() == "telnyx" {
		transcriptAttr = "transcriptionCallback"
	}
	transcript := []string{"RecordingSid", "RE00000000000000000000000000000001", "TranscriptionStatus", "completed",
		"TranscriptionText", "The basement is flooding, please call back"}
	m.last = record
	path := m.follow(t, "Record", transcriptAttr, "", false, transcript...)

	call := m.decided(t, store.OutcomeMissed, callflow.ReasonVoicemail, "missed: menu main: pressed 2 (emergency) → rang "+
		ivrOnCall+": no answer within 20 s → next number → rang "+ivrBackup+": busy → voicemail → left a voicemail "+
		"(32 s); texted (menu main option 2)")
	m.textBack(t, "You pressed 2 for an emergency: reply URGENT and the on-call tech will call you back.")

	alerts := h.waitTexts(wireTeamPhone, 1)
	if len(alerts) != 1 {
		t.Fatalf("%d alert texts to the team, want 1: %+v", len(alerts), alerts)
	}
	for _, want := range []string{"Voicemail from", "(32 s)", "The basement is flooding", "Listen: " + ivrRecording,
		"pressed 2 (emergency)"} {
		if !strings.Contains(alerts[0].body, want) {
			t.Errorf("alert %q does not contain %q", alerts[0].body, want)
		}
	}

	before := h.webhookCount()
	h.mustPost(m.wire.ivrCallback(path, m.callID, m.caller, m.to, false, transcript...))
	h.settle()
	if after := h.webhookCount(); after != before {
		t.Errorf("stored webhooks went from %d to %d, want the repeated transcript stored once", before, after)
	}
	if alerts := h.textsTo(wireTeamPhone); len(alerts) != 1 {
		t.Errorf("%d alert texts after the repeated transcript, want 1", len(alerts))
	}
	voicemails, err := h.store.ListVoicemailsByCall(context.Background(), call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(voicemails) != 1 {
		t.Fatalf("%d voicemails, want 1: %+v", len(voicemails), voicemails)
	}
	vm := voicemails[0]
	if vm.RecordingURL != ivrRecording || vm.Duration != 32*time.Second || vm.RecordingStatus != "completed" {
		t.Errorf("voicemail = %+v, want the recording of 32 s", vm)
	}
	if vm.Transcript != "The basement is flooding, please call back" || vm.AlertedAt.IsZero() {
		t.Errorf("voicemail = %+v, want its transcript and the alert recorded", vm)
	}
	steps, err := h.store.ListCallMenuSteps(context.Background(), call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 5 {
		t.Errorf("%d menu steps, want 5: %+v", len(steps), steps)
	}
}

func (m *menuCall) bookingLink(t *testing.T) {
	m.start(t, "+12025550152", wireNumber, "start")
	m.follow(t, "Gather", "action", "press-1-booking-link", true, "Digits", "1")
	m.decided(t, store.OutcomeMissed, callflow.ReasonSelfServe,
		"missed: menu main: pressed 1 (booking) → booking link promised; texted (menu main option 1)")
	m.textBack(t, "Here's the link to book with Acme Plumbing: https://example.com/book/acme")
}

func (m *menuCall) replaysThenDefault(t *testing.T) {
	m.start(t, "+12025550153", wireNumber, "start")
	m.follow(t, "Gather", "action", "invalid-key-replay", true, "Digits", "7")
	m.follow(t, "Redirect", "", "no-input-replay", true)
	m.follow(t, "Redirect", "", "no-input-default-voicemail", true)
	// Nothing was recorded, so the provider goes on to the <Redirect> after <Record>.
	m.follow(t, "Redirect", "", "voicemail-no-message", true)
	m.decided(t, store.OutcomeMissed, callflow.ReasonNoMessage, "missed: menu main: pressed 7 (not an option), menu "+
		"played again → no input, menu played again → no input → default 9 (message) → left no message; texted (text_back)")
	m.textBack(t, "Hi, this is Acme Plumbing. Sorry we missed your call!")
}

func (m *menuCall) speechThenHangUp(t *testing.T) {
	m.start(t, "+12025550154", wireNumber, "start")
	m.follow(t, "Gather", "action", "said-hours", true, "SpeechResult", "What are your hours?", "Confidence", "0.92")
	m.h.mustPost(m.wire.ivrStatus(m.callID, m.caller, m.to, "completed"))
	m.decided(t, store.OutcomeMissed, callflow.ReasonHungUpInMenu, `missed: menu main: said "What are your hours?" `+
		`(hours) → menu main → the caller hung up; texted (text_back)`)
	m.textBack(t, "Hi, this is Acme Plumbing. Sorry we missed your call!")
}

func (m *menuCall) answered(t *testing.T) {
	h := m.h
	m.start(t, "+12025550155", wireNumber, "start")
	gather := m.last
	m.follow(t, "Gather", "action", "press-2-ring-first", true, "Digits", "2")
	before := h.webhookCount()
	m.last = gather
	m.follow(t, "Gather", "action", "press-2-ring-first", true, "Digits", "2")
	if after := h.webhookCount(); after != before {
		t.Errorf("stored webhooks went from %d to %d, want the repeated key press stored once", before, after)
	}
	m.follow(t, "Dial", "action", "answered", true, "DialCallStatus", "completed", "DialCallDuration", "95",
		"DialCallSid", "leg-"+m.callID)
	m.decided(t, store.OutcomeAnswered, "answered",
		"answered: menu main: pressed 2 (emergency) → rang "+ivrOnCall+": answered (95 s)")
	h.settle()
	if texts := h.textsTo(m.caller); len(texts) != 0 {
		t.Errorf("%d texts to a caller whose call was answered, want none: %+v", len(texts), texts)
	}
}

func (m *menuCall) holidayMenu(t *testing.T) {
	h := m.h
	m.start(t, "+12025550156", ivrHolidayLine, "holiday-menu")
	var steps []store.CallMenuStep
	h.waitFor("the holiday call's first step", func() bool {
		call, err := h.store.GetCallByProviderID(context.Background(), h.provider.ID, m.callID)
		if err != nil {
			return false
		}
		steps, err = h.store.ListCallMenuSteps(context.Background(), call.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(steps) > 0
	})
	if steps[0].Detail != "menu closed (closed)" {
		t.Errorf("first step = %q, want the after-hours menu on the closure", steps[0].Detail)
	}
}

func (w *twilioWire) ivrCallID(h *wireHarness) string {
	return fmt.Sprintf("CA%032d", 9_000_000+h.next())
}

func (w *twilioWire) ivrVoice(callID, caller, to string) wireRequest {
	return w.request("voice", w.callForm(callID, caller, "To", to, "Called", to, "CallStatus", "ringing"), w.signingKey)
}

func (w *twilioWire) ivrCallback(path, callID, caller, to string, withCaller bool, fields ...string) wireRequest {
	form := url.Values{"AccountSid": {w.accountSID}, "CallSid": {callID}}
	if withCaller {
		form = w.callForm(callID, caller, "To", to, "Called", to, "CallStatus", "in-progress")
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return w.request(strings.TrimPrefix(path, w.path+"/"), form, w.signingKey)
}

func (w *twilioWire) ivrStatus(callID, caller, to, status string) wireRequest {
	return w.request("voice/status", w.callForm(callID, caller, "To", to, "Called", to, "CallStatus", status,
		"CallDuration", "40"), w.signingKey)
}

func (w *twilioWire) ivrGoldenDir() string { return "twilio" }

func (w *telnyxWire) ivrCallID(h *wireHarness) string { return "v3:" + wireUUID(9_000_000+h.next()) }

func (w *telnyxWire) ivrVoice(callID, caller, to string) wireRequest {
	return w.texml("texml/voice", texmlForm(callID, caller, "To", to, "CallStatus", "ringing"))
}

func (w *telnyxWire) ivrCallback(path, callID, caller, to string, withCaller bool, fields ...string) wireRequest {
	form := url.Values{"AccountSid": {wireUUID(0)}, "CallSid": {callID}}
	if withCaller {
		form = texmlForm(callID, caller, "To", to, "CallStatus", "in-progress")
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return w.signed(path, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func (w *telnyxWire) ivrStatus(callID, caller, to, status string) wireRequest {
	return w.texml("texml/voice/status", texmlForm(callID, caller, "To", to, "CallStatus", status,
		"CallbackSource", "call-progress-events"))
}

func (w *telnyxWire) ivrGoldenDir() string { return "telnyx" }
