package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store/dbsqlc"
	"github.com/textback/textback/internal/tz"
)

// Calendar is something a business books by the slot: a technician, a room, a service line. Its
// hours, closures and limits are read in its own time zone.
type Calendar struct {
	ID         CalendarID
	BusinessID BusinessID
	Slug       string // unique within the business, such as "repairs"
	Name       string
	TimeZone   string     // IANA zone, such as "America/Chicago"
	Hours      hours.Week // when slots may start and must end, in TimeZone
	SlotLength time.Duration
	// BufferBefore and BufferAfter are kept free before and after each booking, such as travel
	// time. Two bookings are therefore at least BufferAfter+BufferBefore apart.
	BufferBefore time.Duration
	BufferAfter  time.Duration
	// MinNotice is how long before its start a slot can still be booked.
	MinNotice time.Duration
	// Horizon is how far ahead of now slots are offered.
	Horizon time.Duration
	// MaxPerDay limits the bookings and holds that start on one local date; 0 means no limit.
	MaxPerDay int
	Closures  []Closure
	Address   string // the place of the appointments, for confirmations and the feed
	// FeedToken is the secret part of the calendar's iCalendar feed URL. UpsertCalendar creates
	// it, and RotateCalendarFeedToken replaces it.
	FeedToken string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Closure is a run of whole local dates on which a calendar takes no bookings, such as a
// holiday. From and To are dates written 2006-01-02, both included.
type Closure struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
}

// DateLayout is the layout of the local dates in closures and ClosedOn.
const DateLayout = "2006-01-02"

// Location returns the calendar's time zone.
func (c Calendar) Location() (*time.Location, error) {
	loc, err := tz.Load(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone %q of calendar %s: %w", c.TimeZone, c.Slug, err)
	}
	return loc, nil
}

// Bookable reports whether the calendar has any hours at all.
func (c Calendar) Bookable() bool { return !c.Hours.AlwaysClosed() }

// ClosedOn returns the closure that covers the local date (written 2006-01-02), if any.
func (c Calendar) ClosedOn(date string) (Closure, bool) {
	for _, cl := range c.Closures {
		// Dates in this layout sort as text in time order.
		if cl.From <= date && date <= cl.To {
			return cl, true
		}
	}
	return Closure{}, false
}

// Validate checks the values that slot arithmetic depends on.
func (c Calendar) Validate() error {
	var errs []error
	if c.Slug == "" {
		errs = append(errs, errors.New("missing slug"))
	}
	if _, err := tz.Load(c.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("invalid time zone %q: use an IANA name such as America/Chicago", c.TimeZone))
	}
	if c.SlotLength < time.Minute || c.SlotLength%time.Minute != 0 {
		errs = append(errs, fmt.Errorf("invalid slot length %s: use whole minutes, at least 1m", c.SlotLength))
	}
	if c.BufferBefore < 0 || c.BufferAfter < 0 || c.MinNotice < 0 {
		errs = append(errs, errors.New("buffers and minimum notice must not be negative"))
	}
	if c.Horizon <= 0 {
		errs = append(errs, fmt.Errorf("invalid horizon %s: it must be positive", c.Horizon))
	}
	if c.MaxPerDay < 0 {
		errs = append(errs, fmt.Errorf("invalid max per day %d: use 0 for no limit", c.MaxPerDay))
	}
	for _, cl := range c.Closures {
		from, errFrom := time.Parse(DateLayout, cl.From)
		to, errTo := time.Parse(DateLayout, cl.To)
		if errFrom != nil || errTo != nil || to.Before(from) {
			errs = append(errs, fmt.Errorf(
				"invalid closure %s to %s: use dates such as 2025-12-24, the first not after the last", cl.From, cl.To))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid calendar %q: %w", c.Slug, err)
	}
	return nil
}

// UpsertCalendar creates the business's calendar with c's slug or updates it, and returns the
// stored row. A new calendar gets a random feed token; an existing one keeps its token.
func (o ops) UpsertCalendar(ctx context.Context, c Calendar) (Calendar, error) {
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	hoursJSON, err := json.Marshal(c.Hours)
	if err != nil {
		return Calendar{}, fmt.Errorf("upsert calendar %s: %w", c.Slug, err)
	}
	closures := c.Closures
	if closures == nil {
		closures = []Closure{}
	}
	closuresJSON, err := json.Marshal(closures)
	if err != nil {
		return Calendar{}, fmt.Errorf("upsert calendar %s: %w", c.Slug, err)
	}
	row, err := o.q.UpsertCalendar(ctx, dbsqlc.UpsertCalendarParams{
		BusinessID:          int64(c.BusinessID),
		Slug:                c.Slug,
		Name:                c.Name,
		TimeZone:            c.TimeZone,
		Hours:               string(hoursJSON),
		SlotSeconds:         seconds(c.SlotLength),
		BufferBeforeSeconds: seconds(c.BufferBefore),
		BufferAfterSeconds:  seconds(c.BufferAfter),
		MinNoticeSeconds:    seconds(c.MinNotice),
		HorizonSeconds:      seconds(c.Horizon),
		MaxPerDay:           int32(c.MaxPerDay),
		Closures:            string(closuresJSON),
		Address:             c.Address,
		FeedToken:           rand.Text(),
		CreatedAt:           o.Now(),
	})
	if err != nil {
		return Calendar{}, fmt.Errorf("upsert calendar %s of business %d: %w", c.Slug, c.BusinessID, err)
	}
	return calendarFromRow(row)
}

