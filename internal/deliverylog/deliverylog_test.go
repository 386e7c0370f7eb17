package deliverylog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/deliverylog"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const (
	sender    = "+13125550199"
	recipient = "+12025550143"
)

// recorder keeps entries in memory, or fails every insert with err.
type recorder struct {
	mu      sync.Mutex
	entries []store.Exchange
	err     error
}

func (r *recorder) InsertExchange(_ context.Context, e store.Exchange) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.entries = append(r.entries, e)
	return nil
}

func (r *recorder) all() []store.Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]store.Exchange(nil), r.entries...)
}

// stepClock returns a clock that starts at start and moves by step on every reading.
func stepClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := start.Add(-step)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(step)
		return now
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var start = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

// transport returns a Transport over the default transport that records into rec.
func transport(rec deliverylog.Recorder, log *slog.Logger) *deliverylog.Transport {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &deliverylog.Transport{
		Base: http.DefaultTransport, Recorder: rec, Log: log, Clock: stepClock(start, 250*time.Millisecond),
	}
}

// assertNoSecret fails the test when secret appears in any field of e.
func assertNoSecret(t *testing.T, e store.Exchange, secret string) {
	t.Helper()
	fields := map[string]string{
		"url": e.URL, "request body": e.RequestBody, "response body": e.ResponseBody, "error": e.Error,
		"method": e.Method,
	}
	for name, value := range fields {
		if strings.Contains(value, secret) {
			t.Errorf("auth token appears in the stored %s: %q", name, value)
		}
	}
}

func TestTransportRecordsSend(t *testing.T) {
	fake := twiliotest.New(t)
	rec := &recorder{}
	adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: transport(rec, nil)}})
	acct := fake.Account()
	ctx := deliverylog.WithSubject(context.Background(), 7, 42, adapter.Secrets(acct))
	// The body quotes the token so that the record of both bodies must be redacted.
	body := "Your code is " + acct.AuthToken
	res, err := adapter.Send(ctx, acct, provider.SendRequest{From: sender, To: recipient, Body: body})
	if err != nil {
		t.Fatalf("send: %v", err)
	}

	entries := rec.all()
	if len(entries) != 1 {
		t.Fatalf("recorded %d entries, want 1", len(entries))
	}
	e := entries[0]
	if e.ProviderID != 7 {
		t.Errorf("provider id = %d, want 7", e.ProviderID)
	}
	if e.MessageID != 42 {
		t.Errorf("message id = %d, want 42", e.MessageID)
	}
	if e.Method != http.MethodPost {
		t.Errorf("method = %q, want POST", e.Method)
	}
	if want := fake.URL + "/2010-04-01/Accounts/" + acct.AccountSID + "/Messages.json"; e.URL != want {
		t.Errorf("url = %q, want %q", e.URL, want)
	}
	for _, want := range []string{"To=%2B12025550143", "From=%2B13125550199", "Body=Your+code+is+[redacted]"} {
		if !strings.Contains(e.RequestBody, want) {
			t.Errorf("request body %q lacks %q", e.RequestBody, want)
		}
	}

	if e.Status != http.StatusCreated {
		t.Errorf("status = %d, want 201", e.Status)
	}
	if !strings.Contains(e.ResponseBody, res.MessageID) {
		t.Errorf("response body %q lacks the message sid %q", e.ResponseBody, res.MessageID)
	}
	if !strings.Contains(e.ResponseBody, "Your code is [redacted]") {
		t.Errorf("response body %q does not show the redacted text body", e.ResponseBody)
	}
	if e.Error != "" {
		t.Errorf("error = %q, want none", e.Error)
	}

	if e.Duration != 250*time.Millisecond {
		t.Errorf("duration = %v, want one clock step of 250ms", e.Duration)
	}
	if !e.CreatedAt.Equal(start) {
		t.Errorf("created at = %v, want the start of the request %v", e.CreatedAt, start)
	}

	assertNoSecret(t, e, acct.AuthToken)
	if sent := fake.Sent(); len(sent) != 1 || sent[0].Body != body {
		t.Errorf("fake received %+v, want one text with the original body", sent)
	}
}

func TestTransportRecordsFailedSend(t *testing.T) {
	fake := twiliotest.New(t)
	fake.Fail(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Status: 400, Code: 21610} })
	rec := &recorder{}
	adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: transport(rec, nil)}})
	acct := fake.Account()
	ctx := deliverylog.WithSubject(context.Background(), 7, 43, adapter.Secrets(acct))
	_, err := adapter.Send(ctx, acct, provider.SendRequest{From: sender, To: recipient, Body: "Hello"})
	var sendErr *provider.SendError
	if !errors.As(err, &sendErr) || sendErr.Code != "21610" {
		t.Fatalf("send error = %v, want code 21610", err)
	}
	entries := rec.all()
	if len(entries) != 1 {
		t.Fatalf("recorded %d entries, want 1", len(entries))
	}
	if entries[0].Status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", entries[0].Status)
	}
	if !strings.Contains(entries[0].ResponseBody, "21610") {
		t.Errorf("response body %q lacks the error code", entries[0].ResponseBody)
	}
	assertNoSecret(t, entries[0], acct.AuthToken)
}

