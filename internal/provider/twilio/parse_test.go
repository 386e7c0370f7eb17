package twilio

import (
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

const (
	testAccountSID  = "AC00000000000000000000000000000000"
	hookBase        = "https://hooks.example.com/webhooks/twilio/"
	parentCallSID   = "CA00000000000000000000000000000201"
	forwardedLegSID = "CA00000000000000000000000000000202"
)

// formWebhook returns a form-encoded webhook for route with the body of a fixture in
// testdata/webhooks. query is appended to the route's URL when not empty.
func formWebhook(t testing.TB, route provider.Route, query, fixture string) provider.Webhook {
	t.Helper()
	return rawWebhook(route, query, readFixture(t, filepath.Join("webhooks", fixture)))
}

// rawWebhook returns a form-encoded webhook for route with body.
func rawWebhook(route provider.Route, query string, body []byte) provider.Webhook {
	webhookURL := hookBase + string(route)
	if query != "" {
		webhookURL += "?" + query
	}
	return provider.Webhook{
		Route:  route,
		URL:    webhookURL,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:   body,
	}
}

func TestParse(t *testing.T) {
	statusTime := time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)
	tests := []struct {
		name    string
		route   provider.Route
		query   string
		fixture string
		want    provider.Event
	}{
		{"incoming forwarded", RouteVoice, "", "incoming-forwarded.form", provider.Event{
			Key: "voice:CA00000000000000000000000000003601", Type: provider.CallIncoming, AccountSID: testAccountSID,
			CallID: "CA00000000000000000000000000003601", From: "+12025550143", To: "+13125550199",
			ForwardedFrom: "+13125550100", Status: "ringing",
		}},
		{"incoming direct", RouteVoice, "", "incoming.form", provider.Event{
			Key: "voice:CA00000000000000000000000000003602", Type: provider.CallIncoming, AccountSID: testAccountSID,
			CallID: "CA00000000000000000000000000003602", From: "+12025550143", To: "+13125550199", Status: "ringing",
		}},
		{"incoming anonymous", RouteVoice, "", "incoming-anonymous.form", provider.Event{
			Key: "voice:CA00000000000000000000000000003603", Type: provider.CallIncoming, AccountSID: testAccountSID,
			CallID: "CA00000000000000000000000000003603", From: "Anonymous", To: "+13125550199", Status: "ringing",
		}},
		{"dial no-answer", RouteDial, "", "dial-no-answer.form", dialEvent("01", "no-answer", 0, "")},
		{"dial busy", RouteDial, "", "dial-busy.form", dialEvent("02", "busy", 0, "")},
		{"dial failed", RouteDial, "", "dial-failed.form", dialEvent("03", "failed", 0, "")},
		{"dial completed", RouteDial, "", "dial-completed.form", dialEvent("04", "completed", 95, forwardedLegSID)},
		{"dial weird status", RouteDial, "", "dial-weird-status.form", dialEvent("05", "weird-status", 0, "")},
		{"dial no duration", RouteDial, "", "dial-answered-no-duration.form", provider.Event{
			Key: "dial:CA00000000000000000000000000000106", Type: provider.CallDialEnded, AccountSID: testAccountSID,
			CallID: "CA00000000000000000000000000000106", LegID: "CA00000000000000000000000000000206",
			From: "+12025550143", To: "+13125550199", DialStatus: "answered",
		}},
		{"status no-answer", RouteCallStatus, "", "status-no-answer.form", provider.Event{
			Key: "status:CA00000000000000000000000000000401:no-answer", Type: provider.CallStatus,
			AccountSID: testAccountSID, CallID: "CA00000000000000000000000000000401", From: "+12025550143",
			To: "+13125550199", Status: "no-answer", OccurredAt: statusTime,
		}},
		{"status odd timestamp", RouteCallStatus, "", "status-odd-timestamp.form", provider.Event{
			Key: "status:CA00000000000000000000000000000402:busy", Type: provider.CallStatus,
			AccountSID: testAccountSID, CallID: "CA00000000000000000000000000000402", From: "+12025550143",
			To: "+13125550199", Status: "busy",
		}},
		{"machine", RouteMachine, "call=" + parentCallSID, "amd-machine.form", provider.Event{
			Key: "amd:" + parentCallSID + ":" + forwardedLegSID, Type: provider.CallMachine, AccountSID: testAccountSID,
			CallID: parentCallSID, LegID: forwardedLegSID, AnsweredBy: "machine_end_beep",
		}},
		{"screen prompt", RouteScreen, "call=" + parentCallSID, "screen.form", provider.Event{
			Key: "screen:" + parentCallSID + ":" + forwardedLegSID, Type: provider.CallScreenPrompt,
			AccountSID: testAccountSID, CallID: parentCallSID, LegID: forwardedLegSID,
		}},
		{"screen pressed", RouteScreenResult, "call=" + parentCallSID, "screen-result-pressed.form", provider.Event{
			Key: "screened:" + parentCallSID + ":" + forwardedLegSID, Type: provider.CallScreened,
			AccountSID: testAccountSID, CallID: parentCallSID, LegID: forwardedLegSID, Digits: "1",
		}},
		{"screen timed out", RouteScreenResult, "call=" + parentCallSID, "screen-result-empty.form", provider.Event{
			Key: "screened:" + parentCallSID + ":" + forwardedLegSID, Type: provider.CallScreened,
			AccountSID: testAccountSID, CallID: parentCallSID, LegID: forwardedLegSID,
		}},
		{"sms inbound", RouteSMS, "", "sms-inbound.form", provider.Event{
			Key: "sms:SM00000000000000000000000000000010", Type: provider.MessageInbound, AccountSID: testAccountSID,
			MessageID: "SM00000000000000000000000000000010", From: "+12025550143", To: "+13125550199",
			Body: "Yes, 3pm works! 👍", Status: "received",
		}},
		{"sms inbound tenant query", RouteSMS, "tenant=acme-plumbing", "sms-inbound.form", provider.Event{
			Key: "sms:SM00000000000000000000000000000010", Type: provider.MessageInbound, AccountSID: testAccountSID,
			MessageID: "SM00000000000000000000000000000010", From: "+12025550143", To: "+13125550199",
			Body: "Yes, 3pm works! 👍", Status: "received",
		}},
		{"sms inbound legacy", RouteSMS, "", "sms-inbound-legacy.form", provider.Event{
			Key: "sms:SM00000000000000000000000000000011", Type: provider.MessageInbound, AccountSID: testAccountSID,
			MessageID: "SM00000000000000000000000000000011", From: "+12025550143", To: "+13125550199",
			Body: "STOP", Status: "received",
		}},
		{"sms inbound media", RouteSMS, "", "sms-inbound-media.form", provider.Event{
			Key: "sms:MM00000000000000000000000000000012", Type: provider.MessageInbound, AccountSID: testAccountSID,
			MessageID: "MM00000000000000000000000000000012", From: "+12025550143", To: "+13125550199",
			Status: "received",
		}},
		{"sms undelivered", RouteSMSStatus, "", "sms-status-undelivered.form", provider.Event{
			Key: "sms-status:SM00000000000000000000000000002501:undelivered", Type: provider.MessageStatus,
			AccountSID: testAccountSID, MessageID: "SM00000000000000000000000000002501", Status: "undelivered",
			ErrorCode: "30006",
		}},
		{"sms delivered", RouteSMSStatus, "", "sms-status-delivered.form", provider.Event{
			Key: "sms-status:SM00000000000000000000000000002501:delivered", Type: provider.MessageStatus,
			AccountSID: testAccountSID, MessageID: "SM00000000000000000000000000002501", Status: "delivered",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(Options{}).Parse(formWebhook(t, tt.route, tt.query, tt.fixture))
			if err != nil {
				t.Fatalf("Parse(%s) returned error %v", tt.fixture, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%s)\n got %+v\nwant %+v", tt.fixture, got, tt.want)
			}
		})
	}
}

