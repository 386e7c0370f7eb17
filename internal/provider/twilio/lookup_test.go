package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
)

// lookedUp is the number that the lookup tests look up.
const lookedUp = "+12025550143"

func TestLookupLineType(t *testing.T) {
	tests := []struct {
		twilioType string
		want       provider.LineType
	}{
		{"mobile", provider.LineMobile},
		{"landline", provider.LineLandline},
		{"fixedVoip", provider.LineVoIP},
		{"nonFixedVoip", provider.LineVoIP},
		{"tollFree", provider.LineTollFree},
		{"personal", provider.LineUnknown},
		{"pager", provider.LineUnknown},
		{"unknown", provider.LineUnknown},
		{"", provider.LineUnknown},
	}
	server := twiliotest.New(t)
	adapter := newSendAdapter(5 * time.Second)
	for i, tt := range tests {
		t.Run("type "+tt.twilioType, func(t *testing.T) {
			number := fmt.Sprintf("+1202555%04d", i)
			server.SetLineType(number, tt.twilioType)
			got, err := adapter.LookupLineType(context.Background(), server.Account(), number)
			if err != nil {
				t.Fatalf("LookupLineType returned error %v", err)
			}
			if got != tt.want {
				t.Errorf("LookupLineType for Twilio type %q = %q, want %q", tt.twilioType, got, tt.want)
			}
		})
	}
}

func TestLookupLineTypeDefault(t *testing.T) {
	server := twiliotest.New(t)
	got, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), server.Account(), lookedUp)
	if err != nil {
		t.Fatalf("LookupLineType returned error %v", err)
	}
	if got != provider.LineMobile {
		t.Errorf("LookupLineType of a number without a set line type = %q, want mobile", got)
	}
}

// serveBody starts a server on 127.0.0.1 that responds to every request with status and body.
func serveBody(t *testing.T, status int, body string) provider.Account {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(server.Close)
	return provider.Account{AccountSID: twiliotest.DefaultAccountSID, AuthToken: "token", APIBaseURL: server.URL}
}

