package telnyx

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

const (
	hookBase         = "https://hooks.example.com/webhooks/telnyx/"
	callerNumber     = "+12025550143"
	businessPhone    = "+13125550199"
	ownerPhone       = "+13125550123"
	parentCallSID    = "v3:00000000-0000-4000-8000-0000000000c1"
	forwardedCallSID = "v3:00000000-0000-4000-8000-0000000000c2"
	sessionID        = "00000000-0000-4000-8000-0000000000b1"
	ownerLegID       = "00000000-0000-4000-8000-0000000000a2"
	formType         = "application/x-www-form-urlencoded"
	jsonType         = "application/json"
)

// readFixture returns the contents of a file under testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

// rawWebhook returns an unsigned webhook for route with body of contentType. query is appended to
// the route's URL when not empty.
func rawWebhook(route provider.Route, query, contentType string, body []byte) provider.Webhook {
	webhookURL := hookBase + string(route)
	if query != "" {
		webhookURL += "?" + query
	}
	return provider.Webhook{
		Route:  route,
		URL:    webhookURL,
		Header: http.Header{"Content-Type": {contentType}},
		Body:   body,
	}
}

// fixtureWebhook returns a webhook for route with the body of testdata/webhooks/<fixture>, as a
// form for .form fixtures and as JSON otherwise.
func fixtureWebhook(t testing.TB, route provider.Route, query, fixture string) provider.Webhook {
	t.Helper()
	contentType := jsonType
	if strings.HasSuffix(fixture, ".form") {
		contentType = formType
	}
	return rawWebhook(route, query, contentType, readFixture(t, filepath.Join("webhooks", fixture)))
}

// parseFixture parses a fixture webhook and fails the test on an error.
func parseFixture(t *testing.T, route provider.Route, query, fixture string) provider.Event {
	t.Helper()
	ev, err := New(Options{}).Parse(fixtureWebhook(t, route, query, fixture))
	if err != nil {
		t.Fatalf("Parse(%s) returned error %v", fixture, err)
	}
	return ev
}

