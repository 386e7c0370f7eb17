package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/textback/textback/internal/provider"
)

// findPageSize is how many of the newest messages from req.From to req.To FindSent reads.
const findPageSize = 20

// listedMessage is the part of a Message resource in a list page that FindSent reads.
type listedMessage struct {
	SID         string `json:"sid"`
	Body        string `json:"body"`
	DateCreated string `json:"date_created"`
}

// messagePage is one page of GET /2010-04-01/Accounts/{AccountSid}/Messages.json.
type messagePage struct {
	Messages []listedMessage `json:"messages"`
}

// FindSent returns the SID of the newest text from req.From to req.To whose body equals req.Body
// and whose date_created is not before since, truncated to the second because Twilio's dates have
// whole seconds. It returns "" when there is none. Failed requests return an error wrapping a
// *provider.SendError.
//
// NOTE: FindSent reads only the newest 20 texts from req.From to req.To, so it misses a match when
// more than 20 newer texts went to the same contact. It also compares with Twilio's clock, so the
// caller should pass a since that allows for clock skew.
func (a *Adapter) FindSent(ctx context.Context, acct provider.Account, req provider.SendRequest,
	since time.Time) (string, error) {
	endpoint, err := a.messagesURL(acct)
	if err != nil {
		return "", fmt.Errorf("find sent twilio message to %s: %w", req.To, err)
	}
	query := url.Values{"To": {req.To}, "From": {req.From}, "PageSize": {strconv.Itoa(findPageSize)}}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+query.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("find sent twilio message to %s: %w", req.To, err)
	}

	resp, err := a.do(httpReq, acct)
	if err != nil {
		return "", fmt.Errorf("find sent twilio message to %s: %w", req.To, transportError(err))
	}
	if resp.status < 200 || resp.status > 299 {
		return "", fmt.Errorf("find sent twilio message to %s: %w", req.To, responseError(resp, a.clock()))
	}
	var page messagePage
	if err := json.Unmarshal(resp.body, &page); err != nil {
		return "", fmt.Errorf("find sent twilio message to %s: invalid message list: %w", req.To, err)
	}
	return newestMatch(page.Messages, req.Body, since.Truncate(time.Second))
}

// newestMatch returns the SID of the newest message with body created at or after cutoff. A
// matching body with an unreadable date is an error, because skipping it could send the text
// twice.
func newestMatch(messages []listedMessage, body string, cutoff time.Time) (string, error) {
	var newestSID string
	var newest time.Time
	for _, message := range messages {
		if message.Body != body {
			continue
		}
		created, err := time.Parse(time.RFC1123Z, message.DateCreated)
		if err != nil {
			return "", fmt.Errorf("find sent twilio message: message %s has an invalid date_created %q: %w",
				message.SID, message.DateCreated, err)
		}
		if created.Before(cutoff) {
			continue
		}
		if newestSID == "" || created.After(newest) {
			newestSID, newest = message.SID, created
		}
	}
	return newestSID, nil
}
