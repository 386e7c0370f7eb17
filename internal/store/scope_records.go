package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// GetContact returns the business's contact with id.
func (sc Scope) GetContact(ctx context.Context, id ContactID) (Contact, error) {
	return sc.store.GetContact(ctx, sc.business, id)
}

// ContactRecords is everything the business holds about one contact, newest first in each list.
type ContactRecords struct {
	Calls    []Call
	Messages []Message
	Alerts   []Alert
	Tasks    []Task
	Bookings []Booking
}

// ContactRecords returns the contact's calls, texts (the newest 500), alerts, tasks and bookings.
func (sc Scope) ContactRecords(ctx context.Context, id ContactID) (ContactRecords, error) {
	var rec ContactRecords
	args := struct{ b, c int64 }{int64(sc.business), int64(id)}
	calls, err := sc.store.q.ListContactCalls(ctx, dbsqlc.ListContactCallsParams{BusinessID: args.b, ContactID: nullInt(args.c)})
	if err != nil {
		return rec, fmt.Errorf("list calls of contact %d: %w", id, err)
	}
	for _, r := range calls {
		rec.Calls = append(rec.Calls, callFromRow(r))
	}
	msgs, err := sc.store.q.ListContactMessages(ctx, dbsqlc.ListContactMessagesParams{BusinessID: args.b, ContactID: nullInt(args.c)})
	if err != nil {
		return rec, fmt.Errorf("list texts of contact %d: %w", id, err)
	}
	if rec.Messages, err = messagesFromRows(msgs); err != nil {
		return rec, err
	}
	alerts, err := sc.store.q.ListContactAlerts(ctx, dbsqlc.ListContactAlertsParams{BusinessID: args.b, ContactID: nullInt(args.c)})
	if err != nil {
		return rec, fmt.Errorf("list alerts of contact %d: %w", id, err)
	}
	for _, r := range alerts {
		rec.Alerts = append(rec.Alerts, alertFromRow(r))
	}
	tasks, err := sc.store.q.ListContactTasks(ctx, dbsqlc.ListContactTasksParams{BusinessID: args.b, ContactID: nullInt(args.c)})
	if err != nil {
		return rec, fmt.Errorf("list tasks of contact %d: %w", id, err)
	}
	for _, r := range tasks {
		rec.Tasks = append(rec.Tasks, taskFromRow(r))
	}
	rec.Bookings, err = sc.store.ListContactBookings(ctx, sc.business, id)
	return rec, err
}

