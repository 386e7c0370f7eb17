package alertsend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	webhookSecret = "whsec-4f1c9a77e2"
	// urlToken is the secret part of a Slack-style webhook URL.
	urlToken = "XyZtoken8841"
	hookPath = "/services/T0001/B0002/" + urlToken
)

// hookRequest is one request that the test receiver got.
type hookRequest struct {
	method    string
	path      string
	header    http.Header
	body      []byte
	verifyErr error // result of Verify with the receiver's secret and clock
}

// hookReceiver is an httptest server that verifies and records webhook requests, then responds
// with respond.
type hookReceiver struct {
	server *httptest.Server
	mu     sync.Mutex
	got    []hookRequest
}

// startReceiver starts a receiver on 127.0.0.1. A nil respond sends 204 No Content.
func startReceiver(t *testing.T, respond http.HandlerFunc) *hookReceiver {
	t.Helper()
	if respond == nil {
		respond = func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	}
	r := &hookReceiver{}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		verifyErr := Verify(webhookSecret, req.Header.Get(HeaderTimestamp), body, req.Header.Get(HeaderSignature),
			time.Now(), 0)
		r.mu.Lock()
		r.got = append(r.got, hookRequest{
			method: req.Method, path: req.URL.Path, header: req.Header.Clone(), body: body, verifyErr: verifyErr,
		})
		r.mu.Unlock()
		respond(w, req)
	}))
	t.Cleanup(r.server.Close)
	return r
}

// requests returns a copy of the recorded requests.
func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.got...)
}

// only returns the one recorded request.
func (r *hookReceiver) only(t *testing.T) hookRequest {
	t.Helper()
	got := r.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	return got[0]
}

// webhook returns a Webhook aimed at the receiver's hookPath.
func (r *hookReceiver) webhook() Webhook {
	return Webhook{URL: r.server.URL + hookPath, Secret: webhookSecret}
}

func TestWebhookSend(t *testing.T) {
	receiver := startReceiver(t, nil)
	before := time.Now().Unix()

	if err := receiver.webhook().Send(context.Background(), testAlert()); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := receiver.only(t)
	if got.method != http.MethodPost {
		t.Errorf("method = %s, want POST", got.method)
	}
	if got.path != hookPath {
		t.Errorf("path = %q, want %q", got.path, hookPath)
	}
	if contentType := got.header.Get("Content-Type"); contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", contentType)
	}
	if got.verifyErr != nil {
		t.Errorf("Verify: %v", got.verifyErr)
	}
	timestamp, err := strconv.ParseInt(got.header.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		t.Fatalf("parse %s %q: %v", HeaderTimestamp, got.header.Get(HeaderTimestamp), err)
	}
	if timestamp < before || timestamp > time.Now().Unix() {
		t.Errorf("timestamp = %d, want between %d and now", timestamp, before)
	}
	wantSignature := sign(webhookSecret, got.header.Get(HeaderTimestamp), got.body)
	if signature := got.header.Get(HeaderSignature); signature != wantSignature {
		t.Errorf("signature = %q, want %q", signature, wantSignature)
	}

	wantBody := `{"text":"Missed call from (202) 555-0143 — called 4 times in 5 minutes\n` +
		`Last message: \"Water everywhere, please call\"\nTextback sent the after-hours reply.",` +
		`"alert":{"id":42,"business":"Acme Plumbing","kind":"missed_call","priority":"normal",` +
		`"summary":"Missed call from (202) 555-0143 — called 4 times in 5 minutes",` +
		`"detail":"Last message: \"Water everywhere, please call\"\r\nTextback sent the after-hours reply.",` +
		`"contact":"+12025550143","link":"https://app.example.com/leads/42","at":"2026-03-02T15:04:05Z"}}`
	if string(got.body) != wantBody {
		t.Errorf("body =\n%s\nwant\n%s", got.body, wantBody)
	}
}

