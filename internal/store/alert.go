package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Alert tells the team about a lead. Events about one contact and of one kind within the
// business's grouping window add to one alert instead of making new ones.
type Alert struct {
	ID              AlertID
	BusinessID      BusinessID
	ContactID       ContactID
	Kind            string
	Priority        string
	Summary         string
	Detail          string
	Occurrences     int
	FirstAt         time.Time
	LastAt          time.Time
	WindowUntil     time.Time
	UpdatesSent     int
	EscalationLevel int
	ResolvedAt      time.Time
	CreatedAt       time.Time
}

// NewAlert describes an alert to raise.
type NewAlert struct {
	BusinessID BusinessID
	ContactID  ContactID
	Kind       string
	Priority   string
	Summary    string
	Detail     string
	At         time.Time
	Window     time.Duration
	// DedupeKey makes raising the same alert twice (a retried job) raise one.
	DedupeKey string
}

// RaiseAlert adds an occurrence to the open alert about the contact and kind, or creates one. It
// reports whether the alert is new. Callers hold the contact's lock so that two events cannot
// both create an alert.
func (o ops) RaiseAlert(ctx context.Context, a NewAlert) (Alert, bool, error) {
	if a.ContactID != 0 {
		row, err := o.q.FindOpenAlert(ctx, dbsqlc.FindOpenAlertParams{
			BusinessID: int64(a.BusinessID), ContactID: nullInt(int64(a.ContactID)), Kind: a.Kind, Now: ts(a.At),
		})
		switch {
		case err == nil:
			priority := row.Priority
			if a.Priority == "high" {
				priority = "high"
			}
			updated, err := o.q.AddAlertOccurrence(ctx, dbsqlc.AddAlertOccurrenceParams{
				ID: row.ID, At: ts(a.At), Priority: priority, Detail: a.Detail,
			})
			if err != nil {
				return Alert{}, false, fmt.Errorf("add to alert %d: %w", row.ID, err)
			}
			return alertFromRow(updated), false, nil
		case !errors.Is(err, sql.ErrNoRows):
			return Alert{}, false, fmt.Errorf("find open alert about contact %d: %w", a.ContactID, err)
		}
	}
	row, err := o.q.InsertAlert(ctx, dbsqlc.InsertAlertParams{
		BusinessID: int64(a.BusinessID), ContactID: nullInt(int64(a.ContactID)), Kind: a.Kind, Priority: a.Priority,
		Summary: a.Summary, Detail: a.Detail, FirstAt: ts(a.At), WindowUntil: ts(a.At.Add(a.Window)),
		DedupeKey: nullString(a.DedupeKey),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Alert{}, false, nil
	}
	if err != nil {
		return Alert{}, false, fmt.Errorf("raise %s alert: %w", a.Kind, err)
	}
	return alertFromRow(row), true, nil
}

// GetAlert returns the alert with id, or an error wrapping ErrNotFound.
func (o ops) GetAlert(ctx context.Context, id AlertID) (Alert, error) {
	row, err := o.q.GetAlert(ctx, int64(id))
	if err != nil {
		return Alert{}, notFound(err, "get alert %d", id)
	}
	return alertFromRow(row), nil
}

// ClaimAlertUpdate reports true once per alert: the caller then sends its single update.
func (o ops) ClaimAlertUpdate(ctx context.Context, id AlertID) (bool, error) {
	n, err := o.q.MarkAlertUpdateSent(ctx, dbsqlc.MarkAlertUpdateSentParams{ID: int64(id), UpdatedAt: o.Now()})
	if err != nil {
		return false, fmt.Errorf("claim update of alert %d: %w", id, err)
	}
	return n == 1, nil
}

// EscalateAlert moves an unresolved alert from level to level+1 and reports whether it did.
func (o ops) EscalateAlert(ctx context.Context, id AlertID, level int) (bool, error) {
	n, err := o.q.EscalateAlert(ctx, dbsqlc.EscalateAlertParams{ID: int64(id), EscalationLevel: int32(level), UpdatedAt: o.Now()})
	if err != nil {
		return false, fmt.Errorf("escalate alert %d: %w", id, err)
	}
	return n == 1, nil
}

// ResolveContactAlerts marks the contact's open alerts handled: a person answered the lead.
func (o ops) ResolveContactAlerts(ctx context.Context, business BusinessID, contact ContactID) error {
	_, err := o.q.ResolveContactAlerts(ctx, dbsqlc.ResolveContactAlertsParams{
		BusinessID: int64(business), ContactID: nullInt(int64(contact)), ResolvedAt: nullTime(o.Now()),
	})
	if err != nil {
		return fmt.Errorf("resolve alerts about contact %d: %w", contact, err)
	}
	return nil
}

// ListAlerts returns a business's latest alerts, newest first.
func (o ops) ListAlerts(ctx context.Context, business BusinessID, limit int) ([]Alert, error) {
	rows, err := o.q.ListAlerts(ctx, dbsqlc.ListAlertsParams{BusinessID: int64(business), Limit: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	out := make([]Alert, len(rows))
	for i, r := range rows {
		out[i] = alertFromRow(r)
	}
	return out, nil
}

// AlertDelivery is one attempt to tell someone about an alert.
type AlertDelivery struct {
	ID        int64
	AlertID   AlertID
	Channel   string // "sms", "email" or "webhook"
	Target    string // a phone number, an address or a URL
	Purpose   string // "alert", "update" or "escalation"
	Status    string // "queued", "sent" or "failed"
	Error     string
	MessageID MessageID
	CreatedAt time.Time
}

// AddAlertDelivery records an attempt to deliver an alert.
func (o ops) AddAlertDelivery(ctx context.Context, d AlertDelivery) (AlertDelivery, error) {
	row, err := o.q.InsertAlertDelivery(ctx, dbsqlc.InsertAlertDeliveryParams{
		AlertID: int64(d.AlertID), Channel: d.Channel, Target: d.Target, Purpose: d.Purpose, Status: d.Status,
		Error: d.Error, MessageID: nullInt(int64(d.MessageID)), CreatedAt: o.Now(),
	})
	if err != nil {
		return AlertDelivery{}, fmt.Errorf("record %s delivery of alert %d: %w", d.Channel, d.AlertID, err)
	}
	return alertDeliveryFromRow(row), nil
}

// SetAlertDeliveryStatus records how a delivery went.
func (o ops) SetAlertDeliveryStatus(ctx context.Context, id int64, status, errText string) error {
	err := o.q.SetAlertDeliveryStatus(ctx, dbsqlc.SetAlertDeliveryStatusParams{ID: id, Status: status, Error: errText, UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("set status of alert delivery %d: %w", id, err)
	}
	return nil
}

// ListAlertDeliveries returns an alert's deliveries, oldest first.
func (o ops) ListAlertDeliveries(ctx context.Context, id AlertID) ([]AlertDelivery, error) {
	rows, err := o.q.ListAlertDeliveries(ctx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("list deliveries of alert %d: %w", id, err)
	}
	out := make([]AlertDelivery, len(rows))
	for i, r := range rows {
		out[i] = alertDeliveryFromRow(r)
	}
	return out, nil
}

// LatestSMSAlertTo returns the alert about a contact most recently texted to phone.
func (o ops) LatestSMSAlertTo(ctx context.Context, business BusinessID, phone string) (Alert, error) {
	row, err := o.q.LatestSMSAlertTo(ctx, dbsqlc.LatestSMSAlertToParams{BusinessID: int64(business), Target: phone})
	if err != nil {
		return Alert{}, notFound(err, "find alert texted to %s", phone)
	}
	return alertFromRow(row), nil
}

func alertFromRow(r dbsqlc.Alert) Alert {
	return Alert{
		ID: AlertID(r.ID), BusinessID: BusinessID(r.BusinessID), ContactID: ContactID(r.ContactID.Int64), Kind: r.Kind,
		Priority: r.Priority, Summary: r.Summary, Detail: r.Detail, Occurrences: int(r.Occurrences),
		FirstAt: r.FirstAt.UTC(), LastAt: r.LastAt.UTC(), WindowUntil: r.WindowUntil.UTC(), UpdatesSent: int(r.UpdatesSent),
		EscalationLevel: int(r.EscalationLevel), ResolvedAt: timeOf(r.ResolvedAt), CreatedAt: r.CreatedAt.UTC(),
	}
}

func alertDeliveryFromRow(r dbsqlc.AlertDelivery) AlertDelivery {
	return AlertDelivery{
		ID: r.ID, AlertID: AlertID(r.AlertID), Channel: r.Channel, Target: r.Target, Purpose: r.Purpose, Status: r.Status,
		Error: r.Error, MessageID: MessageID(r.MessageID.Int64), CreatedAt: r.CreatedAt.UTC(),
	}
}
