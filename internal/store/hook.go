package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Typed ids of the outbound webhook tables.
type (
	HookEndpointID int64 // a row of hook_endpoints
	HookEventID    int64 // a row of hook_events
	HookDeliveryID int64 // a row of hook_deliveries
)

// HookEndpoint is a URL a business registered to receive its events.
type HookEndpoint struct {
	ID         HookEndpointID
	BusinessID BusinessID
	URL        string
	// Events are the event types sent to the URL.
	Events []string
	// Secret signs every request to the URL.
	Secret      string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// HookEvent is one event with the body sent for it.
type HookEvent struct {
	ID         HookEventID
	BusinessID BusinessID
	// ContactID is the contact the event is about, or 0.
	ContactID ContactID
	// PublicID is the id in the body, such as "evt_…", which receivers use to drop repeats.
	PublicID  string
	Type      string
	Body      string
	CreatedAt time.Time
}

// HookDeliveryState is where the delivery of one event to one endpoint stands.
type HookDeliveryState string

const (
	HookPending   HookDeliveryState = "pending"   // not delivered yet; attempts go on
	HookDelivered HookDeliveryState = "delivered" // the endpoint answered 2xx
	HookFailed    HookDeliveryState = "failed"    // every attempt failed, or the endpoint is gone
)

// HookDelivery is the delivery of one event to one endpoint.
type HookDelivery struct {
	ID          HookDeliveryID
	EventID     HookEventID
	EndpointID  HookEndpointID
	State       HookDeliveryState
	Attempts    int
	DeliveredAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// EventPublicID and EventType are filled by ListHookDeliveries only.
	EventPublicID string
	EventType     string
}

// HookAttempt is one request made to deliver an event, as the delivery log keeps it.
type HookAttempt struct {
	ID         int64
	DeliveryID HookDeliveryID
	Attempt    int
	// StatusCode is the HTTP status of the answer, or 0 when none came.
	StatusCode int
	// Error says why the attempt failed; empty when it succeeded.
	Error string
	// ResponseExcerpt is the start of the answer's body, with secrets removed.
	ResponseExcerpt string
	Duration        time.Duration
	CreatedAt       time.Time
}

// InsertHookEndpoint stores an endpoint.
func (o ops) InsertHookEndpoint(ctx context.Context, e HookEndpoint) (HookEndpoint, error) {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return HookEndpoint{}, fmt.Errorf("insert webhook endpoint %s: %w", e.URL, err)
	}
	row, err := o.q.InsertHookEndpoint(ctx, dbsqlc.InsertHookEndpointParams{
		BusinessID: int64(e.BusinessID), Url: e.URL, Events: string(events), Secret: e.Secret,
		Description: e.Description, CreatedAt: o.Now(),
	})
	if err != nil {
		return HookEndpoint{}, fmt.Errorf("insert webhook endpoint %s: %w", e.URL, err)
	}
	return hookEndpointFromRow(row)
}

// GetHookEndpoint returns the business's endpoint with id, or an error wrapping ErrNotFound.
func (o ops) GetHookEndpoint(ctx context.Context, business BusinessID, id HookEndpointID) (HookEndpoint, error) {
	row, err := o.q.GetHookEndpoint(ctx, dbsqlc.GetHookEndpointParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return HookEndpoint{}, notFound(err, "get webhook endpoint %d of business %d", id, business)
	}
	return hookEndpointFromRow(row)
}