// A token in the URL's user information is redacted from the recorded URL.
func TestTransportRedactsUserinfo(t *testing.T) {
	fake := twiliotest.New(t, twiliotest.WithoutContract())
	rec := &recorder{}
	client := &http.Client{Transport: transport(rec, nil)}
	acct := fake.Account()
	target := strings.Replace(fake.URL, "http://", "http://"+acct.AccountSID+":"+acct.AuthToken+"@", 1) +
		"/2010-04-01/Accounts/" + acct.AccountSID + "/Messages.json?To=%2B12025550143"
	ctx := deliverylog.WithSubject(context.Background(), 7, 44, []string{acct.AuthToken})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200 from credentials in the URL", resp.StatusCode)
	}

	entries := rec.all()
	if len(entries) != 1 {
		t.Fatalf("recorded %d entries, want 1", len(entries))
	}
	e := entries[0]
	if e.Method != http.MethodGet {
		t.Errorf("method = %q, want GET", e.Method)
	}
	if !strings.Contains(e.URL, acct.AccountSID+":[redacted]@") || !strings.Contains(e.URL, "To=%2B12025550143") {
		t.Errorf("url = %q, want the account, a redacted token and the query", e.URL)
	}
	assertNoSecret(t, e, acct.AuthToken)
}

// A transport error that quotes the token is stored redacted and returned unchanged.
func TestTransportRedactsError(t *testing.T) {
	const token = "fake_auth_token_for_tests_0001"
	rec := &recorder{}
	tr := transport(rec, nil)
	cause := errors.New("dial failed for https://AC1:" + token + "@api.invalid")
	tr.Base = roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, cause })
	ctx := deliverylog.WithSubject(context.Background(), 7, 45, []string{token})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:1/send", strings.NewReader("Body="+token))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.RoundTrip(req)
	if !errors.Is(err, cause) {
		t.Errorf("round trip error = %v, want the transport's error unchanged", err)
	}
	entries := rec.all()
	if len(entries) != 1 {
		t.Fatalf("recorded %d entries, want 1", len(entries))
	}
	e := entries[0]
	if !strings.Contains(e.Error, "[redacted]") {
		t.Errorf("error = %q, want the token replaced by [redacted]", e.Error)
	}
	if e.Status != 0 {
		t.Errorf("status = %d, want 0 when no response arrived", e.Status)
	}
	if e.RequestBody != "Body=[redacted]" {
		t.Errorf("request body = %q, want Body=[redacted]", e.RequestBody)
	}
	assertNoSecret(t, e, token)
}

// Secrets shorter than four characters are left alone, and every listed secret is removed.
func TestTransportSecrets(t *testing.T) {
	rows := []struct {
		name    string
		secrets []string
		body    string
		want    string
	}{
		{"one", []string{"tok3n"}, "a=tok3n&b=tok3n", "a=[redacted]&b=[redacted]"},
		{"several", []string{"first1", "second2"}, "first1 second2", "[redacted] [redacted]"},
		{"short ignored", []string{"abc"}, "abc=abc", "abc=abc"},
		{"empty ignored", []string{""}, "plain", "plain"},
		{"none", nil, "plain", "plain"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			rec := &recorder{}
			tr := transport(rec, nil)
			tr.Base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(row.body)), Request: r}, nil
			})
			ctx := deliverylog.WithSubject(context.Background(), 1, 1, row.secrets)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:1/x", strings.NewReader(row.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("round trip: %v", err)
			}
			_ = resp.Body.Close()
			entries := rec.all()
			if len(entries) != 1 {
				t.Fatalf("recorded %d entries, want 1", len(entries))
			}
			if entries[0].RequestBody != row.want {
				t.Errorf("request body = %q, want %q", entries[0].RequestBody, row.want)
			}
			if entries[0].ResponseBody != row.want {
				t.Errorf("response body = %q, want %q", entries[0].ResponseBody, row.want)
			}
		})
	}
}

func TestTransportWithoutSubject(t *testing.T) {
	fake := twiliotest.New(t)
	rec := &recorder{}
	adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: transport(rec, nil)}})
	res, err := adapter.Send(context.Background(), fake.Account(), provider.SendRequest{From: sender, To: recipient, Body: "Hello"})
	if err != nil {
		t.Fatalf("send without subject: %v", err)
	}
	if res.MessageID == "" {
		t.Errorf("send returned no message sid")
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("recorded %d entries for a request without a subject, want 0", n)
	}
	if n := len(fake.Sent()); n != 1 {
		t.Errorf("fake received %d texts, want 1", n)
	}
}

