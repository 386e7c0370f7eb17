// Twilio error codes arrive in two places: in the JSON body of a failed API request, such as
//
//	HTTP/1.1 400 Bad Request
//	{"code": 21610, "message": "Attempt to send to unsubscribed recipient",
//	 "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}
//
// and in the ErrorCode parameter of a delivery report (MessageStatus=undelivered&ErrorCode=30006).
// See https://www.twilio.com/docs/api/errors.

package twilio

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

// ErrorInfo is textback's handling of one Twilio error code: provider.ErrorInfo, kept under this
// name for existing callers.
type ErrorInfo = provider.ErrorInfo

// errorCode is one row of errorCodes.
type errorCode struct {
	info ErrorInfo
	// sendKind classifies a failed API request that carries this code. Empty means the HTTP status
	// decides, as for codes that only appear in delivery reports.
	sendKind provider.SendErrorKind
}

// errorCodes is the one table of Twilio error codes that textback handles. Meanings follow
// Twilio's error reference, and retry counts are textback's defaults.
var errorCodes = map[string]errorCode{
	"20003": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:       "authentication failed: check the account SID and auth token",
		AlertOperator: true,
	}},
	"20404": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:       "resource not found: check the account SID and the API base URL",
		AlertOperator: true,
	}},
	"20429": {sendKind: provider.Retryable, info: ErrorInfo{
		Meaning: "too many requests: Twilio is rate-limiting this account",
		Retries: 1,
	}},
	"21211": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:   "invalid 'To' phone number",
		Recipient: provider.RecipientInvalid,
	}},
	"21408": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:       "sending to this region is not enabled in the account's geographic permissions",
		AlertOperator: true,
	}},
	"21606": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:       "the 'From' number cannot send texts or does not belong to this account",
		AlertOperator: true,
	}},
	"21610": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:   "the recipient opted out by replying STOP and must text START before receiving texts again",
		Recipient: provider.RecipientOptedOut,
	}},
	"21612": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:   "the 'To' number cannot be reached by text from this sender",
		Recipient: provider.RecipientCannotText,
	}},
	"21614": {sendKind: provider.Permanent, info: ErrorInfo{
		Meaning:   "the 'To' number is not a mobile number and cannot receive texts",
		Recipient: provider.RecipientCannotText,
	}},
	"30003": {info: ErrorInfo{
		Meaning:      "handset unreachable (switched off, out of coverage or blocked); this may be temporary",
		Retries:      2,
		RetrySpacing: 30 * time.Minute,
	}},
	"30005": {info: ErrorInfo{
		Meaning:   "unknown or inactive destination number",
		Recipient: provider.RecipientCannotText,
	}},
	"30006": {info: ErrorInfo{
		Meaning:   "landline or unreachable carrier: the number cannot receive texts",
		Recipient: provider.RecipientCannotText,
	}},
	"30007": {info: ErrorInfo{
		Meaning:       "filtered by the carrier as unwanted; resending the same text will be filtered again",
		AlertOperator: true,
	}},
	"30008": {info: ErrorInfo{
		Meaning: "unknown delivery error",
		Retries: 1,
	}},
	"30034": {info: ErrorInfo{
		Meaning:       "the sender's US A2P 10DLC campaign is not registered; pause it until registration is fixed",
		AlertOperator: true,
		PauseSender:   true,
	}},
}

// DescribeError returns what textback does about a Twilio error code such as "30006". Unknown
// codes, including "", get one retry and no change to the recipient.
func DescribeError(code string) ErrorInfo {
	if row, ok := errorCodes[code]; ok {
		return row.info
	}
	return ErrorInfo{Meaning: fmt.Sprintf("unrecognised Twilio error code %q", code), Retries: 1}
}

// DescribeError returns what textback does about a Twilio error code, as the package function
// DescribeError does.
func (a *Adapter) DescribeError(code string) provider.ErrorInfo {
	return DescribeError(code)
}

// maxRetryAfter caps the Retry-After delay taken from a response, so that a wrong or hostile
// header cannot hold a text back for days.
const maxRetryAfter = time.Hour

// apiError is the JSON body of a failed API request.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// responseError classifies a non-2xx API response. now converts a Retry-After date into a delay.
func responseError(resp apiResponse, now time.Time) *provider.SendError {
	sendErr := &provider.SendError{HTTPStatus: resp.status}
	sendErr.Code, sendErr.Message = errorFields(resp.body)
	sendErr.Kind, sendErr.Recipient = classifyStatus(resp.status, sendErr.Code)
	sendErr.RetryAfter = parseRetryAfter(resp.header.Get("Retry-After"), now)
	return sendErr
}

// errorFields returns the Twilio error code and message of a failed response's body. A body that
// is not a Twilio error, such as a proxy's HTML page, gives no code and its start as the message.
func errorFields(body []byte) (code, message string) {
	var parsed apiError
	if err := json.Unmarshal(body, &parsed); err != nil || (parsed.Code == 0 && parsed.Message == "") {
		return "", bodySnippet(body)
	}
	if parsed.Code != 0 {
		code = strconv.Itoa(parsed.Code)
	}
	return code, parsed.Message
}

// classifyStatus decides the kind of a failed request from its HTTP status and, for 4xx responses,
// from the row of errorCodes for its Twilio error code.
func classifyStatus(status int, code string) (provider.SendErrorKind, provider.RecipientState) {
	switch {
	case status == http.StatusTooManyRequests:
		return provider.Retryable, provider.RecipientUnchanged
	case status >= 500:
		// Twilio may have accepted the text before the error, so only FindSent can tell.
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
		// A 1xx or 3xx response to a create request does not show whether the text exists.
		return provider.Unknown, provider.RecipientUnchanged
	}
}

// transportError classifies a request that got no HTTP response. The outcome is unknown, because
// Twilio may have accepted the text before the connection failed, unless no connection was ever
// made (connection refused, DNS failure or another dial error). A cancelled or expired ctx is
// always unknown.
func transportError(err error) *provider.SendError {
	if notConnected(err) {
		return &provider.SendError{Kind: provider.Retryable, Message: "could not connect to the Twilio API", Err: err}
	}
	return &provider.SendError{Kind: provider.Unknown, Message: "no response from the Twilio API", Err: err}
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

// bodySnippet returns the start of a response body that is not a Twilio error, such as a proxy's
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