// ListHookEndpoints returns the business's endpoints, oldest first.
func (o ops) ListHookEndpoints(ctx context.Context, business BusinessID) ([]HookEndpoint, error) {
	rows, err := o.q.ListHookEndpoints(ctx, int64(business))
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints of business %d: %w", business, err)
	}
	out := make([]HookEndpoint, 0, len(rows))
	for _, row := range rows {
		e, err := hookEndpointFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// DeleteHookEndpoint deletes the business's endpoint with its deliveries, and reports whether it
// existed.
func (o ops) DeleteHookEndpoint(ctx context.Context, business BusinessID, id HookEndpointID) (bool, error) {
	n, err := o.q.DeleteHookEndpoint(ctx, dbsqlc.DeleteHookEndpointParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return false, fmt.Errorf("delete webhook endpoint %d: %w", id, err)
	}
	return n == 1, nil
}

// InsertHookEvent stores an event.
func (o ops) InsertHookEvent(ctx context.Context, e HookEvent) (HookEvent, error) {
	row, err := o.q.InsertHookEvent(ctx, dbsqlc.InsertHookEventParams{
		BusinessID: int64(e.BusinessID), PublicID: e.PublicID, Type: e.Type, Body: e.Body, CreatedAt: ts(e.CreatedAt),
		ContactID: nullInt(int64(e.ContactID)),
	})
	if err != nil {
		return HookEvent{}, fmt.Errorf("insert %s event: %w", e.Type, err)
	}
	return hookEventFromRow(row), nil
}

// InsertHookDelivery stores a pending delivery of an event to an endpoint.
func (o ops) InsertHookDelivery(ctx context.Context, event HookEventID, endpoint HookEndpointID) (HookDelivery, error) {
	row, err := o.q.InsertHookDelivery(ctx, dbsqlc.InsertHookDeliveryParams{
		EventID: int64(event), EndpointID: int64(endpoint), CreatedAt: o.Now(),
	})
	if err != nil {
		return HookDelivery{}, fmt.Errorf("insert delivery of event %d to endpoint %d: %w", event, endpoint, err)
	}
	return hookDeliveryFromRow(row), nil
}

// GetHookDelivery returns a delivery with its event and endpoint, or an error wrapping
// ErrNotFound when the delivery is gone (its endpoint was removed).
func (o ops) GetHookDelivery(ctx context.Context, id HookDeliveryID) (HookDelivery, HookEvent, HookEndpoint, error) {
	row, err := o.q.GetHookDelivery(ctx, int64(id))
	if err != nil {
		return HookDelivery{}, HookEvent{}, HookEndpoint{}, notFound(err, "get webhook delivery %d", id)
	}
	endpoint, err := hookEndpointFromRow(row.HookEndpoint)
	if err != nil {
		return HookDelivery{}, HookEvent{}, HookEndpoint{}, err
	}
	return hookDeliveryFromRow(row.HookDelivery), hookEventFromRow(row.HookEvent), endpoint, nil
}

// RecordHookAttempt logs one attempt of a delivery and moves the delivery to state.
func (o ops) RecordHookAttempt(ctx context.Context, a HookAttempt, state HookDeliveryState) error {
	now := o.Now()
	_, err := o.q.InsertHookAttempt(ctx, dbsqlc.InsertHookAttemptParams{
		DeliveryID: int64(a.DeliveryID), Attempt: int32(a.Attempt), StatusCode: int32(a.StatusCode), Error: a.Error,
		ResponseExcerpt: a.ResponseExcerpt, DurationMs: int32(a.Duration.Milliseconds()), CreatedAt: now,
	})
	if err != nil {
		return fmt.Errorf("log attempt %d of webhook delivery %d: %w", a.Attempt, a.DeliveryID, err)
	}
	var delivered time.Time
	if state == HookDelivered {
		delivered = now
	}
	err = o.q.FinishHookAttempt(ctx, dbsqlc.FinishHookAttemptParams{
		ID: int64(a.DeliveryID), State: string(state), DeliveredAt: nullTime(delivered), UpdatedAt: now,
	})
	if err != nil {
		return fmt.Errorf("update webhook delivery %d: %w", a.DeliveryID, err)
	}
	return nil
}

// ListHookDeliveries returns up to limit of an endpoint's deliveries with ids below before (0
// for the newest), newest first.
func (o ops) ListHookDeliveries(ctx context.Context, endpoint HookEndpointID, before HookDeliveryID, limit int) ([]HookDelivery, error) {
	rows, err := o.q.ListHookDeliveries(ctx, dbsqlc.ListHookDeliveriesParams{
		EndpointID: int64(endpoint), BeforeID: int64(before), PageSize: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list deliveries of webhook endpoint %d: %w", endpoint, err)
	}
	out := make([]HookDelivery, len(rows))
	for i, r := range rows {
		out[i] = hookDeliveryFromRow(r.HookDelivery)
		out[i].EventPublicID, out[i].EventType = r.EventPublicID, r.EventType
	}
	return out, nil
}

// ListHookAttempts returns the attempts of a delivery, oldest first.
func (o ops) ListHookAttempts(ctx context.Context, delivery HookDeliveryID) ([]HookAttempt, error) {
	rows, err := o.q.ListHookAttempts(ctx, int64(delivery))
	if err != nil {
		return nil, fmt.Errorf("list attempts of webhook delivery %d: %w", delivery, err)
	}
	out := make([]HookAttempt, len(rows))
	for i, r := range rows {
		out[i] = HookAttempt{
			ID: r.ID, DeliveryID: HookDeliveryID(r.DeliveryID), Attempt: int(r.Attempt), StatusCode: int(r.StatusCode),
			Error: r.Error, ResponseExcerpt: r.ResponseExcerpt, Duration: time.Duration(r.DurationMs) * time.Millisecond,
			CreatedAt: r.CreatedAt.UTC(),
		}
	}
	return out, nil
}

func hookEndpointFromRow(r dbsqlc.HookEndpoint) (HookEndpoint, error) {
	e := HookEndpoint{
		ID: HookEndpointID(r.ID), BusinessID: BusinessID(r.BusinessID), URL: r.Url, Secret: r.Secret,
		Description: r.Description, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(r.Events), &e.Events); err != nil {
		return HookEndpoint{}, fmt.Errorf("read events of webhook endpoint %d: %w", r.ID, err)
	}
	return e, nil
}

func hookEventFromRow(r dbsqlc.HookEvent) HookEvent {
	return HookEvent{
		ID: HookEventID(r.ID), BusinessID: BusinessID(r.BusinessID), PublicID: r.PublicID, Type: r.Type, Body: r.Body,
		CreatedAt: r.CreatedAt.UTC(),
	}
}

func hookDeliveryFromRow(r dbsqlc.HookDelivery) HookDelivery {
	return HookDelivery{
		ID: HookDeliveryID(r.ID), EventID: HookEventID(r.EventID), EndpointID: HookEndpointID(r.EndpointID),
		State: HookDeliveryState(r.State), Attempts: int(r.Attempts), DeliveredAt: timeOf(r.DeliveredAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}