// GetCalendar returns the business's calendar with id, or an error wrapping ErrNotFound.
func (o ops) GetCalendar(ctx context.Context, business BusinessID, id CalendarID) (Calendar, error) {
	row, err := o.q.GetCalendar(ctx, dbsqlc.GetCalendarParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Calendar{}, notFound(err, "get calendar %d of business %d", id, business)
	}
	return calendarFromRow(row)
}

// GetCalendarBySlug returns the business's calendar with slug, or an error wrapping ErrNotFound.
func (o ops) GetCalendarBySlug(ctx context.Context, business BusinessID, slug string) (Calendar, error) {
	row, err := o.q.GetCalendarBySlug(ctx, dbsqlc.GetCalendarBySlugParams{BusinessID: int64(business), Slug: slug})
	if err != nil {
		return Calendar{}, notFound(err, "get calendar %q of business %d", slug, business)
	}
	return calendarFromRow(row)
}

// GetCalendarByFeedToken returns the calendar whose feed token is token, or an error wrapping
// ErrNotFound. The error never contains the token.
func (o ops) GetCalendarByFeedToken(ctx context.Context, token string) (Calendar, error) {
	if token == "" {
		return Calendar{}, fmt.Errorf("get calendar by feed token: %w", ErrNotFound)
	}
	row, err := o.q.GetCalendarByFeedToken(ctx, token)
	if err != nil {
		return Calendar{}, notFound(err, "get calendar by feed token")
	}
	return calendarFromRow(row)
}

// ListCalendars returns the business's calendars ordered by slug.
func (o ops) ListCalendars(ctx context.Context, business BusinessID) ([]Calendar, error) {
	rows, err := o.q.ListCalendars(ctx, int64(business))
	if err != nil {
		return nil, fmt.Errorf("list calendars of business %d: %w", business, err)
	}
	out := make([]Calendar, 0, len(rows))
	for _, row := range rows {
		c, err := calendarFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// RotateCalendarFeedToken gives the calendar a new random feed token, so that the old feed URL
// stops working, and returns the calendar with it.
func (o ops) RotateCalendarFeedToken(ctx context.Context, business BusinessID, id CalendarID) (Calendar, error) {
	row, err := o.q.SetCalendarFeedToken(ctx, dbsqlc.SetCalendarFeedTokenParams{
		BusinessID: int64(business), ID: int64(id), FeedToken: rand.Text(), UpdatedAt: o.Now(),
	})
	if err != nil {
		return Calendar{}, notFound(err, "rotate feed token of calendar %d", id)
	}
	return calendarFromRow(row)
}

func calendarFromRow(row dbsqlc.Calendar) (Calendar, error) {
	c := Calendar{
		ID:           CalendarID(row.ID),
		BusinessID:   BusinessID(row.BusinessID),
		Slug:         row.Slug,
		Name:         row.Name,
		TimeZone:     row.TimeZone,
		SlotLength:   time.Duration(row.SlotSeconds) * time.Second,
		BufferBefore: time.Duration(row.BufferBeforeSeconds) * time.Second,
		BufferAfter:  time.Duration(row.BufferAfterSeconds) * time.Second,
		MinNotice:    time.Duration(row.MinNoticeSeconds) * time.Second,
		Horizon:      time.Duration(row.HorizonSeconds) * time.Second,
		MaxPerDay:    int(row.MaxPerDay),
		Address:      row.Address,
		FeedToken:    row.FeedToken,
		CreatedAt:    row.CreatedAt.UTC(),
		UpdatedAt:    row.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(row.Hours), &c.Hours); err != nil {
		return Calendar{}, fmt.Errorf("read hours of calendar %s: %w", row.Slug, err)
	}
	if err := json.Unmarshal([]byte(row.Closures), &c.Closures); err != nil {
		return Calendar{}, fmt.Errorf("read closures of calendar %s: %w", row.Slug, err)
	}
	return c, nil
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }
