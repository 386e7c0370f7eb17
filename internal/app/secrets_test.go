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
			if got := resp.Header.Get(name); got != value {
				t.Errorf("%s %s (status %d): %s %q, want %q", ep.method, ep.path, resp.StatusCode, name, got, value)
			}
		}
		if server := resp.Header.Get("Server"); server != "" {
			t.Errorf("%s %s: Server header %q, want none", ep.method, ep.path, server)
		}
	}
}
