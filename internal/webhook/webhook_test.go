package webhook_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/providers"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/server"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
	"github.com/textback/textback/internal/webhook"
)

// publicURL is the URL the handler checks signatures against. Requests go to a local listener,
// as they would behind a TLS-terminating proxy.
const publicURL = "https://hooks.example.com"

const (
	accountSID = twiliotest.DefaultAccountSID
	authToken  = twiliotest.DefaultAuthToken
)

// env is a webhook handler on a real database, served on 127.0.0.1 by the server's routes.
type env struct {
	t     testing.TB
	store *store.Store
	srv   *httptest.Server
}

func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fn(t, newEnv(t, s))
	})
}

func newEnv(t testing.TB, s *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s, nilLogger()); err != nil {
		t.Fatalf("migrate job queue: %v", err)
	}
	queue, err := jobs.New(s, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}

	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: twilio.ProviderKind, AccountSID: accountSID, AuthToken: authToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", Hours: week,
		TextBack: store.TextBackSettings{Enabled: true, Window: 24 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: "+13125550199", Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	}); err != nil {
		t.Fatal(err)
	}

	registry := providers.New(providers.Options{Outbox: s, PublicURL: publicURL})
	handler := webhook.New(webhook.Options{Store: s, Queue: queue, Registry: registry, PublicURL: publicURL})
	routes := server.Routes(server.Handlers{Webhooks: handler, Ready: func(context.Context) error { return nil }}, nilLogger())
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, srv: srv}
}

// readForm returns a form from testdata.
func readForm(t testing.TB, name string) url.Values {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return form
}

// signed returns the signature of form posted to route under the public URL.
func signed(route string, form url.Values) string {
	return twilio.Sign(authToken, publicURL+"/webhooks/twilio/"+route, form)
}

type response struct {
	status      int
	contentType string
	body        string
}

// send sends a request to path on the local listener with the given body and headers.
func (e *env) send(method, path, body string, header http.Header) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for name, values := range header {
		if strings.EqualFold(name, "Host") {
			req.Host = values[0]
			continue
		}
		req.Header[http.CanonicalHeaderKey(name)] = values
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s %s: %v", method, path, err)
	}
	return response{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(data)}
}

// post sends form to route with signature, which may be empty.
func (e *env) post(route string, form url.Values, signature string, header http.Header) response {
	e.t.Helper()
	h := http.Header{}
	for name, values := range header {
		h[name] = values
	}
	if signature != "" {
		h.Set("X-Twilio-Signature", signature)
	}
	return e.send(http.MethodPost, "/webhooks/twilio/"+route, form.Encode(), h)
}

// storedWebhooks returns how many webhooks the database holds.
func (e *env) storedWebhooks() int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM webhooks").Scan(&n); err != nil {
		e.t.Fatalf("count webhooks: %v", err)
	}
	return n
}

// queuedJobs returns how many jobs the job queue holds.
func (e *env) queuedJobs() int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM river_job").Scan(&n); err != nil {
		e.t.Fatalf("count jobs: %v", err)
	}
	return n
}

// lastWebhook returns the stored webhook with the highest id.
func (e *env) lastWebhook() store.Webhook {
	e.t.Helper()
	var id int64
	if err := e.store.DB().QueryRowContext(context.Background(), "SELECT max(id) FROM webhooks").Scan(&id); err != nil {
		e.t.Fatalf("find last webhook: %v", err)
	}
	w, err := e.store.GetWebhook(context.Background(), store.WebhookID(id))
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

func TestBodyTooLarge(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming.form")
		form.Set("Padding", strings.Repeat("x", webhook.MaxBody))
		resp := e.post("voice", form, signed("voice", form), nil)
		if resp.status != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413 (body %q)", resp.status, resp.body)
		}
		if n := e.storedWebhooks(); n != 0 {
			t.Errorf("stored %d webhooks, want 0", n)
		}
		if n := e.queuedJobs(); n != 0 {
			t.Errorf("queued %d jobs, want 0", n)
		}
	})
}

