package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
	"github.com/textback/textback/internal/tz"
)

// ContactKind says who a contact is to the business.
type ContactKind string

const (
	KindLead  ContactKind = "lead"  // a caller or texter the business serves
	KindStaff ContactKind = "staff" // a team member who receives alerts
)

// Contact is a person who called or texted a business, known by their E.164 number.
type Contact struct {
	ID         ContactID
	BusinessID BusinessID
	E164       string
	Kind       ContactKind
	FirstName  string
	LastName   string
	Email      string
	// Qualifier is the contact's answer to the business's qualifying question.
	Qualifier string
	Tags      []string
	// OptedOutAt is zero while the contact may be texted; OptOutSource says what opted them out
	// (the keyword they sent, or a provider error code).
	OptedOutAt   time.Time
	OptOutSource string
	// ReviewReason, when set, holds every automated text until a person has looked: the
	// contact sent something that may be an opt-out rules could not confirm.
	ReviewReason string
	// LineType is what a number lookup said ("mobile", "landline", ...), when one was made.
	LineType          string
	LineTypeCheckedAt time.Time
	// TimeZone is the contact's own zone when known (IANA name), for quiet hours.
	TimeZone string
	// SMSBlocked is why texts to this number cannot be delivered ("landline"), or "" when they can.
	SMSBlocked     string
	SMSBlockedAt   time.Time
	LastTextBackAt time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// OptedOut reports whether the contact asked not to be texted.
func (c Contact) OptedOut() bool { return !c.OptedOutAt.IsZero() }

// UpsertContact returns the business's contact with e164, creating it when missing. Concurrent
// calls for the same number return the same row.
func (o ops) UpsertContact(ctx context.Context, business BusinessID, e164 string) (Contact, error) {
	row, err := o.q.UpsertContact(ctx, dbsqlc.UpsertContactParams{
		BusinessID: int64(business),
		E164:       e164,
		CreatedAt:  o.Now(),
	})
	if err != nil {
		return Contact{}, fmt.Errorf("upsert contact %s of business %d: %w", e164, business, err)
	}
	return contactFromRow(row), nil
}

// GetContact returns the business's contact with id, or an error wrapping ErrNotFound.
func (o ops) GetContact(ctx context.Context, business BusinessID, id ContactID) (Contact, error) {
	row, err := o.q.GetContact(ctx, dbsqlc.GetContactParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Contact{}, notFound(err, "get contact %d of business %d", id, business)
	}
	return contactFromRow(row), nil
}

// GetContactByE164 returns the business's contact with e164, or an error wrapping ErrNotFound.
func (o ops) GetContactByE164(ctx context.Context, business BusinessID, e164 string) (Contact, error) {
	row, err := o.q.GetContactByE164(ctx, dbsqlc.GetContactByE164Params{BusinessID: int64(business), E164: e164})
	if err != nil {
		return Contact{}, notFound(err, "get contact %s of business %d", e164, business)
	}
	return contactFromRow(row), nil
}

// ClaimTextBackWindow records a text back to the contact at now unless one was recorded after
// now-window. It reports whether the claim succeeded; of two concurrent claims, one fails.
func (o ops) ClaimTextBackWindow(
	ctx context.Context, business BusinessID, id ContactID, now time.Time, window time.Duration,
) (bool, error) {
	n, err := o.q.ClaimTextBackWindow(ctx, dbsqlc.ClaimTextBackWindowParams{
		Now:        nullTime(now),
		BusinessID: int64(business),
		ID:         int64(id),
		Cutoff:     nullTime(now.Add(-window)),
	})
	if err != nil {
		return false, fmt.Errorf("claim text-back window of contact %d: %w", id, err)
	}
	return n == 1, nil
}

// SetContactOptedOut records that the contact asked not to be texted. An earlier opt-out time is kept.
func (o ops) SetContactOptedOut(ctx context.Context, business BusinessID, id ContactID, at time.Time) error {
	return o.OptOutContact(ctx, business, id, "", at)
}

// OptOutContact records that the contact asked not to be texted, and what said so (the keyword
// they sent, or a provider's error code), in one statement. An earlier opt-out keeps its time and
// source.
func (o ops) OptOutContact(ctx context.Context, business BusinessID, id ContactID, source string, at time.Time) error {
	err := o.q.SetContactOptedOut(ctx, dbsqlc.SetContactOptedOutParams{
		BusinessID: int64(business), ID: int64(id), At: nullTime(at), Source: source,
	})
	if err != nil {
		return fmt.Errorf("opt out contact %d: %w", id, err)
	}
	return nil
}

// ReleaseTextBackWindow forgets the contact's last text back, which never reached them.
func (o ops) ReleaseTextBackWindow(ctx context.Context, business BusinessID, id ContactID) error {
	err := o.q.ReleaseTextBackWindow(ctx, dbsqlc.ReleaseTextBackWindowParams{BusinessID: int64(business), ID: int64(id), UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("release text-back window of contact %d: %w", id, err)
	}
	return nil
}

// SetContactSMSBlocked records why texts to the contact cannot be delivered; reason "" clears it.
func (o ops) SetContactSMSBlocked(
	ctx context.Context, business BusinessID, id ContactID, reason string, at time.Time,
) error {
	blockedAt := nullTime(at)
	if reason == "" {
		blockedAt = nullTime(time.Time{})
	}
	err := o.q.SetContactSMSBlocked(ctx, dbsqlc.SetContactSMSBlockedParams{
		BusinessID: int64(business), ID: int64(id), SmsBlocked: reason, SmsBlockedAt: blockedAt,
	})
	if err != nil {
		return fmt.Errorf("set sms block of contact %d: %w", id, err)
	}
	return nil
}

// SetContactTimeZone records the contact's own IANA zone, which quiet hours use before any zone
// guessed from the number; zone "" clears it.
func (o ops) SetContactTimeZone(ctx context.Context, business BusinessID, id ContactID, zone string) error {
	if zone != "" {
		if _, err := tz.Load(zone); err != nil {
			return fmt.Errorf("invalid time zone %q for contact %d: use an IANA name such as America/Chicago", zone, id)
		}
	}
	err := o.q.SetContactTimeZone(ctx, dbsqlc.SetContactTimeZoneParams{
		BusinessID: int64(business), ID: int64(id), TimeZone: zone, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set time zone of contact %d: %w", id, err)
	}
	return nil
}

func contactFromRow(row dbsqlc.Contact) Contact {
	c := Contact{
		ID:                ContactID(row.ID),
		BusinessID:        BusinessID(row.BusinessID),
		E164:              row.E164,
		Kind:              ContactKind(row.Kind),
		FirstName:         row.FirstName,
		LastName:          row.LastName,
		Email:             row.Email,
		Qualifier:         row.Qualifier,
		OptedOutAt:        timeOf(row.OptedOutAt),
		OptOutSource:      row.OptOutSource,
		ReviewReason:      row.ReviewReason,
		LineType:          row.LineType,
		LineTypeCheckedAt: timeOf(row.LineTypeCheckedAt),
		TimeZone:          row.TimeZone,
		SMSBlocked:        row.SmsBlocked,
		SMSBlockedAt:      timeOf(row.SmsBlockedAt),
		LastTextBackAt:    timeOf(row.LastTextBackAt),
		CreatedAt:         row.CreatedAt.UTC(),
		UpdatedAt:         row.UpdatedAt.UTC(),
	}
	// A malformed tag list reads as no tags; tags only label contacts.
	_ = json.Unmarshal([]byte(row.Tags), &c.Tags)
	return c
}
