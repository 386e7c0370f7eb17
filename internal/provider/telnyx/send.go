// Texts go out through the Messaging API v2:
//
//	POST https://api.telnyx.com/v2/messages
//	Authorization: Bearer <API key>
//	Content-Type: application/json
//
//	{"from":"+13125550199","to":"+12025550143","text":"Sorry we missed your call!",
//	 "webhook_url":"https://hooks.example.com/webhooks/telnyx/messaging"}
//
// and a 200 response carries the message resource, whose id later delivery reports name:
//
//	{"data":{"record_type":"message","id":"00000000-0000-4000-8000-000000000001","direction":"outbound",
//	  "from":{"phone_number":"+13125550199",...},"to":[{"phone_number":"+12025550143","status":"queued",...}],
//	  "text":"Sorry we missed your call!",...}}
//
// Confirmed in Telnyx's send guide and its SDK models (MessageSendParams and
// OutboundMessagePayload). A webhook_url on the text takes precedence over the messaging
// profile's for that text's reports.
//
// See https://developers.telnyx.com/docs/messaging/messages/send-message.

package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/textback/textback/internal/provider"
)

// messagesPath is the path of the Messaging API's send endpoint.
const messagesPath = "/v2/messages"

// maxResponseBytes bounds how much of an API response is read. A message resource is a few
// kilobytes.
const maxResponseBytes = 1 << 20

// apiResponse is an API response read in full.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// sendBody is the JSON body of a send request.
type sendBody struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Text       string `json:"text"`
	WebhookURL string `json:"webhook_url,omitempty"`
}

// sentMessage is the part of the send response that Send reads.
type sentMessage struct {
	Data struct {
		ID string `json:"id"`
		To []struct {
			Status string `json:"status"`
		} `json:"to"`
	} `json:"data"`
}

// Send sends one text through POST /v2/messages with from, to, text and, when req.StatusCallback
// is set, webhook_url. Every failure is a *provider.SendError: HTTP 429 is Retryable, 5xx
// responses and lost connections are Unknown, 4xx responses are classified by their Telnyx error
// code, and requests that never reached a server are Retryable. SendResult.Status is the
// recipient's status, such as "queued".
func (a *Adapter) Send(ctx context.Context, acct provider.Account,
	req provider.SendRequest) (provider.SendResult, error) {
	if err := checkSendRequest(req); err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: err.Error()}
	}
	base, err := a.baseURL(acct)
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: err.Error()}
	}
	body, err := encodeJSON(sendBody{From: req.From, To: req.To, Text: req.Body, WebhookURL: req.StatusCallback})
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: "encode request", Err: err}
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+messagesPath, bytes.NewReader(body))
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Message: "build request", Err: err}
	}
	httpReq.Header.Set("Content-Type", "application/json")

	resp, err := a.do(httpReq, acct)
	if err != nil {
		return provider.SendResult{}, transportError(err)
	}
	if resp.status < 200 || resp.status > 299 {
		return provider.SendResult{}, responseError(resp, a.clock())
	}

	var sent sentMessage
	if err := json.Unmarshal(resp.body, &sent); err != nil || sent.Data.ID == "" {
		// The text was probably accepted, but without its id no delivery report can be matched.
		return provider.SendResult{}, &provider.SendError{
			Kind:       provider.Unknown,
			HTTPStatus: resp.status,
			Message:    "success response without a message id: " + bodySnippet(resp.body),
			Err:        err,
		}
	}
	result := provider.SendResult{MessageID: sent.Data.ID}
	if len(sent.Data.To) > 0 {
		result.Status = sent.Data.To[0].Status
	}
	return result, nil
}

// encodeJSON encodes v without escaping '<', '>' and '&', so that the text and URLs go out as
// written, and without the encoder's trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkSendRequest rejects a request that Telnyx would reject for a missing field.
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

// baseURL returns acct's APIBaseURL, or DefaultAPIBaseURL when it is empty, without a trailing
// slash. It fails when the adapter has no HTTP client or acct has no API key or an invalid
// APIBaseURL.
func (a *Adapter) baseURL(acct provider.Account) (string, error) {
	if a.client == nil {
		return "", fmt.Errorf("telnyx adapter has no HTTP client: set Options.HTTPClient")
	}
	if acct.AuthToken == "" {
		return "", fmt.Errorf("telnyx account %d (%q) has no API key: set its auth token to the Telnyx API key",
			acct.ID, acct.Name)
	}
	base := acct.APIBaseURL
	if base == "" {
		base = DefaultAPIBaseURL
	}
	parsed, err := url.Parse(base)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return "", fmt.Errorf("telnyx account %d (%q) has an invalid API base URL %q, expected an http(s) URL",
			acct.ID, acct.Name, base)
	}
	return strings.TrimRight(base, "/"), nil
}

// do sends req with acct's API key and reads the response, at most maxResponseBytes of it.
func (a *Adapter) do(req *http.Request, acct provider.Account) (apiResponse, error) {
	req.Header.Set("Authorization", "Bearer "+acct.AuthToken)
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