func TestTransportRecorderFailure(t *testing.T) {
	fake := twiliotest.New(t)
	rec := &recorder{err: errors.New("database is locked")}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: transport(rec, log)}})
	acct := fake.Account()
	ctx := deliverylog.WithSubject(context.Background(), 7, 46, adapter.Secrets(acct))
	res, err := adapter.Send(ctx, acct, provider.SendRequest{From: sender, To: recipient, Body: "Hello"})
	if err != nil {
		t.Fatalf("send failed because the delivery log failed: %v", err)
	}
	if sent := fake.Sent(); len(sent) != 1 || sent[0].SID != res.MessageID {
		t.Errorf("send returned sid %q, fake holds %+v", res.MessageID, sent)
	}
	if !strings.Contains(logs.String(), "delivery log entry not stored") || !strings.Contains(logs.String(), "message_id=46") {
		t.Errorf("recorder failure not logged with the message id: %q", logs.String())
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("log line lacks the recorder's error: %q", logs.String())
	}
}

// A Transport with only Base and Recorder set works like one with every field set.
func TestTransportZeroLogAndClock(t *testing.T) {
	fake := twiliotest.New(t)
	rec := &recorder{err: errors.New("database is locked")}
	tr := &deliverylog.Transport{Base: http.DefaultTransport, Recorder: rec}
	adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: tr}})
	acct := fake.Account()
	ctx := deliverylog.WithSubject(context.Background(), 7, 47, adapter.Secrets(acct))
	if _, err := adapter.Send(ctx, acct, provider.SendRequest{From: sender, To: recipient, Body: "Hello"}); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// A long response is stored cut to 16 KiB while the caller still reads all of it.
func TestTransportLongResponse(t *testing.T) {
	long := strings.Repeat("x", 20<<10) + "end"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, long)
	}))
	t.Cleanup(srv.Close)

	rec := &recorder{}
	client := &http.Client{Transport: transport(rec, nil)}
	ctx := deliverylog.WithSubject(context.Background(), 7, 48, nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatalf("read response: %v", err)
	}

	if string(got) != long {
		t.Errorf("caller read %d bytes, want all %d", len(got), len(long))
	}
	entries := rec.all()
	if len(entries) != 1 {
		t.Fatalf("recorded %d entries, want 1", len(entries))
	}
	if n := len(entries[0].ResponseBody); n != 16<<10 {
		t.Errorf("stored response body has %d bytes, want 16 KiB", n)
	}
}

// The store keeps the entry without the token.
func TestTransportStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fake := twiliotest.New(t)
		p, err := s.UpsertProvider(ctx, store.Provider{
			Name: "twilio-main", Kind: twilio.ProviderKind, AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, APIBaseURL: fake.URL,
		})
		if err != nil {
			t.Fatal(err)
		}
		adapter := twilio.New(twilio.Options{HTTPClient: &http.Client{Transport: transport(s, nil)}})
		acct := p.Account()
		ctx = deliverylog.WithSubject(ctx, p.ID, 0, adapter.Secrets(acct))
		if _, err := adapter.Send(ctx, acct, provider.SendRequest{From: sender, To: recipient, Body: "Token " + acct.AuthToken}); err != nil {
			t.Fatalf("send: %v", err)
		}
		var (
			count                                     int
			method, target, reqBody, respBody, errMsg string
			status, durationMs                        int
		)
		row := s.DB().QueryRowContext(ctx, `SELECT count(*) OVER (), method, url, request_body, status, response_body, error, duration_ms
			FROM provider_exchanges WHERE provider_id = $1`, int64(p.ID))
		if err := row.Scan(&count, &method, &target, &reqBody, &status, &respBody, &errMsg, &durationMs); err != nil {
			t.Fatalf("read delivery log: %v", err)
		}
		if count != 1 {
			t.Errorf("stored %d entries, want 1", count)
		}
		if method != http.MethodPost || status != http.StatusCreated {
			t.Errorf("stored %s with status %d, want POST with 201", method, status)
		}
		if durationMs != 250 {
			t.Errorf("stored duration %d ms, want 250", durationMs)
		}
		stored := fmt.Sprint(method, target, reqBody, respBody, errMsg)
		if strings.Contains(stored, acct.AuthToken) {
			t.Errorf("stored entry contains the auth token: %s", stored)
		}
		if !strings.Contains(reqBody, "Token+[redacted]") {
			t.Errorf("stored request body %q does not show the redaction", reqBody)
		}
	})
}
