// Package alertsend delivers team alerts by email over SMTP and by a signed JSON webhook.
// SMS alerts go through textback's outbound path, not through this package. Nothing is sent
// unless a relay or webhook URL is configured: the package has no default server or URL.
//
// # Email
//
// A Mailer sends one plain-text message per alert to all recipients, through the relay named by
// an smtp:// URL (STARTTLS, port 587 by default) or an smtps:// URL (implicit TLS, port 465 by
// default). See ParseSMTP for the rules on TLS and authentication.
//
// # Webhook wire format
//
// Webhook.Send makes one POST request with Content-Type application/json and this body:
//
//	{
//	  "text": "<summary>\n<detail>",
//	  "alert": {
//	    "id": 42,
//	    "business": "Acme Plumbing",
//	    "kind": "missed_call",
//	    "priority": "high",
//	    "summary": "Missed call from (202) 555-0143",
//	    "detail": "Called 4 times in 5 minutes.",
//	    "contact": "+12025550143",
//	    "link": "https://app.example.com/leads/42",
//	    "at": "2026-03-02T15:04:05Z"
//	  }
//	}
//
// The top-level "text" makes a Slack incoming webhook display the alert. It is the summary and,
// when the detail is not empty, a line break and the detail, with CRLF turned into LF. In "text"
// only, the characters &, < and > are escaped as &amp;, &lt; and &gt;, as Slack requires, so
// that a lead's message cannot mention a whole channel or forge a link. The "alert" object
// contains the raw values. "priority" is "normal" or "high", "at" is in RFC 3339 format in UTC,
// and "link" may be an empty string.
//
// Two headers sign the request:
//
//	X-Textback-Timestamp: <unix seconds>
//	X-Textback-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//
// The signed string is the decimal timestamp, a full stop, then the exact body bytes. A
// receiver checks both headers with Verify before it parses the body. When Webhook.Secret is
// empty the signature header is left out, which suits a Slack URL that contains its own secret.
// A retried alert is a new request with a new timestamp and signature but the same alert "id",
// so a receiver can drop duplicates by id.
//
// Any 2xx status is success. The sender does not follow redirects and, unless its client sets
// another timeout, waits DefaultWebhookTimeout for the response. A 429 or 5xx status is a
// retryable DeliveryError that carries the Retry-After delay when the receiver sends one. Any
// other status is a permanent DeliveryError.
package alertsend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Priorities of an alert. An empty Priority is treated as PriorityNormal.
const (
	PriorityNormal = "normal"
	PriorityHigh   = "high"
)

// Alert is a notice to a business's team that a lead needs a person.
type Alert struct {
	ID       int64
	Business string // business name
	Kind     string // "reply", "urgent", "call_back", "cannot_text", "missed_call", ...
	Priority string // PriorityNormal or PriorityHigh, where empty means normal
	// Summary is one line, such as "Missed call from (202) 555-0143 — called 4 times in 5 minutes".
	Summary string
	Detail  string // a few lines, such as the lead's last message and what textback did
	Contact string // the lead's number in E.164
	Link    string // dashboard URL of the lead, or empty
	At      time.Time
}

// validate returns an error for an alert that cannot be delivered as it is.
func (a Alert) validate() error {
	if strings.TrimSpace(a.Summary) == "" {
		return errors.New("invalid alert: summary is empty")
	}
	if a.At.IsZero() {
		return errors.New("invalid alert: time is missing")
	}
	switch a.Priority {
	case "", PriorityNormal, PriorityHigh:
		return nil
	}
	return fmt.Errorf("invalid alert priority %q: use %q or %q", a.Priority, PriorityNormal, PriorityHigh)
}

// urgent reports whether the alert has high priority.
func (a Alert) urgent() bool {
	return a.Priority == PriorityHigh
}

// DeliveryError is a failed delivery of an email or a webhook request. Errors that
// SendAlert, Send and Webhook.Send return for invalid input or configuration are plain errors,
// which are never retryable.
type DeliveryError struct {
	// Code is the SMTP reply code or the HTTP status code, or 0 when no reply arrived.
	Code int
	// RetryAfter is the delay that the webhook receiver requested in a Retry-After header,
	// or 0 when it sent none. Receivers may request long delays, so callers should cap it.
	RetryAfter time.Duration
	// Temporary is true when the same request may succeed later.
	Temporary bool
	// Err names the operation and target, and wraps the cause.
	Err error
}

// Error returns the cause followed by whether the failure is temporary or permanent.
func (e *DeliveryError) Error() string {
	if e.Temporary {
		return e.Err.Error() + " (temporary failure)"
	}
	return e.Err.Error() + " (permanent failure)"
}

// Unwrap returns the cause.
func (e *DeliveryError) Unwrap() error {
	return e.Err
}

// Retryable reports whether sending the same alert again may succeed.
func (e *DeliveryError) Retryable() bool {
	return e.Temporary
}

// IsRetryable reports whether err contains a DeliveryError that is retryable. It returns false
// for nil and for every other error.
func IsRetryable(err error) bool {
	var deliveryErr *DeliveryError
	return errors.As(err, &deliveryErr) && deliveryErr.Retryable()
}

// isNetworkFailure reports whether err, which arrived without an SMTP or HTTP reply, is a
// network failure that may not recur: a refused or reset connection, a timeout, or a connection
// closed early. A rejected TLS certificate, a server that does not speak TLS and any other
// error are permanent, because retrying cannot change them.
func isNetworkFailure(err error) bool {
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	if errors.As(err, &certErr) || errors.As(err, &recordErr) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Canceled)
}
