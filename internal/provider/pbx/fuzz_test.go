package pbx

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/textback/textback/internal/alertsend"
	"github.com/textback/textback/internal/provider"
)

// FuzzParse checks that any report body either parses into a call event for the bound number or
// fails with an error wrapping provider.ErrMalformed, and never panics.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"call_id": "1773255850.123", "caller": "+12025550143", "called": "+13125550199", "outcome": "no-answer"}`,
		`{"call_id": "7", "caller": "anonymous", "outcome": "busy", "time": "2026-03-11T19:04:10Z", "ring_seconds": 18}`,
		`{"call_id": "8", "caller": "(202) 555-0143", "outcome": "voicemail", "forwarded_from": "+13125550100"}`,
		`{"call_id": "", "caller": "+12025550143", "outcome": "answered"}`,
		`{"call_id": 5, "caller": true}`, `[]`, `null`, `{}`, `{"outcome": "exploded"}`,
		"{\"call_id\": \"\xff\", \"caller\": \"+1\x00\", \"outcome\": \"missed\"}",
		`{"call_id": "9", "caller": "+12025550143", "outcome": "missed", "ring_seconds": -99999999999999999999}`,
		`{"call_id": "9", "caller": "+12025550143", "outcome": "missed", "time": "yesterday"}`,
		`{"call_id": "9"} {"x": 1}`, strings.Repeat("[", 10000),
	} {
		f.Add([]byte(seed))
	}
	adapter := New()
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := adapter.Parse(reportWebhook(string(body)))
		if err != nil {
			if !errors.Is(err, provider.ErrMalformed) {
				t.Fatalf("Parse(%q) = %v, want an error wrapping ErrMalformed", body, err)
			}
			return
		}
		if ev.Type != provider.CallDialEnded {
			t.Fatalf("Parse(%q).Type = %q, want %q", body, ev.Type, provider.CallDialEnded)
		}
		if ev.Key == "" || ev.CallID == "" {
			t.Fatalf("Parse(%q) = %+v, want a key and a call id", body, ev)
		}
		if ev.To != testNumber {
			t.Fatalf("Parse(%q).To = %q, want the bound number %s", body, ev.To, testNumber)
		}
		clean := ev.Clean()
		for _, field := range []string{clean.Key, clean.CallID, clean.From, clean.DialStatus} {
			if !utf8.ValidString(field) {
				t.Fatalf("Parse(%q).Clean() has invalid UTF-8 %q", body, field)
			}
		}
	})
}

// FuzzVerify checks that Verify accepts a report only with the right secret: a correct signature
// over the exact body and a fresh timestamp, or the right bearer token. Any other header value is
// rejected with an error wrapping provider.ErrSignature, without a panic.
func FuzzVerify(f *testing.F) {
	const secret = "pbx_secret_for_tests_0001"
	body := `{"call_id": "1", "caller": "+12025550143", "outcome": "missed"}`
	f.Add([]byte(body), "v1=00", strconv.FormatInt(received.Unix(), 10), "", false)
	f.Add([]byte(body), "", "", "Bearer "+secret, false)
	f.Add([]byte(body), "", "", "bearer  "+secret+" ", false)
	f.Add([]byte(body), "", "", "Basic "+secret, false)
	f.Add([]byte(body), "v1=", "-1", "", true)
	f.Add([]byte(""), "v1=zz,v1=00", "99999999999999999999", "Bearer", true)
	f.Add([]byte(body), "v0=abc", "1.5", "Bearer x", true)
	adapter := New()
	acct := provider.Account{AuthToken: secret}
	f.Fuzz(func(t *testing.T, body []byte, signature, timestamp, authorization string, sign bool) {
		w := reportWebhook(string(body))
		if sign {
			timestamp = strconv.FormatInt(received.Unix(), 10)
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(timestamp + "." + string(body)))
			signature = "v1=" + hex.EncodeToString(mac.Sum(nil))
		}
		setHeader(w.Header, alertsend.HeaderSignature, signature)
		setHeader(w.Header, alertsend.HeaderTimestamp, timestamp)
		setHeader(w.Header, "Authorization", authorization)
		err := adapter.Verify(acct, w)
		if err != nil {
			if !errors.Is(err, provider.ErrSignature) {
				t.Fatalf("Verify = %v, want an error wrapping ErrSignature", err)
			}
			if sign {
				t.Fatalf("Verify of a correct signature = %v, want nil", err)
			}
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(timestamp + "." + string(body)))
		signed := signature != "" && strings.Contains(signature, hex.EncodeToString(mac.Sum(nil)))
		bearer := signature == "" && strings.Contains(authorization, secret)
		if !signed && !bearer {
			t.Fatalf("Verify accepted signature %q, timestamp %q, authorization %q without the secret",
				signature, timestamp, authorization)
		}
		if err := adapter.Verify(provider.Account{AuthToken: "another_secret_000001"}, w); err == nil && sign {
			t.Fatal("Verify accepted a signature made with another secret")
		}
	})
}

// setHeader sets name to value, or removes it when value is empty.
func setHeader(h http.Header, name, value string) {
	if value == "" {
		h.Del(name)
		return
	}
	h.Set(name, value)
}
