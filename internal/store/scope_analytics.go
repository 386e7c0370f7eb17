package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// MissedCallFacts is one missed call and when its text back went out (zero when none did).
type MissedCallFacts struct {
	ID        CallID
	ContactID ContactID
	StartedAt time.Time
	DecidedAt time.Time
	TextedAt  time.Time
}

// ContactEvent is a contact's text or booking at a time.
type ContactEvent struct {
	ContactID ContactID
	At        time.Time
}

// AnalyticsFacts are the rows business analytics are computed from.
type AnalyticsFacts struct {
	Calls    []MissedCallFacts // missed calls that started in the period, oldest first
	Replies  []ContactEvent    // inbound texts from the period's start to its end plus the follow window
	Bookings []ContactEvent    // bookings made in the same span, booked and not cancelled
	// Truncated is true when a list reached maxRows, so the figures count only part of the period.
	Truncated bool
}

// AnalyticsFacts returns the business's missed calls that started in [since, until), and the
// replies and bookings from since to until+follow, so that a call late in the period still
// counts the reply it drew. Each list holds at most maxRows rows.
func (sc Scope) AnalyticsFacts(ctx context.Context, since, until time.Time, follow time.Duration, maxRows int) (AnalyticsFacts, error) {
	var out AnalyticsFacts
	calls, err := sc.store.q.ListAnalyticsCalls(ctx, dbsqlc.ListAnalyticsCallsParams{
		BusinessID: int64(sc.business), Since: ts(since), Until: ts(until), MaxRows: int32(maxRows),
	})
	if err != nil {
		return out, fmt.Errorf("list missed calls of business %d: %w", sc.business, err)
	}
	for _, r := range calls {
		f := MissedCallFacts{ID: CallID(r.ID), ContactID: ContactID(r.ContactID.Int64), StartedAt: r.StartedAt.UTC(),
			DecidedAt: timeOf(r.DecidedAt), TextedAt: timeOf(r.TextedAt)}
		// A text back sent again after a delivery error repeats the call: keep the first text.
		if n := len(out.Calls); n > 0 && out.Calls[n-1].ID == f.ID {
			if prev := out.Calls[n-1].TextedAt; prev.IsZero() || (!f.TextedAt.IsZero() && f.TextedAt.Before(prev)) {
				out.Calls[n-1].TextedAt = f.TextedAt
			}
			continue
		}
		out.Calls = append(out.Calls, f)
	}
	args := struct{ since, until time.Time }{ts(since), ts(until.Add(follow))}
	replies, err := sc.store.q.ListAnalyticsReplies(ctx, dbsqlc.ListAnalyticsRepliesParams{
		BusinessID: int64(sc.business), Since: args.since, Until: args.until, MaxRows: int32(maxRows),
	})
	if err != nil {
		return out, fmt.Errorf("list replies to business %d: %w", sc.business, err)
	}
	for _, r := range replies {
		out.Replies = append(out.Replies, ContactEvent{ContactID: ContactID(r.ContactID.Int64), At: r.CreatedAt.UTC()})
	}
	bookings, err := sc.store.q.ListAnalyticsBookings(ctx, dbsqlc.ListAnalyticsBookingsParams{
		BusinessID: int64(sc.business), Since: args.since, Until: args.until, MaxRows: int32(maxRows),
	})
	if err != nil {
		return out, fmt.Errorf("list bookings of business %d: %w", sc.business, err)
	}
	for _, r := range bookings {
		out.Bookings = append(out.Bookings, ContactEvent{ContactID: ContactID(r.ContactID), At: r.CreatedAt.UTC()})
	}
	out.Truncated = len(calls) >= maxRows || len(replies) >= maxRows || len(bookings) >= maxRows
	return out, nil
}
