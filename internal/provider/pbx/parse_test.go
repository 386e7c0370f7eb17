package pbx

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

const (
	testToken  = "tok_acme_main"
	testNumber = "+13125550199"
)

// received is when the test reports arrive.
var received = time.Date(2026, 3, 11, 19, 4, 30, 0, time.UTC)

// reportWebhook returns body as a report received under testToken for testNumber.
func reportWebhook(body string) provider.Webhook {
	w := provider.Webhook{
		Route:      testToken,
		URL:        "https://hooks.example.com/webhooks/pbx/" + testToken,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       []byte(body),
		ReceivedAt: received,
	}
	return New().BindNumber(w, testNumber)
}

func TestParseOutcomes(t *testing.T) {
	tests := []struct {
		outcome string
		status  string
	}{
		{"missed", "no-answer"},
		{"no-answer", "no-answer"},
		{"busy", "busy"},
		{"failed", "failed"},
		{"voicemail", "voicemail"},
		{"answered", "completed"},
		{"NO-ANSWER", "no-answer"},
		{" Voicemail ", "voicemail"},
	}
	for _, tt := range tests {
		t.Run(tt.outcome, func(t *testing.T) {
			body := `{"call_id": "1773255850.42", "caller": "+12025550143", "called": "+13125550199", ` +
				`"outcome": "` + tt.outcome + `", "time": "2026-03-11T19:04:10Z", "ring_seconds": 18}`
			ev, err := New().Parse(reportWebhook(body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.DialStatus != tt.status {
				t.Errorf("DialStatus = %q, want %q", ev.DialStatus, tt.status)
			}
			if ev.Type != provider.CallDialEnded {
				t.Errorf("Type = %q, want %q", ev.Type, provider.CallDialEnded)
			}
			if want := "pbx:" + testToken + ":1773255850.42"; ev.Key != want {
				t.Errorf("Key = %q, want %q", ev.Key, want)
			}
			if want := "pbx:" + testNumber + ":1773255850.42"; ev.CallID != want {
				t.Errorf("CallID = %q, want %q", ev.CallID, want)
			}
			if ev.From != "+12025550143" {
				t.Errorf("From = %q, want the caller", ev.From)
			}
			if ev.To != testNumber {
				t.Errorf("To = %q, want %q", ev.To, testNumber)
			}
			if want := time.Date(2026, 3, 11, 19, 4, 10, 0, time.UTC); !ev.OccurredAt.Equal(want) {
				t.Errorf("OccurredAt = %v, want %v", ev.OccurredAt, want)
			}
		})
	}
}

func TestParseAccepted(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		from   string
		occurs time.Time
	}{
		{"minimal", `{"call_id": "a1", "caller": "+12025550143", "outcome": "missed"}`, "+12025550143", received},
		{"withheld caller", `{"call_id": "a1", "caller": "Anonymous", "outcome": "missed"}`, "Anonymous", received},
		{"empty caller", `{"call_id": "a1", "caller": "", "outcome": "missed"}`, "", received},
		{"national called", `{"call_id": "a1", "caller": "2025550143", "called": "(312) 555-0199", "outcome": "busy"}`,
			"2025550143", received},
		{"called with country code", `{"call_id": "a1", "caller": "x", "called": "1-312-555-0199", "outcome": "busy"}`,
			"x", received},
		{"empty called", `{"call_id": "a1", "caller": "x", "called": "", "outcome": "busy"}`, "x", received},
		{"null time", `{"call_id": "a1", "caller": "x", "outcome": "busy", "time": null}`, "x", received},
		{"time with offset", `{"call_id": "a1", "caller": "x", "outcome": "busy", "time": "2026-03-11T14:04:10.5-05:00"}`,
			"x", time.Date(2026, 3, 11, 19, 4, 10, 500_000_000, time.UTC)},
		{"unknown fields", `{"call_id": "a1", "caller": "x", "outcome": "busy", "queue": {"name": "sales"}, "cdr": [1, 2]}`,
			"x", received},
		{"zero ring seconds", `{"call_id": "a1", "caller": "x", "outcome": "busy", "ring_seconds": 0}`, "x", received},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := New().Parse(reportWebhook(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.From != tt.from {
				t.Errorf("From = %q, want %q", ev.From, tt.from)
			}
			if !ev.OccurredAt.Equal(tt.occurs) {
				t.Errorf("OccurredAt = %v, want %v", ev.OccurredAt, tt.occurs)
			}
			if ev.OccurredAt.Location() != time.UTC {
				t.Errorf("OccurredAt is in %v, want UTC", ev.OccurredAt.Location())
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		body string
		// names is text the error must contain, such as the field at fault.
		names string
	}{
		{"missing call_id", `{"caller": "+12025550143", "outcome": "missed"}`, "missing call_id"},
		{"empty call_id", `{"call_id": "", "caller": "+12025550143", "outcome": "missed"}`, "call_id is empty"},
		{"null call_id", `{"call_id": null, "caller": "+12025550143", "outcome": "missed"}`, "missing call_id"},
		{"numeric call_id", `{"call_id": 42, "caller": "+12025550143", "outcome": "missed"}`, "call_id is a JSON number"},
		{"long call_id", `{"call_id": "` + strings.Repeat("9", 129) + `", "caller": "x", "outcome": "missed"}`,
			"call_id is 129 bytes"},
		{"control character", `{"call_id": "a\n1", "caller": "x", "outcome": "missed"}`, "call_id"},
		{"missing caller", `{"call_id": "a1", "outcome": "missed"}`, "missing caller"},
		{"null caller", `{"call_id": "a1", "caller": null, "outcome": "missed"}`, "missing caller"},
		{"missing outcome", `{"call_id": "a1", "caller": "+12025550143"}`, "missing outcome"},
		{"empty outcome", `{"call_id": "a1", "caller": "+12025550143", "outcome": ""}`, "missing outcome"},
		{"unknown outcome", `{"call_id": "a1", "caller": "+12025550143", "outcome": "transferred"}`,
			`unknown outcome "transferred"`},
		{"called mismatch", `{"call_id": "a1", "caller": "x", "called": "+13125550100", "outcome": "missed"}`,
			`called "+13125550100" is not the business number`},
		{"called invalid", `{"call_id": "a1", "caller": "x", "called": "reception", "outcome": "missed"}`, "called"},
		{"bad time", `{"call_id": "a1", "caller": "x", "outcome": "missed", "time": "2026-03-11 19:04:10"}`,
			`time "2026-03-11 19:04:10"`},
		{"negative ring_seconds", `{"call_id": "a1", "caller": "x", "outcome": "missed", "ring_seconds": -1}`,
			"ring_seconds is -1"},
		{"fractional ring_seconds", `{"call_id": "a1", "caller": "x", "outcome": "missed", "ring_seconds": 1.5}`,
			"ring_seconds is a JSON number 1.5"},
		{"string ring_seconds", `{"call_id": "a1", "caller": "x", "outcome": "missed", "ring_seconds": "18"}`,
			"ring_seconds is a JSON string"},
		{"bad json", `{"call_id": "a1", "caller": "x",`, "not valid JSON"},
		{"trailing data", `{"call_id": "a1", "caller": "x", "outcome": "missed"} {}`, "not valid JSON"},
		{"form body", `call_id=a1&caller=x&outcome=missed`, "not valid JSON"},
		{"array", `[{"call_id": "a1"}]`, "JSON array, expected an object"},
		{"empty body", ``, "not valid JSON"},
		{"oversized", `{"call_id": "a1", "caller": "x", "outcome": "missed", "pad": "` + strings.Repeat("x", MaxBody) + `"}`,
			"more than the limit of 16384"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Parse(reportWebhook(tt.body))
			if !errors.Is(err, provider.ErrMalformed) {
				t.Fatalf("error = %v, want one wrapping ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.names) {
				t.Errorf("error %q does not contain %q", err, tt.names)
			}
		})
	}
}

func TestParseWithoutBoundNumber(t *testing.T) {
	w := reportWebhook(`{"call_id": "a1", "caller": "x", "outcome": "missed"}`)
	w.Header.Del(NumberHeader)
	_, err := New().Parse(w)
	if !errors.Is(err, provider.ErrMalformed) {
		t.Errorf("error = %v, want one wrapping ErrMalformed", err)
	}
}

func TestParseRouteNotToken(t *testing.T) {
	for _, route := range []provider.Route{"", "tok/extra"} {
		w := reportWebhook(`{"call_id": "a1", "caller": "x", "outcome": "missed"}`)
		w.Route = route
		_, err := New().Parse(w)
		if !errors.Is(err, provider.ErrUnknownRoute) {
			t.Errorf("route %q: error = %v, want one wrapping ErrUnknownRoute", route, err)
		}
	}
}

// A report sent again has the same key, and the same call id under another token has another.
func TestParseKeys(t *testing.T) {
	body := `{"call_id": "a1", "caller": "x", "outcome": "missed"}`
	first, err := New().Parse(reportWebhook(body))
	if err != nil {
		t.Fatal(err)
	}
	again, err := New().Parse(reportWebhook(body))
	if err != nil {
		t.Fatal(err)
	}
	if again.Key != first.Key {
		t.Errorf("keys of one report differ: %q and %q", first.Key, again.Key)
	}
	other := reportWebhook(body)
	other.Route = "tok_other"
	moved, err := New().Parse(other)
	if err != nil {
		t.Fatal(err)
	}
	if moved.Key == first.Key {
		t.Errorf("reports under two tokens share key %q", first.Key)
	}
}
