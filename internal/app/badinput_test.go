package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/telnyx/telnyxtest"
	"github.com/textback/textback/internal/store"
)

// publicEndpoint is an endpoint that anyone can reach without a session or an API key. Every one
// must answer bad input with a clear 4xx, or ignore it, and never with a 5xx or a crash. Pages and
// APIs that take requests without a login join the list when they are added.
type publicEndpoint struct {
	method, path string
	// body is true for endpoints that read a request body.
	body bool
}

var publicEndpoints = []publicEndpoint{
	{http.MethodPost, "/webhooks/twilio/voice", true},
	{http.MethodPost, "/webhooks/twilio/voice/dial", true},
	{http.MethodPost, "/webhooks/twilio/voice/status", true},
	{http.MethodPost, "/webhooks/twilio/sms", true},
	{http.MethodPost, "/webhooks/twilio/sms/status", true},
	{http.MethodPost, "/webhooks/signalwire/voice", true},
	{http.MethodPost, "/webhooks/signalwire/sms", true},
	{http.MethodPost, "/webhooks/telnyx/texml/voice", true},
	{http.MethodPost, "/webhooks/telnyx/messaging", true},
	{http.MethodPost, "/webhooks/telnyx/call-control", true},
	{http.MethodPost, "/webhooks/pbx/" + wirePBXToken, true},
	{http.MethodPost, "/webhooks/pbx/no_such_token", true},
	{http.MethodPost, "/webhooks/nosuchprovider/voice", true},
	{http.MethodGet, "/healthz", false},
	{http.MethodGet, "/", false},
	{http.MethodPost, "/book/acme-plumbing", true},
	{http.MethodPost, "/login", true},
	{http.MethodPost, "/api/v1/messages", true},
	{http.MethodPut, "/api/v1/settings", true},
	{http.MethodGet, "/book/acme-plumbing", false},
	{http.MethodGet, "/calendars/no_such_feed.ics", false},
	{http.MethodGet, "/login", false},
	{http.MethodGet, "/dashboard/", false},
	{http.MethodGet, "/api/v1/contacts", false},
}

// badRequest is a malformed or hostile request that no public endpoint may answer with a 5xx.
type badRequest struct {
	name        string
	contentType string
	body        []byte
	header      http.Header
	// wantStatus, when not zero, is the status every endpoint with a body must return.
	wantStatus int
}

