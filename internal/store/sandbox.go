package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// SandboxMessage is a text the sandbox provider pretended to send.
type SandboxMessage struct {
	AccountSID string
	SID        string
	From       string
	To         string
	Body       string
	CreatedAt  time.Time
}

// InsertSandboxMessage records a text sent through the sandbox provider.
func (o ops) InsertSandboxMessage(ctx context.Context, m SandboxMessage) error {
	err := o.q.InsertSandboxMessage(ctx, dbsqlc.InsertSandboxMessageParams{
		AccountSid: m.AccountSID, Sid: m.SID, FromNumber: m.From, ToNumber: m.To, Body: m.Body, CreatedAt: ts(m.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("record sandbox text %s: %w", m.SID, err)
	}
	return nil
}

// FindSandboxMessage returns the id of the newest sandbox text matching m created at or after
// m.CreatedAt, or "" when there is none.
func (o ops) FindSandboxMessage(ctx context.Context, m SandboxMessage) (string, error) {
	sid, err := o.q.FindSandboxMessage(ctx, dbsqlc.FindSandboxMessageParams{
		AccountSid: m.AccountSID, FromNumber: m.From, ToNumber: m.To, Body: m.Body, CreatedAt: ts(m.CreatedAt),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find sandbox text to %s: %w", m.To, err)
	}
	return sid, nil
}

// Exchange is one request to a provider's API and its answer, with secrets removed.
type Exchange struct {
	ProviderID   ProviderID
	MessageID    MessageID
	Method       string
	URL          string
	RequestBody  string
	Status       int
	ResponseBody string
	Error        string
	Duration     time.Duration
	CreatedAt    time.Time
}

// InsertExchange adds an entry to the delivery log.
func (o ops) InsertExchange(ctx context.Context, e Exchange) error {
	err := o.q.InsertProviderExchange(ctx, dbsqlc.InsertProviderExchangeParams{
		ProviderID:   int64(e.ProviderID),
		MessageID:    nullInt(int64(e.MessageID)),
		Method:       e.Method,
		Url:          e.URL,
		RequestBody:  e.RequestBody,
		Status:       int32(e.Status),
		ResponseBody: e.ResponseBody,
		Error:        e.Error,
		DurationMs:   int32(e.Duration / time.Millisecond),
		CreatedAt:    ts(e.CreatedAt),
	})
	if err != nil {
		return fmt.Errorf("record provider exchange for message %d: %w", e.MessageID, err)
	}
	return nil
}
