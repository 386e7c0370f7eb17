package telnyx

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/telnyx/telnyxtest"
)

// verifyTime is the fixed clock of the signature tests.
var verifyTime = time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)

// verifyAdapter returns an adapter whose clock is verifyTime.
func verifyAdapter() *Adapter {
	return New(Options{Clock: func() time.Time { return verifyTime }})
}

// signedWebhook returns a fixture webhook signed by server at signedAt.
func signedWebhook(t *testing.T, server *telnyxtest.Server, route provider.Route, fixture string,
	signedAt time.Time) provider.Webhook {
	t.Helper()
	w := fixtureWebhook(t, route, "", fixture)
	w.Header = server.SignedHeader(w.Header.Get("Content-Type"), w.Body, signedAt)
	return w
}

func TestVerify(t *testing.T) {
	server := telnyxtest.New(t)
	other := telnyxtest.New(t)
	tests := []struct {
		name    string
		fixture string
		change  func(w *provider.Webhook, acct *provider.Account)
		wantErr bool
	}{
		{"valid JSON", "msg-received.json", nil, false},
		{"valid form", "texml-incoming.form", nil, false},
		{"valid call control", "cc-hangup-caller-cancel.json", nil, false},
		{"signed 5 minutes ago", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			resign(server, w, verifyTime.Add(-MaxWebhookAge))
		}, false},
		{"signed 5 minutes ahead", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			resign(server, w, verifyTime.Add(MaxWebhookAge))
		}, false},
		{"stale", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			resign(server, w, verifyTime.Add(-MaxWebhookAge-time.Second))
		}, true},
		{"future", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			resign(server, w, verifyTime.Add(MaxWebhookAge+time.Second))
		}, true},
		{"tampered body", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Body = append([]byte(nil), w.Body...)
			w.Body[len(w.Body)-3] ^= 1
		}, true},
		{"body with trailing newline", "texml-incoming.form", func(w *provider.Webhook, _ *provider.Account) {
			w.Body = append(append([]byte(nil), w.Body...), '\n')
		}, true},
		{"timestamp changed", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Set("telnyx-timestamp", "1741719851")
		}, true},
		{"other key", "msg-received.json", func(_ *provider.Webhook, acct *provider.Account) {
			acct.PublicKey = other.PublicKey()
		}, true},
		{"signature of other key", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			resign(other, w, verifyTime)
		}, true},
		{"missing signature", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Del("telnyx-signature-ed25519")
		}, true},
		{"missing timestamp", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Del("telnyx-timestamp")
		}, true},
		{"signature not base64", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Set("telnyx-signature-ed25519", "not base64!")
		}, true},
		{"signature too short", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Set("telnyx-signature-ed25519", base64.StdEncoding.EncodeToString(make([]byte, 63)))
		}, true},
		{"timestamp not a number", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Set("telnyx-timestamp", "2025-03-11T19:04:10Z")
		}, true},
		{"negative timestamp", "msg-received.json", func(w *provider.Webhook, _ *provider.Account) {
			w.Header.Set("telnyx-timestamp", "-1")
		}, true},
		{"empty key", "msg-received.json", func(_ *provider.Webhook, acct *provider.Account) {
			acct.PublicKey = ""
		}, true},
		{"key not base64", "msg-received.json", func(_ *provider.Webhook, acct *provider.Account) {
			acct.PublicKey = "%%%"
		}, true},
		{"key too short", "msg-received.json", func(_ *provider.Webhook, acct *provider.Account) {
			acct.PublicKey = base64.StdEncoding.EncodeToString(make([]byte, 31))
		}, true},
		{"key in SPKI form", "msg-received.json", func(_ *provider.Webhook, acct *provider.Account) {
			raw, _ := base64.StdEncoding.DecodeString(acct.PublicKey)
			acct.PublicKey = base64.StdEncoding.EncodeToString(append(append([]byte(nil), spkiPrefix...), raw...))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := signedWebhook(t, server, RouteMessaging, tt.fixture, verifyTime)
			acct := server.Account()
			if tt.change != nil {
				tt.change(&w, &acct)
			}
			err := verifyAdapter().Verify(acct, w)
			if !tt.wantErr && err != nil {
				t.Fatalf("Verify returned %v, want success", err)
			}
			if tt.wantErr && !errors.Is(err, provider.ErrSignature) {
				t.Fatalf("Verify returned %v, want an error wrapping ErrSignature", err)
			}
		})
	}
}