// ListTasks returns the business's tasks in state ("open" or "done"), soonest due first.
func (sc Scope) ListTasks(ctx context.Context, state string, limit int) ([]Task, error) {
	rows, err := sc.store.q.ListBusinessTasks(ctx, dbsqlc.ListBusinessTasksParams{
		BusinessID: int64(sc.business), State: state, MaxRows: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list tasks of business %d: %w", sc.business, err)
	}
	out := make([]Task, len(rows))
	for i, r := range rows {
		out[i] = taskFromRow(dbsqlc.Task{
			ID: r.ID, BusinessID: r.BusinessID, ContactID: r.ContactID, Kind: r.Kind, Title: r.Title, Owner: r.Owner,
			Priority: r.Priority, State: r.State, Source: r.Source, DueAt: r.DueAt, DoneAt: r.DoneAt, CreatedAt: r.CreatedAt,
		})
		out[i].ContactE164 = r.ContactE164
		out[i].BusinessSlug = sc.slug
	}
	return out, nil
}

// CompleteTask marks the business's open task done. It returns an error wrapping ErrNotFound when
// the business has no such open task.
func (sc Scope) CompleteTask(ctx context.Context, id TaskID) error {
	ok, err := sc.store.CompleteTask(ctx, sc.business, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("complete task %d: %w", id, ErrNotFound)
	}
	return nil
}

// CallCursor is the position of a call in the call log.
type CallCursor struct {
	At time.Time
	ID CallID
}

// ListCalls returns the business's calls, newest first, after the cursor when it is not zero.
func (sc Scope) ListCalls(ctx context.Context, before CallCursor, limit int) ([]Call, error) {
	rows, err := sc.store.q.ListBusinessCalls(ctx, dbsqlc.ListBusinessCallsParams{
		BusinessID: int64(sc.business), BeforeID: int64(before.ID), BeforeAt: ts(before.At), MaxRows: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list calls of business %d: %w", sc.business, err)
	}
	out := make([]Call, len(rows))
	for i, r := range rows {
		out[i] = callFromRow(dbsqlc.Call{
			ID: r.ID, BusinessID: r.BusinessID, NumberID: r.NumberID, ProviderID: r.ProviderID,
			ProviderCallID: r.ProviderCallID, ContactID: r.ContactID, FromRaw: r.FromRaw, ToNumber: r.ToNumber,
			ForwardedFrom: r.ForwardedFrom, Handling: r.Handling, AnswerCheck: r.AnswerCheck, CallStatus: r.CallStatus,
			DialStatus: r.DialStatus, DialDuration: r.DialDuration, AnsweredBy: r.AnsweredBy, ScreenDigits: r.ScreenDigits,
			DialEndedAt: r.DialEndedAt, EndedAt: r.EndedAt, Outcome: r.Outcome, OutcomeReason: r.OutcomeReason,
			TextBack: r.TextBack, TextBackReason: r.TextBackReason, Decision: r.Decision, DecidedAt: r.DecidedAt,
			StartedAt: r.StartedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		})
	}
	return out, nil
}

// GetCall returns the business's call with id.
func (sc Scope) GetCall(ctx context.Context, id CallID) (Call, error) {
	row, err := sc.store.q.GetBusinessCall(ctx, dbsqlc.GetBusinessCallParams{BusinessID: int64(sc.business), ID: int64(id)})
	if err != nil {
		return Call{}, notFound(err, "get call %d", id)
	}
	return callFromRow(row), nil
}

// CallMessages returns the texts the business's call caused, oldest first.
func (sc Scope) CallMessages(ctx context.Context, id CallID) ([]Message, error) {
	if _, err := sc.GetCall(ctx, id); err != nil {
		return nil, err
	}
	return sc.store.ListMessagesByCall(ctx, id)
}

// GetMessage returns the business's text with id.
func (sc Scope) GetMessage(ctx context.Context, id MessageID) (Message, error) {
	row, err := sc.store.q.GetBusinessMessage(ctx, dbsqlc.GetBusinessMessageParams{BusinessID: int64(sc.business), ID: int64(id)})
	if err != nil {
		return Message{}, notFound(err, "get message %d", id)
	}
	return messageFromRow(row)
}

// MessageEvents returns the delivery reports of the business's text, oldest first.
func (sc Scope) MessageEvents(ctx context.Context, id MessageID) ([]MessageEvent, error) {
	rows, err := sc.store.q.ListBusinessMessageEvents(ctx, dbsqlc.ListBusinessMessageEventsParams{
		BusinessID: int64(sc.business), MessageID: int64(id),
	})
	if err != nil {
		return nil, fmt.Errorf("list delivery reports of message %d: %w", id, err)
	}
	out := make([]MessageEvent, len(rows))
	for i, r := range rows {
		out[i] = MessageEvent{Status: r.Status, ErrorCode: r.ErrorCode, Meaning: r.Meaning, ReceivedAt: r.ReceivedAt.UTC()}
	}
	return out, nil
}

// LoggedExchange is a delivery log entry with the text it belongs to.
type LoggedExchange struct {
	ID ExchangeID
	Exchange
	To      string
	Purpose Purpose
}

// ExchangeID is a row of provider_exchanges.
type ExchangeID int64

// MessageExchanges returns the delivery log entries of the business's text, oldest first.
func (sc Scope) MessageExchanges(ctx context.Context, id MessageID) ([]LoggedExchange, error) {
	rows, err := sc.store.q.ListMessageExchanges(ctx, dbsqlc.ListMessageExchangesParams{
		BusinessID: int64(sc.business), MessageID: nullInt(int64(id)),
	})
	if err != nil {
		return nil, fmt.Errorf("list delivery log of message %d: %w", id, err)
	}
	out := make([]LoggedExchange, len(rows))
	for i, r := range rows {
		out[i] = exchangeFromRow(dbsqlc.ListBusinessExchangesRow{
			ID: r.ID, ProviderID: r.ProviderID, MessageID: r.MessageID, Method: r.Method, Url: r.Url,
			RequestBody: r.RequestBody, Status: r.Status, ResponseBody: r.ResponseBody, Error: r.Error,
			DurationMs: r.DurationMs, CreatedAt: r.CreatedAt,
		})
	}
	return out, nil
}

// ListExchanges returns the delivery log of the business's texts, newest first, below before
// when it is not 0.
func (sc Scope) ListExchanges(ctx context.Context, before ExchangeID, limit int) ([]LoggedExchange, error) {
	rows, err := sc.store.q.ListBusinessExchanges(ctx, dbsqlc.ListBusinessExchangesParams{
		BusinessID: int64(sc.business), BeforeID: int64(before), MaxRows: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list delivery log of business %d: %w", sc.business, err)
	}
	out := make([]LoggedExchange, len(rows))
	for i, r := range rows {
		out[i] = exchangeFromRow(r)
	}
	return out, nil
}

// GetExchange returns one delivery log entry of the business's texts.
func (sc Scope) GetExchange(ctx context.Context, id ExchangeID) (LoggedExchange, error) {
	r, err := sc.store.q.GetBusinessExchange(ctx, dbsqlc.GetBusinessExchangeParams{BusinessID: int64(sc.business), ID: int64(id)})
	if err != nil {
		return LoggedExchange{}, notFound(err, "get delivery log entry %d", id)
	}
	return exchangeFromRow(dbsqlc.ListBusinessExchangesRow(r)), nil
}

func exchangeFromRow(r dbsqlc.ListBusinessExchangesRow) LoggedExchange {
	return LoggedExchange{
		ID: ExchangeID(r.ID),
		Exchange: Exchange{
			ProviderID: ProviderID(r.ProviderID), MessageID: MessageID(r.MessageID.Int64), Method: r.Method, URL: r.Url,
			RequestBody: r.RequestBody, Status: int(r.Status), ResponseBody: r.ResponseBody, Error: r.Error,
			Duration: time.Duration(r.DurationMs) * time.Millisecond, CreatedAt: r.CreatedAt.UTC(),
		},
		To: r.ToNumber, Purpose: Purpose(r.Purpose),
	}
}