func TestWebhookBodyFields(t *testing.T) {
	receiver := startReceiver(t, nil)
	alert := Alert{
		Summary: "<!channel> Call back & <https://evil.example|pay here>",
		At:      testAt,
	}

	if err := receiver.webhook().Send(context.Background(), alert); err != nil {
		t.Fatalf("Send: %v", err)
	}

	var payload struct {
		Text  string
		Alert map[string]any
	}
	if err := json.Unmarshal(receiver.only(t).body, &payload); err != nil {
		t.Fatalf("decode body: %v", err)
	}
	wantText := "&lt;!channel&gt; Call back &amp; &lt;https://evil.example|pay here&gt;"
	if payload.Text != wantText {
		t.Errorf("text = %q, want %q", payload.Text, wantText)
	}
	if payload.Alert["summary"] != alert.Summary {
		t.Errorf("alert.summary = %q, want the raw %q", payload.Alert["summary"], alert.Summary)
	}
	if payload.Alert["priority"] != PriorityNormal {
		t.Errorf("alert.priority = %q, want %q for an empty priority", payload.Alert["priority"], PriorityNormal)
	}
	if payload.Alert["link"] != "" {
		t.Errorf("alert.link = %q, want an empty string", payload.Alert["link"])
	}
	if payload.Alert["id"] != float64(0) {
		t.Errorf("alert.id = %v, want 0", payload.Alert["id"])
	}
	if len(payload.Alert) != 9 {
		t.Errorf("alert has %d fields, want 9: %v", len(payload.Alert), payload.Alert)
	}
}

func TestWebhookUnsigned(t *testing.T) {
	receiver := startReceiver(t, nil)
	hook := receiver.webhook()
	hook.Secret = ""

	if err := hook.Send(context.Background(), testAlert()); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := receiver.only(t)
	if _, ok := got.header[HeaderSignature]; ok {
		t.Errorf("request has %s %q, want none without a secret", HeaderSignature, got.header.Get(HeaderSignature))
	}
	if got.header.Get(HeaderTimestamp) == "" {
		t.Errorf("request has no %s", HeaderTimestamp)
	}
}

func TestWebhookHTTPS(t *testing.T) {
	var got atomic.Int32
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		got.Add(1)
	}))
	// The failed handshake below would otherwise be logged to stderr.
	server.Config.ErrorLog = log.New(io.Discard, "", 0)
	server.StartTLS()
	t.Cleanup(server.Close)
	hook := Webhook{URL: server.URL + hookPath, Secret: webhookSecret, Client: server.Client()}

	if err := hook.Send(context.Background(), testAlert()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got.Load() != 1 {
		t.Errorf("receiver got %d requests, want 1", got.Load())
	}

	// The system roots do not trust the test certificate.
	hook.Client = nil
	err := hook.Send(context.Background(), testAlert())
	if err == nil {
		t.Fatalf("Send with an untrusted certificate succeeded")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = true, want false for a certificate that does not verify", err)
	}
}

func TestWebhookStatus(t *testing.T) {
	retryDate := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name           string
		status         int
		retryAfter     string
		body           string
		wantErr        bool
		wantRetryable  bool
		wantRetryAfter time.Duration
		wantMessage    string
	}{
		{"ok", http.StatusOK, "", "ok", false, false, 0, ""},
		{"accepted", http.StatusAccepted, "", "", false, false, 0, ""},
		{"rate limited", http.StatusTooManyRequests, "120", "rate_limited", true, true, 2 * time.Minute,
			"429 Too Many Requests: rate_limited"},
		{"rate limited date", http.StatusTooManyRequests, retryDate, "", true, true, 90 * time.Second,
			"429 Too Many Requests"},
		{"server error", http.StatusInternalServerError, "", "boom", true, true, 0,
			"500 Internal Server Error: boom"},
		{"unavailable", http.StatusServiceUnavailable, "7", "", true, true, 7 * time.Second,
			"503 Service Unavailable"},
		{"bad retry after", http.StatusServiceUnavailable, "soon", "", true, true, 0, "503 Service Unavailable"},
		{"not found", http.StatusNotFound, "", "no_service\n", true, false, 0, "404 Not Found: no_service"},
		{"bad request", http.StatusBadRequest, "30", "invalid_payload", true, false, 0,
			"400 Bad Request: invalid_payload"},
		{"gone", http.StatusGone, "", "", true, false, 0, "410 Gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receiver := startReceiver(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})

			err := receiver.webhook().Send(context.Background(), testAlert())

			if !tt.wantErr {
				if err != nil {
					t.Errorf("Send: %v", err)
				}
				return
			}
			var deliveryErr *DeliveryError
			if !errors.As(err, &deliveryErr) {
				t.Fatalf("error %v is not a DeliveryError", err)
			}
			if deliveryErr.Code != tt.status {
				t.Errorf("Code = %d, want %d", deliveryErr.Code, tt.status)
			}
			if deliveryErr.Retryable() != tt.wantRetryable {
				t.Errorf("Retryable() = %v, want %v", deliveryErr.Retryable(), tt.wantRetryable)
			}
			// An HTTP date is rounded to the second, so allow for it and for the test's run time.
			if diff := (deliveryErr.RetryAfter - tt.wantRetryAfter).Abs(); diff > 2*time.Second {
				t.Errorf("RetryAfter = %s, want %s", deliveryErr.RetryAfter, tt.wantRetryAfter)
			}
			if !strings.Contains(err.Error(), tt.wantMessage) {
				t.Errorf("error %q does not contain %q", err, tt.wantMessage)
			}
			if !strings.Contains(err.Error(), "post webhook to "+receiver.server.URL+":") {
				t.Errorf("error %q does not name the operation and host", err)
			}
			assertNoSecret(t, err.Error(), urlToken, webhookSecret)
		})
	}
}