// dialEvent returns the event of a <Dial> action fixture whose CallSid ends in row.
func dialEvent(row, status string, duration int, leg string) provider.Event {
	callSID := "CA000000000000000000000000000001" + row
	return provider.Event{
		Key: "dial:" + callSID, Type: provider.CallDialEnded, AccountSID: testAccountSID, CallID: callSID,
		LegID: leg, From: "+12025550143", To: "+13125550199", Status: "in-progress", DialStatus: status,
		DialDuration: duration,
	}
}

func TestParseStatusKeys(t *testing.T) {
	tests := []struct {
		name          string
		first, second string
		wantSame      bool
	}{
		{"identical copies", "status-no-answer.form", "status-no-answer.form", true},
		{"only timestamp differs", "status-no-answer.form", "status-no-answer-retimed.form", true},
		{"other terminal status", "status-no-answer.form", "status-completed.form", false},
	}
	adapter := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, err := adapter.Parse(formWebhook(t, RouteCallStatus, "", tt.first))
			if err != nil {
				t.Fatalf("Parse(%s) returned error %v", tt.first, err)
			}
			second, err := adapter.Parse(formWebhook(t, RouteCallStatus, "", tt.second))
			if err != nil {
				t.Fatalf("Parse(%s) returned error %v", tt.second, err)
			}
			if same := first.Key == second.Key; same != tt.wantSame {
				t.Errorf("keys %q and %q: same = %v, want %v", first.Key, second.Key, same, tt.wantSame)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	const callSID = "CallSid=CA00000000000000000000000000000001"
	tests := []struct {
		name    string
		route   provider.Route
		query   string
		body    string
		header  http.Header
		wantErr error
	}{
		{"invalid escape", RouteVoice, "", callSID + "&From=%zz", nil, provider.ErrMalformed},
		{"semicolon separator", RouteVoice, "", callSID + ";From=x", nil, provider.ErrMalformed},
		{"invalid query", RouteMachine, "call=%zz", callSID, nil, provider.ErrMalformed},
		{"missing CallSid voice", RouteVoice, "", "From=%2B12025550143", nil, provider.ErrMalformed},
		{"missing CallSid dial", RouteDial, "", "DialCallStatus=busy", nil, provider.ErrMalformed},
		{"missing CallSid status", RouteCallStatus, "", "CallStatus=busy", nil, provider.ErrMalformed},
		{"missing CallStatus", RouteCallStatus, "", callSID, nil, provider.ErrMalformed},
		{"missing CallSid machine", RouteMachine, "call=" + parentCallSID, "AnsweredBy=human", nil,
			provider.ErrMalformed},
		{"missing parent machine", RouteMachine, "", callSID + "&AnsweredBy=human", nil, provider.ErrMalformed},
		{"parent only in body", RouteScreen, "", callSID + "&call=" + parentCallSID, nil, provider.ErrMalformed},
		{"missing parent result", RouteScreenResult, "", callSID + "&Digits=1", nil, provider.ErrMalformed},
		{"missing MessageSid", RouteSMS, "", "Body=hi", nil, provider.ErrMalformed},
		{"missing MessageSid status", RouteSMSStatus, "", "MessageStatus=sent", nil, provider.ErrMalformed},
		{"missing MessageStatus", RouteSMSStatus, "", "MessageSid=SM00000000000000000000000000000001", nil,
			provider.ErrMalformed},
		{"empty body", RouteVoice, "", "", nil, provider.ErrMalformed},
		{"duration not a number", RouteDial, "", callSID + "&DialCallDuration=abc", nil, provider.ErrMalformed},
		{"negative duration", RouteDial, "", callSID + "&DialCallDuration=-1", nil, provider.ErrMalformed},
		{"oversized value", RouteSMS, "", "MessageSid=SM1&Body=" + strings.Repeat("a", maxValueBytes+1), nil,
			provider.ErrMalformed},
		{"oversized name", RouteSMS, "", "MessageSid=SM1&" + strings.Repeat("a", maxValueBytes+1) + "=1", nil,
			provider.ErrMalformed},
		{"oversized body", RouteSMS, "", "MessageSid=SM1" + strings.Repeat("&A=1", maxBodyBytes/4), nil,
			provider.ErrMalformed},
		{"invalid UTF-8 value", RouteSMS, "", "MessageSid=SM1&Body=%FF%FE", nil, provider.ErrMalformed},
		{"invalid UTF-8 name", RouteSMS, "", "MessageSid=SM1&%C3%28=1", nil, provider.ErrMalformed},
		{"invalid UTF-8 query", RouteSMS, "tenant=%FF", "MessageSid=SM1", nil, provider.ErrMalformed},
		{"raw invalid UTF-8", RouteSMS, "", "MessageSid=SM1&Body=\xff", nil, provider.ErrMalformed},
		{"JSON content type", RouteVoice, "", `{"CallSid":"CA1"}`,
			http.Header{"Content-Type": {"application/json"}}, provider.ErrMalformed},
		{"invalid content type", RouteVoice, "", callSID, http.Header{"Content-Type": {"form;;"}},
			provider.ErrMalformed},
		{"unknown route", "voice/unknown", "", callSID, nil, provider.ErrUnknownRoute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := rawWebhook(tt.route, tt.query, []byte(tt.body))
			if tt.header != nil {
				w.Header = tt.header
			}
			ev, err := New(Options{}).Parse(w)
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
	w := formWebhook(t, RouteVoice, "", "incoming.form")
	w.URL = "https://[::1/webhooks/twilio/voice"
	if _, err := New(Options{}).Parse(w); !errors.Is(err, provider.ErrMalformed) {
		t.Errorf("Parse with an invalid URL returned %v, want an error wrapping ErrMalformed", err)
	}
}

func TestParseWithoutContentType(t *testing.T) {
	w := formWebhook(t, RouteVoice, "", "incoming.form")
	w.Header = http.Header{}
	ev, err := New(Options{}).Parse(w)
	if err != nil {
		t.Fatalf("Parse without Content-Type returned error %v", err)
	}
	if ev.CallID != "CA00000000000000000000000000003602" {
		t.Errorf("Parse without Content-Type read CallID %q, want the fixture's CallSid", ev.CallID)
	}
}

func TestParseGetWebhook(t *testing.T) {
	w := rawWebhook(RouteVoice, string(readFixture(t, "webhooks/incoming.form")), nil)
	ev, err := New(Options{}).Parse(w)
	if err != nil {
		t.Fatalf("Parse of parameters in the query string returned error %v", err)
	}
	if ev.Key != "voice:CA00000000000000000000000000003602" {
		t.Errorf("Parse of parameters in the query string gave key %q, want the fixture's CallSid", ev.Key)
	}
}

func TestAccountSIDOf(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"form body", "AccountSid=" + testAccountSID + "&CallSid=CA1", testAccountSID},
		{"missing", "CallSid=CA1", ""},
		{"invalid body", "AccountSid=%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := New(Options{}).AccountSIDOf(rawWebhook(RouteVoice, "", []byte(tt.body)))
			if got != tt.want {
				t.Errorf("AccountSIDOf(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	want := []provider.Route{"sms", "sms/status", "voice", "voice/amd", "voice/dial", "voice/menu", "voice/menu/dial",
		"voice/screen", "voice/screen/result", "voice/status", "voice/voicemail", "voice/voicemail/recording",
		"voice/voicemail/transcription"}
	if got := Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() = %v, want %v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	routes := Routes()
	seeds := []struct {
		route   provider.Route
		fixture string
	}{
		{RouteVoice, "incoming-forwarded.form"},
		{RouteDial, "dial-completed.form"},
		{RouteCallStatus, "status-no-answer.form"},
		{RouteMachine, "amd-machine.form"},
		{RouteScreenResult, "screen-result-pressed.form"},
		{RouteSMS, "sms-inbound.form"},
		{RouteSMSStatus, "sms-status-undelivered.form"},
	}
	for _, seed := range seeds {
		routeIndex := uint8(slices.Index(routes, seed.route))
		f.Add(routeIndex, "call="+parentCallSID, readFixture(f, filepath.Join("webhooks", seed.fixture)))
	}
	f.Add(uint8(3), "call=%zz", []byte("CallSid=%zz;"))
	f.Add(uint8(7), "", []byte("MessageSid=\xff&Body=%FF"))
	adapter := New(Options{})
	f.Fuzz(func(t *testing.T, routeIndex uint8, query string, body []byte) {
		for _, route := range []provider.Route{routes[int(routeIndex)%len(routes)], "unknown"} {
			w := rawWebhook(route, query, body)
			ev, err := adapter.Parse(w)
			if err != nil {
				if !errors.Is(err, provider.ErrMalformed) && !errors.Is(err, provider.ErrUnknownRoute) {
					t.Fatalf("Parse returned %v, which wraps neither ErrMalformed nor ErrUnknownRoute", err)
				}
				continue
			}
			if ev.Key == "" || ev.Type == "" {
				t.Fatalf("Parse succeeded with an empty key or type: %+v", ev)
			}
			adapter.AccountSIDOf(w)
		}
	})
}
