package telnyxtest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

var createdAt = time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)

// validBody is a send request that Telnyx accepts.
const validBody = `{"from":"+13125550199","to":"+12025550143","text":"Hi, this is Acme Plumbing.",` +
	`"webhook_url":"https://hooks.example.com/webhooks/telnyx/messaging"}`

// result is a response read in full.
type result struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with contentType and the server's API key, or apiKey when it is not
// empty, and returns the response.
func call(t *testing.T, s *Server, method, path, contentType, body, apiKey string) result {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if apiKey == "" {
		apiKey = s.APIKey
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// send posts body as JSON to /v2/messages.
func send(t *testing.T, s *Server, body string) result {
	t.Helper()
	return call(t, s, http.MethodPost, "/v2/messages", "application/json", body, "")
}

// firstError returns the code and pointer of the first error in a response body.
func firstError(t *testing.T, body []byte) (code, pointer string) {
	t.Helper()
	var parsed struct {
		Errors []APIError `json:"errors"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil || len(parsed.Errors) == 0 {
		t.Fatalf("response %s is not a Telnyx error body: %v", body, err)
	}
	first := parsed.Errors[0]
	if first.Source != nil {
		pointer = first.Source.Pointer
	}
	return first.Code, pointer
}

func TestSendShape(t *testing.T) {
	s := New(t, WithClock(func() time.Time { return createdAt }))
	got := send(t, s, validBody)
	if got.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", got.status, got.body)
	}
	if contentType := got.header.Get("Content-Type"); contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", contentType)
	}

	var envelope map[string]map[string]any
	if err := json.Unmarshal(got.body, &envelope); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	data := envelope["data"]
	want := map[string]any{
		"record_type":          "message",
		"direction":            "outbound",
		"id":                   "00000000-0000-4000-8000-000000000001",
		"type":                 "SMS",
		"messaging_profile_id": fakeProfileID,
		"organization_id":      fakeOrganizationID,
		"text":                 "Hi, this is Acme Plumbing.",
		"subject":              nil,
		"webhook_url":          "https://hooks.example.com/webhooks/telnyx/messaging",
		"webhook_failover_url": nil,
		"encoding":             "GSM-7",
		"parts":                float64(1),
		"cost":                 nil,
		"received_at":          "2025-03-11T19:04:10.000+00:00",
		"sent_at":              nil,
		"completed_at":         nil,
		"valid_until":          "2025-03-11T20:04:10.000+00:00",
	}
	for name, value := range want {
		if gotValue, ok := data[name]; !ok || gotValue != value {
			t.Errorf("data.%s = %#v (present %v), want %#v", name, gotValue, ok, value)
		}
	}

	from := data["from"].(map[string]any)
	if from["phone_number"] != "+13125550199" {
		t.Errorf("data.from.phone_number = %v, want +13125550199", from["phone_number"])
	}
	if _, ok := from["status"]; ok {
		t.Errorf("data.from has a status, want none on the sender")
	}

	to := data["to"].([]any)
	if len(to) != 1 {
		t.Fatalf("data.to has %d recipients, want 1", len(to))
	}
	recipient := to[0].(map[string]any)
	if recipient["phone_number"] != "+12025550143" {
		t.Errorf("data.to[0].phone_number = %v, want +12025550143", recipient["phone_number"])
	}
	if recipient["status"] != "queued" {
		t.Errorf("data.to[0].status = %v, want queued", recipient["status"])
	}

	for _, name := range []string{"cc", "media", "tags", "errors"} {
		if list, ok := data[name].([]any); !ok || len(list) != 0 {
			t.Errorf("data.%s = %#v, want an empty list", name, data[name])
		}
	}
}

func TestSendRejections(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		apiKey      string
		wantStatus  int
		wantCode    string
		wantPointer string
	}{
		{"wrong API key", "application/json", validBody, "KEY_wrong", 401, "10009", ""},
		{"form body", "application/x-www-form-urlencoded", "to=%2B12025550143", "", 415, "10014", ""},
		{"invalid JSON", "application/json", `{"to":`, "", 400, "10015", ""},
		{"missing to", "application/json", `{"from":"+13125550199","text":"hi"}`, "", 422, "10004", "/to"},
		{"to not E.164", "application/json", `{"from":"+13125550199","to":"2025550143","text":"hi"}`, "", 422,
			"40310", "/to"},
		{"missing from", "application/json", `{"to":"+12025550143","text":"hi"}`, "", 422, "10004", "/from"},
		{"missing text", "application/json", `{"from":"+13125550199","to":"+12025550143"}`, "", 422, "40316",
			"/text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			got := call(t, s, http.MethodPost, "/v2/messages", tt.contentType, tt.body, tt.apiKey)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.status, tt.wantStatus)
			}
			code, pointer := firstError(t, got.body)
			if code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
			if pointer != tt.wantPointer {
				t.Errorf("source pointer = %q, want %q", pointer, tt.wantPointer)
			}
			if sent := s.Sent(); len(sent) != 0 {
				t.Errorf("server created %d messages, want 0", len(sent))
			}
		})
	}
}

func TestOtherEndpoints(t *testing.T) {
	s := New(t)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
	}{
		{"message list", http.MethodGet, "/v2/messages", http.StatusMethodNotAllowed},
		{"unknown path", http.MethodPost, "/v2/calls", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, s, tt.method, tt.path, "", "", ""); got.status != tt.wantStatus {
				t.Errorf("%s %s status = %d, want %d", tt.method, tt.path, got.status, tt.wantStatus)
			}
		})
	}
}

func TestFaultAnswers(t *testing.T) {
	tests := []struct {
		name           string
		fault          Fault
		wantStatus     int
		wantCode       string
		wantRetryAfter string
	}{
		{"code only", Fault{Code: "40300"}, 400, "40300", ""},
		{"status only", Fault{Status: 429, RetryAfter: "7"}, 429, "10011", "7"},
		{"status and code", Fault{Status: 422, Code: "40310"}, 422, "40310", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			s.Fail(func(int, SendRequest) *Fault { return &tt.fault })
			got := send(t, s, validBody)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.status, tt.wantStatus)
			}
			if code, _ := firstError(t, got.body); code != tt.wantCode {
				t.Errorf("code = %q, want %q", code, tt.wantCode)
			}
			if retryAfter := got.header.Get("Retry-After"); retryAfter != tt.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", retryAfter, tt.wantRetryAfter)
			}
		})
	}
}

func TestFaultRawBody(t *testing.T) {
	s := New(t)
	s.Fail(func(int, SendRequest) *Fault { return &Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"} })
	got := send(t, s, validBody)
	if got.status != http.StatusBadGateway {
		t.Errorf("status = %d, want 502", got.status)
	}
	if string(got.body) != "<html>Bad Gateway</html>" {
		t.Errorf("body = %q, want the raw body", got.body)
	}
}

func TestFaultPerRequest(t *testing.T) {
	s := New(t)
	var seen []SendRequest
	s.Fail(func(n int, req SendRequest) *Fault {
		seen = append(seen, req)
		if n == 2 {
			return &Fault{Code: "40300"}
		}
		return nil
	})
	statuses := []int{send(t, s, validBody).status, send(t, s, validBody).status, send(t, s, validBody).status}
	if fmt.Sprint(statuses) != "[200 400 200]" {
		t.Errorf("statuses = %v, want [200 400 200]", statuses)
	}
	if len(seen) != 3 || seen[0].To != "+12025550143" || seen[0].WebhookURL == "" {
		t.Errorf("fault function saw %+v, want three decoded requests", seen)
	}
	if sent := s.Sent(); len(sent) != 2 {
		t.Errorf("server created %d messages, want 2", len(sent))
	}
}

func TestFaultDrop(t *testing.T) {
	s := New(t)
	s.Fail(func(int, SendRequest) *Fault { return &Fault{Drop: true} })
	req, err := http.NewRequest(http.MethodPost, s.URL+"/v2/messages", strings.NewReader(validBody))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.APIKey)
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("request with a dropped connection got status %d, want an error", resp.StatusCode)
	}
	if sent := s.Sent(); len(sent) != 1 {
		t.Errorf("server created %d messages, want 1 whose answer was dropped", len(sent))
	}
}

func TestFaultDelay(t *testing.T) {
	s := New(t)
	s.Fail(func(int, SendRequest) *Fault { return &Fault{Delay: 50 * time.Millisecond} })
	start := time.Now()
	if got := send(t, s, validBody); got.status != http.StatusOK {
		t.Errorf("status = %d, want 200", got.status)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("answer came after %v, want at least 50ms", elapsed)
	}
}

func TestRequestsRecorded(t *testing.T) {
	s := New(t)
	send(t, s, validBody)
	requests := s.Requests()
	if len(requests) != 1 {
		t.Fatalf("server recorded %d requests, want 1", len(requests))
	}
	if !bytes.Equal(requests[0].Body, []byte(validBody)) {
		t.Errorf("recorded body = %s, want %s", requests[0].Body, validBody)
	}
	if auth := requests[0].Header.Get("Authorization"); auth != "Bearer "+s.APIKey {
		t.Errorf("recorded Authorization = %q, want the Bearer API key", auth)
	}
}

func TestConcurrentSends(t *testing.T) {
	s := New(t)
	const senders = 20
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := send(t, s, validBody); got.status != http.StatusOK {
				t.Errorf("status = %d, want 200", got.status)
			}
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, message := range s.Sent() {
		ids[message.ID] = true
	}
	if len(ids) != senders {
		t.Errorf("server created %d distinct messages, want %d", len(ids), senders)
	}
	if requests := s.Requests(); len(requests) != senders {
		t.Errorf("server recorded %d requests, want %d", len(requests), senders)
	}
}

func TestSign(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	s := New(t, WithKeySeed(seed))
	body := []byte(`{"data":{"id":"e1"}}`)
	signature, stamp := s.Sign(body, createdAt)
	if stamp != "1741719850" {
		t.Errorf("timestamp header = %q, want Unix seconds 1741719850", stamp)
	}
	raw, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		t.Fatalf("signature %q is not base64: %v", signature, err)
	}
	key, err := base64.StdEncoding.DecodeString(s.PublicKey())
	if err != nil {
		t.Fatalf("public key %q is not base64: %v", s.PublicKey(), err)
	}
	if !ed25519.Verify(key, append([]byte(stamp+"|"), body...), raw) {
		t.Errorf("signature does not verify over timestamp|body with the public key")
	}
	if again := New(t, WithKeySeed(seed)); again.PublicKey() != s.PublicKey() {
		t.Errorf("two servers with one seed have public keys %q and %q", s.PublicKey(), again.PublicKey())
	}
	header := s.SignedHeader("application/json", body, createdAt)
	if header.Get(SignatureHeader) != signature || header.Get(TimestampHeader) != stamp {
		t.Errorf("SignedHeader = %v, want the signature and timestamp of Sign", header)
	}
}

func TestAccount(t *testing.T) {
	s := New(t, WithAPIKey("KEY_custom"))
	acct := s.Account()
	if acct.Kind != "telnyx" {
		t.Errorf("Kind = %q, want telnyx", acct.Kind)
	}
	if acct.AuthToken != "KEY_custom" {
		t.Errorf("AuthToken = %q, want the API key", acct.AuthToken)
	}
	if acct.PublicKey != s.PublicKey() {
		t.Errorf("PublicKey = %q, want the server's", acct.PublicKey)
	}
	if acct.APIBaseURL != s.URL || !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("APIBaseURL = %q, want the server on 127.0.0.1", acct.APIBaseURL)
	}
}

func TestEncodingOf(t *testing.T) {
	tests := []struct {
		text         string
		wantEncoding string
		wantParts    int
	}{
		{"hi", "GSM-7", 1},
		{strings.Repeat("a", 160), "GSM-7", 1},
		{strings.Repeat("a", 161), "GSM-7", 2},
		{strings.Repeat("é", 70), "UCS-2", 1},
		{strings.Repeat("é", 71), "UCS-2", 2},
		{strings.Repeat("👍", 35), "UCS-2", 1},
	}
	for _, tt := range tests {
		encoding, parts := encodingOf(tt.text)
		if encoding != tt.wantEncoding {
			t.Errorf("encodingOf(%d runes) encoding = %q, want %q", len([]rune(tt.text)), encoding, tt.wantEncoding)
		}
		if parts != tt.wantParts {
			t.Errorf("encodingOf(%d runes) parts = %d, want %d", len([]rune(tt.text)), parts, tt.wantParts)
		}
	}
}

func TestInvalidSeed(t *testing.T) {
	if _, err := newPrivateKey([]byte("short")); err == nil {
		t.Errorf("newPrivateKey accepted a 5-byte seed")
	}
}
