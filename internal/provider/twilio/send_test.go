package twilio

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
)

// sendTime is the fixed clock of the send tests.
var sendTime = time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)

// textBack is the text that the send tests send.
var textBack = provider.SendRequest{
	From:           "+13125550199",
	To:             "+12025550143",
	Body:           "Hi, this is Acme Plumbing. Sorry we missed your call! Reply STOP to opt out.",
	StatusCallback: "https://hooks.example.com/webhooks/twilio/sms/status",
}

// newSendAdapter returns an adapter whose clock is sendTime and whose client gives up after timeout.
func newSendAdapter(timeout time.Duration) *Adapter {
	return New(Options{
		HTTPClient: &http.Client{Timeout: timeout},
		Clock:      func() time.Time { return sendTime },
	})
}

// asSendError returns err as a *provider.SendError or fails the test.
func asSendError(t *testing.T, err error) *provider.SendError {
	t.Helper()
	var sendErr *provider.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("error %v (%T) is not a *provider.SendError", err, err)
	}
	return sendErr
}

func TestSendRequest(t *testing.T) {
	withoutCallback := textBack
	withoutCallback.StatusCallback = ""
	tests := []struct {
		name     string
		req      provider.SendRequest
		wantForm url.Values
	}{
		{"with status callback", textBack, url.Values{
			"To": {textBack.To}, "From": {textBack.From}, "Body": {textBack.Body},
			"StatusCallback": {textBack.StatusCallback},
		}},
		{"without status callback", withoutCallback, url.Values{
			"To": {textBack.To}, "From": {textBack.From}, "Body": {textBack.Body},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := twiliotest.New(t)
			result, err := newSendAdapter(5*time.Second).Send(context.Background(), server.Account(), tt.req)
			if err != nil {
				t.Fatalf("Send returned error %v", err)
			}
			if want := "SM00000000000000000000000000000001"; result.MessageID != want {
				t.Errorf("MessageID = %q, want %q", result.MessageID, want)
			}
			if result.Status != "queued" {
				t.Errorf("Status = %q, want queued", result.Status)
			}

			requests := server.Requests()
			if len(requests) != 1 {
				t.Fatalf("server received %d requests, want 1", len(requests))
			}
			got := requests[0]
			if got.Method != http.MethodPost {
				t.Errorf("method = %s, want POST", got.Method)
			}
			if want := "/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"; got.Path != want {
				t.Errorf("path = %s, want %s", got.Path, want)
			}
			if accept := got.Header.Get("Accept"); accept != "application/json" {
				t.Errorf("Accept = %q, want application/json", accept)
			}
			if contentType := got.Header.Get("Content-Type"); contentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q, want application/x-www-form-urlencoded", contentType)
			}
			request := &http.Request{Header: got.Header}
			user, password, ok := request.BasicAuth()
			if !ok || user != server.AccountSID || password != server.AuthToken {
				t.Errorf("basic auth = %q:%q (present %v), want the account SID and auth token", user, password, ok)
			}
			if got.Form.Encode() != tt.wantForm.Encode() {
				t.Errorf("form = %s, want %s", got.Form.Encode(), tt.wantForm.Encode())
			}
			if sent := server.Sent(); len(sent) != 1 || sent[0].StatusCallback != tt.req.StatusCallback {
				t.Errorf("server created %+v, want one message with StatusCallback %q", sent, tt.req.StatusCallback)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name          string
		fault         twiliotest.Fault
		wantKind      provider.SendErrorKind
		wantStatus    int
		wantCode      string
		wantMessage   string
		wantRecipient provider.RecipientState
		wantRetry     time.Duration
	}{
		{"opted out", twiliotest.Fault{Code: 21610}, provider.Permanent, 400, "21610",
			"Attempt to send to unsubscribed recipient", provider.RecipientOptedOut, 0},
		{"not mobile", twiliotest.Fault{Code: 21614}, provider.Permanent, 400, "21614",
			"'To' number is not a valid mobile number", provider.RecipientCannotText, 0},
		{"not reachable", twiliotest.Fault{Code: 21612}, provider.Permanent, 400, "21612",
			"The 'To' phone number is not currently reachable via SMS", provider.RecipientCannotText, 0},
		{"invalid number", twiliotest.Fault{Code: 21211}, provider.Permanent, 400, "21211",
			"Invalid 'To' phone number", provider.RecipientInvalid, 0},
		{"bad credentials", twiliotest.Fault{Status: 401, Code: 20003}, provider.Permanent, 401, "20003",
			"Authentication failed", provider.RecipientUnchanged, 0},
		{"not found", twiliotest.Fault{Status: 404, Code: 20404}, provider.Permanent, 404, "20404",
			"The requested resource was not found", provider.RecipientUnchanged, 0},
		{"sender not capable", twiliotest.Fault{Code: 21606}, provider.Permanent, 400, "21606",
			"The 'From' phone number is not a valid, SMS-capable number of this account",
			provider.RecipientUnchanged, 0},
		{"region disabled", twiliotest.Fault{Code: 21408}, provider.Permanent, 400, "21408",
			"Permission to send an SMS has not been enabled for the region of the 'To' number",
			provider.RecipientUnchanged, 0},
		{"unknown code", twiliotest.Fault{Code: 21999, Message: "Something new"}, provider.Permanent, 400, "21999",
			"Something new", provider.RecipientUnchanged, 0},
		{"conflict", twiliotest.Fault{Status: 409}, provider.Permanent, 409, "", "Conflict",
			provider.RecipientUnchanged, 0},
		{"rate limited seconds", twiliotest.Fault{Status: 429, RetryAfter: "30"}, provider.Retryable, 429, "20429",
			"Too many requests", provider.RecipientUnchanged, 30 * time.Second},
		{"rate limited date", twiliotest.Fault{Status: 429, RetryAfter: "Tue, 11 Mar 2025 19:06:10 GMT"},
			provider.Retryable, 429, "20429", "Too many requests", provider.RecipientUnchanged, 2 * time.Minute},
		{"rate limited capped", twiliotest.Fault{Status: 429, RetryAfter: "86400"}, provider.Retryable, 429,
			"20429", "Too many requests", provider.RecipientUnchanged, time.Hour},
		{"rate limited no header", twiliotest.Fault{Status: 429}, provider.Retryable, 429, "20429",
			"Too many requests", provider.RecipientUnchanged, 0},
		{"server error", twiliotest.Fault{Status: 500}, provider.Unknown, 500, "20500", "Internal server error",
			provider.RecipientUnchanged, 0},
		{"unavailable", twiliotest.Fault{Status: 503, RetryAfter: "5"}, provider.Unknown, 503, "20503",
			"Service unavailable", provider.RecipientUnchanged, 5 * time.Second},
		{"proxy page", twiliotest.Fault{Status: 502, RawBody: "<html><body>Bad Gateway</body></html>\n"},
			provider.Unknown, 502, "", "<html><body>Bad Gateway</body></html>", provider.RecipientUnchanged, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := twiliotest.New(t)
			server.Fail(func(int, url.Values) *twiliotest.Fault { return &tt.fault })

			_, err := newSendAdapter(5*time.Second).Send(context.Background(), server.Account(), textBack)
			sendErr := asSendError(t, err)
			if sendErr.Kind != tt.wantKind {
				t.Errorf("Kind = %q, want %q", sendErr.Kind, tt.wantKind)
			}
			if sendErr.HTTPStatus != tt.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", sendErr.HTTPStatus, tt.wantStatus)
			}
			if sendErr.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", sendErr.Code, tt.wantCode)
			}
			if sendErr.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", sendErr.Message, tt.wantMessage)
			}
			if sendErr.Recipient != tt.wantRecipient {
				t.Errorf("Recipient = %q, want %q", sendErr.Recipient, tt.wantRecipient)
			}
			if sendErr.RetryAfter != tt.wantRetry {
				t.Errorf("RetryAfter = %v, want %v", sendErr.RetryAfter, tt.wantRetry)
			}
			if sent := server.Sent(); len(sent) != 0 {
				t.Errorf("server created %d messages for a failed request, want 0", len(sent))
			}
		})
	}
}