var badRequests = []badRequest{
	{name: "empty", contentType: "application/x-www-form-urlencoded"},
	{name: "oversized", contentType: "application/x-www-form-urlencoded",
		body: []byte("Body=" + strings.Repeat("a", 1<<20)), wantStatus: http.StatusRequestEntityTooLarge},
	{name: "json to a form endpoint", contentType: "application/json", body: []byte(`{"CallSid":"CA1","From":"+12025550143"}`)},
	{name: "form to a json endpoint", contentType: "application/x-www-form-urlencoded", body: []byte("data=1&event_type=call.hangup")},
	{name: "xml", contentType: "text/xml", body: []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`)},
	{name: "multipart", contentType: "multipart/form-data; boundary=zz", body: []byte("--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--zz--\r\n")},
	{name: "invalid utf-8", contentType: "application/x-www-form-urlencoded", body: []byte("Body=\xff\xfe\xc3\x28&From=\xed\xa0\x80")},
	{name: "nul bytes", contentType: "application/json", body: []byte("{\"data\":\x00\x00}")},
	{name: "broken escapes", contentType: "application/x-www-form-urlencoded", body: []byte("Body=%zz%&From=%2&&&==")},
	{name: "deep json", contentType: "application/json", body: []byte(strings.Repeat("[", 100000))},
	{name: "no content type", body: []byte("CallSid=CA1")},
	{name: "forged signatures", contentType: "application/x-www-form-urlencoded", body: []byte("CallSid=CA1&From=%2B12025550143"),
		header: http.Header{
			"X-Twilio-Signature":       {"XeqWWv48z3HgXRtMyu7QkFTIVYY="},
			"X-Signalwire-Signature":   {"XeqWWv48z3HgXRtMyu7QkFTIVYY="},
			"Telnyx-Signature-Ed25519": {"AAAA"}, "Telnyx-Timestamp": {"1"},
			"X-Textback-Signature": {"v1=00"}, "X-Textback-Timestamp": {"99999999999999999999"},
			"Authorization": {"Bearer " + strings.Repeat("x", 4000)},
		}},
}

// Every public endpoint answers every malformed or hostile request with a 4xx (or, for endpoints
// that read no body, ignores it), never a 5xx, and the server stays healthy.
func TestPublicEndpointsRejectBadInput(t *testing.T) {
	h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
	client := &http.Client{Timeout: 10 * time.Second}
	for _, ep := range publicEndpoints {
		for _, bad := range badRequests {
			req, err := http.NewRequest(ep.method, "http://"+h.app.Addr()+ep.path, strings.NewReader(string(bad.body)))
			if err != nil {
				t.Fatal(err)
			}
			for name, values := range bad.header {
				req.Header[name] = values
			}
			if bad.contentType != "" {
				req.Header.Set("Content-Type", bad.contentType)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("%s %s, %s: %v", ep.method, ep.path, bad.name, err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode >= 500:
				t.Errorf("%s %s, %s: status %d (%q), want a 4xx", ep.method, ep.path, bad.name, resp.StatusCode, body)
			case ep.body && resp.StatusCode < 400:
				t.Errorf("%s %s, %s: status %d, want a 4xx for an unsigned request", ep.method, ep.path, bad.name, resp.StatusCode)
			case ep.body && bad.wantStatus != 0 && resp.StatusCode != bad.wantStatus &&
				resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusTooManyRequests &&
				// The API and the sign-in form reject a request without a key or a form token before
				// they read its body.
				resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s, %s: status %d, want %d", ep.method, ep.path, bad.name, resp.StatusCode, bad.wantStatus)
			case resp.StatusCode >= 400 && len(strings.TrimSpace(string(body))) == 0:
				t.Errorf("%s %s, %s: status %d with an empty body, want a message", ep.method, ep.path, bad.name, resp.StatusCode)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s %s, %s: X-Content-Type-Options %q, want nosniff", ep.method, ep.path, bad.name, got)
			}
		}
	}
	if n := h.webhookCount(); n != 0 {
		t.Errorf("%d webhooks stored from unsigned requests, want none", n)
	}
	checkHealthy(t, h.app.Addr())
}

// Methods that no public endpoint serves get 405 and an oversized header block gets 431.
func TestPublicEndpointsWrongMethod(t *testing.T) {
	h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
	client := &http.Client{Timeout: 10 * time.Second}
	for _, ep := range publicEndpoints {
		for _, method := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
			if method == ep.method {
				continue
			}
			req, err := http.NewRequest(method, "http://"+h.app.Addr()+ep.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, ep.path, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", method, ep.path, resp.StatusCode)
			}
		}
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+h.app.Addr()+"/webhooks/twilio/voice", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KB header: status %d, want 431", resp.StatusCode)
	}
	checkHealthy(t, h.app.Addr())
}

// checkHealthy fails the test unless the server at addr answers its health check with 200.
func checkHealthy(t *testing.T, addr string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("health check after bad input: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health check after bad input: status %d, want 200", resp.StatusCode)
	}
}

// oddTexts are inbound text bodies that are odd, most of them possible. Each must be stored as
// sent and processed once, through every provider's wire format. A body no provider sends (mayReject)
// may instead get a 400 that names the problem, with the raw webhook kept for a person to read.
var oddTexts = []struct {
	name, body string
	mayReject  bool
}{
	{"emoji", "🚰💧🔧👍🏽 leak!!", false},
	{"right-to-left", "\u202eplease call\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627", false},
	{"control characters", "line1\r\nline2\tTab\a\x1b[31m\x7f", false},
	{"nul", "call\x00me", false},
	{"invalid utf-8", "caf\xe9 \xff\xfe ok", true},
	{"markup", `<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes" 'too'`, false},
	{"xml breakout", `]]></Message></Response><Response><Redirect>https://evil.example.net/</Redirect>`, false},
	{"ten segments", strings.Repeat("Need a plumber today. ", 72), false},
	{"thirty kilobytes", strings.Repeat("x", 30<<10), true},
	{"combining marks", "Z\u0351\u0356\u0339a\u0364\u0345l\u0310g\u0358o", false},
	{"format string", "%s %d %v %!x {{.}} ${HOME} $(id)", false},
}

// Odd inbound texts through Twilio, SignalWire and Telnyx webhooks are acknowledged, applied once
// and filed as inbound messages without a crash or a 5xx.
func TestOddTextsEveryProvider(t *testing.T) {
	rows := []struct {
		name  string
		setup func(t *testing.T) wireSetup
	}{
		{"twilio", twilioSetup},
		{"signalwire", signalWireSetup},
		{"telnyx", telnyxTeXMLSetup},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			h := startWireHarness(t, store.SQLite, row.setup(t))
			for i, odd := range oddTexts {
				from := fmt.Sprintf("+1202555%04d", 9100+i)
				request, key := h.setup.texts.inbound(h, from, odd.body)
				stored := h.webhookCount()
				status, body := h.post(request)
				if odd.mayReject && status == http.StatusBadRequest {
					if !strings.Contains(body, "Body") {
						t.Errorf("%s: status 400 with %q, want a message naming the field", odd.name, body)
					}
					if h.webhookCount() != stored+1 {
						t.Errorf("%s: rejected webhook not kept", odd.name)
					}
					continue
				}
				if status != http.StatusOK {
					t.Errorf("%s: status %d (%q), want 200", odd.name, status, body)
					continue
				}
				if err := wellFormedXML(body); err != nil {
					t.Errorf("%s: response is not well-formed markup: %v (%q)", odd.name, err, body)
				}
				if result := h.waitApplied(key); strings.HasPrefix(result, "not applied") {
					t.Errorf("%s: webhook set aside: %s", odd.name, result)
				}
				if n := h.inboundFrom(from); n != 1 {
					t.Errorf("%s: %d inbound messages from %s, want 1", odd.name, n, from)
				}
			}
			checkHealthy(t, h.app.Addr())
		})
	}
}

