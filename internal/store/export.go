package store

import (
	"context"
	"fmt"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// The List...Page methods read one business's rows in pages, in id order. Each call returns up
// to limit rows with ids above after, so a caller can walk a large business without holding it
// in memory. A page shorter than limit is the last.

// ListContactsPage returns up to limit of the business's contacts with ids above after.
func (o ops) ListContactsPage(ctx context.Context, business BusinessID, after ContactID, limit int) ([]Contact, error) {
	rows, err := o.q.ListContactsPage(ctx, dbsqlc.ListContactsPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list contacts of business %d after %d: %w", business, after, err)
	}
	out := make([]Contact, len(rows))
	for i, row := range rows {
		out[i] = contactFromRow(row)
	}
	return out, nil
}

// ListCallsPage returns up to limit of the business's calls with ids above after.
func (o ops) ListCallsPage(ctx context.Context, business BusinessID, after CallID, limit int) ([]Call, error) {
	rows, err := o.q.ListCallsPage(ctx, dbsqlc.ListCallsPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list calls of business %d after %d: %w", business, after, err)
	}
	out := make([]Call, len(rows))
	for i, row := range rows {
		out[i] = callFromRow(row)
	}
	return out, nil
}

// ListMessagesPage returns up to limit of the business's texts with ids above after.
func (o ops) ListMessagesPage(ctx context.Context, business BusinessID, after MessageID, limit int) ([]Message, error) {
	rows, err := o.q.ListMessagesPage(ctx, dbsqlc.ListMessagesPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list messages of business %d after %d: %w", business, after, err)
	}
	out, err := messagesFromRows(rows)
	if err != nil {
		return nil, fmt.Errorf("list messages of business %d after %d: %w", business, after, err)
	}
	return out, nil
}

// ListBookingsPage returns up to limit of the business's bookings and holds, in any state, with
// ids above after.
func (o ops) ListBookingsPage(ctx context.Context, business BusinessID, after BookingID, limit int) ([]Booking, error) {
	rows, err := o.q.ListBookingsPage(ctx, dbsqlc.ListBookingsPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list bookings of business %d after %d: %w", business, after, err)
	}
	return bookingsFromRows(rows), nil
}

// ListConversationsPage returns up to limit of the business's conversations with ids above after.
func (o ops) ListConversationsPage(
	ctx context.Context, business BusinessID, after ConversationID, limit int,
) ([]Conversation, error) {
	rows, err := o.q.ListConversationsPage(ctx, dbsqlc.ListConversationsPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list conversations of business %d after %d: %w", business, after, err)
	}
	out := make([]Conversation, len(rows))
	for i, row := range rows {
		out[i] = conversationFromRow(row)
	}
	return out, nil
}

// ListTasksPage returns up to limit of the business's tasks, open or done, with ids above after.
func (o ops) ListTasksPage(ctx context.Context, business BusinessID, after TaskID, limit int) ([]Task, error) {
	rows, err := o.q.ListTasksPage(ctx, dbsqlc.ListTasksPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list tasks of business %d after %d: %w", business, after, err)
	}
	out := make([]Task, len(rows))
	for i, row := range rows {
		out[i] = taskFromRow(row)
	}
	return out, nil
}

// ListAlertsPage returns up to limit of the business's team alerts with ids above after.
func (o ops) ListAlertsPage(ctx context.Context, business BusinessID, after AlertID, limit int) ([]Alert, error) {
	rows, err := o.q.ListAlertsPage(ctx, dbsqlc.ListAlertsPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list alerts of business %d after %d: %w", business, after, err)
	}
	out := make([]Alert, len(rows))
	for i, row := range rows {
		out[i] = alertFromRow(row)
	}
	return out, nil
}

// ListSequencesPage returns up to limit of the business's follow-up sequences with ids above after.
func (o ops) ListSequencesPage(ctx context.Context, business BusinessID, after SequenceID, limit int) ([]Sequence, error) {
	rows, err := o.q.ListSequencesPage(ctx, dbsqlc.ListSequencesPageParams{
		BusinessID: int64(business), AfterID: int64(after), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list follow-up sequences of business %d after %d: %w", business, after, err)
	}
	out := make([]Sequence, len(rows))
	for i, row := range rows {
		out[i] = sequenceFromRow(row)
	}
	return out, nil
}
