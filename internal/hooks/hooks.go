// Package hooks sends a business's events to the URLs it registered (outbound webhooks).
//
// An event is stored, with one delivery per subscribed endpoint and one River job per delivery,
// inside the transaction that made the change it reports, so that an event is sent exactly when
// its change commits. The job posts the event's JSON envelope, signed with the endpoint's secret,
// and retries with exponential backoff until the endpoint answers 2xx or the attempts run out.
// Every attempt is logged with its status, duration and the start of the response, secrets
// removed.
//
// Receivers may see an event more than once (a timeout after the receiver processed it is
// retried) and out of order; the envelope's id lets them drop repeats.
//
// Event bodies contain contacts' numbers and texts, so an event is deleted with the contact it is
// about by textback forget, and by the retention prune once no delivery of it is pending.
package hooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// Event types.
const (
	CallMissed       = "call.missed"       // a call was decided missed; data is the call
	MessageReceived  = "message.received"  // a text came in; data is the text
	MessageStatus    = "message.status"    // a delivery report moved a text's status; data is the text
	ContactOptedOut  = "contact.opted_out" // a contact opted out, by keyword or at the provider; data is the contact
	TaskCreated      = "task.created"      // a task was created; data is the task
	BookingCreated   = "booking.created"   // a slot was booked; data is the booking
	BookingUpdated   = "booking.updated"   // a booking was moved; data is the new booking, whose replaces_id names the old
	BookingCancelled = "booking.cancelled" // a booking was cancelled; data is the booking
)

// Types lists every event type, in the order the documentation shows them.
var Types = []string{
	CallMissed, MessageReceived, MessageStatus, ContactOptedOut, TaskCreated, BookingCreated, BookingUpdated,
	BookingCancelled,
}

// Envelope is the JSON body of every delivery.
type Envelope struct {
	ID        string          `json:"id"` // "evt_" and 32 hex digits, the same in every retry
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Business  BusinessRef     `json:"business"`
	Data      json.RawMessage `json:"data"`
}

// BusinessRef names the business an event belongs to.
type BusinessRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
}

// Emitter records events for delivery. A nil *Emitter records nothing, so that components built
// without webhooks (in tests, or in commands) need no checks.
type Emitter struct {
	queue jobs.Inserter
	clock func() time.Time
	// retry is how deliveries are retried; the worker reads the same policy.
	retry RetryPolicy
}

// NewEmitter returns an Emitter that inserts delivery jobs with queue.
func NewEmitter(queue jobs.Inserter, clock func() time.Time, retry RetryPolicy) *Emitter {
	if clock == nil {
		clock = time.Now
	}
	return &Emitter{queue: queue, clock: clock, retry: retry.withDefaults()}
}

// emit stores an event of type kind with data for every endpoint of the business subscribed to
// it, and the jobs that deliver it, in tx. A business without such endpoints stores nothing.
func (e *Emitter) emit(
	ctx context.Context, tx *store.Tx, business store.BusinessID, contact store.ContactID, kind string, data any,
) error {
	if e == nil {
		return nil
	}
	endpoints, err := tx.ListHookEndpoints(ctx, business)
	if err != nil {
		return err
	}
	endpoints = slices.DeleteFunc(endpoints, func(ep store.HookEndpoint) bool { return !slices.Contains(ep.Events, kind) })
	if len(endpoints) == 0 {
		return nil
	}
	b, err := tx.GetBusiness(ctx, business)
	if err != nil {
		return err
	}
	id, err := newEventID()
	if err != nil {
		return err
	}
	encoded, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", kind, err)
	}
	envelope := Envelope{
		ID: id, Type: kind, CreatedAt: e.clock().UTC().Truncate(time.Millisecond),
		Business: BusinessRef{ID: int64(b.ID), Slug: b.Slug}, Data: encoded,
	}
	body, err := json.Marshal(envelope)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", kind, err)
	}
	event, err := tx.InsertHookEvent(ctx, store.HookEvent{
		BusinessID: business, ContactID: contact, PublicID: id, Type: kind, Body: string(body),
		CreatedAt: envelope.CreatedAt,
	})
	if err != nil {
		return err
	}
	for _, ep := range endpoints {
		d, err := tx.InsertHookDelivery(ctx, event.ID, ep.ID)
		if err != nil {
			return err
		}
		opts := DeliverArgs{}.InsertOpts()
		opts.MaxAttempts = e.retry.MaxAttempts
		if _, err := e.queue.InsertTx(ctx, tx, DeliverArgs{DeliveryID: int64(d.ID)}, &opts); err != nil {
			return fmt.Errorf("queue delivery of event %s to endpoint %d: %w", id, ep.ID, err)
		}
	}
	return nil
}

