package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// MessageEvent is one delivery report of an outbound text, kept whatever it changed.
type MessageEvent struct {
	Status     string
	ErrorCode  string
	Meaning    string
	ReceivedAt time.Time
}

// GetMessageByProviderID returns the message the provider knows as providerMessageID.
func (o ops) GetMessageByProviderID(ctx context.Context, p ProviderID, providerMessageID string) (Message, error) {
	row, err := o.q.GetMessageByProviderID(ctx, dbsqlc.GetMessageByProviderIDParams{
		ProviderID: nullInt(int64(p)), ProviderMessageID: nullString(providerMessageID),
	})
	if err != nil {
		return Message{}, notFound(err, "get message %s", providerMessageID)
	}
	return messageFromRow(row)
}

// SetMessageStatus records a message's status from a delivery report.
func (o ops) SetMessageStatus(ctx context.Context, id MessageID, status MessageStatus, providerStatus, code, message string) error {
	err := o.q.SetMessageStatus(ctx, dbsqlc.SetMessageStatusParams{
		ID: int64(id), Status: string(status), ProviderStatus: providerStatus, ErrorCode: code, ErrorMessage: message,
		UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set status of message %d: %w", id, err)
	}
	return nil
}

// AddMessageEvent keeps one delivery report of a message.
func (o ops) AddMessageEvent(ctx context.Context, id MessageID, e MessageEvent) error {
	err := o.q.InsertMessageEvent(ctx, dbsqlc.InsertMessageEventParams{
		MessageID: int64(id), Status: e.Status, ErrorCode: e.ErrorCode, Meaning: e.Meaning, ReceivedAt: ts(e.ReceivedAt),
	})
	if err != nil {
		return fmt.Errorf("keep delivery report of message %d: %w", id, err)
	}
	return nil
}

// ListMessageEvents returns a message's delivery reports, oldest first.
func (o ops) ListMessageEvents(ctx context.Context, id MessageID) ([]MessageEvent, error) {
	rows, err := o.q.ListMessageEvents(ctx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("list delivery reports of message %d: %w", id, err)
	}
	out := make([]MessageEvent, len(rows))
	for i, r := range rows {
		out[i] = MessageEvent{Status: r.Status, ErrorCode: r.ErrorCode, Meaning: r.Meaning, ReceivedAt: r.ReceivedAt.UTC()}
	}
	return out, nil
}