func TestParseTeXML(t *testing.T) {
	at := time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)
	forwarded := "call=" + parentCallSID + "&number=%2B13125550199"
	tests := []struct {
		name    string
		route   provider.Route
		query   string
		fixture string
		want    provider.Event
	}{
		{"incoming", RouteVoice, "", "texml-incoming.form", provider.Event{
			Key: "texml:voice:" + parentCallSID, Type: provider.CallIncoming, CallID: parentCallSID,
			From: callerNumber, To: businessPhone, Status: "ringing",
			OccurredAt: time.Date(2025, 3, 11, 19, 3, 48, 0, time.UTC),
		}},
		{"incoming anonymous", RouteVoice, "", "texml-incoming-anonymous.form", provider.Event{
			Key: "texml:voice:v3:00000000-0000-4000-8000-0000000000c3", Type: provider.CallIncoming,
			CallID: "v3:00000000-0000-4000-8000-0000000000c3", From: "anonymous", To: businessPhone, Status: "ringing",
		}},
		{"dial completed", RouteDial, "", "texml-dial-completed.form",
			dialEvent("11", "completed", 95, "v3:00000000-0000-4000-8000-000000000021", at)},
		{"dial no-answer", RouteDial, "", "texml-dial-no-answer.form",
			dialEvent("12", "no-answer", 0, "v3:00000000-0000-4000-8000-000000000022", at)},
		{"dial busy", RouteDial, "", "texml-dial-busy.form",
			dialEvent("13", "busy", 0, "v3:00000000-0000-4000-8000-000000000023", at)},
		{"dial canceled", RouteDial, "", "texml-dial-canceled.form", dialEvent("14", "canceled", 0, "", at)},
		{"dial weird status", RouteDial, "", "texml-dial-weird-status.form", dialEvent("15", "weird-status", 0, "", at)},
		{"status no-answer", RouteCallStatus, "", "texml-status-no-answer.form", provider.Event{
			Key:  "texml:status:v3:00000000-0000-4000-8000-000000000041:no-answer",
			Type: provider.CallStatus, CallID: "v3:00000000-0000-4000-8000-000000000041", From: callerNumber,
			To: businessPhone, Status: "no-answer", OccurredAt: at,
		}},
		{"status spaced timestamp", RouteCallStatus, "", "texml-status-completed.form", provider.Event{
			Key:  "texml:status:v3:00000000-0000-4000-8000-000000000041:completed",
			Type: provider.CallStatus, CallID: "v3:00000000-0000-4000-8000-000000000041", From: callerNumber,
			To: businessPhone, Status: "completed", OccurredAt: at.Add(731479 * time.Microsecond),
		}},
		{"status odd timestamp", RouteCallStatus, "", "texml-status-odd-timestamp.form", provider.Event{
			Key:  "texml:status:v3:00000000-0000-4000-8000-000000000042:busy",
			Type: provider.CallStatus, CallID: "v3:00000000-0000-4000-8000-000000000042", From: callerNumber,
			To: businessPhone, Status: "busy",
		}},
		{"machine", RouteMachine, forwarded, "texml-amd-machine.form", provider.Event{
			Key: "texml:amd:" + parentCallSID + ":" + forwardedCallSID, Type: provider.CallMachine,
			CallID: parentCallSID, LegID: forwardedCallSID, To: businessPhone, AnsweredBy: "machine_end_beep",
		}},
		{"machine without number", RouteMachine, "call=" + parentCallSID, "texml-amd-machine.form", provider.Event{
			Key: "texml:amd:" + parentCallSID + ":" + forwardedCallSID, Type: provider.CallMachine,
			CallID: parentCallSID, LegID: forwardedCallSID, AnsweredBy: "machine_end_beep",
		}},
		{"screen prompt", RouteScreen, forwarded, "texml-screen.form", provider.Event{
			Key: "texml:screen:" + parentCallSID + ":" + forwardedCallSID, Type: provider.CallScreenPrompt,
			CallID: parentCallSID, LegID: forwardedCallSID, To: businessPhone,
		}},
		{"screen pressed 1", RouteScreenResult, forwarded, "texml-screen-result-pressed.form", provider.Event{
			Key: "texml:screened:" + parentCallSID + ":" + forwardedCallSID, Type: provider.CallScreened,
			CallID: parentCallSID, LegID: forwardedCallSID, To: businessPhone, Digits: "1",
		}},
		{"screen pressed 2", RouteScreenResult, forwarded, "texml-screen-result-other.form", provider.Event{
			Key: "texml:screened:" + parentCallSID + ":" + forwardedCallSID, Type: provider.CallScreened,
			CallID: parentCallSID, LegID: forwardedCallSID, To: businessPhone, Digits: "2",
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

// dialEvent returns the event of a TeXML <Dial> action fixture whose CallSid ends in row.
func dialEvent(row, status string, duration int, leg string, at time.Time) provider.Event {
	callSID := "v3:00000000-0000-4000-8000-0000000000" + row
	return provider.Event{
		Key: "texml:dial:" + callSID, Type: provider.CallDialEnded, CallID: callSID, LegID: leg,
		From: callerNumber, To: businessPhone, Status: "in-progress", DialStatus: status, DialDuration: duration,
		OccurredAt: at,
	}
}

func TestParseStatusKeys(t *testing.T) {
	tests := []struct {
		name          string
		first, second string
		wantSame      bool
	}{
		{"identical copies", "texml-status-no-answer.form", "texml-status-no-answer.form", true},
		{"only timestamp differs", "texml-status-no-answer.form", "texml-status-no-answer-retimed.form", true},
		{"other final status", "texml-status-no-answer.form", "texml-status-completed.form", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := parseFixture(t, RouteCallStatus, "", tt.first)
			second := parseFixture(t, RouteCallStatus, "", tt.second)
			if same := first.Key == second.Key; same != tt.wantSame {
				t.Errorf("keys %q and %q: same = %v, want %v", first.Key, second.Key, same, tt.wantSame)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	const callSID = "CallSid=v3%3A1"
	const event = `{"data":{"event_type":"call.hangup","id":"e1","payload":{"call_session_id":"s1"}}}`
	tests := []struct {
		name        string
		route       provider.Route
		query       string
		contentType string
		body        string
		wantErr     error
	}{
		{"invalid escape", RouteVoice, "", formType, callSID + "&From=%zz", provider.ErrMalformed},
		{"semicolon separator", RouteVoice, "", formType, callSID + ";From=x", provider.ErrMalformed},
		{"invalid query", RouteMachine, "call=%zz", formType, callSID, provider.ErrMalformed},
		{"missing CallSid voice", RouteVoice, "", formType, "From=%2B12025550143", provider.ErrMalformed},
		{"missing CallSid dial", RouteDial, "", formType, "DialCallStatus=busy", provider.ErrMalformed},
		{"missing CallSid status", RouteCallStatus, "", formType, "CallStatus=busy", provider.ErrMalformed},
		{"missing CallStatus", RouteCallStatus, "", formType, callSID, provider.ErrMalformed},
		{"missing CallSid machine", RouteMachine, "call=p", formType, "AnsweredBy=human", provider.ErrMalformed},
		{"missing parent machine", RouteMachine, "", formType, callSID + "&AnsweredBy=human", provider.ErrMalformed},
		{"parent only in body", RouteScreen, "", formType, callSID + "&call=p", provider.ErrMalformed},
		{"missing parent result", RouteScreenResult, "", formType, callSID + "&Digits=1", provider.ErrMalformed},
		{"empty form", RouteVoice, "", formType, "", provider.ErrMalformed},
		{"duration not a number", RouteDial, "", formType, callSID + "&DialCallDuration=abc", provider.ErrMalformed},
		{"negative duration", RouteDial, "", formType, callSID + "&DialCallDuration=-1", provider.ErrMalformed},
		{"oversized value", RouteVoice, "", formType, callSID + "&From=" + strings.Repeat("a", maxValueBytes+1),
			provider.ErrMalformed},
		{"oversized form", RouteVoice, "", formType, callSID + strings.Repeat("&A=1", maxBodyBytes/4),
			provider.ErrMalformed},
		{"invalid UTF-8 value", RouteVoice, "", formType, callSID + "&From=%FF%FE", provider.ErrMalformed},
		{"invalid UTF-8 query", RouteVoice, "tenant=%FF", formType, callSID, provider.ErrMalformed},
		{"JSON on a TeXML route", RouteVoice, "", jsonType, `{"CallSid":"v3:1"}`, provider.ErrMalformed},
		{"invalid content type", RouteVoice, "", "form;;", callSID, provider.ErrMalformed},
		{"form on a JSON route", RouteCallControl, "", formType, callSID, provider.ErrMalformed},
		{"invalid JSON", RouteCallControl, "", jsonType, `{"data":`, provider.ErrMalformed},
		{"JSON array", RouteMessaging, "", jsonType, `[]`, provider.ErrMalformed},
		{"missing data.id", RouteCallControl, "", jsonType, strings.Replace(event, `"id":"e1",`, "", 1),
			provider.ErrMalformed},
		{"missing event type", RouteCallControl, "", jsonType, strings.Replace(event, `"event_type":"call.hangup",`,
			"", 1), provider.ErrMalformed},
		{"missing payload", RouteCallControl, "", jsonType, `{"data":{"event_type":"call.hangup","id":"e1"}}`,
			provider.ErrMalformed},
		{"payload not an object", RouteCallControl, "", jsonType,
			`{"data":{"event_type":"call.hangup","id":"e1","payload":"x"}}`, provider.ErrMalformed},
		{"missing session", RouteCallControl, "", jsonType, strings.Replace(event, `"call_session_id":"s1"`,
			`"call_leg_id":"l1"`, 1), provider.ErrMalformed},
		{"session not a string", RouteCallControl, "", jsonType, strings.Replace(event, `"s1"`, `7`, 1),
			provider.ErrMalformed},
		{"invalid UTF-8 JSON", RouteCallControl, "", jsonType, strings.Replace(event, "s1", "s\xff", 1),
			provider.ErrMalformed},
		{"oversized JSON", RouteCallControl, "", jsonType, event + strings.Repeat(" ", maxBodyBytes),
			provider.ErrMalformed},
		{"invalid query call control", RouteCallControlForwarded, "number=%zz", jsonType, event,
			provider.ErrMalformed},
		{"missing message id", RouteMessaging, "", jsonType,
			`{"data":{"event_type":"message.received","id":"e1","payload":{"text":"hi"}}}`, provider.ErrMalformed},
		{"report without status", RouteMessaging, "", jsonType,
			`{"data":{"event_type":"message.sent","id":"e1","payload":{"id":"m1","to":[]}}}`, provider.ErrMalformed},
		{"error code not scalar", RouteMessaging, "", jsonType, `{"data":{"event_type":"message.finalized","id":"e1",` +
			`"payload":{"id":"m1","to":[{"status":"delivered"}],"errors":[{"code":{}}]}}}`, provider.ErrMalformed},
		{"unknown route", "texml/unknown", "", formType, callSID, provider.ErrUnknownRoute},
		{"bare texml route", "texml", "", formType, callSID, provider.ErrUnknownRoute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New(Options{}).Parse(rawWebhook(tt.route, tt.query, tt.contentType, []byte(tt.body)))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Parse returned error %v, want one wrapping %v", err, tt.wantErr)
			}
			if ev != (provider.Event{}) {
				t.Errorf("Parse returned event %+v with its error, want the zero event", ev)
			}
		})
	}
}

func TestParseInvalidURL(t *testing.T) {
	w := fixtureWebhook(t, RouteVoice, "", "texml-incoming.form")
	w.URL = "https://[::1/webhooks/telnyx/texml/voice"
	if _, err := New(Options{}).Parse(w); !errors.Is(err, provider.ErrMalformed) {
		t.Errorf("Parse with an invalid URL returned %v, want an error wrapping ErrMalformed", err)
	}
}

func TestParseWithoutContentType(t *testing.T) {
	for _, tt := range []struct {
		route   provider.Route
		fixture string
	}{
		{RouteVoice, "texml-incoming.form"},
		{RouteCallControl, "cc-initiated-incoming.json"},
		{RouteMessaging, "msg-received.json"},
	} {
		w := fixtureWebhook(t, tt.route, "", tt.fixture)
		w.Header = http.Header{}
		if _, err := New(Options{}).Parse(w); err != nil {
			t.Errorf("Parse(%s) without Content-Type returned error %v", tt.fixture, err)
		}
	}
}

func TestParseGetWebhook(t *testing.T) {
	w := rawWebhook(RouteVoice, string(readFixture(t, "webhooks/texml-incoming.form")), formType, nil)
	ev, err := New(Options{}).Parse(w)
	if err != nil {
		t.Fatalf("Parse of parameters in the query string returned error %v", err)
	}
	if ev.Key != "texml:voice:"+parentCallSID {
		t.Errorf("Parse of parameters in the query string gave key %q, want the fixture's CallSid", ev.Key)
	}
}

func TestRoutes(t *testing.T) {
	want := []provider.Route{"call-control", "call-control/forwarded", "messaging", "texml/voice",
		"texml/voice/amd", "texml/voice/dial", "texml/voice/menu", "texml/voice/menu/dial", "texml/voice/screen",
		"texml/voice/screen/result", "texml/voice/status", "texml/voice/voicemail", "texml/voice/voicemail/recording",
		"texml/voice/voicemail/transcription"}
	if got := Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() = %v, want %v", got, want)
	}
}

func TestAccountSIDOf(t *testing.T) {
	for _, fixture := range []string{"texml-incoming.form", "cc-initiated-incoming.json", "msg-received.json"} {
		if got := New(Options{}).AccountSIDOf(fixtureWebhook(t, RouteVoice, "", fixture)); got != "" {
			t.Errorf("AccountSIDOf(%s) = %q, want \"\"", fixture, got)
		}
	}
}

func TestBusinessNumberOf(t *testing.T) {
	forwarded := "call=" + parentCallSID + "&number=%2B13125550199"
	tests := []struct {
		name    string
		route   provider.Route
		query   string
		fixture string
		want    string
	}{
		{"texml incoming", RouteVoice, "", "texml-incoming.form", businessPhone},
		{"texml dial action", RouteDial, "", "texml-dial-completed.form", businessPhone},
		{"texml status", RouteCallStatus, "", "texml-status-no-answer.form", businessPhone},
		{"texml amd", RouteMachine, forwarded, "texml-amd-machine.form", businessPhone},
		{"texml amd without number", RouteMachine, "call=" + parentCallSID, "texml-amd-machine.form", ""},
		{"texml screen outbound dial", RouteScreen, forwarded, "texml-screen.form", businessPhone},
		{"texml screen without number", RouteScreen, "call=" + parentCallSID, "texml-screen.form", ""},
		{"texml screen result", RouteScreenResult, forwarded, "texml-screen-result-pressed.form", businessPhone},
		{"call control caller", RouteCallControl, "", "cc-initiated-incoming.json", businessPhone},
		{"call control caller hangup", RouteCallControl, "", "cc-hangup-caller-cancel.json", businessPhone},
		{"call control forwarded", RouteCallControlForwarded, "number=%2B13125550199", "cc-hangup-owner-timeout.json",
			businessPhone},
		{"call control forwarded without number", RouteCallControlForwarded, "", "cc-hangup-owner-timeout.json", ""},
		{"inbound text", RouteMessaging, "", "msg-received.json", businessPhone},
		{"sent report", RouteMessaging, "", "msg-sent.json", businessPhone},
		{"final report", RouteMessaging, "", "msg-finalized-delivery-failed.json", businessPhone},
		{"unknown route", "voice", "", "texml-incoming.form", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BusinessNumberOf(fixtureWebhook(t, tt.route, tt.query, tt.fixture)); got != tt.want {
				t.Errorf("BusinessNumberOf(%s) = %q, want %q", tt.fixture, got, tt.want)
			}
		})
	}
}

func TestBusinessNumberOfDirection(t *testing.T) {
	tests := []struct {
		direction string
		want      string
	}{
		{"inbound", businessPhone},
		{"", businessPhone},
		{"outbound-api", "+13125550100"},
		{"outbound-dial", ""},
	}
	for _, tt := range tests {
		t.Run("direction "+tt.direction, func(t *testing.T) {
			body := "CallSid=v3%3A1&From=%2B13125550100&To=%2B13125550199&Direction=" + tt.direction
			if got := BusinessNumberOf(rawWebhook(RouteCallStatus, "", formType, []byte(body))); got != tt.want {
				t.Errorf("BusinessNumberOf(Direction=%s) = %q, want %q", tt.direction, got, tt.want)
			}
		})
	}
}

func TestBusinessNumberOfUnreadable(t *testing.T) {
	tests := []struct {
		name  string
		route provider.Route
		query string
		body  string
	}{
		{"invalid form", RouteVoice, "", "To=%zz"},
		{"invalid query", RouteMachine, "number=%zz", "CallSid=v3%3A1"},
		{"invalid JSON caller", RouteCallControl, "", `{"data":`},
		{"invalid JSON text", RouteMessaging, "", `{"data":`},
		{"inbound text without recipients", RouteMessaging, "", `{"data":{"event_type":"message.received",` +
			`"payload":{"to":[]}}}`},
		{"oversized number", RouteCallControl, "", `{"data":{"payload":{"to":"` + strings.Repeat("1", 300) + `"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BusinessNumberOf(rawWebhook(tt.route, tt.query, jsonType, []byte(tt.body))); got != "" {
				t.Errorf("BusinessNumberOf(%s) = %q, want \"\"", tt.body, got)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	routes := Routes()
	seeds := []struct {
		route   provider.Route
		fixture string
	}{
		{RouteVoice, "texml-incoming.form"},
		{RouteDial, "texml-dial-completed.form"},
		{RouteCallStatus, "texml-status-no-answer.form"},
		{RouteMachine, "texml-amd-machine.form"},
		{RouteScreenResult, "texml-screen-result-pressed.form"},
		{RouteCallControl, "cc-initiated-incoming.json"},
		{RouteCallControlForwarded, "cc-hangup-owner-timeout.json"},
		{RouteMessaging, "msg-finalized-delivery-failed.json"},
		{RouteMessaging, "msg-received.json"},
	}
	for _, seed := range seeds {
		routeIndex := uint8(slices.Index(routes, seed.route))
		f.Add(routeIndex, "call="+parentCallSID+"&number=%2B13125550199",
			readFixture(f, filepath.Join("webhooks", seed.fixture)))
	}
	f.Add(uint8(3), "call=%zz", []byte("CallSid=%zz;"))
	f.Add(uint8(0), "", []byte(`{"data":{"id":"\ud800","event_type":"call.hangup","payload":{}}}`))
	adapter := New(Options{})
	f.Fuzz(func(t *testing.T, routeIndex uint8, query string, body []byte) {
		for _, route := range []provider.Route{routes[int(routeIndex)%len(routes)], "unknown"} {
			w := rawWebhook(route, query, "", body)
			ev, err := adapter.Parse(w)
			BusinessNumberOf(w)
			if err != nil {
				if !errors.Is(err, provider.ErrMalformed) && !errors.Is(err, provider.ErrUnknownRoute) {
					t.Fatalf("Parse returned %v, which wraps neither ErrMalformed nor ErrUnknownRoute", err)
				}
				continue
			}
			if ev.Key == "" || ev.Type == "" {
				t.Fatalf("Parse succeeded with an empty key or type: %+v", ev)
			}
			if _, err := adapter.RespondEvent(ev, provider.CallPlan{CallbackBase: hookBase, CallID: ev.CallID}); err != nil &&
				ev.CallID != "" {
				t.Fatalf("RespondEvent(%+v) returned error %v", ev, err)
			}
		}
	})
}
