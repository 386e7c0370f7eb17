// A failed API request carries its Telnyx error codes in a JSON body, and the adapter classifies
// it by HTTP status first and by the first error's code second:
//
//	HTTP/1.1 429 Too Many Requests
//	Retry-After: 30
//
//	{"errors":[{"code":"10011","title":"Too many requests"}]}
//
// See https://developers.telnyx.com/development/api-fundamentals/api-errors.

package telnyx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/textback/textback/internal/provider"
)

// apiError is one entry of the errors array of a failed request or a delivery report.
type apiError struct {
	Code   errorCodeValue `json:"code"`
	Title  string         `json:"title"`
	Detail string         `json:"detail"`
}

// errorCodeValue is an error code. Telnyx documents codes as JSON strings; a number is accepted
// too and kept as its decimal text.
type errorCodeValue string

// UnmarshalJSON decodes a string, a number or null.
func (c *errorCodeValue) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		*c = errorCodeValue(text)
		return nil
	}
	var number json.Number
	if err := json.Unmarshal(data, &number); err != nil {
		return fmt.Errorf("error code %s is neither a string nor a number", data)
	}
	*c = errorCodeValue(number.String())
	return nil
}

// apiErrors is the JSON body of a failed API request.
type apiErrors struct {
	Errors []apiError `json:"errors"`
}

// maxRetryAfter caps the Retry-After delay taken from a response, so that a wrong or hostile
// header cannot hold a text back for days.
const maxRetryAfter = time.Hour

// responseError classifies a non-2xx API response. now converts a Retry-After date into a delay.
func responseError(resp apiResponse, now time.Time) *provider.SendError {
	sendErr := &provider.SendError{HTTPStatus: resp.status}
	sendErr.Code, sendErr.Message = errorFields(resp.body)
	sendErr.Kind, sendErr.Recipient = classifyStatus(resp.status, sendErr.Code)
	sendErr.RetryAfter = parseRetryAfter(resp.header.Get("Retry-After"), now)
	return sendErr
}

// errorFields returns the code and message of the first error in a failed response's body. A body
// that is not a Telnyx error, such as a proxy's HTML page, gives no code and its start as the
// message.
func errorFields(body []byte) (code, message string) {
	var parsed apiErrors
	if err := json.Unmarshal(body, &parsed); err != nil || len(parsed.Errors) == 0 {
		return "", bodySnippet(body)
	}
	first := parsed.Errors[0]
	message = first.Title
	if first.Detail != "" && first.Detail != first.Title {
		if message != "" {
			message += ": "
		}
		message += first.Detail
	}
	return string(first.Code), message
}

// classifyStatus decides the kind of a failed request from its HTTP status and, for 4xx responses,
// from the row of errorCodes for its Telnyx error code.
func classifyStatus(status int, code string) (provider.SendErrorKind, provider.RecipientState) {
	switch {
	case status == http.StatusTooManyRequests:
		return provider.Retryable, provider.RecipientUnchanged
	case status >= 500:
		// Telnyx may have accepted the text before the error, and no lookup can tell.
		return provider.Unknown, provider.RecipientUnchanged
	case status >= 400:
		row, ok := errorCodes[code]
		if !ok {
			return provider.Permanent, provider.RecipientUnchanged
		}
		kind := row.sendKind
		if kind == "" {
			kind = provider.Permanent
		}
		return kind, row.info.Recipient
	default:
		// A 1xx or 3xx response to a send does not show whether the text exists.
		return provider.Unknown, provider.RecipientUnchanged
	}
}

// transportError classifies a request that got no HTTP response. The outcome is unknown, because
// Telnyx may have accepted the text before the connection failed, unless no connection was ever
// made (connection refused, DNS failure or another dial error). A cancelled or expired ctx is
// always unknown.
func transportError(err error) *provider.SendError {
	if notConnected(err) {
		return &provider.SendError{Kind: provider.Retryable, Message: "could not connect to the Telnyx API", Err: err}
	}
	return &provider.SendError{Kind: provider.Unknown, Message: "no response from the Telnyx API", Err: err}
}

// notConnected reports whether err shows that the request never reached a server.
func notConnected(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// parseRetryAfter turns a Retry-After value, in seconds or as an HTTP date, into a delay between 0
// and maxRetryAfter. It returns 0 for an empty or invalid value.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	var delay time.Duration
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		delay = time.Duration(seconds) * time.Second
	} else if date, err := http.ParseTime(value); err == nil {
		delay = date.Sub(now)
	}
	return min(max(delay, 0), maxRetryAfter)
}

// maxSnippetBytes bounds the part of a non-JSON error body kept as the error message.
const maxSnippetBytes = 200

// bodySnippet returns the start of a response body that is not a Telnyx error, such as a proxy's
// HTML page, trimmed to maxSnippetBytes on a UTF-8 boundary.
func bodySnippet(body []byte) string {
	text := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	if len(text) <= maxSnippetBytes {
		return text
	}
	cut := maxSnippetBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}