func TestWebhookErrorBodyLimit(t *testing.T) {
	receiver := startReceiver(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, strings.Repeat("a", 10<<10))
	})

	err := receiver.webhook().Send(context.Background(), testAlert())

	if err == nil {
		t.Fatalf("Send succeeded, want an error")
	}
	if !strings.Contains(err.Error(), strings.Repeat("a", maxErrorBody)+" [truncated]") {
		t.Errorf("error does not contain %d bytes of the body and [truncated]", maxErrorBody)
	}
	if strings.Contains(err.Error(), strings.Repeat("a", maxErrorBody+1)) {
		t.Errorf("error contains more than %d bytes of the body", maxErrorBody)
	}
}

func TestWebhookRedirectNotFollowed(t *testing.T) {
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		followed.Add(1)
	}))
	t.Cleanup(target.Close)
	receiver := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/moved", http.StatusTemporaryRedirect)
	})
	var checked atomic.Int32
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		checked.Add(1)
		return nil
	}}
	hook := receiver.webhook()
	hook.Client = client

	err := hook.Send(context.Background(), testAlert())

	var deliveryErr *DeliveryError
	if !errors.As(err, &deliveryErr) {
		t.Fatalf("error %v is not a DeliveryError", err)
	}
	if deliveryErr.Code != http.StatusTemporaryRedirect {
		t.Errorf("Code = %d, want %d", deliveryErr.Code, http.StatusTemporaryRedirect)
	}
	if deliveryErr.Retryable() {
		t.Errorf("Retryable() = true, want false for a redirect")
	}
	if !strings.Contains(err.Error(), "redirects are not followed") {
		t.Errorf("error %q does not say that redirects are not followed", err)
	}
	if followed.Load() != 0 {
		t.Errorf("redirect target got %d requests, want 0", followed.Load())
	}
	if checked.Load() != 0 {
		t.Errorf("caller's CheckRedirect ran %d times, want 0", checked.Load())
	}
	if client.Timeout != 0 {
		t.Errorf("caller's client Timeout = %s, want it unchanged", client.Timeout)
	}
}

func TestWebhookClientDefaults(t *testing.T) {
	if got := (Webhook{}).client().Timeout; got != DefaultWebhookTimeout {
		t.Errorf("default client Timeout = %s, want %s", got, DefaultWebhookTimeout)
	}
	custom := Webhook{Client: &http.Client{Timeout: time.Minute}}
	if got := custom.client().Timeout; got != time.Minute {
		t.Errorf("custom client Timeout = %s, want 1m0s", got)
	}
	if (Webhook{}).client().CheckRedirect == nil {
		t.Errorf("default client follows redirects")
	}
}

func TestWebhookTimeout(t *testing.T) {
	receiver := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	hook := receiver.webhook()
	hook.Client = &http.Client{Timeout: 100 * time.Millisecond}

	start := time.Now()
	err := hook.Send(context.Background(), testAlert())
	elapsed := time.Since(start)

	var deliveryErr *DeliveryError
	if !errors.As(err, &deliveryErr) {
		t.Fatalf("error %v is not a DeliveryError", err)
	}
	if !deliveryErr.Retryable() {
		t.Errorf("Retryable() = false, want true for a timeout")
	}
	if deliveryErr.Code != 0 {
		t.Errorf("Code = %d, want 0 without a response", deliveryErr.Code)
	}
	if elapsed > 3*time.Second {
		t.Errorf("Send took %s, want about 100ms", elapsed)
	}
	assertNoSecret(t, err.Error(), urlToken, webhookSecret)
}