// A body just under the limit is accepted.
func TestBodyAtLimit(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming.form")
		// The adapter limits each parameter to 8 KiB, so the padding is spread over several.
		for i := 0; len(form.Encode()) < webhook.MaxBody-8<<10; i++ {
			form.Set(fmt.Sprintf("Padding%02d", i), strings.Repeat("x", 4<<10))
		}
		form.Set("PaddingEnd", "")
		form.Set("PaddingEnd", strings.Repeat("x", webhook.MaxBody-len(form.Encode())))
		if n := len(form.Encode()); n != webhook.MaxBody {
			t.Fatalf("body has %d bytes, want exactly %d", n, webhook.MaxBody)
		}
		resp := e.post("voice", form, signed("voice", form), nil)
		if resp.status != http.StatusOK {
			t.Errorf("status = %d, want 200 (body %q)", resp.status, resp.body)
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Errorf("stored %d webhooks, want 1", n)
		}
	})
}

// A correctly signed webhook that cannot be read is rejected and kept for the operator.
func TestMalformed(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "dial-bad-duration.form")
		resp := e.post("voice/dial", form, signed("voice/dial", form), nil)
		if resp.status != http.StatusBadRequest {
			t.Errorf("status = %d, want 400 (body %q)", resp.status, resp.body)
		}
		if !strings.Contains(resp.body, "DialCallDuration") {
			t.Errorf("body %q does not name the unreadable parameter", resp.body)
		}

		if n := e.storedWebhooks(); n != 1 {
			t.Fatalf("stored %d webhooks, want 1", n)
		}
		w := e.lastWebhook()
		if w.Route != "twilio/voice/dial" {
			t.Errorf("stored route = %q, want twilio/voice/dial", w.Route)
		}
		if !strings.HasPrefix(w.EventKey, "unreadable:") {
			t.Errorf("stored event key = %q, want an unreadable: key", w.EventKey)
		}
		if string(w.Body) != form.Encode() {
			t.Errorf("stored body = %q, want the body as sent", w.Body)
		}
		if w.URL != publicURL+"/webhooks/twilio/voice/dial" {
			t.Errorf("stored url = %q, want the public URL", w.URL)
		}

		// A retry of the same delivery is stored once.
		again := e.post("voice/dial", form, signed("voice/dial", form), nil)
		if again.status != http.StatusBadRequest {
			t.Errorf("retry status = %d, want 400", again.status)
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Errorf("stored %d webhooks after a retry, want 1", n)
		}
	})
}

func TestRejected(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		incoming := readForm(t, "incoming.form")
		rows := []struct {
			name   string
			method string
			path   string
			body   string
			header http.Header
			status int
		}{
			{"unknown provider", http.MethodPost, "/webhooks/nosuchprovider/voice", incoming.Encode(),
				http.Header{"X-Twilio-Signature": {signed("voice", incoming)}}, http.StatusNotFound},
			{"get", http.MethodGet, "/webhooks/twilio/voice", "", nil, http.StatusMethodNotAllowed},
			{"put", http.MethodPut, "/webhooks/twilio/voice", incoming.Encode(),
				http.Header{"X-Twilio-Signature": {signed("voice", incoming)}}, http.StatusMethodNotAllowed},
			{"unsigned", http.MethodPost, "/webhooks/twilio/voice", incoming.Encode(), nil, http.StatusForbidden},
			{"wrong signature", http.MethodPost, "/webhooks/twilio/voice", incoming.Encode(),
				http.Header{"X-Twilio-Signature": {twilio.Sign("another_token_0000", publicURL+"/webhooks/twilio/voice", incoming)}},
				http.StatusForbidden},
			{"signed for another route", http.MethodPost, "/webhooks/twilio/voice", incoming.Encode(),
				http.Header{"X-Twilio-Signature": {signed("voice/status", incoming)}}, http.StatusForbidden},
			{"unknown account", http.MethodPost, "/webhooks/twilio/voice", readForm(t, "incoming-unknown-account.form").Encode(),
				http.Header{"X-Twilio-Signature": {signed("voice", readForm(t, "incoming-unknown-account.form"))}},
				http.StatusForbidden},
			{"no account", http.MethodPost, "/webhooks/twilio/voice", "CallSid=CA1&To=%2B13125550199",
				http.Header{"X-Twilio-Signature": {signed("voice", url.Values{"CallSid": {"CA1"}, "To": {"+13125550199"}})}},
				http.StatusForbidden},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				resp := e.send(row.method, row.path, row.body, row.header)
				if resp.status != row.status {
					t.Errorf("status = %d, want %d (body %q)", resp.status, row.status, resp.body)
				}
			})
		}
		if n := e.storedWebhooks(); n != 0 {
			t.Errorf("stored %d webhooks from rejected requests, want 0", n)
		}
	})
}