func TestSendUnknownOutcomeThenFind(t *testing.T) {
	tests := []struct {
		name    string
		fault   twiliotest.Fault
		timeout time.Duration
	}{
		{"connection dropped", twiliotest.Fault{Drop: true}, 5 * time.Second},
		{"response too late", twiliotest.Fault{Delay: 5 * time.Second}, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := twiliotest.New(t, twiliotest.WithClock(func() time.Time { return sendTime }))
			server.Fail(func(n int, _ url.Values) *twiliotest.Fault {
				if n == 1 {
					return &tt.fault
				}
				return nil
			})
			adapter := newSendAdapter(tt.timeout)

			_, err := adapter.Send(context.Background(), server.Account(), textBack)
			sendErr := asSendError(t, err)
			if sendErr.Kind != provider.Unknown {
				t.Errorf("Kind = %q, want unknown", sendErr.Kind)
			}
			if sendErr.HTTPStatus != 0 {
				t.Errorf("HTTPStatus = %d, want 0 because no response arrived", sendErr.HTTPStatus)
			}
			sent := server.Sent()
			if len(sent) != 1 {
				t.Fatalf("server created %d messages, want 1", len(sent))
			}

			sid, err := adapter.FindSent(context.Background(), server.Account(), textBack, sendTime)
			if err != nil {
				t.Fatalf("FindSent returned error %v", err)
			}
			if sid != sent[0].SID {
				t.Errorf("FindSent = %q, want the created message %q", sid, sent[0].SID)
			}
		})
	}
}

