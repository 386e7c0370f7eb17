package telnyx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/telnyx/telnyxtest"
)

// sendTime is the fixed clock of the send tests.
var sendTime = time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)

// textBack is the text that the send tests send. Its body and callback hold characters that JSON
// encoders like to escape.
var textBack = provider.SendRequest{
	From:           businessPhone,
	To:             callerNumber,
	Body:           "Hi, this is Acme Plumbing & Heating. Sorry we missed your call! <Reply STOP to opt out>",
	StatusCallback: "https://hooks.example.com/webhooks/telnyx/messaging?tenant=acme&x=1",
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
		wantBody string
	}{
		{"with webhook url", textBack, `{"from":"+13125550199","to":"+12025550143","text":"Hi, this is Acme ` +
			`Plumbing & Heating. Sorry we missed your call! <Reply STOP to opt out>","webhook_url":` +
			`"https://hooks.example.com/webhooks/telnyx/messaging?tenant=acme&x=1"}`},
		{"without webhook url", withoutCallback, `{"from":"+13125550199","to":"+12025550143","text":"Hi, this is ` +
			`Acme Plumbing & Heating. Sorry we missed your call! <Reply STOP to opt out>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := telnyxtest.New(t)
			result, err := newSendAdapter(5*time.Second).Send(context.Background(), server.Account(), tt.req)
			if err != nil {
				t.Fatalf("Send returned error %v", err)
			}
			if want := "00000000-0000-4000-8000-000000000001"; result.MessageID != want {
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
			if got.Path != "/v2/messages" {
				t.Errorf("path = %s, want /v2/messages", got.Path)
			}
			if auth := got.Header.Get("Authorization"); auth != "Bearer "+server.APIKey {
				t.Errorf("Authorization = %q, want Bearer and the API key", auth)
			}
			if accept := got.Header.Get("Accept"); accept != "application/json" {
				t.Errorf("Accept = %q, want application/json", accept)
			}
			if contentType := got.Header.Get("Content-Type"); contentType != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", contentType)
			}
			if string(got.Body) != tt.wantBody {
				t.Errorf("body\n got %s\nwant %s", got.Body, tt.wantBody)
			}
			sent := server.Sent()
			if len(sent) != 1 {
				t.Fatalf("server created %d messages, want 1", len(sent))
			}
			if webhookURL := sent[0].WebhookURL; (webhookURL == nil) != (tt.req.StatusCallback == "") {
				t.Errorf("created message has webhook_url %v, want %q", webhookURL, tt.req.StatusCallback)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name          string
		fault         telnyxtest.Fault
		wantKind      provider.SendErrorKind
		wantStatus    int
		wantCode      string
		wantMessage   string
		wantRecipient provider.RecipientState
		wantRetry     time.Duration
	}{
		{"opted out", telnyxtest.Fault{Code: "40300"}, provider.Permanent, 400, "40300",
			"Blocked due to STOP message", provider.RecipientOptedOut, 0},
		{"invalid to", telnyxtest.Fault{Status: 422, Code: "40310", Detail: "The 'to' number is not valid."},
			provider.Permanent, 422, "40310", "Invalid 'to' address: The 'to' number is not valid.",
			provider.RecipientInvalid, 0},
		{"not routable", telnyxtest.Fault{Code: "40001"}, provider.Permanent, 400, "40001", "Not routable",
			provider.RecipientCannotText, 0},
		{"bad API key", telnyxtest.Fault{Status: 401}, provider.Permanent, 401, "10009", "Authentication failed",
			provider.RecipientUnchanged, 0},
		{"forbidden", telnyxtest.Fault{Status: 403}, provider.Permanent, 403, "10010", "Authorization failed",
			provider.RecipientUnchanged, 0},
		{"not found", telnyxtest.Fault{Status: 404}, provider.Permanent, 404, "10005", "Resource not found",
			provider.RecipientUnchanged, 0},
		{"from not on profile", telnyxtest.Fault{Code: "40305"}, provider.Permanent, 400, "40305",
			"Invalid 'from' address", provider.RecipientUnchanged, 0},
		{"region not allowed", telnyxtest.Fault{Code: "40309"}, provider.Permanent, 400, "40309",
			"Invalid destination region", provider.RecipientUnchanged, 0},
		{"spend limit", telnyxtest.Fault{Code: "40333"}, provider.Permanent, 400, "40333", "Spend limit reached",
			provider.RecipientUnchanged, 0},
		{"queue full", telnyxtest.Fault{Code: "40318"}, provider.Retryable, 400, "40318", "Message queue full",
			provider.RecipientUnchanged, 0},
		{"unknown code", telnyxtest.Fault{Code: "40999", Title: "Something new"}, provider.Permanent, 400, "40999",
			"Something new", provider.RecipientUnchanged, 0},
		{"conflict without code", telnyxtest.Fault{Status: 409}, provider.Permanent, 409, "", "Conflict",
			provider.RecipientUnchanged, 0},
		{"rate limited seconds", telnyxtest.Fault{Status: 429, RetryAfter: "30"}, provider.Retryable, 429, "10011",
			"Too many requests", provider.RecipientUnchanged, 30 * time.Second},
		{"rate limited date", telnyxtest.Fault{Status: 429, RetryAfter: "Tue, 11 Mar 2025 19:06:10 GMT"},
			provider.Retryable, 429, "10011", "Too many requests", provider.RecipientUnchanged, 2 * time.Minute},
		{"rate limited capped", telnyxtest.Fault{Status: 429, RetryAfter: "86400"}, provider.Retryable, 429,
			"10011", "Too many requests", provider.RecipientUnchanged, time.Hour},
		{"rate limited no header", telnyxtest.Fault{Status: 429}, provider.Retryable, 429, "10011",
			"Too many requests", provider.RecipientUnchanged, 0},
		{"server error", telnyxtest.Fault{Status: 500}, provider.Unknown, 500, "10007", "Unexpected error",
			provider.RecipientUnchanged, 0},
		{"unavailable", telnyxtest.Fault{Status: 503, RetryAfter: "5"}, provider.Unknown, 503, "",
			"Service Unavailable", provider.RecipientUnchanged, 5 * time.Second},
		{"proxy page", telnyxtest.Fault{Status: 502, RawBody: "<html><body>Bad Gateway</body></html>\n"},
			provider.Unknown, 502, "", "<html><body>Bad Gateway</body></html>", provider.RecipientUnchanged, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := telnyxtest.New(t)
			server.Fail(func(int, telnyxtest.SendRequest) *telnyxtest.Fault { return &tt.fault })

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

func TestSendWrongAPIKey(t *testing.T) {
	server := telnyxtest.New(t)
	acct := server.Account()
	acct.AuthToken = "KEY_wrong"
	_, err := newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
	sendErr := asSendError(t, err)
	if sendErr.Kind != provider.Permanent {
		t.Errorf("Kind = %q, want permanent", sendErr.Kind)
	}
	if sendErr.Code != "10009" {
		t.Errorf("Code = %q, want 10009", sendErr.Code)
	}
	if !DescribeError(sendErr.Code).AlertOperator {
		t.Errorf("DescribeError(%q).AlertOperator = false, want true", sendErr.Code)
	}
}

func TestSendUnknownOutcome(t *testing.T) {
	tests := []struct {
		name    string
		fault   telnyxtest.Fault
		timeout time.Duration
	}{
		{"connection dropped", telnyxtest.Fault{Drop: true}, 5 * time.Second},
		{"response too late", telnyxtest.Fault{Delay: 5 * time.Second}, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := telnyxtest.New(t)
			server.Fail(func(int, telnyxtest.SendRequest) *telnyxtest.Fault { return &tt.fault })

			_, err := newSendAdapter(tt.timeout).Send(context.Background(), server.Account(), textBack)
			sendErr := asSendError(t, err)
			if sendErr.Kind != provider.Unknown {
				t.Errorf("Kind = %q, want unknown", sendErr.Kind)
			}
			if sendErr.HTTPStatus != 0 {
				t.Errorf("HTTPStatus = %d, want 0 because no response arrived", sendErr.HTTPStatus)
			}
			if sent := server.Sent(); len(sent) != 1 {
				t.Errorf("server created %d messages, want 1 whose answer was lost", len(sent))
			}
		})
	}
}

func TestSendContextDeadline(t *testing.T) {
	server := telnyxtest.New(t)
	server.Fail(func(int, telnyxtest.SendRequest) *telnyxtest.Fault {
		return &telnyxtest.Fault{Delay: 5 * time.Second}
	})
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
	acct := provider.Account{AuthToken: telnyxtest.DefaultAPIKey, APIBaseURL: closedURL}

	_, err = newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
	if sendErr := asSendError(t, err); sendErr.Kind != provider.Retryable {
		t.Errorf("Kind = %q, want retryable for a refused connection (error %v)", sendErr.Kind, err)
	}
}

func TestSendInvalidInput(t *testing.T) {
	server := telnyxtest.New(t)
	missingBody := textBack
	missingBody.Body = ""
	missingTo := textBack
	missingTo.To = ""
	missingFrom := textBack
	missingFrom.From = ""
	noKey := server.Account()
	noKey.AuthToken = ""
	badBase := server.Account()
	badBase.APIBaseURL = "api.telnyx.com"

	tests := []struct {
		name    string
		adapter *Adapter
		acct    provider.Account
		req     provider.SendRequest
	}{
		{"missing body", newSendAdapter(time.Second), server.Account(), missingBody},
		{"missing to", newSendAdapter(time.Second), server.Account(), missingTo},
		{"missing from", newSendAdapter(time.Second), server.Account(), missingFrom},
		{"no API key", newSendAdapter(time.Second), noKey, textBack},
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
		{"success without id", http.StatusOK, `{"data":{"to":[{"status":"queued"}]}}`, provider.Unknown},
		{"success with invalid JSON", http.StatusOK, `<xml/>`, provider.Unknown},
		{"not modified", http.StatusNotModified, ``, provider.Unknown},
		{"error with invalid JSON", http.StatusBadRequest, `{"errors":`, provider.Permanent},
		{"error with numeric code", http.StatusBadRequest, `{"errors":[{"code":40300,"title":"Blocked"}]}`,
			provider.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer server.Close()
			acct := provider.Account{AuthToken: telnyxtest.DefaultAPIKey, APIBaseURL: server.URL}

			_, err := newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
			if sendErr := asSendError(t, err); sendErr.Kind != tt.want {
				t.Errorf("Kind = %q, want %q (error %v)", sendErr.Kind, tt.want, err)
			}
		})
	}
}

func TestSendNumericCodeOptedOut(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors":[{"code":40300,"title":"Blocked due to STOP message"}]}`))
	}))
	defer server.Close()
	acct := provider.Account{AuthToken: telnyxtest.DefaultAPIKey, APIBaseURL: server.URL}

	_, err := newSendAdapter(5*time.Second).Send(context.Background(), acct, textBack)
	sendErr := asSendError(t, err)
	if sendErr.Code != "40300" {
		t.Errorf("Code = %q, want 40300", sendErr.Code)
	}
	if sendErr.Recipient != provider.RecipientOptedOut {
		t.Errorf("Recipient = %q, want %q", sendErr.Recipient, provider.RecipientOptedOut)
	}
}

