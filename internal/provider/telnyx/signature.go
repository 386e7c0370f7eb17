// Telnyx signs every webhook, JSON or form-encoded, with the account's Ed25519 key pair:
//
//	POST /webhooks/telnyx/messaging
//	Content-Type: application/json
//	telnyx-signature-ed25519: <base64 of the 64-byte Ed25519 signature>
//	telnyx-timestamp: 1741719850
//
//	{"data":{"event_type":"message.received","id":"00000000-0000-4000-8000-000000000401",...}}
//
// The signed message is the timestamp header, a '|' and the raw body, byte for byte. The public
// key is shown in the Telnyx portal as base64. Confirmed in Telnyx's messaging webhook guide
// (its Go sample verifies timestamp + "|" + body with crypto/ed25519) and in the header
// descriptions of every callback page of the API reference, TeXML's form-encoded ones included.
// Telnyx's SDKs reject timestamps more than 300 seconds old; this adapter also rejects ones that
// far in the future.
//
// See https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks and
// https://developers.telnyx.com/api-reference/callbacks/call-hangup.

package telnyx

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/textback/textback/internal/provider"
)

// Webhook signature headers.
const (
	signatureHeader = "telnyx-signature-ed25519"
	timestampHeader = "telnyx-timestamp"
)

// MaxWebhookAge is how far a webhook's telnyx-timestamp may be from the adapter's clock, in either
// direction, before Verify rejects it as a replay or a forgery.
const MaxWebhookAge = 5 * time.Minute

// spkiPrefix is the DER prefix of an Ed25519 public key in SubjectPublicKeyInfo form (RFC 8410).
// Some tools export keys this way, so a key of this form is accepted too.
var spkiPrefix = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}

// Verify checks the webhook's telnyx-signature-ed25519 header: an Ed25519 signature by
// acct.PublicKey over "<telnyx-timestamp>|<body>". It fails closed and returns an error wrapping
// provider.ErrSignature when the key or either header is missing or malformed, when the signature
// does not match, or when the timestamp is more than MaxWebhookAge from the adapter's clock.
func (a *Adapter) Verify(acct provider.Account, w provider.Webhook) error {
	key, err := decodePublicKey(acct.PublicKey)
	if err != nil {
		return fmt.Errorf("verify telnyx %s webhook for account %d (%q): %w", w.Route, acct.ID, acct.Name, err)
	}
	signature, err := decodeSignature(w.Header.Get(signatureHeader))
	if err != nil {
		return fmt.Errorf("verify telnyx %s webhook for account %d (%q): %w", w.Route, acct.ID, acct.Name, err)
	}
	stamp := w.Header.Get(timestampHeader)
	signedAt, err := parseUnixSeconds(stamp)
	if err != nil {
		return fmt.Errorf("verify telnyx %s webhook for account %d (%q): %w", w.Route, acct.ID, acct.Name, err)
	}
	// The signature is checked before the age, so that a stale but genuine webhook is reported as
	// stale and a forged one as forged.
	if !ed25519.Verify(key, signedMessage(stamp, w.Body), signature) {
		return fmt.Errorf("verify telnyx %s webhook for account %d (%q): signature does not match: %w",
			w.Route, acct.ID, acct.Name, provider.ErrSignature)
	}
	if skew := a.clock().Sub(signedAt); skew > MaxWebhookAge || skew < -MaxWebhookAge {
		return fmt.Errorf("verify telnyx %s webhook for account %d (%q): timestamp %s is %v from now, "+
			"more than the %v allowed: %w", w.Route, acct.ID, acct.Name, stamp, skew.Round(time.Second),
			MaxWebhookAge, provider.ErrSignature)
	}
	return nil
}

// signedMessage returns the bytes Telnyx signs: the timestamp header, '|' and the raw body.
func signedMessage(stamp string, body []byte) []byte {
	message := make([]byte, 0, len(stamp)+1+len(body))
	message = append(message, stamp...)
	message = append(message, '|')
	return append(message, body...)
}

// decodePublicKey decodes a base64 Ed25519 public key: 32 raw bytes, or the same key in DER
// SubjectPublicKeyInfo form.
func decodePublicKey(encoded string) (ed25519.PublicKey, error) {
	if encoded == "" {
		return nil, fmt.Errorf("account has no Telnyx public key, so no signature can match: %w", provider.ErrSignature)
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, fmt.Errorf("public key is not valid base64: %w", provider.ErrSignature)
	}
	if len(raw) == len(spkiPrefix)+ed25519.PublicKeySize && bytes.HasPrefix(raw, spkiPrefix) {
		raw = raw[len(spkiPrefix):]
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key has %d bytes, expected a %d-byte Ed25519 key: %w", len(raw),
			ed25519.PublicKeySize, provider.ErrSignature)
	}
	return ed25519.PublicKey(raw), nil
}

// decodeSignature decodes the base64 signature header.
func decodeSignature(header string) ([]byte, error) {
	if header == "" {
		return nil, fmt.Errorf("missing %s header: %w", signatureHeader, provider.ErrSignature)
	}
	signature, err := base64.StdEncoding.DecodeString(header)
	if err != nil || len(signature) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%s header is not a base64 %d-byte Ed25519 signature: %w", signatureHeader,
			ed25519.SignatureSize, provider.ErrSignature)
	}
	return signature, nil
}

// parseUnixSeconds parses the timestamp header: decimal Unix seconds.
func parseUnixSeconds(header string) (time.Time, error) {
	if header == "" {
		return time.Time{}, fmt.Errorf("missing %s header: %w", timestampHeader, provider.ErrSignature)
	}
	seconds, err := strconv.ParseInt(header, 10, 64)
	// The bounds keep time.Unix and the skew arithmetic far from overflow.
	if err != nil || seconds < 0 || seconds > 1<<40 {
		return time.Time{}, fmt.Errorf("%s header %q is not Unix seconds: %w", timestampHeader, header,
			provider.ErrSignature)
	}
	return time.Unix(seconds, 0), nil
}
