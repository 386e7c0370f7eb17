package simulate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Text describes one simulated inbound text from a lead to a business number.
type Text struct {
	// Server is the base URL the webhook is sent to, and PublicURL the URL its signature is computed for.
	Server    string
	PublicURL string
	Account   provider.Account
	Number    store.Number
	From      string
	Body      string
	Client    *http.Client
	// Log receives a line for the webhook sent.
	Log io.Writer
}

// Send posts the Twilio-shaped webhook of the text and returns the message id it used.
func (t Text) Send(ctx context.Context) (string, error) {
	sid, err := newSID("SM")
	if err != nil {
		return "", err
	}
	form := url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {t.Account.AccountSID},
		"From": {t.From}, "To": {t.Number.E164}, "Body": {t.Body}, "NumMedia": {"0"}, "NumSegments": {"1"},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
	}
	c := Call{Server: t.Server, PublicURL: t.PublicURL, Account: t.Account, Client: t.Client, Log: t.Log}
	if _, err := c.post(ctx, "sms", form); err != nil {
		return "", err
	}
	return sid, nil
}

// TextResult is the outcome of a simulated text.
type TextResult struct {
	// Result is textback's record of how it applied the text, such as "keyword URGENT".
	Result string
	// Replies are the texts queued to the lead or the team after it, oldest first.
	Replies []store.Message
}

// replyGrace is how long WaitText keeps looking for replies after the text was applied, since
// some are queued by jobs that run just after it.
const replyGrace = 1500 * time.Millisecond

// WaitText polls s until the text with the message id is applied and the replies queued after it
// have left the queue, or until timeout.
func WaitText(ctx context.Context, s *store.Store, p store.ProviderID, sid string, timeout time.Duration) (TextResult, error) {
	deadline := time.Now().Add(timeout)
	var (
		res       TextResult
		appliedAt time.Time
	)
	for {
		w, err := s.GetWebhookByEventKey(ctx, p, "sms:"+sid)
		if err == nil && !w.ProcessedAt.IsZero() {
			res.Result = w.Result
			if appliedAt.IsZero() {
				appliedAt = time.Now()
			}
			res.Replies, err = repliesAfter(ctx, s, p, sid)
			if err != nil {
				return res, err
			}
			settled := time.Since(appliedAt) >= replyGrace && !pending(res.Replies)
			if settled || time.Now().After(deadline) {
				return res, nil
			}
		} else if time.Now().After(deadline) {
			return res, fmt.Errorf("text %s not applied within %s", sid, timeout)
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// repliesAfter returns the outbound texts of the conversation of the inbound text with the message
// id that were queued after it.
func repliesAfter(ctx context.Context, s *store.Store, p store.ProviderID, sid string) ([]store.Message, error) {
	in, err := s.GetMessageByProviderID(ctx, p, sid)
	if err != nil || in.ConversationID == 0 {
		// A text that is not filed in a conversation, such as a team member's, has no replies here.
		return nil, nil
	}
	msgs, err := s.ListConversationMessages(ctx, in.ConversationID)
	if err != nil {
		return nil, err
	}
	var out []store.Message
	for _, m := range msgs {
		if m.ID > in.ID && m.Direction == store.Outbound {
			out = append(out, m)
		}
	}
	return out, nil
}