func TestTransportError(t *testing.T) {
	const host = "https://api.telnyx.example"
	dial := func(err error) error {
		return &url.Error{Op: "Post", URL: host, Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want provider.SendErrorKind
	}{
		{"DNS failure", &url.Error{Op: "Post", URL: host,
			Err: &net.DNSError{Err: "no such host", Name: "api.telnyx.example", IsNotFound: true}}, provider.Retryable},
		{"connection refused", dial(errors.New("connect: connection refused")), provider.Retryable},
		{"network unreachable", dial(errors.New("connect: network is unreachable")), provider.Retryable},
		{"dial cancelled", dial(context.Canceled), provider.Unknown},
		{"deadline", &url.Error{Op: "Post", URL: host, Err: context.DeadlineExceeded}, provider.Unknown},
		{"reset after write", &url.Error{Op: "Post", URL: host,
			Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}, provider.Unknown},
		{"EOF", &url.Error{Op: "Post", URL: host, Err: errors.New("EOF")}, provider.Unknown},
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
		if got := parseRetryAfter(tt.value, sendTime); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestBodySnippet(t *testing.T) {
	long := make([]byte, 0, 300)
	for len(long) < 300 {
		long = append(long, "é"...)
	}
	got := bodySnippet(long)
	if len(got) > maxSnippetBytes+len("…") {
		t.Errorf("bodySnippet kept %d bytes, want at most %d", len(got), maxSnippetBytes+len("…"))
	}
	if got[len(got)-len("…"):] != "…" {
		t.Errorf("bodySnippet(%d bytes) = %q, want it to end in an ellipsis", len(long), got)
	}
}