func TestWebhookContextDeadline(t *testing.T) {
	receiver := startReceiver(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	err := receiver.webhook().Send(ctx, testAlert())

	if !IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = false, want true", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

func TestWebhookConnectionRefused(t *testing.T) {
	hook := Webhook{URL: "http://" + closedAddr(t) + hookPath, Secret: webhookSecret}

	err := hook.Send(context.Background(), testAlert())

	var deliveryErr *DeliveryError
	if !errors.As(err, &deliveryErr) {
		t.Fatalf("error %v is not a DeliveryError", err)
	}
	if !deliveryErr.Retryable() {
		t.Errorf("Retryable() = false, want true for a refused connection")
	}
	assertNoSecret(t, err.Error(), urlToken, webhookSecret)
}

func TestWebhookPlainServerOverHTTPS(t *testing.T) {
	receiver := startReceiver(t, nil)
	hook := receiver.webhook()
	hook.URL = strings.Replace(hook.URL, "http://", "https://", 1)

	err := hook.Send(context.Background(), testAlert())

	if err == nil {
		t.Fatalf("Send over https to a plain server succeeded")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = true, want false", err)
	}
	assertNoSecret(t, err.Error(), urlToken, webhookSecret)
}

func TestWebhookInvalidURL(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{"empty", "", "URL is empty"},
		{"relative", hookPath, "URL is relative"},
		{"no scheme", "hooks.example.com" + hookPath, "URL is relative"},
		{"ftp", "ftp://hooks.example.com" + hookPath, `scheme "ftp"`},
		{"no host", "https://" + hookPath, "host is missing"},
		{"opaque", "https:hooks.example.com" + hookPath, "host is missing"},
		{"unparsable", "https://hooks.example.com:port" + hookPath, "cannot be parsed"},
		{"control character", "https://hooks.example.com" + hookPath + "\n", "cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Webhook{URL: tt.url, Secret: webhookSecret}.Send(context.Background(), testAlert())
			if err == nil {
				t.Fatalf("Send succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "absolute http or https URL") {
				t.Errorf("error %q does not say what URL is expected", err)
			}
			if IsRetryable(err) {
				t.Errorf("IsRetryable = true, want false")
			}
			assertNoSecret(t, err.Error(), urlToken, webhookSecret)
		})
	}
}

func TestWebhookInvalidAlert(t *testing.T) {
	receiver := startReceiver(t, nil)
	alert := testAlert()
	alert.At = time.Time{}

	err := receiver.webhook().Send(context.Background(), alert)

	if err == nil || !strings.Contains(err.Error(), "time is missing") {
		t.Errorf("error = %v, want one about the missing time", err)
	}
	if n := len(receiver.requests()); n != 0 {
		t.Errorf("receiver got %d requests, want 0", n)
	}
}

func TestWebhookString(t *testing.T) {
	tests := []struct {
		name string
		hook Webhook
		want string
	}{
		{"slack", Webhook{URL: "https://hooks.slack.com" + hookPath}, "{URL:https://hooks.slack.com/[redacted] Secret:}"},
		{"signed", Webhook{URL: "https://hooks.example.com/", Secret: webhookSecret},
			"{URL:https://hooks.example.com Secret:xxxxx}"},
		{"invalid", Webhook{URL: "hooks.example.com" + hookPath}, "{URL:[invalid URL] Secret:}"},
		{"user info", Webhook{URL: "https://user:" + urlToken + "@hooks.example.com"},
			"{URL:https://hooks.example.com Secret:}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.hook.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			assertNoSecret(t, fmt.Sprintf("%v %+v %s", tt.hook, tt.hook, tt.hook), urlToken, webhookSecret)
		})
	}
}

