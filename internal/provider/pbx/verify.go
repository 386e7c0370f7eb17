package pbx

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/textback/textback/internal/alertsend"
	"github.com/textback/textback/internal/provider"
)

// Tolerance is the largest difference between a report's X-Textback-Timestamp and textback's
// clock that Verify accepts, in the past or in the future.
const Tolerance = 5 * time.Minute

// Verify checks the report against the number's webhook secret, which acct.AuthToken carries.
// When the X-Textback-Signature header is present, it and X-Textback-Timestamp decide. Otherwise
// an "Authorization: Bearer <secret>" header must match. The timestamp is compared with
// w.ReceivedAt, or the current time when that is zero. Secrets and signatures are compared in
// constant time. Every failure, including an empty secret, returns an error wrapping
// provider.ErrSignature.
func (a *Adapter) Verify(acct provider.Account, w provider.Webhook) error {
	if acct.AuthToken == "" {
		return fmt.Errorf("verify pbx report: the number has no webhook secret configured, so no report is accepted: %w",
			provider.ErrSignature)
	}
	if signature := w.Header.Get(alertsend.HeaderSignature); signature != "" {
		return verifySignature(acct.AuthToken, w, signature)
	}
	if authorization := w.Header.Get("Authorization"); authorization != "" {
		return verifyBearer(acct.AuthToken, authorization)
	}
	return fmt.Errorf("verify pbx report: missing %s header and Authorization header: %w",
		alertsend.HeaderSignature, provider.ErrSignature)
}

// verifySignature checks an HMAC signature with alertsend.Verify, which implements the same scheme
// for textback's outbound alert webhooks.
func verifySignature(secret string, w provider.Webhook, signature string) error {
	timestamp := w.Header.Get(alertsend.HeaderTimestamp)
	if timestamp == "" {
		return fmt.Errorf("verify pbx report: missing %s header, which the signature covers: %w",
			alertsend.HeaderTimestamp, provider.ErrSignature)
	}
	now := w.ReceivedAt
	if now.IsZero() {
		now = time.Now()
	}
	if err := alertsend.Verify(secret, timestamp, w.Body, signature, now, Tolerance); err != nil {
		return fmt.Errorf("verify pbx report: %w: %w", err, provider.ErrSignature)
	}
	return nil
}

// verifyBearer checks an Authorization header of the form "Bearer <secret>". Both values are
// hashed before the constant-time comparison, so that the time taken does not reveal the
// secret's length either.
func verifyBearer(secret, authorization string) error {
	scheme, token, found := strings.Cut(strings.TrimSpace(authorization), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return fmt.Errorf("verify pbx report: Authorization header is not of the form \"Bearer <secret>\": %w",
			provider.ErrSignature)
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(secret))
	if !hmac.Equal(got[:], want[:]) {
		return fmt.Errorf("verify pbx report: bearer token does not match the number's webhook secret: %w",
			provider.ErrSignature)
	}
	return nil
}
