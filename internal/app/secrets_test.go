package app_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/store"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// No provider credential appears in the log, at debug level, nor in anything textback stores
// about provider exchanges (the delivery log and the raw webhooks), after a missed call, a reply,
// a delivery report, a forged webhook and a failed send through each provider.
func TestSecretsNeverLoggedOrStored(t *testing.T) {
	rows := []struct {
		name    string
		setup   func(t *testing.T) wireSetup
		secrets []string
	}{
		{"twilio", pbxTwilioSetup, []string{twilioWireToken,
			base64.StdEncoding.EncodeToString([]byte(twilioWireSID + ":" + twilioWireToken)), wirePBXSecret}},
		{"signalwire", signalWireSetup, []string{signalWireToken, signalWireSigningKey,
			base64.StdEncoding.EncodeToString([]byte(signalWireProject + ":" + signalWireToken))}},
		{"telnyx", pbxTelnyxSetup, []string{wirePBXSecret}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			setup := row.setup(t)
			h := startWireHarnessWith(t, store.SQLite, setup, app.Options{NoDemo: true, Logger: logger})
			secrets := append([]string(nil), row.secrets...)
			if tw, ok := setup.texts.(*telnyxWire); ok {
				secrets = append(secrets, tw.fake.APIKey)
			}

			_, _ = setup.calls.missed(h, "+12025559301")
			h.waitTexts("+12025559301", 1)
			reply, key := setup.texts.inbound(h, "+12025559301", "yes please, my token is not here")
			h.mustPost(reply)
			h.waitApplied(key)
			sent := setup.texts.sent()
			report, key := setup.texts.report(h, sent[0], "delivered")
			h.mustPost(report)
			h.waitApplied(key)
			forged, _ := setup.calls.forged(h, "+12025559302")
			if status, _ := h.post(forged); status < 400 {
				t.Errorf("forged webhook: status %d, want a rejection", status)
			}
			h.settle()

			var stored strings.Builder
			for _, table := range []string{"provider_exchanges", "webhooks", "messages", "message_events", "calls"} {
				for _, r := range tableRows(t, h.store, table) {
					fmt.Fprintf(&stored, "%s %v\n", table, r)
				}
			}
			if !strings.Contains(stored.String(), "provider_exchanges") {
				t.Fatal("no provider exchange was recorded, so the test checked nothing")
			}
			for _, secret := range secrets {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log contains the credential %q", secret)
				}
				if strings.Contains(stored.String(), secret) {
					t.Errorf("stored rows contain the credential %q", secret)
				}
			}
			if !strings.Contains(logs.String(), "webhook rejected") {
				t.Error("log has no line for the forged webhook, so the test did not see the rejection path")
			}
		})
	}
}

// Security headers are set on every public endpoint's responses, errors included.
func TestSecurityHeaders(t *testing.T) {
	h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
	}
	for _, ep := range publicEndpoints {
		req, err := http.NewRequest(ep.method, "http://"+h.app.Addr()+ep.path, strings.NewReader("x=1"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for name, value := range want {
			if name == "Referrer-Policy" && strings.HasPrefix(ep.path, "/book/") {
				// The booking form sends same-origin referrers, so that browsers without
				// Sec-Fetch-Site send an Origin the cross-origin check can accept.
				value = "same-origin"
			}
			if got := resp.Header.Get(name); got != value {
				t.Errorf("%s %s (status %d): %s %q, want %q", ep.method, ep.path, resp.StatusCode, name, got, value)
			}
		}
		if server := resp.Header.Get("Server"); server != "" {
			t.Errorf("%s %s: Server header %q, want none", ep.method, ep.path, server)
		}
	}
}

// A client that sends forged webhooks gets 403 up to its limit and then 429 with Retry-After,
// while webhooks with a valid signature from the same address are still accepted and applied.
func TestForgedWebhooksRateLimited(t *testing.T) {
	wire := newTwilioWire(t)
	h := startWireHarness(t, store.SQLite, wireSetup{providerYAML: wire.providerYAML(), calls: wire, texts: wire})
	statuses := map[int]int{}
	retryAfter := ""
	for range 150 {
		forged, _ := wire.forged(h, "+12025559401")
		req, err := http.NewRequest(http.MethodPost, "http://"+h.app.Addr()+"/webhooks/"+forged.path,
			strings.NewReader(string(forged.body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = forged.header
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retryAfter = resp.Header.Get("Retry-After")
		}
	}
	if statuses[http.StatusForbidden] < 100 {
		t.Errorf("%d forged webhooks got 403, want the first 100 at least", statuses[http.StatusForbidden])
	}
	if statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("no forged webhook got 429 (statuses %v), want the flood limited", statuses)
	}
	if retryAfter != "1" {
		t.Errorf("Retry-After %q, want 1", retryAfter)
	}
	if n := statuses[http.StatusForbidden] + statuses[http.StatusTooManyRequests]; n != 150 {
		t.Errorf("statuses %v, want only 403 and 429", statuses)
	}

	for i := range 20 {
		from := fmt.Sprintf("+1202555%04d", 9410+i)
		reply, key := wire.inbound(h, from, "genuine text")
		h.mustPost(reply)
		h.waitApplied(key)
		if n := h.inboundFrom(from); n != 1 {
			t.Errorf("genuine text %d: %d inbound messages, want 1", i, n)
		}
	}
}

// Health checks past the limit of one client get 429; a checker at a normal pace is never held.
func TestHealthChecksRateLimited(t *testing.T) {
	h := startWireHarness(t, store.SQLite, pbxTwilioSetup(t))
	statuses := map[int]int{}
	for range 40 {
		resp, err := h.client.Get("http://" + h.app.Addr() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusOK] < 20 || statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("40 health checks at once got %v, want the first 20 or more 200 and the rest 429", statuses)
	}
	time.Sleep(time.Second)
	checkHealthy(t, h.app.Addr())
}