func TestVerify(t *testing.T) {
	const secret = "whsec-verify"
	body := []byte(`{"text":"Missed call","alert":{"id":7}}`)
	sent := time.Unix(1772463845, 0)
	timestamp := strconv.FormatInt(sent.Unix(), 10)
	signature := sign(secret, timestamp, body)

	tests := []struct {
		name      string
		secret    string
		timestamp string
		body      []byte
		signature string
		now       time.Time
		tolerance time.Duration
		wantErr   error
	}{
		{"valid", secret, timestamp, body, signature, sent, 0, nil},
		{"uppercase hex", secret, timestamp, body, "v1=" + strings.ToUpper(signature[3:]), sent, 0, nil},
		{"four minutes late", secret, timestamp, body, signature, sent.Add(4 * time.Minute), 0, nil},
		{"four minutes early", secret, timestamp, body, signature, sent.Add(-4 * time.Minute), 0, nil},
		{"tampered body", secret, timestamp, []byte(`{"text":"Missed call","alert":{"id":8}}`), signature, sent, 0,
			ErrInvalidSignature},
		{"wrong secret", "whsec-other", timestamp, body, signature, sent, 0, ErrInvalidSignature},
		{"tampered timestamp", secret, strconv.FormatInt(sent.Unix()+1, 10), body, signature, sent, 0,
			ErrInvalidSignature},
		{"stale", secret, timestamp, body, signature, sent.Add(5*time.Minute + time.Second), 0,
			ErrTimestampOutOfRange},
		{"future", secret, timestamp, body, signature, sent.Add(-5*time.Minute - time.Second), 0,
			ErrTimestampOutOfRange},
		{"custom tolerance", secret, timestamp, body, signature, sent.Add(2 * time.Minute), time.Minute,
			ErrTimestampOutOfRange},
		{"negative tolerance", secret, timestamp, body, signature, sent.Add(4 * time.Minute), -time.Minute, nil},
		{"no prefix", secret, timestamp, body, signature[3:], sent, 0, ErrInvalidSignature},
		{"other version", secret, timestamp, body, "v0=" + signature[3:], sent, 0, ErrInvalidSignature},
		{"not hex", secret, timestamp, body, "v1=" + strings.Repeat("z", 64), sent, 0, ErrInvalidSignature},
		{"short", secret, timestamp, body, signature[:len(signature)-2], sent, 0, ErrInvalidSignature},
		{"empty signature", secret, timestamp, body, "", sent, 0, ErrInvalidSignature},
		{"bad timestamp", secret, "17724638x5", body, signature, sent, 0, ErrInvalidSignature},
		{"empty timestamp", secret, "", body, signature, sent, 0, ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.timestamp, tt.body, tt.signature, tt.now, tt.tolerance)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify() = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				assertNoSecret(t, err.Error(), tt.secret)
			}
		})
	}
}

func TestVerifyEmptySecret(t *testing.T) {
	body := []byte(`{}`)
	// An empty key still yields an HMAC, so this signature would match if Verify accepted it.
	signature := sign("", "1772463845", body)
	if err := Verify("", "1772463845", body, signature, time.Unix(1772463845, 0), 0); err == nil {
		t.Errorf("Verify with an empty secret succeeded")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"padded", " 5 ", 5 * time.Second},
		{"zero", "0", 0},
		{"negative", "-5", 0},
		{"fraction", "1.5", 0},
		{"huge", "99999999999999999999", 0},
		{"largest", "9223372036", 9223372036 * time.Second},
		{"beyond duration", "9223372037", 9223372036 * time.Second},
		{"date", "Mon, 02 Mar 2026 15:01:30 GMT", 90 * time.Second},
		{"past date", "Mon, 02 Mar 2026 14:59:00 GMT", 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.value, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}

func TestDeliveryErrorMessage(t *testing.T) {
	cause := errors.New("post webhook to https://hooks.example.com: 503 Service Unavailable")
	tests := []struct {
		name string
		err  *DeliveryError
		want string
	}{
		{"temporary", &DeliveryError{Code: 503, Temporary: true, Err: cause}, cause.Error() + " (temporary failure)"},
		{"permanent", &DeliveryError{Code: 404, Err: cause}, cause.Error() + " (permanent failure)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, cause) {
				t.Errorf("DeliveryError does not unwrap to its cause")
			}
			wrapped := fmt.Errorf("notify team: %w", tt.err)
			if IsRetryable(wrapped) != tt.err.Temporary {
				t.Errorf("IsRetryable(wrapped) = %v, want %v", IsRetryable(wrapped), tt.err.Temporary)
			}
		})
	}
	if IsRetryable(nil) {
		t.Errorf("IsRetryable(nil) = true, want false")
	}
}