// resign replaces w's signature headers with server's signature at signedAt.
func resign(server *telnyxtest.Server, w *provider.Webhook, signedAt time.Time) {
	signature, stamp := server.Sign(w.Body, signedAt)
	w.Header.Set("telnyx-signature-ed25519", signature)
	w.Header.Set("telnyx-timestamp", stamp)
}

// knownSeed, knownSignature and knownBody are a fixed signing vector: the signature is Ed25519 with
// the key from knownSeed over "1741719850|" + knownBody, computed once with crypto/ed25519.
var (
	knownSeed      = []byte("telnyx-fake-seed-for-tests-0001!")
	knownBody      = []byte(`{"data":{"event_type":"message.received","id":"e1"}}`)
	knownSignature = "nG2z29OmyBkUWSd24Yjg/uzIa2Bxt+aQkgvf+Qrd7avNAXdD5Z0yV6Deo2sq7lvqTSPL5XQh1hF+234BRrUnBQ=="
)

func TestVerifyKnownVector(t *testing.T) {
	key := ed25519.NewKeyFromSeed(knownSeed).Public().(ed25519.PublicKey)
	acct := provider.Account{PublicKey: base64.StdEncoding.EncodeToString(key)}
	w := provider.Webhook{
		Route: RouteMessaging,
		Header: http.Header{
			"Telnyx-Signature-Ed25519": {knownSignature},
			"Telnyx-Timestamp":         {"1741719850"},
		},
		Body: knownBody,
	}
	adapter := New(Options{Clock: func() time.Time { return time.Unix(1741719850, 0) }})
	if err := adapter.Verify(acct, w); err != nil {
		t.Errorf("Verify of the known vector returned %v", err)
	}
	server := telnyxtest.New(t, telnyxtest.WithKeySeed(knownSeed))
	if signature, _ := server.Sign(knownBody, time.Unix(1741719850, 0)); signature != knownSignature {
		t.Errorf("telnyxtest signs the known vector as %q, want %q", signature, knownSignature)
	}
}

func FuzzVerify(f *testing.F) {
	server := telnyxtest.New(f, telnyxtest.WithKeySeed(knownSeed))
	signature, stamp := server.Sign(knownBody, verifyTime)
	f.Add(server.PublicKey(), signature, stamp, knownBody)
	f.Add("", "", "", []byte{})
	f.Add("AAAA", "%%", "99999999999999999999", []byte("x"))
	f.Add(server.PublicKey(), signature, "-0", knownBody)
	signingKey := ed25519.NewKeyFromSeed(knownSeed).Public()
	adapter := verifyAdapter()
	f.Fuzz(func(t *testing.T, publicKey, signature, stamp string, body []byte) {
		w := provider.Webhook{Route: RouteMessaging, Header: http.Header{}, Body: body}
		w.Header.Set("telnyx-signature-ed25519", signature)
		w.Header.Set("telnyx-timestamp", stamp)
		err := adapter.Verify(provider.Account{PublicKey: publicKey}, w)
		if err != nil && !errors.Is(err, provider.ErrSignature) {
			t.Fatalf("Verify returned %v, which does not wrap ErrSignature", err)
		}
		key, keyErr := decodePublicKey(publicKey)
		signer := keyErr == nil && key.Equal(signingKey)
		if err == nil && !signer {
			t.Fatalf("Verify accepted a webhook for a key that did not sign it: %q", publicKey)
		}
		if signer {
			good, goodStamp := server.Sign(body, verifyTime)
			w.Header.Set("telnyx-signature-ed25519", good)
			w.Header.Set("telnyx-timestamp", goodStamp)
			if err := adapter.Verify(provider.Account{PublicKey: publicKey}, w); err != nil {
				t.Fatalf("Verify rejected telnyxtest's own signature: %v", err)
			}
		}
	})
}
