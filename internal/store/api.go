package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// The ...Newest methods read one business's rows for the REST API, newest first. Each returns up
// to limit rows with ids below before, or the newest rows when before is 0, so that a client
// pages back through a business by passing the last id it received.

// ListContactsNewest returns a page of the business's contacts. A non-empty search keeps those
// whose number, names or email contain it, ignoring the case of ASCII letters.
func (o ops) ListContactsNewest(ctx context.Context, business BusinessID, search string, before ContactID, limit int) ([]Contact, error) {
	rows, err := o.q.ListContactsNewest(ctx, dbsqlc.ListContactsNewestParams{
		BusinessID: int64(business), BeforeID: int64(before), Pattern: likePattern(search), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list contacts of business %d: %w", business, err)
	}
	out := make([]Contact, len(rows))
	for i, row := range rows {
		out[i] = contactFromRow(row)
	}
	return out, nil
}

// likePattern returns a LIKE pattern, escaped with \, that matches text containing search in
// lower case; "" for an empty search.
func likePattern(search string) string {
	if search == "" {
		return ""
	}
	escaped := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(search))
	return "%" + escaped + "%"
}

// ContactProfile is the part of a contact that a person may change: names and tags.
type ContactProfile struct {
	FirstName string
	LastName  string
	Tags      []string
}

// UpdateContactProfile replaces the contact's names and tags, and returns the contact, or an
// error wrapping ErrNotFound.
func (o ops) UpdateContactProfile(ctx context.Context, business BusinessID, id ContactID, p ContactProfile) (Contact, error) {
	tags := p.Tags
	if tags == nil {
		tags = []string{}
	}
	encoded, err := json.Marshal(tags)
	if err != nil {
		return Contact{}, fmt.Errorf("update contact %d: %w", id, err)
	}
	row, err := o.q.UpdateContactProfile(ctx, dbsqlc.UpdateContactProfileParams{
		BusinessID: int64(business), ID: int64(id), FirstName: p.FirstName, LastName: p.LastName,
		Tags: string(encoded), UpdatedAt: o.Now(),
	})
	if err != nil {
		return Contact{}, notFound(err, "update contact %d of business %d", id, business)
	}
	return contactFromRow(row), nil
}

// ListConversationsNewest returns a page of the business's conversations.
func (o ops) ListConversationsNewest(ctx context.Context, business BusinessID, before ConversationID, limit int) ([]Conversation, error) {
	rows, err := o.q.ListConversationsNewest(ctx, dbsqlc.ListConversationsNewestParams{
		BusinessID: int64(business), BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list conversations of business %d: %w", business, err)
	}
	out := make([]Conversation, len(rows))
	for i, row := range rows {
		out[i] = conversationFromRow(row)
	}
	return out, nil
}

// ListMessagesNewest returns a page of the business's texts, of one conversation unless
// conversation is 0.
func (o ops) ListMessagesNewest(
	ctx context.Context, business BusinessID, conversation ConversationID, before MessageID, limit int,
) ([]Message, error) {
	rows, err := o.q.ListMessagesNewest(ctx, dbsqlc.ListMessagesNewestParams{
		BusinessID: int64(business), ConversationID: int64(conversation), BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list texts of business %d: %w", business, err)
	}
	return messagesFromRows(rows)
}

// GetBusinessMessage returns the business's text with id, or an error wrapping ErrNotFound.
func (o ops) GetBusinessMessage(ctx context.Context, business BusinessID, id MessageID) (Message, error) {
	row, err := o.q.GetBusinessMessage(ctx, dbsqlc.GetBusinessMessageParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Message{}, notFound(err, "get message %d of business %d", id, business)
	}
	return messageFromRow(row)
}

// ListCallsNewest returns a page of the business's calls.
func (o ops) ListCallsNewest(ctx context.Context, business BusinessID, before CallID, limit int) ([]Call, error) {
	rows, err := o.q.ListCallsNewest(ctx, dbsqlc.ListCallsNewestParams{
		BusinessID: int64(business), BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list calls of business %d: %w", business, err)
	}
	out := make([]Call, len(rows))
	for i, row := range rows {
		out[i] = callFromRow(row)
	}
	return out, nil
}

// GetBusinessCall returns the business's call with id, or an error wrapping ErrNotFound.
func (o ops) GetBusinessCall(ctx context.Context, business BusinessID, id CallID) (Call, error) {
	row, err := o.q.GetBusinessCall(ctx, dbsqlc.GetBusinessCallParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Call{}, notFound(err, "get call %d of business %d", id, business)
	}
	return callFromRow(row), nil
}

// ListTasksNewest returns a page of the business's tasks, in one state unless state is "".
func (o ops) ListTasksNewest(ctx context.Context, business BusinessID, state string, before TaskID, limit int) ([]Task, error) {
	rows, err := o.q.ListTasksNewest(ctx, dbsqlc.ListTasksNewestParams{
		BusinessID: int64(business), State: state, BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list tasks of business %d: %w", business, err)
	}
	out := make([]Task, len(rows))
	for i, row := range rows {
		out[i] = taskFromRow(row)
	}
	return out, nil
}

// GetTask returns the business's task with id, or an error wrapping ErrNotFound.
func (o ops) GetTask(ctx context.Context, business BusinessID, id TaskID) (Task, error) {
	row, err := o.q.GetTask(ctx, dbsqlc.GetTaskParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Task{}, notFound(err, "get task %d of business %d", id, business)
	}
	return taskFromRow(row), nil
}

// ListBookingsNewest returns a page of the business's bookings and holds, in one state unless
// state is "".
func (o ops) ListBookingsNewest(
	ctx context.Context, business BusinessID, state BookingState, before BookingID, limit int,
) ([]Booking, error) {
	rows, err := o.q.ListBookingsNewest(ctx, dbsqlc.ListBookingsNewestParams{
		BusinessID: int64(business), State: string(state), BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list bookings of business %d: %w", business, err)
	}
	return bookingsFromRows(rows), nil
}
