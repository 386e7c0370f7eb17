package telnyxtest

import (
	"net/http"
	"time"
)

// Fault is a failure that the server injects into one send request.
type Fault struct {
	// Status is the HTTP status of the error response. Zero means 400 when Code is set; a Fault
	// with neither Status nor Code creates the message and responds normally, after Delay.
	Status int
	// Code is the Telnyx error code of the error body, such as "40300".
	Code string
	// Title replaces the error's title. Empty means the usual title for Code.
	Title string
	// Detail is the error's detail, omitted when empty.
	Detail string
	// RetryAfter is sent as the Retry-After header when not empty, in seconds or as an HTTP date.
	RetryAfter string
	// RawBody replaces the JSON error body, such as the HTML page of a failing proxy.
	RawBody string
	// Delay holds the response back. The server stops waiting when the client gives up.
	Delay time.Duration
	// Drop creates the message and then closes the connection without a response, so the client
	// cannot tell whether the text was accepted. Status and Code take precedence over Drop.
	Drop bool
}

// FaultFunc picks the fault for the nth send request (counted from 1), given its body. It returns
// nil for a normal response.
type FaultFunc func(n int, req SendRequest) *Fault

// APIError is one entry of the errors array of a failed request.
type APIError struct {
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *ErrorSource `json:"source,omitempty"`
}

// ErrorSource points at the request field an error is about.
type ErrorSource struct {
	Pointer string `json:"pointer"`
}

// errorTitles are the titles of the error bodies for the codes tests use most. They paraphrase
// Telnyx's error references.
var errorTitles = map[string]string{
	"10004": "Missing required parameter",
	"10005": "Resource not found",
	"10007": "Unexpected error",
	"10009": "Authentication failed",
	"10010": "Authorization failed",
	"10011": "Too many requests",
	"10014": "Unsupported media type",
	"10015": "Bad request",
	"40001": "Not routable",
	"40300": "Blocked due to STOP message",
	"40305": "Invalid 'from' address",
	"40309": "Invalid destination region",
	"40310": "Invalid 'to' address",
	"40316": "No content",
	"40318": "Message queue full",
	"40329": "Toll-free number not verified",
	"40333": "Spend limit reached",
}

// statusCodes are the Telnyx error codes sent with an HTTP status when a Fault sets no Code.
var statusCodes = map[int]string{
	http.StatusUnauthorized:        "10009",
	http.StatusForbidden:           "10010",
	http.StatusNotFound:            "10005",
	http.StatusTooManyRequests:     "10011",
	http.StatusInternalServerError: "10007",
}

// errorReply returns a Telnyx error response for status and code. An empty code means
// statusCodes' code for status; a status without one gets an error with only a title.
func errorReply(status int, code, detail string) reply {
	return jsonReply(status, errorBody(status, code, "", detail))
}

// errorBody returns the JSON error body for status and code, with title when it is not empty.
func errorBody(status int, code, title, detail string) map[string][]APIError {
	if code == "" {
		code = statusCodes[status]
	}
	if title == "" {
		title = errorTitles[code]
	}
	if title == "" {
		title = http.StatusText(status)
	}
	return map[string][]APIError{"errors": {{Code: code, Title: title, Detail: detail}}}
}

// validationReply returns the 422 response to a request whose field at pointer is missing or
// invalid.
// NOTE: Telnyx documents 422 for validation errors in general, not the status of each code.
func validationReply(code, pointer string) reply {
	return jsonReply(http.StatusUnprocessableEntity, map[string][]APIError{"errors": {{
		Code: code, Title: errorTitles[code], Source: &ErrorSource{Pointer: pointer},
	}}})
}

// response returns the reply that f injects, or false when f lets the request succeed.
func (f *Fault) response() (reply, bool) {
	if f == nil || (f.Status == 0 && f.Code == "") {
		return reply{}, false
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	var r reply
	if f.RawBody != "" {
		r = reply{status: status, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			body: []byte(f.RawBody)}
	} else {
		r = jsonReply(status, errorBody(status, f.Code, f.Title, f.Detail))
	}
	if f.RetryAfter != "" {
		r.header.Set("Retry-After", f.RetryAfter)
	}
	r.delay = f.Delay
	return r, true
}
