package twiliotest

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Fault is a failure that the server injects into one request.
type Fault struct {
	// Status is the HTTP status of the error response. Zero means 400 when Code is set; a Fault with
	// neither Status nor Code creates the message and responds normally, after Delay.
	Status int
	// Code is the Twilio error code of the error body, such as 21610.
	Code int
	// Message replaces the error body's message. Empty means the usual text for Code.
	Message string
	// RetryAfter is sent as the Retry-After header when not empty, in seconds or as an HTTP date.
	RetryAfter string
	// RawBody replaces the JSON error body, such as the HTML page of a failing proxy.
	RawBody string
	// Delay holds the response back. The server stops waiting when the client gives up.
	Delay time.Duration
	// Drop creates the message and then closes the connection without a response, so the client
	// cannot tell whether the text was accepted. A lookup's connection is closed the same way. Status
	// and Code take precedence over Drop.
	Drop bool
}

// FaultFunc picks the fault for the nth request (counted from 1) of one kind, given its form
// values for a create request or its query for a list or lookup request. It returns nil for a
// normal response.
type FaultFunc func(n int, values url.Values) *Fault

// errorMessages are the messages of the error bodies for the codes tests use most. They paraphrase
// Twilio's error reference.
var errorMessages = map[int]string{
	20003: "Authentication failed",
	20004: "Method not allowed",
	20404: "The requested resource was not found",
	20429: "Too many requests",
	20500: "Internal server error",
	20503: "Service unavailable",
	21211: "Invalid 'To' phone number",
	21408: "Permission to send an SMS has not been enabled for the region of the 'To' number",
	21602: "Message body is required",
	21603: "A 'From' phone number is required",
	21604: "A 'To' phone number is required",
	21606: "The 'From' phone number is not a valid, SMS-capable number of this account",
	21610: "Attempt to send to unsubscribed recipient",
	21612: "The 'To' phone number is not currently reachable via SMS",
	21614: "'To' number is not a valid mobile number",
}

// statusCodes are the Twilio error codes sent with an HTTP status when a Fault sets no Code.
var statusCodes = map[int]int{
	http.StatusTooManyRequests:     20429,
	http.StatusInternalServerError: 20500,
	http.StatusServiceUnavailable:  20503,
}

// errorBody returns the JSON error body for status and code, with message when it is not empty.
func errorBody(status, code int, message string) apiError {
	if code == 0 {
		code = statusCodes[status]
	}
	if message == "" {
		message = errorMessages[code]
	}
	if message == "" {
		message = http.StatusText(status)
	}
	body := apiError{Code: code, Message: message, Status: status}
	if code != 0 {
		body.MoreInfo = "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
	}
	return body
}

// response returns the reply that f injects, or false when f lets the request succeed.
func (f *Fault) response() (reply, bool) {
	if f == nil || (f.Status == 0 && f.Code == 0) {
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
		r = jsonReply(status, errorBody(status, f.Code, f.Message))
	}
	if f.RetryAfter != "" {
		r.header.Set("Retry-After", f.RetryAfter)
	}
	r.delay = f.Delay
	return r, true
}
