package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
)

// sendAt sends req through the fake with its clock set to at, and returns the message's SID.
func sendAt(t *testing.T, server *twiliotest.Server, clock *time.Time, at time.Time, req provider.SendRequest) string {
	t.Helper()
	*clock = at
	result, err := newSendAdapter(5*time.Second).Send(context.Background(), server.Account(), req)
	if err != nil {
		t.Fatalf("Send at %v returned error %v", at, err)
	}
	return result.MessageID
}

func TestFindSent(t *testing.T) {
	var clock time.Time
	server := twiliotest.New(t, twiliotest.WithClock(func() time.Time { return clock }))
	other := textBack
	other.Body = "Still need help with your leak?"
	otherContact := textBack
	otherContact.To = "+12025550144"

	first := sendAt(t, server, &clock, sendTime, textBack)
	second := sendAt(t, server, &clock, sendTime.Add(10*time.Second), textBack)
	sendAt(t, server, &clock, sendTime.Add(20*time.Second), other)
	sendAt(t, server, &clock, sendTime.Add(30*time.Second), otherContact)

	tests := []struct {
		name  string
		req   provider.SendRequest
		since time.Time
		want  string
	}{
		{"newest of two", textBack, sendTime, second},
		{"since between", textBack, sendTime.Add(5 * time.Second), second},
		{"since within the second", textBack, sendTime.Add(10*time.Second + 900*time.Millisecond), second},
		{"since after all", textBack, sendTime.Add(11 * time.Second), ""},
		{"other body", other, sendTime, "SM00000000000000000000000000000003"},
		{"body not sent", provider.SendRequest{From: textBack.From, To: textBack.To, Body: "never sent"}, sendTime, ""},
		{"other contact", otherContact, sendTime, "SM00000000000000000000000000000004"},
	}
	adapter := newSendAdapter(5 * time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := adapter.FindSent(context.Background(), server.Account(), tt.req, tt.since)
			if err != nil {
				t.Fatalf("FindSent returned error %v", err)
			}
			if got != tt.want {
				t.Errorf("FindSent(since %v) = %q, want %q", tt.since, got, tt.want)
			}
		})
	}
	if first == second {
		t.Errorf("two sends returned the same SID %q", first)
	}
}

func TestFindSentRequest(t *testing.T) {
	server := twiliotest.New(t)
	if _, err := newSendAdapter(5*time.Second).FindSent(context.Background(), server.Account(), textBack,
		sendTime); err != nil {
		t.Fatalf("FindSent returned error %v", err)
	}
	requests := server.Requests()
	if len(requests) != 1 {
		t.Fatalf("server received %d requests, want 1", len(requests))
	}
	got := requests[0]
	if got.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", got.Method)
	}
	if want := "/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"; got.Path != want {
		t.Errorf("path = %s, want %s", got.Path, want)
	}
	wantQuery := url.Values{"To": {textBack.To}, "From": {textBack.From}, "PageSize": {"20"}}
	if got.Query.Encode() != wantQuery.Encode() {
		t.Errorf("query = %s, want %s", got.Query.Encode(), wantQuery.Encode())
	}
	if accept := got.Header.Get("Accept"); accept != "application/json" {
		t.Errorf("Accept = %q, want application/json", accept)
	}
	request := &http.Request{Header: got.Header}
	if user, password, ok := request.BasicAuth(); !ok || user != server.AccountSID || password != server.AuthToken {
		t.Errorf("basic auth = %q:%q (present %v), want the account SID and auth token", user, password, ok)
	}
}

func TestFindSentErrors(t *testing.T) {
	tests := []struct {
		name     string
		fault    twiliotest.Fault
		wantKind provider.SendErrorKind
	}{
		{"server error", twiliotest.Fault{Status: 500}, provider.Unknown},
		{"rate limited", twiliotest.Fault{Status: 429, RetryAfter: "1"}, provider.Retryable},
		{"bad credentials", twiliotest.Fault{Status: 401, Code: 20003}, provider.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := twiliotest.New(t)
			server.FailList(func(int, url.Values) *twiliotest.Fault { return &tt.fault })
			sid, err := newSendAdapter(5*time.Second).FindSent(context.Background(), server.Account(), textBack, sendTime)
			if sid != "" {
				t.Errorf("FindSent returned SID %q with an error response, want none", sid)
			}
			if sendErr := asSendError(t, err); sendErr.Kind != tt.wantKind {
				t.Errorf("Kind = %q, want %q", sendErr.Kind, tt.wantKind)
			}
		})
	}
}

func TestFindSentInvalidAnswers(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"not JSON", `<html/>`},
		{"invalid date of a match", `{"messages":[{"sid":"SM1","body":"` + textBack.Body +
			`","date_created":"2025-03-11T19:04:10Z"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(tt.body))
			}))
			defer server.Close()
			acct := provider.Account{AccountSID: twiliotest.DefaultAccountSID, AuthToken: "token", APIBaseURL: server.URL}

			sid, err := newSendAdapter(5*time.Second).FindSent(context.Background(), acct, textBack, sendTime)
			if err == nil {
				t.Errorf("FindSent returned %q and no error for %s", sid, tt.body)
			}
		})
	}
}

func TestFindSentWithoutClient(t *testing.T) {
	server := twiliotest.New(t)
	_, err := New(Options{}).FindSent(context.Background(), server.Account(), textBack, sendTime)
	if err == nil {
		t.Fatalf("FindSent without an HTTP client returned no error")
	}
	var sendErr *provider.SendError
	if errors.As(err, &sendErr) {
		t.Errorf("FindSent without an HTTP client returned a SendError %v, want a configuration error", err)
	}
}