// wellFormedXML returns an error when body looks like XML but does not parse, or holds more than
// one root element. Bodies that are not XML pass.
func wellFormedXML(body string) error {
	if !strings.HasPrefix(strings.TrimSpace(body), "<") {
		return nil
	}
	decoder := xml.NewDecoder(strings.NewReader(body))
	depth, roots := 0, 0
	for {
		token, err := decoder.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch token.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			if roots > 1 {
				return errors.New("more than one root element")
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// inboundFrom returns how many inbound messages from the number are stored.
func (h *wireHarness) inboundFrom(number string) int {
	h.t.Helper()
	messages, err := h.store.ListRecentMessages(context.Background(), 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, m := range messages {
		if m.Direction == store.Inbound && m.From == number {
			n++
		}
	}
	return n
}

// Caller ids that are hostile or odd in a voice webhook never break the TwiML textback renders:
// the response stays one well-formed document with no element the caller injected.
func TestVoiceResponseEscapesCaller(t *testing.T) {
	wire := newTwilioWire(t)
	h := startWireHarness(t, store.SQLite, wireSetup{providerYAML: wire.providerYAML(), calls: wire, texts: wire})
	hostile := []string{
		`</Dial><Redirect>https://evil.example.net/</Redirect><Dial>`,
		`"><Say>owned</Say>`,
		"+1202555\x00\x01",
		"\xff\xfe",
		strings.Repeat("9", 5000),
	}
	for i, from := range hostile {
		callSID := fmt.Sprintf("CA%032d", 900+i)
		for _, route := range []string{"voice", "voice/dial", "voice/status"} {
			form := wire.callForm(callSID, from, "CallStatus", "ringing", "DialCallStatus", "no-answer",
				"CallerName", from, "Digits", from)
			status, body := h.post(wire.request(route, form, wire.signingKey))
			if status >= 500 {
				t.Errorf("caller %q, %s: status %d (%q)", from, route, status, body)
				continue
			}
			if err := wellFormedXML(body); err != nil {
				t.Errorf("caller %q, %s: %v (%q)", from, route, err, body)
			}
			for _, injected := range []string{"<Redirect", "<Say>owned"} {
				if strings.Contains(body, injected) {
					t.Errorf("caller %q, %s: response contains the injected %s: %q", from, route, injected, body)
				}
			}
		}
	}
	checkHealthy(t, h.app.Addr())
}

// Signed webhooks replayed where their signature does not hold are rejected with 403 and stored
// nowhere: a Twilio signature sent to another URL, a body changed after signing, and Telnyx and
// PBX signatures older than their five minute window.
func TestReplayedSignaturesRejected(t *testing.T) {
	t.Run("twilio", func(t *testing.T) {
		wire := newTwilioWire(t)
		h := startWireHarness(t, store.SQLite, wireSetup{providerYAML: wire.providerYAML(), calls: wire, texts: wire})
		signed, _ := wire.inbound(h, "+12025559201", "hello")
		elsewhere := signed
		elsewhere.path = "twilio/sms/status"
		tampered := signed
		tampered.body = []byte(strings.Replace(string(signed.body), "hello", "STOP", 1))
		extra := signed
		extra.body = append(append([]byte(nil), signed.body...), "&Extra=1"...)
		for name, r := range map[string]wireRequest{"other url": elsewhere, "changed body": tampered, "added field": extra} {
			if status, body := h.post(r); status != http.StatusForbidden {
				t.Errorf("%s: status %d (%q), want 403", name, status, body)
			}
		}
		if n := h.webhookCount(); n != 0 {
			t.Errorf("%d webhooks stored, want none", n)
		}
		if status, body := h.post(signed); status != http.StatusOK {
			t.Errorf("the genuine webhook: status %d (%q), want 200", status, body)
		}
	})
	t.Run("telnyx", func(t *testing.T) {
		wire := newTelnyxWire(t)
		h := startWireHarness(t, store.SQLite, wireSetup{providerYAML: wire.providerYAML(), calls: wire, texts: wire})
		fresh, _ := wire.inbound(h, "+12025559202", "hello")
		old := fresh
		old.header = wire.fake.SignedHeader("application/json", fresh.body, time.Now().Add(-10*time.Minute))
		future := fresh
		future.header = wire.fake.SignedHeader("application/json", fresh.body, time.Now().Add(10*time.Minute))
		tampered := fresh
		tampered.body = []byte(strings.Replace(string(fresh.body), "hello", "STOP", 1))
		noTimestamp := fresh
		noTimestamp.header = fresh.header.Clone()
		noTimestamp.header.Del(telnyxtest.TimestampHeader)
		for name, r := range map[string]wireRequest{"ten minutes old": old, "ten minutes ahead": future,
			"changed body": tampered, "no timestamp": noTimestamp} {
			if status, body := h.post(r); status != http.StatusForbidden {
				t.Errorf("%s: status %d (%q), want 403", name, status, body)
			}
		}
		if n := h.webhookCount(); n != 0 {
			t.Errorf("%d webhooks stored, want none", n)
		}
	})
	t.Run("pbx", func(t *testing.T) {
		h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
		body := fmt.Sprintf(`{"call_id": "1", "caller": "+12025559203", "called": %q, "outcome": "no-answer"}`, wireNumber)
		for name, at := range map[string]time.Time{"ten minutes old": time.Now().Add(-10 * time.Minute),
			"ten minutes ahead": time.Now().Add(10 * time.Minute)} {
			if status, answer := h.post(pbxSigned(body, wirePBXSecret, at)); status != http.StatusForbidden {
				t.Errorf("%s: status %d (%q), want 403", name, status, answer)
			}
		}
		if n := h.webhookCount(); n != 0 {
			t.Errorf("%d webhooks stored, want none", n)
		}
	})
}

// pbxSigned returns a PBX report with body, signed with secret as of at.
func pbxSigned(body, secret string, at time.Time) wireRequest {
	timestamp := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + body))
	return wireRequest{path: "pbx/" + wirePBXToken, body: []byte(body), header: http.Header{
		"Content-Type":         {"application/json"},
		"X-Textback-Timestamp": {timestamp},
		"X-Textback-Signature": {"v1=" + hex.EncodeToString(mac.Sum(nil))},
	}}
}

// Signed PBX reports with odd or hostile fields get a 2xx or a clear 4xx, never a 5xx.
func TestOddPBXReports(t *testing.T) {
	h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
	reports := map[string]string{
		"not json":           `call_id=1`,
		"array":              `[1,2,3]`,
		"wrong types":        `{"call_id": 5, "caller": true, "called": [], "outcome": {}}`,
		"invalid utf-8":      "{\"call_id\": \"\xff\", \"caller\": \"+1202555\xfe\", \"outcome\": \"no-answer\"}",
		"huge caller":        fmt.Sprintf(`{"call_id": "2", "caller": %q, "called": %q, "outcome": "no-answer"}`, strings.Repeat("1", 20000), wireNumber),
		"markup caller":      fmt.Sprintf(`{"call_id": "3", "caller": "<script>x</script>", "called": %q, "outcome": "no-answer"}`, wireNumber),
		"unknown outcome":    fmt.Sprintf(`{"call_id": "4", "caller": "+12025559204", "called": %q, "outcome": "exploded"}`, wireNumber),
		"bad time":           fmt.Sprintf(`{"call_id": "5", "caller": "+12025559205", "called": %q, "outcome": "no-answer", "time": "yesterday"}`, wireNumber),
		"negative ring":      fmt.Sprintf(`{"call_id": "6", "caller": "+12025559206", "called": %q, "outcome": "no-answer", "ring_seconds": -99999999999}`, wireNumber),
		"other number":       `{"call_id": "7", "caller": "+12025559207", "called": "+13125550000", "outcome": "no-answer"}`,
		"empty object":       `{}`,
		"trailing garbage":   fmt.Sprintf(`{"call_id": "8", "caller": "+12025559208", "called": %q, "outcome": "no-answer"} {"x":1}`, wireNumber),
		"duplicate fields":   fmt.Sprintf(`{"call_id": "9", "call_id": "10", "caller": "+12025559209", "called": %q, "outcome": "no-answer"}`, wireNumber),
		"numbers as strings": fmt.Sprintf(`{"call_id": "11", "caller": "+12025559211", "called": %q, "outcome": "no-answer", "ring_seconds": "18"}`, wireNumber),
	}
	for name, body := range reports {
		status, answer := h.post(pbxSigned(body, wirePBXSecret, time.Now()))
		if status >= 500 || status == 0 {
			t.Errorf("%s: status %d (%q), want 2xx or 4xx", name, status, answer)
		}
		if status >= 400 && strings.TrimSpace(answer) == "" {
			t.Errorf("%s: status %d with an empty body, want a message", name, status)
		}
	}
	checkHealthy(t, h.app.Addr())
}
