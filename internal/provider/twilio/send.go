package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/textback/textback/internal/provider"
)

// maxResponseBytes bounds how much of an API response is read. A page of 20 messages is far
// smaller.
const maxResponseBytes = 1 << 20

// apiResponse is an API response read in full.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// createdMessage is the part of the Message resource that Send reads.
type createdMessage struct {
	SID    string `json:"sid"`
	Status string `json:"status"`
}

// Send creates a Message through POST /2010-04-01/Accounts/{AccountSid}/Messages.json with To,
// From, Body and, when set, StatusCallback. Every failure is a *provider.SendError: HTTP 429 is
// Retryable, 5xx responses and lost connections are Unknown, 4xx responses are classified by their
// Twilio error code, and requests that never reached a server are Retryable.
func (a *Adapter) Send(ctx context.Context, acct provider.Account,
	req provider.SendRequest) (provider.SendResult, error) {
	if err := checkSendRequest(req); err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: err.Error()}
	}
	endpoint, err := a.messagesURL(acct)
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: err.Error()}
	}

	form := url.Values{"To": {req.To}, "From": {req.From}, "Body": {req.Body}}
	if req.StatusCallback != "" {
		form.Set("StatusCallback", req.StatusCallback)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: "build request", Err: err}
	}
	httpReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	resp, err := a.do(httpReq, acct)
	if err != nil {
		return provider.SendResult{}, transportError(err)
	}
	if resp.status < 200 || resp.status > 299 {
		return provider.SendResult{}, responseError(resp, a.clock())
	}

	var created createdMessage
	if err := json.Unmarshal(resp.body, &created); err != nil || created.SID == "" {
		// The text was probably created, but without its SID only FindSent can tell.
		return provider.SendResult{}, &provider.SendError{
			Kind:       provider.Unknown,
			HTTPStatus: resp.status,
			Message:    "success response without a message sid: " + bodySnippet(resp.body),
			Err:        err,
		}
	}
	return provider.SendResult{MessageID: created.SID, Status: created.Status}, nil
}

// checkSendRequest rejects a request that Twilio would reject for a missing field.
func checkSendRequest(req provider.SendRequest) error {
	for _, field := range []struct{ name, value string }{
		{"To", req.To},
		{"From", req.From},
		{"Body", req.Body},
	} {
		if field.value == "" {
			return fmt.Errorf("send request has no %s", field.name)
		}
	}
	return nil
}

// messagesURL returns the Messages list endpoint of acct. It fails when the adapter has no HTTP
// client or acct lacks credentials or has an invalid APIBaseURL.
func (a *Adapter) messagesURL(acct provider.Account) (string, error) {
	base, err := a.baseURL(acct, a.flavor.defaultBase)
	if err != nil {
		return "", err
	}
	return base + a.flavor.apiPrefix + "/2010-04-01/Accounts/" + url.PathEscape(acct.AccountSID) + "/Messages.json", nil
}

// baseURL returns acct's APIBaseURL, or fallback when it is empty, without a trailing slash. It
// fails when the adapter has no HTTP client or acct lacks credentials or has an invalid APIBaseURL.
func (a *Adapter) baseURL(acct provider.Account, fallback string) (string, error) {
	if a.client == nil {
		return "", fmt.Errorf("twilio adapter has no HTTP client: set Options.HTTPClient")
	}
	if acct.AccountSID == "" || acct.AuthToken == "" {
		return "", fmt.Errorf("twilio account %d (%q) has no account SID or auth token", acct.ID, acct.Name)
	}
	base := acct.APIBaseURL
	if base == "" {
		base = fallback
	}
	if base == "" {
		return "", fmt.Errorf("%s account %d (%q) has no API base URL: set api_base_url to its space's URL",
			a.flavor.kind, acct.ID, acct.Name)
	}
	parsed, err := url.Parse(base)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return "", fmt.Errorf("twilio account %d (%q) has an invalid API base URL %q, expected an http(s) URL",
			acct.ID, acct.Name, base)
	}
	return strings.TrimRight(base, "/"), nil
}

// do sends req with acct's credentials and reads the response, at most maxResponseBytes of it.
func (a *Adapter) do(req *http.Request, acct provider.Account) (apiResponse, error) {
	req.SetBasicAuth(acct.AccountSID, acct.AuthToken)
	req.Header.Set("Accept", "application/json")

	resp, err := a.client.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return apiResponse{}, fmt.Errorf("read %s %s response: %w", req.Method, req.URL.Path, err)
	}
	return apiResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
}