func newEventID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate event id: %w", err)
	}
	return "evt_" + hex.EncodeToString(b), nil
}

// CallMissed records call.missed for a call just decided missed, with its text-back decision.
func (e *Emitter) CallMissed(ctx context.Context, tx *store.Tx, id store.CallID) error {
	if e == nil {
		return nil
	}
	call, err := tx.GetCall(ctx, id)
	if err != nil {
		return err
	}
	return e.emit(ctx, tx, call.BusinessID, call.ContactID, CallMissed, resource.NewCall(call))
}

// MessageReceived records message.received for an inbound text.
func (e *Emitter) MessageReceived(ctx context.Context, tx *store.Tx, m store.Message) error {
	return e.emit(ctx, tx, m.BusinessID, m.ContactID, MessageReceived, resource.NewMessage(m))
}

// MessageStatusChanged records message.status for a text whose status a delivery report moved.
func (e *Emitter) MessageStatusChanged(ctx context.Context, tx *store.Tx, id store.MessageID) error {
	if e == nil {
		return nil
	}
	m, err := tx.GetMessage(ctx, id)
	if err != nil {
		return err
	}
	return e.emit(ctx, tx, m.BusinessID, m.ContactID, MessageStatus, resource.NewMessage(m))
}

// ContactOptedOut records contact.opted_out for a contact just opted out.
func (e *Emitter) ContactOptedOut(ctx context.Context, tx *store.Tx, business store.BusinessID, id store.ContactID) error {
	if e == nil {
		return nil
	}
	c, err := tx.GetContact(ctx, business, id)
	if err != nil {
		return err
	}
	return e.emit(ctx, tx, business, id, ContactOptedOut, resource.NewContact(c))
}

// OptOut opts the contact out with source as the reason and, when they had not opted out
// before, records contact.opted_out. It works without an Emitter too.
func (e *Emitter) OptOut(
	ctx context.Context, tx *store.Tx, business store.BusinessID, id store.ContactID, source string, at time.Time,
) error {
	contact, err := tx.GetContact(ctx, business, id)
	if err != nil {
		return err
	}
	if err := tx.OptOutContact(ctx, business, id, source, at); err != nil {
		return err
	}
	if contact.OptedOut() {
		return nil
	}
	return e.ContactOptedOut(ctx, tx, business, id)
}

// TaskCreated records task.created for a new task.
func (e *Emitter) TaskCreated(ctx context.Context, tx *store.Tx, t store.Task) error {
	return e.emit(ctx, tx, t.BusinessID, t.ContactID, TaskCreated, resource.NewTask(t))
}

// BookingChanged records booking.created, booking.updated or booking.cancelled. Its signature
// is that of the booking service's OnChange, change being "booked", "rescheduled" or
// "cancelled".
func (e *Emitter) BookingChanged(ctx context.Context, tx *store.Tx, b store.Booking, change string) error {
	kind, ok := map[string]string{"booked": BookingCreated, "rescheduled": BookingUpdated, "cancelled": BookingCancelled}[change]
	if !ok {
		return fmt.Errorf("record booking %d event: unknown change %q", b.ID, change)
	}
	return e.emit(ctx, tx, b.BusinessID, b.ContactID, kind, resource.NewBooking(b))
}

// DeliverArgs is the job that delivers one event to one endpoint.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind names the job in River.
func (DeliverArgs) Kind() string { return "deliver_webhook" }

// InsertOpts makes one job per delivery.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