func TestSendContextDeadline(t *testing.T) {
	server := twiliotest.New(t)
	server.Fail(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Delay: 5 * time.Second} })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	_, err := newSendAdapter(5*time.Second).Send(ctx, server.Account(), textBack)
	sendErr := asSendError(t, err)
	if sendErr.Kind != provider.Unknown {
		t.Errorf("Kind = %q, want unknown after the context deadline", sendErr.Kind)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	closedURL := "http://" + listener.Addr().String()
	listener.Close()
	acct := provider.Account{AccountSID: twiliotest.DefaultAccountSID, AuthToken: "token", APIBaseURL: closedURL}

	_, err = newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
	if sendErr := asSendError(t, err); sendErr.Kind != provider.Retryable {
		t.Errorf("Kind = %q, want retryable for a refused connection (error %v)", sendErr.Kind, err)
	}
}

func TestSendInvalidInput(t *testing.T) {
	server := twiliotest.New(t)
	missingBody := textBack
	missingBody.Body = ""
	missingTo := textBack
	missingTo.To = ""
	missingFrom := textBack
	missingFrom.From = ""
	noToken := server.Account()
	noToken.AuthToken = ""
	noSID := server.Account()
	noSID.AccountSID = ""
	badBase := server.Account()
	badBase.APIBaseURL = "api.twilio.com"

	tests := []struct {
		name    string
		adapter *Adapter
		acct    provider.Account
		req     provider.SendRequest
	}{
		{"missing body", newSendAdapter(time.Second), server.Account(), missingBody},
		{"missing to", newSendAdapter(time.Second), server.Account(), missingTo},
		{"missing from", newSendAdapter(time.Second), server.Account(), missingFrom},
		{"no auth token", newSendAdapter(time.Second), noToken, textBack},
		{"no account SID", newSendAdapter(time.Second), noSID, textBack},
		{"relative base URL", newSendAdapter(time.Second), badBase, textBack},
		{"no HTTP client", New(Options{}), server.Account(), textBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.adapter.Send(context.Background(), tt.acct, tt.req)
			if sendErr := asSendError(t, err); sendErr.Kind != provider.Permanent {
				t.Errorf("Kind = %q, want permanent", sendErr.Kind)
			}
		})
	}
	if requests := server.Requests(); len(requests) != 0 {
		t.Errorf("server received %d requests for invalid input, want 0", len(requests))
	}
}

func TestSendOddAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   provider.SendErrorKind
	}{
		{"created without sid", http.StatusCreated, `{"status":"queued"}`, provider.Unknown},
		{"created with invalid JSON", http.StatusCreated, `<xml/>`, provider.Unknown},
		{"not modified", http.StatusNotModified, ``, provider.Unknown},
		{"error with invalid JSON", http.StatusBadRequest, `{"code":`, provider.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer server.Close()
			acct := provider.Account{AccountSID: twiliotest.DefaultAccountSID, AuthToken: "token", APIBaseURL: server.URL}

			_, err := newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
			if sendErr := asSendError(t, err); sendErr.Kind != tt.want {
				t.Errorf("Kind = %q, want %q (error %v)", sendErr.Kind, tt.want, err)
			}
		})
	}
}

func TestTransportError(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://api.twilio.com", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want provider.SendErrorKind
	}{
		{"DNS failure", &url.Error{Op: "Post", URL: "https://api.twilio.com",
			Err: &net.DNSError{Err: "no such host", Name: "api.twilio.com", IsNotFound: true}}, provider.Retryable},
		{"connection refused", dial(errors.New("connect: connection refused")), provider.Retryable},
		{"network unreachable", dial(errors.New("connect: network is unreachable")), provider.Retryable},
		{"dial cancelled", dial(context.Canceled), provider.Unknown},
		{"deadline", &url.Error{Op: "Post", URL: "https://api.twilio.com", Err: context.DeadlineExceeded},
			provider.Unknown},
		{"reset after write", &url.Error{Op: "Post", URL: "https://api.twilio.com",
			Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}, provider.Unknown},
		{"EOF", &url.Error{Op: "Post", URL: "https://api.twilio.com", Err: errors.New("EOF")}, provider.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := transportError(tt.err)
			if got.Kind != tt.want {
				t.Errorf("transportError(%v).Kind = %q, want %q", tt.err, got.Kind, tt.want)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("transportError(%v) does not wrap the transport error", tt.err)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{" 7 ", 7 * time.Second},
		{"-5", 0},
		{"3600", time.Hour},
		{"3601", time.Hour},
		{"99999999999999999999", 0},
		{"9223372036854775807", time.Hour},
		{"Tue, 11 Mar 2025 19:05:10 GMT", time.Minute},
		{"Tue, 11 Mar 2025 19:00:00 GMT", 0},
		{"Wed, 12 Mar 2025 19:04:10 GMT", time.Hour},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.value, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestBodySnippet(t *testing.T) {
	long := strings.Repeat("é", maxSnippetBytes)
	got := bodySnippet([]byte(long))
	if !strings.HasSuffix(got, "…") {
		t.Errorf("bodySnippet of a long body = %q, want it cut with an ellipsis", got)
	}
	if len(got) > maxSnippetBytes+len("…") {
		t.Errorf("bodySnippet kept %d bytes, want at most %d", len(got), maxSnippetBytes+len("…"))
	}
	if strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("bodySnippet cut a character in half: %q", got)
	}
}

func TestSecrets(t *testing.T) {
	adapter := New(Options{})
	if got := adapter.Secrets(provider.Account{AuthToken: "token"}); len(got) != 1 || got[0] != "token" {
		t.Errorf("Secrets = %q, want the auth token", got)
	}
	if got := adapter.Secrets(provider.Account{}); len(got) != 0 {
		t.Errorf("Secrets of an account without token = %q, want none", got)
	}
}

func TestKind(t *testing.T) {
	if got := New(Options{}).Kind(); got != "twilio" {
		t.Errorf("Kind() = %q, want twilio", got)
	}
}