// A retried delivery of an incoming call is stored once and gets a byte-identical response.
func TestDuplicateIncoming(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming.form")
		first := e.post("voice", form, signed("voice", form), nil)
		if first.status != http.StatusOK {
			t.Fatalf("status = %d, want 200 (body %q)", first.status, first.body)
		}
		if !strings.Contains(first.body, "<Number") || !strings.Contains(first.body, "+13125550100") {
			t.Errorf("first answer does not ring the business phone: %s", first.body)
		}
		if !strings.HasPrefix(first.contentType, "text/xml") {
			t.Errorf("content type = %q, want text/xml", first.contentType)
		}
		for i := range 2 {
			again := e.post("voice", form, signed("voice", form), nil)
			if again.status != http.StatusOK {
				t.Errorf("retry %d status = %d, want 200", i+1, again.status)
			}
			if again.body != first.body {
				t.Errorf("retry %d answer differs:\nfirst: %s\nretry: %s", i+1, first.body, again.body)
			}
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Errorf("stored %d webhooks, want 1", n)
		}
		if n := e.queuedJobs(); n != 1 {
			t.Errorf("queued %d jobs, want 1", n)
		}
	})
}

// Signatures are checked against the configured public URL whatever the Host and
// X-Forwarded-* headers contain.
func TestSignedURLIgnoresHeaders(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming.form")
		local := strings.TrimPrefix(e.srv.URL, "http://")
		evil := "evil.example.com"
		rows := []struct {
			name      string
			signedFor string
			header    http.Header
			status    int
		}{
			{"public url", publicURL, nil, http.StatusOK},
			{"public url forwarded host", publicURL, http.Header{"X-Forwarded-Host": {evil}}, http.StatusOK},
			{"public url forwarded proto", publicURL, http.Header{"X-Forwarded-Proto": {"http"}}, http.StatusOK},
			{"public url host", publicURL, http.Header{"Host": {evil}}, http.StatusOK},
			{"public url all headers", publicURL, http.Header{
				"Host": {evil}, "X-Forwarded-Host": {evil}, "X-Forwarded-Proto": {"http"}, "X-Forwarded-Port": {"8443"},
				"Forwarded": {"host=" + evil + ";proto=http"},
			}, http.StatusOK},
			{"forwarded host", "https://" + evil, http.Header{"X-Forwarded-Host": {evil}}, http.StatusForbidden},
			{"forwarded host and proto", "http://" + evil, http.Header{
				"X-Forwarded-Host": {evil}, "X-Forwarded-Proto": {"http"},
			}, http.StatusForbidden},
			{"forwarded proto", "http://hooks.example.com", http.Header{"X-Forwarded-Proto": {"http"}}, http.StatusForbidden},
			{"host header", "https://" + evil, http.Header{"Host": {evil}}, http.StatusForbidden},
			{"listener address", "http://" + local, nil, http.StatusForbidden},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				before := e.storedWebhooks()
				signature := twilio.Sign(authToken, row.signedFor+"/webhooks/twilio/voice", form)
				resp := e.post("voice", form, signature, row.header)
				if resp.status != row.status {
					t.Errorf("status = %d, want %d (body %q)", resp.status, row.status, resp.body)
				}
				if row.status != http.StatusOK {
					if n := e.storedWebhooks(); n != before {
						t.Errorf("rejected webhook was stored: %d webhooks, had %d", n, before)
					}
				}
			})
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Errorf("stored %d webhooks, want the one call once", n)
		}
		if w := e.lastWebhook(); w.URL != publicURL+"/webhooks/twilio/voice" {
			t.Errorf("stored url = %q, want the public URL", w.URL)
		}
	})
}