func TestLookupLineTypeResponses(t *testing.T) {
	tests := []struct {
		name string
		body string
		want provider.LineType
	}{
		{"landline", `{"line_type_intelligence":{"type":"landline","error_code":null}}`, provider.LineLandline},
		{"null line type intelligence", `{"valid":true,"line_type_intelligence":null}`, provider.LineUnknown},
		{"no line type intelligence", `{"valid":true}`, provider.LineUnknown},
		{"null type", `{"line_type_intelligence":{"type":null,"error_code":null}}`, provider.LineUnknown},
		{"no type", `{"line_type_intelligence":{}}`, provider.LineUnknown},
		{"error code", `{"line_type_intelligence":{"type":null,"error_code":60601}}`, provider.LineUnknown},
		{"error code with a type", `{"line_type_intelligence":{"type":"landline","error_code":60600}}`,
			provider.LineUnknown},
		{"new type", `{"line_type_intelligence":{"type":"satellite"}}`, provider.LineUnknown},
		{"invalid number", `{"valid":false,"validation_errors":["TOO_LONG"],"line_type_intelligence":null}`,
			provider.LineUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := serveBody(t, http.StatusOK, tt.body)
			got, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), acct, lookedUp)
			if err != nil {
				t.Fatalf("LookupLineType returned error %v", err)
			}
			if got != tt.want {
				t.Errorf("LookupLineType of %s = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestLookupLineTypeInvalidResponses(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"not JSON", `<html/>`},
		{"type as number", `{"line_type_intelligence":{"type":5}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := serveBody(t, http.StatusOK, tt.body)
			got, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), acct, lookedUp)
			if err == nil {
				t.Errorf("LookupLineType returned %q and no error for %s", got, tt.body)
			}
		})
	}
}

func TestLookupLineTypeRequest(t *testing.T) {
	server := twiliotest.New(t)
	if _, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), server.Account(),
		lookedUp); err != nil {
		t.Fatalf("LookupLineType returned error %v", err)
	}
	requests := server.Requests()
	if len(requests) != 1 {
		t.Fatalf("server received %d requests, want 1", len(requests))
	}
	got := requests[0]
	if got.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", got.Method)
	}
	if want := "/v2/PhoneNumbers/" + lookedUp; got.Path != want {
		t.Errorf("path = %s, want %s", got.Path, want)
	}
	if want := "Fields=line_type_intelligence"; got.Query.Encode() != want {
		t.Errorf("query = %s, want %s", got.Query.Encode(), want)
	}
	if accept := got.Header.Get("Accept"); accept != "application/json" {
		t.Errorf("Accept = %q, want application/json", accept)
	}
	request := &http.Request{Header: got.Header}
	if user, password, ok := request.BasicAuth(); !ok || user != server.AccountSID || password != server.AuthToken {
		t.Errorf("basic auth = %q:%q (present %v), want the account SID and auth token", user, password, ok)
	}
}

func TestLookupURLDefaultHost(t *testing.T) {
	acct := provider.Account{AccountSID: twiliotest.DefaultAccountSID, AuthToken: "token"}
	got, err := newSendAdapter(time.Second).lookupURL(acct, lookedUp)
	if err != nil {
		t.Fatalf("lookupURL returned error %v", err)
	}
	if want := "https://lookups.twilio.com/v2/PhoneNumbers/+12025550143?Fields=line_type_intelligence"; got != want {
		t.Errorf("lookupURL without an APIBaseURL = %s, want %s", got, want)
	}
}

func TestLookupLineTypeErrors(t *testing.T) {
	tests := []struct {
		name       string
		fault      *twiliotest.Fault
		authToken  string
		wantStatus int
		wantCode   string
	}{
		{"not found", &twiliotest.Fault{Status: 404, Code: 20404}, "", 404, "20404"},
		{"wrong token", nil, "wrong", 401, "20003"},
		{"server error", &twiliotest.Fault{Status: 503}, "", 503, "20503"},
		{"proxy page", &twiliotest.Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"}, "", 502, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := twiliotest.New(t)
			server.FailLookup(func(int, url.Values) *twiliotest.Fault { return tt.fault })
			acct := server.Account()
			if tt.authToken != "" {
				acct.AuthToken = tt.authToken
			}

			got, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), acct, lookedUp)
			var lookupErr *LookupError
			if !errors.As(err, &lookupErr) {
				t.Fatalf("LookupLineType returned %q and error %v (%T), want a *LookupError", got, err, err)
			}
			if lookupErr.HTTPStatus != tt.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", lookupErr.HTTPStatus, tt.wantStatus)
			}
			if lookupErr.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", lookupErr.Code, tt.wantCode)
			}
			if !strings.Contains(err.Error(), lookedUp) {
				t.Errorf("error %q does not name the number", err)
			}
			if got != "" {
				t.Errorf("LookupLineType returned line type %q with an error, want none", got)
			}
		})
	}
}

func TestLookupLineTypeDeadline(t *testing.T) {
	server := twiliotest.New(t)
	server.FailLookup(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Delay: 5 * time.Second} })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := newSendAdapter(10*time.Second).LookupLineType(ctx, server.Account(), lookedUp)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("LookupLineType error = %v, want one wrapping context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("LookupLineType returned after %v, want soon after the 100ms deadline", elapsed)
	}
}

func TestLookupLineTypeDropped(t *testing.T) {
	server := twiliotest.New(t)
	server.FailLookup(func(int, url.Values) *twiliotest.Fault { return &twiliotest.Fault{Drop: true} })
	if got, err := newSendAdapter(5*time.Second).LookupLineType(context.Background(), server.Account(),
		lookedUp); err == nil {
		t.Errorf("LookupLineType over a dropped connection returned %q and no error", got)
	}
}

func TestLookupLineTypeRejectsInput(t *testing.T) {
	server := twiliotest.New(t)
	valid := server.Account()
	noToken := valid
	noToken.AuthToken = ""
	badBase := valid
	badBase.APIBaseURL = "ftp://127.0.0.1"
	tests := []struct {
		name    string
		adapter *Adapter
		acct    provider.Account
		number  string
	}{
		{"no HTTP client", New(Options{}), valid, lookedUp},
		{"no auth token", newSendAdapter(time.Second), noToken, lookedUp},
		{"invalid base URL", newSendAdapter(time.Second), badBase, lookedUp},
		{"empty number", newSendAdapter(time.Second), valid, ""},
		{"national format", newSendAdapter(time.Second), valid, "2025550143"},
		{"too long", newSendAdapter(time.Second), valid, "+1202555014312345"},
		{"path in number", newSendAdapter(time.Second), valid, "+1202/../x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.adapter.LookupLineType(context.Background(), tt.acct, tt.number); err == nil {
				t.Errorf("LookupLineType(%q) returned %q and no error", tt.number, got)
			}
		})
	}
	if n := len(server.Requests()); n != 0 {
		t.Errorf("server received %d requests for rejected input, want none", n)
	}
}

func TestDescribeErrorInterface(t *testing.T) {
	tests := []struct {
		code          string
		wantRecipient provider.RecipientState
		wantRetries   int
		wantSpacing   time.Duration
		wantAlert     bool
		wantPause     bool
	}{
		{"30003", provider.RecipientUnchanged, 2, 30 * time.Minute, false, false},
		{"30006", provider.RecipientCannotText, 0, 0, false, false},
		{"30007", provider.RecipientUnchanged, 0, 0, true, false},
		{"30034", provider.RecipientUnchanged, 0, 0, true, true},
		{"39999", provider.RecipientUnchanged, 1, 0, false, false},
		{"", provider.RecipientUnchanged, 1, 0, false, false},
	}
	var describer provider.ErrorDescriber = New(Options{})
	for _, tt := range tests {
		t.Run("code "+tt.code, func(t *testing.T) {
			got := describer.DescribeError(tt.code)
			if got.Meaning == "" {
				t.Errorf("DescribeError(%q) has no meaning", tt.code)
			}
			if got.Recipient != tt.wantRecipient {
				t.Errorf("DescribeError(%q).Recipient = %q, want %q", tt.code, got.Recipient, tt.wantRecipient)
			}
			if got.Retries != tt.wantRetries {
				t.Errorf("DescribeError(%q).Retries = %d, want %d", tt.code, got.Retries, tt.wantRetries)
			}
			if got.RetrySpacing != tt.wantSpacing {
				t.Errorf("DescribeError(%q).RetrySpacing = %v, want %v", tt.code, got.RetrySpacing, tt.wantSpacing)
			}
			if got.AlertOperator != tt.wantAlert {
				t.Errorf("DescribeError(%q).AlertOperator = %v, want %v", tt.code, got.AlertOperator, tt.wantAlert)
			}
			if got.PauseSender != tt.wantPause {
				t.Errorf("DescribeError(%q).PauseSender = %v, want %v", tt.code, got.PauseSender, tt.wantPause)
			}
		})
	}
}
