package alertsend

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const (
	// DefaultWebhookTimeout bounds one webhook request when Webhook.Client is nil or has no
	// timeout.
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultTolerance is the largest difference between a webhook's timestamp and the
	// receiver's clock that Verify accepts when its tolerance is zero.
	DefaultTolerance = 5 * time.Minute

	// HeaderTimestamp is the request header with the signing time in Unix seconds.
	HeaderTimestamp = "X-Textback-Timestamp"
	// HeaderSignature is the request header with the signature, "v1=" and lowercase hex.
	HeaderSignature = "X-Textback-Signature"

	// signaturePrefix names the signing scheme, so that a later scheme can be distinguished.
	signaturePrefix = "v1="
	// maxErrorBody is how much of a failed response's body goes into the error message.
	maxErrorBody = 4 << 10
)

var (
	// ErrInvalidSignature is returned by Verify for a missing, malformed or mismatched signature
	// or timestamp.
	ErrInvalidSignature = errors.New("invalid webhook signature")
	// ErrTimestampOutOfRange is returned by Verify for a timestamp further from the receiver's
	// clock than the tolerance, in the past or in the future.
	ErrTimestampOutOfRange = errors.New("webhook timestamp out of range")
)

// Webhook posts alerts as JSON, signed with HMAC-SHA256. The package documentation describes
// the wire format.
type Webhook struct {
	// URL is the absolute http or https URL that receives the request. Errors show only its
	// scheme and host, because a Slack incoming webhook URL contains a secret in its path.
	URL string
	// Secret is the HMAC-SHA256 key. When it is empty, requests carry no signature header.
	Secret string
	// Client sends the request. Nil means a client with DefaultWebhookTimeout. Send uses a copy
	// that never follows redirects and has DefaultWebhookTimeout when Client.Timeout is zero.
	Client *http.Client
}

// String formats the webhook with only the scheme and host of its URL and without the secret,
// so that printing or logging it with %v or %s shows neither.
func (w Webhook) String() string {
	target, err := parseWebhookURL(w.URL)
	if err != nil {
		target = "[invalid URL]"
	} else if u, _ := url.Parse(w.URL); (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		target += "/[redacted]"
	}
	secret := ""
	if w.Secret != "" {
		secret = "xxxxx"
	}
	return fmt.Sprintf("{URL:%s Secret:%s}", target, secret)
}

// Send posts the alert to w.URL. A network failure, a timeout, a 429 or a 5xx status returns a
// retryable DeliveryError, with RetryAfter set from the Retry-After header of a 429 or 5xx
// response. A redirect or any other status returns a permanent DeliveryError.
func (w Webhook) Send(ctx context.Context, a Alert) error {
	target, err := parseWebhookURL(w.URL)
	if err != nil {
		return err
	}
	if err := a.validate(); err != nil {
		return err
	}
	body, err := webhookBody(a)
	if err != nil {
		return fmt.Errorf("encode webhook body for alert %d: %w", a.ID, err)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		// The error quotes the URL, which may contain a secret, so it is not wrapped.
		return fmt.Errorf("build webhook request to %s: invalid URL or context", target)
	}
	timestamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderTimestamp, timestamp)
	if w.Secret != "" {
		req.Header.Set(HeaderSignature, sign(w.Secret, timestamp, body))
	}

	resp, err := w.client().Do(req)
	if err != nil {
		return webhookTransportError(ctx, target, err)
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// Read a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	return webhookStatusError(target, resp, time.Now())
}

// client returns a copy of w.Client, or a new client, that does not follow redirects and has a
// timeout.
func (w Webhook) client() *http.Client {
	client := http.Client{}
	if w.Client != nil {
		client = *w.Client
	}
	if client.Timeout == 0 {
		client.Timeout = DefaultWebhookTimeout
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &client
}

// parseWebhookURL checks that rawURL is an absolute http or https URL and returns its scheme and
// host, the part of the URL that errors may show.
func parseWebhookURL(rawURL string) (string, error) {
	const want = "it must be an absolute http or https URL, such as https://hooks.slack.com/services/..."
	if strings.TrimSpace(rawURL) == "" {
		return "", fmt.Errorf("invalid webhook URL: URL is empty; %s", want)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse errors quote the whole URL, which may contain a secret, so they are not wrapped.
		return "", fmt.Errorf("invalid webhook URL: the URL cannot be parsed; %s", want)
	}
	switch u.Scheme {
	case "http", "https":
	case "":
		return "", fmt.Errorf("invalid webhook URL: URL is relative; %s", want)
	default:
		return "", fmt.Errorf("invalid webhook URL scheme %q: %s", u.Scheme, want)
	}
	if u.Host == "" {
		return "", fmt.Errorf("invalid webhook URL: host is missing; %s", want)
	}
	return u.Scheme + "://" + u.Host, nil
}

// webhookTransportError wraps a failure to get a response in a DeliveryError.
func webhookTransportError(ctx context.Context, target string, err error) error {
	// http.Client wraps its errors in *url.Error, which quotes the whole URL, secret path
	// included, so only the cause is kept.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	temporary := isNetworkFailure(err)
	if ctx.Err() != nil {
		temporary = true
	}
	return &DeliveryError{Temporary: temporary, Err: fmt.Errorf("post webhook to %s: %w", target, err)}
}

// webhookStatusError turns a non-2xx response into a DeliveryError whose message contains the
// status and up to maxErrorBody bytes of the response body.
func webhookStatusError(target string, resp *http.Response, now time.Time) error {
	code := resp.StatusCode
	temporary := code == http.StatusTooManyRequests || (code >= 500 && code <= 599)
	var retryAfter time.Duration
	if temporary {
		retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}

	detail := readErrorBody(resp.Body)
	if code >= 300 && code <= 399 {
		detail = "redirects are not followed; set the webhook URL to the final address"
	}
	message := resp.Status
	if detail != "" {
		message += ": " + detail
	}
	return &DeliveryError{
		Code:       code,
		RetryAfter: retryAfter,
		Temporary:  temporary,
		Err:        fmt.Errorf("post webhook to %s: %s", target, message),
	}
}

// readErrorBody reads up to maxErrorBody bytes of a response body as one line of valid UTF-8.
func readErrorBody(body io.Reader) string {
	data, _ := io.ReadAll(io.LimitReader(body, maxErrorBody+1))
	truncated := len(data) > maxErrorBody
	if truncated {
		data = data[:maxErrorBody]
	}
	text := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(data), "\uFFFD"))
	text = strings.TrimSpace(text)
	if truncated {
		text += " [truncated]"
	}
	return text
}