// A call to a number that is not configured hears that the number is not in service, and the
// webhook is kept.
func TestUnknownNumber(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming-unknown-number.form")
		resp := e.post("voice", form, signed("voice", form), nil)
		if resp.status != http.StatusOK {
			t.Fatalf("status = %d, want 200 (body %q)", resp.status, resp.body)
		}
		if !strings.Contains(resp.body, "The number you called is not in service.") {
			t.Errorf("answer does not say the number is not in service: %s", resp.body)
		}
		if strings.Contains(resp.body, "<Dial") {
			t.Errorf("answer rings a phone: %s", resp.body)
		}
		if !strings.Contains(resp.body, "<Hangup") {
			t.Errorf("answer does not hang up: %s", resp.body)
		}
		if n := e.storedWebhooks(); n != 1 {
			t.Fatalf("stored %d webhooks, want 1", n)
		}
		w := e.lastWebhook()
		if w.Route != "twilio/voice" || w.EventKey != "voice:CA00000000000000000000000000000002" {
			t.Errorf("stored route %q key %q, want twilio/voice and the call's key", w.Route, w.EventKey)
		}
		if n := e.queuedJobs(); n != 1 {
			t.Errorf("queued %d jobs, want 1 to apply the webhook", n)
		}
	})
}

// Credentials and cookies are not stored with a webhook.
func TestStoredHeaders(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		form := readForm(t, "incoming.form")
		resp := e.post("voice", form, signed("voice", form), http.Header{
			"Authorization": {"Basic dXNlcjpwYXNz"}, "Cookie": {"session=1"}, "Proxy-Authorization": {"Basic eDp5"},
			"User-Agent": {"TwilioProxy/1.1"},
		})
		if resp.status != http.StatusOK {
			t.Fatalf("status = %d, want 200 (body %q)", resp.status, resp.body)
		}
		w := e.lastWebhook()
		for _, name := range []string{"Authorization", "Cookie", "Proxy-Authorization"} {
			if v := w.Header.Get(name); v != "" {
				t.Errorf("stored header %s = %q, want it dropped", name, v)
			}
		}
		if w.Header.Get("User-Agent") != "TwilioProxy/1.1" {
			t.Errorf("stored User-Agent = %q, want it kept", w.Header.Get("User-Agent"))
		}
		if w.Header.Get("X-Twilio-Signature") == "" {
			t.Errorf("signature header not stored, so the webhook could not be checked again")
		}
	})
}

func nilLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// A correctly signed webhook with a field too long or not UTF-8 is kept and answered 400, not
// refused as if it named no account.
func TestUnusableFieldsKept(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, value := range []string{strings.Repeat("x", 9<<10), "\xff\xfe"} {
			form := readForm(t, "incoming.form")
			form.Set("CallerName", value)
			before := e.storedWebhooks()
			resp := e.post("voice", form, signed("voice", form), nil)
			if resp.status != http.StatusBadRequest {
				t.Errorf("value of %d bytes: status = %d, want 400 (body %q)", len(value), resp.status, resp.body)
			}
			if n := e.storedWebhooks(); n != before+1 {
				t.Errorf("value of %d bytes: stored %d webhooks, want %d", len(value), n, before+1)
			}
		}
	})
}