// parseRetryAfter returns the delay in a Retry-After header, which holds either seconds or an
// HTTP date. It returns 0 for an empty or invalid value and for a date in the past.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if seconds, err := strconv.ParseUint(value, 10, 64); err == nil {
		const maxSeconds = math.MaxInt64 / uint64(time.Second)
		return time.Duration(min(seconds, maxSeconds)) * time.Second
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0
	}
	return max(when.Sub(now), 0)
}

// webhookPayload is the JSON body of a webhook request.
type webhookPayload struct {
	Text  string       `json:"text"`
	Alert webhookAlert `json:"alert"`
}

// webhookAlert is the "alert" object of a webhook request.
type webhookAlert struct {
	ID       int64  `json:"id"`
	Business string `json:"business"`
	Kind     string `json:"kind"`
	Priority string `json:"priority"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Contact  string `json:"contact"`
	Link     string `json:"link"`
	At       string `json:"at"`
}

// webhookBody encodes the alert as the JSON body of a webhook request.
func webhookBody(a Alert) ([]byte, error) {
	priority := a.Priority
	if priority == "" {
		priority = PriorityNormal
	}
	text := a.Summary
	if a.Detail != "" {
		text += "\n" + a.Detail
	}
	payload := webhookPayload{
		Text: slackEscape(normalizeNewlines(text)),
		Alert: webhookAlert{
			ID:       a.ID,
			Business: a.Business,
			Kind:     a.Kind,
			Priority: priority,
			Summary:  a.Summary,
			Detail:   a.Detail,
			Contact:  a.Contact,
			Link:     a.Link,
			At:       a.At.UTC().Format(time.RFC3339),
		},
	}

	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(payload); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// slackEscape escapes the three characters that Slack's message formatting reserves.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// sign returns the HeaderSignature value for a body sent at timestamp.
func sign(secret, timestamp string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(signatureMAC(secret, timestamp, body))
}

// signatureMAC returns HMAC-SHA256(secret, timestamp + "." + body).
func signatureMAC(secret, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// Verify checks a webhook request's HeaderTimestamp and HeaderSignature values against its raw
// body, as a receiver should before it parses the body. It returns an error wrapping
// ErrTimestampOutOfRange when timestamp differs from now by more than tolerance, in either
// direction, and one wrapping ErrInvalidSignature for a malformed timestamp or a missing,
// malformed or mismatched signature. A zero or negative tolerance means DefaultTolerance.
// The signatures are compared in constant time.
func Verify(secret string, timestamp string, body []byte, signature string, now time.Time,
	tolerance time.Duration) error {
	if secret == "" {
		return errors.New("verify webhook signature: secret is empty")
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}

	seconds, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not a number of Unix seconds", ErrInvalidSignature, timestamp)
	}
	age := now.Sub(time.Unix(seconds, 0))
	if age > tolerance || age < -tolerance {
		return fmt.Errorf("%w: timestamp %s is %s from now, more than the tolerance of %s",
			ErrTimestampOutOfRange, timestamp, age.Abs().Round(time.Second), tolerance)
	}

	encoded, found := strings.CutPrefix(signature, signaturePrefix)
	if !found {
		return fmt.Errorf("%w: signature does not start with %q", ErrInvalidSignature, signaturePrefix)
	}
	got, err := hex.DecodeString(encoded)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: signature is not %d bytes of hex", ErrInvalidSignature, sha256.Size)
	}
	if !hmac.Equal(got, signatureMAC(secret, timestamp, body)) {
		return fmt.Errorf("%w: signature does not match the body and timestamp", ErrInvalidSignature)
	}
	return nil
}
