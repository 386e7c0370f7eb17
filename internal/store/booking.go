package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/textback/textback/internal/store/dbsqlc"
	"github.com/textback/textback/internal/tz"
)

// ErrSlotTaken is returned when a slot overlaps, buffers included, a booking or a valid hold of
// the same calendar.
var ErrSlotTaken = errors.New("slot is taken")

// ErrDayFull is returned when the calendar already has MaxPerDay bookings and holds starting on
// the slot's local date. It wraps ErrSlotTaken.
var ErrDayFull = fmt.Errorf("%w: the calendar is fully booked that day", ErrSlotTaken)

// BookingState is the stage of a booking's life.
type BookingState string

const (
	BookingHeld      BookingState = "held"      // kept for one contact until HoldExpiresAt
	BookingBooked    BookingState = "booked"    // confirmed
	BookingCancelled BookingState = "cancelled" // cancelled or rescheduled; frees the slot
	BookingExpired   BookingState = "expired"   // a hold that lapsed or was released; frees the slot
)

// BookingSource is the channel through which a booking was made.
type BookingSource string

const (
	BookingSourceSMS  BookingSource = "sms"  // a lead replied to an offer by text
	BookingSourcePage BookingSource = "page" // a lead picked a slot on the booking page
)

// Booking is a slot of a calendar held for or booked by a contact. Start and End are UTC
// instants; the calendar's buffers are not part of them.
type Booking struct {
	ID         BookingID
	BusinessID BusinessID
	CalendarID CalendarID
	ContactID  ContactID
	Start      time.Time
	End        time.Time
	State      BookingState
	// HoldExpiresAt is when a hold lapses; zero once booked.
	HoldExpiresAt time.Time
	Source        BookingSource
	Name          string
	Email         string
	Notes         string
	// IdempotencyKey, when set, is unique among all bookings: a retried request with the same
	// key gets this booking back instead of a second one.
	IdempotencyKey string
	// ReplacesID is the booking this one replaced when it was rescheduled, or 0.
	ReplacesID  BookingID
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CancelledAt time.Time
}

// Live reports whether the booking occupies its slot at now: booked, or held and not lapsed.
func (b Booking) Live(now time.Time) bool {
	return b.State == BookingBooked || (b.State == BookingHeld && b.HoldExpiresAt.After(now))
}

// FeedBooking is a booking with the number of its contact, for the calendar feed.
type FeedBooking struct {
	Booking
	ContactE164 string
}

// SlotRequest is a request to hold or book one slot of a calendar for a contact.
type SlotRequest struct {
	BusinessID BusinessID
	CalendarID CalendarID
	ContactID  ContactID
	Start      time.Time
	End        time.Time
	// HoldUntil is when a hold lapses. HoldSlot requires it; BookSlot ignores it.
	HoldUntil      time.Time
	Source         BookingSource
	Name           string
	Email          string
	Notes          string
	IdempotencyKey string
}

// ConfirmRequest is a request to turn a hold into a booking.
type ConfirmRequest struct {
	BusinessID     BusinessID
	HoldID         BookingID
	ContactID      ContactID // must be the contact the hold was made for
	Name           string
	Email          string
	Notes          string
	IdempotencyKey string
}

// RescheduleRequest is a request to move a booking to another slot of its calendar.
type RescheduleRequest struct {
	BusinessID     BusinessID
	BookingID      BookingID
	Start          time.Time
	End            time.Time
	IdempotencyKey string
}

// LockCalendar takes the calendar's row lock until the transaction ends, so that bookings of one
// calendar are made one at a time, and returns the calendar. SQLite runs one write transaction
// at a time, so there it only reads the row.
func (tx *Tx) LockCalendar(ctx context.Context, business BusinessID, id CalendarID) (Calendar, error) {
	if tx.dialect == Postgres {
		_, err := tx.tx.ExecContext(ctx, "SELECT id FROM calendars WHERE business_id = $1 AND id = $2 FOR UPDATE",
			int64(business), int64(id))
		if err != nil {
			return Calendar{}, fmt.Errorf("lock calendar %d: %w", id, err)
		}
	}
	return tx.GetCalendar(ctx, business, id)
}

// HoldSlot keeps a slot for the contact until r.HoldUntil. In one step under the calendar's
// lock, it expires the calendar's lapsed holds, checks that the slot overlaps no booking or hold
// (buffers included) and that the day is not full, and inserts the hold. It returns an error
// wrapping ErrSlotTaken (or ErrDayFull) when the slot is not free.
//
// When another booking already has r.IdempotencyKey, HoldSlot returns that one and false. On
// any error the transaction is left as it was before the call.
func (tx *Tx) HoldSlot(ctx context.Context, r SlotRequest) (Booking, bool, error) {
	if !r.HoldUntil.After(tx.Now()) {
		return Booking{}, false, fmt.Errorf("hold slot %s of calendar %d: the hold must last past now",
			r.Start.UTC().Format(time.RFC3339), r.CalendarID)
	}
	return tx.reserve(ctx, r, BookingHeld)
}

// BookSlot books a free slot directly, as HoldSlot holds one.
func (tx *Tx) BookSlot(ctx context.Context, r SlotRequest) (Booking, bool, error) {
	r.HoldUntil = time.Time{}
	return tx.reserve(ctx, r, BookingBooked)
}

func (tx *Tx) reserve(ctx context.Context, r SlotRequest, state BookingState) (Booking, bool, error) {
	operation := fmt.Sprintf("%s slot %s of calendar %d",
		verbOf(state), r.Start.UTC().Format(time.RFC3339), r.CalendarID)
	if err := r.validate(); err != nil {
		return Booking{}, false, fmt.Errorf("%s: %w", operation, err)
	}
	var (
		out     Booking
		created bool
	)
	err := tx.savepoint(ctx, func() error {
		cal, err := tx.LockCalendar(ctx, r.BusinessID, r.CalendarID)
		if err != nil {
			return err
		}
		if existing, found, err := tx.bookingWithKey(ctx, r.IdempotencyKey); err != nil || found {
			out = existing
			return err
		}
		if err := tx.checkFree(ctx, cal, r.Start, r.End); err != nil {
			return err
		}
		now := tx.Now()
		row, err := tx.q.InsertBooking(ctx, dbsqlc.InsertBookingParams{
			BusinessID: int64(r.BusinessID), CalendarID: int64(r.CalendarID), ContactID: int64(r.ContactID),
			StartsAt: ts(r.Start), EndsAt: ts(r.End), State: string(state), HoldExpiresAt: nullTime(r.HoldUntil),
			Source: string(r.Source), Name: r.Name, Email: r.Email, Notes: r.Notes,
			IdempotencyKey: nullString(r.IdempotencyKey), CreatedAt: now,
		})
		if errors.Is(err, sql.ErrNoRows) && r.IdempotencyKey != "" {
			// A booking of another calendar took the key meanwhile.
			out, _, err = tx.bookingWithKey(ctx, r.IdempotencyKey)
			return err
		}
		if err != nil {
			return liveSlotConflict(err)
		}
		out, created = bookingFromRow(row), true
		return nil
	})
	if err != nil {
		return Booking{}, false, fmt.Errorf("%s: %w", operation, err)
	}
	return out, created, nil
}

// ConfirmHold turns the contact's hold into a booking and reports whether it changed anything.
// A hold already booked is returned as it is, with false, as is the booking that already has
// r.IdempotencyKey. A hold that lapsed is booked when its slot is still free, and otherwise
// gives an error wrapping ErrSlotTaken. A hold of another contact, or a cancelled one, gives an
// error wrapping ErrNotFound. On any error the transaction is left as it was before the call.
func (tx *Tx) ConfirmHold(ctx context.Context, r ConfirmRequest) (Booking, bool, error) {
	var (
		out     Booking
		created bool
	)
	err := tx.savepoint(ctx, func() error {
		hold, err := tx.GetBooking(ctx, r.BusinessID, r.HoldID)
		if err != nil {
			return err
		}
		if hold.ContactID != r.ContactID {
			return fmt.Errorf("the hold belongs to another contact: %w", ErrNotFound)
		}
		cal, err := tx.LockCalendar(ctx, r.BusinessID, hold.CalendarID)
		if err != nil {
			return err
		}
		if existing, found, err := tx.bookingWithKey(ctx, r.IdempotencyKey); err != nil || found {
			out = existing
			return err
		}
		// Read again: another transaction may have changed it before the lock was taken.
		if hold, err = tx.GetBooking(ctx, r.BusinessID, r.HoldID); err != nil {
			return err
		}
		switch hold.State {
		case BookingBooked:
			out = hold
			return nil
		case BookingCancelled:
			return fmt.Errorf("the hold was cancelled: %w", ErrNotFound)
		}
		if !hold.Live(tx.Now()) {
			// The lapsed hold no longer counts, so this checks the slot against everybody else.
			if err := tx.checkFree(ctx, cal, hold.Start, hold.End); err != nil {
				return err
			}
		}
		row, err := tx.q.ConfirmBooking(ctx, dbsqlc.ConfirmBookingParams{
			Name: r.Name, Email: r.Email, Notes: r.Notes, IdempotencyKey: nullString(r.IdempotencyKey),
			Now: tx.Now(), BusinessID: int64(r.BusinessID), ID: int64(r.HoldID),
		})
		if err != nil {
			return liveSlotConflict(err)
		}
		out, created = bookingFromRow(row), true
		return nil
	})
	if err != nil {
		return Booking{}, false, fmt.Errorf("confirm hold %d: %w", r.HoldID, err)
	}
	return out, created, nil
}

// RescheduleBooking cancels a booking and books its contact into another slot of the same
// calendar, in one step under the calendar's lock. The old slot no longer counts when the new one
// is checked, so a booking can move by less than its length. It returns the new booking and
// true, or the booking that already has r.IdempotencyKey and false. When the new slot is taken
// it returns an error wrapping ErrSlotTaken and the old booking stays. A booking that is not
// booked (held, cancelled or expired) gives an error wrapping ErrNotFound.
func (tx *Tx) RescheduleBooking(ctx context.Context, r RescheduleRequest) (Booking, bool, error) {
	operation := fmt.Sprintf("reschedule booking %d to %s", r.BookingID, r.Start.UTC().Format(time.RFC3339))
	if !r.End.After(r.Start) {
		return Booking{}, false, fmt.Errorf("%s: the end must be after the start", operation)
	}
	var (
		out     Booking
		created bool
	)
	err := tx.savepoint(ctx, func() error {
		old, err := tx.GetBooking(ctx, r.BusinessID, r.BookingID)
		if err != nil {
			return err
		}
		cal, err := tx.LockCalendar(ctx, r.BusinessID, old.CalendarID)
		if err != nil {
			return err
		}
		if existing, found, err := tx.bookingWithKey(ctx, r.IdempotencyKey); err != nil || found {
			out = existing
			return err
		}
		_, cancelled, err := tx.cancel(ctx, r.BusinessID, r.BookingID, BookingBooked)
		if err != nil {
			return err
		}
		if !cancelled {
			return fmt.Errorf("only a booked booking can be rescheduled: %w", ErrNotFound)
		}
		if err := tx.checkFree(ctx, cal, r.Start, r.End); err != nil {
			return err
		}
		row, err := tx.q.InsertBooking(ctx, dbsqlc.InsertBookingParams{
			BusinessID: int64(r.BusinessID), CalendarID: int64(old.CalendarID), ContactID: int64(old.ContactID),
			StartsAt: ts(r.Start), EndsAt: ts(r.End), State: string(BookingBooked), Source: string(old.Source),
			Name: old.Name, Email: old.Email, Notes: old.Notes, IdempotencyKey: nullString(r.IdempotencyKey),
			ReplacesID: nullInt(int64(old.ID)), CreatedAt: tx.Now(),
		})
		if errors.Is(err, sql.ErrNoRows) && r.IdempotencyKey != "" {
			// A booking of another calendar took the key meanwhile. The cancellation above must
			// not stay, so the savepoint is rolled back before that booking is returned.
			return errKeyTaken
		}
		if err != nil {
			return liveSlotConflict(err)
		}
		out, created = bookingFromRow(row), true
		return nil
	})
	if errors.Is(err, errKeyTaken) {
		existing, _, err := tx.bookingWithKey(ctx, r.IdempotencyKey)
		if err != nil {
			return Booking{}, false, fmt.Errorf("%s: %w", operation, err)
		}
		return existing, false, nil
	}
	if err != nil {
		return Booking{}, false, fmt.Errorf("%s: %w", operation, err)
	}
	return out, created, nil
}

// errKeyTaken signals inside RescheduleBooking that another booking took its idempotency key.
var errKeyTaken = errors.New("idempotency key taken")

// CancelBooking cancels a hold or a booking, which frees its slot at once, and reports whether
// it changed anything: cancelling a booking that is already cancelled or expired returns it as it
// is, with false.
func (o ops) CancelBooking(ctx context.Context, business BusinessID, id BookingID) (Booking, bool, error) {
	b, changed, err := o.cancel(ctx, business, id, BookingHeld, BookingBooked)
	if err != nil {
		return Booking{}, false, fmt.Errorf("cancel booking %d: %w", id, err)
	}
	return b, changed, nil
}

// cancel cancels the booking when it is in one of states.
func (o ops) cancel(
	ctx context.Context, business BusinessID, id BookingID, states ...BookingState,
) (Booking, bool, error) {
	current, err := o.GetBooking(ctx, business, id)
	if err != nil {
		return Booking{}, false, err
	}
	matches := false
	for _, s := range states {
		matches = matches || current.State == s
	}
	if !matches {
		return current, false, nil
	}
	row, err := o.q.CancelBooking(ctx, dbsqlc.CancelBookingParams{
		Now: nullTime(o.Now()), BusinessID: int64(business), ID: int64(id),
	})
	if errors.Is(err, sql.ErrNoRows) {
		// Another transaction cancelled it between the two statements.
		current, err = o.GetBooking(ctx, business, id)
		return current, false, err
	}
	if err != nil {
		return Booking{}, false, err
	}
	return bookingFromRow(row), true, nil
}

// ReleaseHolds lets go of every hold the contact has with the business and returns how many.
func (o ops) ReleaseHolds(ctx context.Context, business BusinessID, contact ContactID) (int64, error) {
	n, err := o.q.ReleaseContactHolds(ctx, dbsqlc.ReleaseContactHoldsParams{
		Now: o.Now(), BusinessID: int64(business), ContactID: int64(contact),
	})
	if err != nil {
		return 0, fmt.Errorf("release holds of contact %d: %w", contact, err)
	}
	return n, nil
}

// GetBooking returns the business's booking with id, or an error wrapping ErrNotFound.
func (o ops) GetBooking(ctx context.Context, business BusinessID, id BookingID) (Booking, error) {
	row, err := o.q.GetBooking(ctx, dbsqlc.GetBookingParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Booking{}, notFound(err, "get booking %d of business %d", id, business)
	}
	return bookingFromRow(row), nil
}

// GetBookingByIdempotencyKey returns the booking made with key, or an error wrapping ErrNotFound.
func (o ops) GetBookingByIdempotencyKey(ctx context.Context, key string) (Booking, error) {
	row, err := o.q.GetBookingByIdempotencyKey(ctx, nullString(key))
	if err != nil {
		return Booking{}, notFound(err, "get booking with idempotency key %q", key)
	}
	return bookingFromRow(row), nil
}

// ListLiveBookings returns the calendar's bookings and valid holds that overlap [from, to), by
// start. Lapsed holds are left out even before anything marks them expired.
func (o ops) ListLiveBookings(ctx context.Context, calendar CalendarID, from, to time.Time) ([]Booking, error) {
	rows, err := o.q.ListLiveBookings(ctx, dbsqlc.ListLiveBookingsParams{
		CalendarID: int64(calendar), Now: nullTime(o.Now()), WindowStart: ts(from), WindowEnd: ts(to),
	})
	if err != nil {
		return nil, fmt.Errorf("list bookings of calendar %d: %w", calendar, err)
	}
	return bookingsFromRows(rows), nil
}

// ListContactBookings returns every booking and hold of the contact, in any state, by start.
func (o ops) ListContactBookings(ctx context.Context, business BusinessID, contact ContactID) ([]Booking, error) {
	rows, err := o.q.ListContactBookings(ctx, dbsqlc.ListContactBookingsParams{
		BusinessID: int64(business), ContactID: int64(contact),
	})
	if err != nil {
		return nil, fmt.Errorf("list bookings of contact %d: %w", contact, err)
	}
	return bookingsFromRows(rows), nil
}

// ListFeedBookings returns the calendar's bookings (not holds, not cancelled) that end after
// since, by start, with their contacts' numbers.
func (o ops) ListFeedBookings(ctx context.Context, calendar CalendarID, since time.Time) ([]FeedBooking, error) {
	rows, err := o.q.ListFeedBookings(ctx, dbsqlc.ListFeedBookingsParams{CalendarID: int64(calendar), Since: ts(since)})
	if err != nil {
		return nil, fmt.Errorf("list feed of calendar %d: %w", calendar, err)
	}
	out := make([]FeedBooking, len(rows))
	for i, row := range rows {
		out[i] = FeedBooking{Booking: bookingFromRow(row.Booking), ContactE164: row.ContactE164}
	}
	return out, nil
}

// checkFree returns an error wrapping ErrSlotTaken when [start, end) overlaps a live booking of
// the calendar, buffers included, or ErrDayFull when its local date is full. It expires the
// calendar's lapsed holds first, so that they no longer block any slot.
func (tx *Tx) checkFree(ctx context.Context, cal Calendar, start, end time.Time) error {
	now := tx.Now()
	if _, err := tx.q.ExpireHolds(ctx, dbsqlc.ExpireHoldsParams{Now: now, CalendarID: int64(cal.ID)}); err != nil {
		return fmt.Errorf("expire lapsed holds: %w", err)
	}

	// Each booking keeps [start-BufferBefore, end+BufferAfter) to itself. Two such intervals
	// overlap exactly when the bookings themselves come closer than the two buffers together.
	gap := cal.BufferBefore + cal.BufferAfter
	n, err := tx.q.CountOverlappingBookings(ctx, dbsqlc.CountOverlappingBookingsParams{
		CalendarID: int64(cal.ID), Before: ts(end.Add(gap)), After: ts(start.Add(-gap)),
	})
	if err != nil {
		return fmt.Errorf("check overlapping bookings: %w", err)
	}
	if n > 0 {
		return ErrSlotTaken
	}

	if cal.MaxPerDay == 0 {
		return nil
	}
	loc, err := cal.Location()
	if err != nil {
		return err
	}
	y, m, d := start.In(loc).Date()
	n, err = tx.q.CountBookingsStarting(ctx, dbsqlc.CountBookingsStartingParams{
		CalendarID:  int64(cal.ID),
		WindowStart: ts(tz.StartOfDay(y, m, d, loc)),
		WindowEnd:   ts(tz.StartOfDay(y, m, d+1, loc)),
	})
	if err != nil {
		return fmt.Errorf("count bookings of the day: %w", err)
	}
	if n >= int64(cal.MaxPerDay) {
		return ErrDayFull
	}
	return nil
}

// bookingWithKey returns the booking with the idempotency key and true, or false when there is
// none or key is "".
func (tx *Tx) bookingWithKey(ctx context.Context, key string) (Booking, bool, error) {
	if key == "" {
		return Booking{}, false, nil
	}
	b, err := tx.GetBookingByIdempotencyKey(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return Booking{}, false, nil
	}
	return b, err == nil, err
}

// savepoint runs fn inside a savepoint and rolls back to it when fn fails, so that a failed step,
// even a constraint violation on PostgreSQL, leaves the transaction usable and as it was.
func (tx *Tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := tx.tx.ExecContext(ctx, "SAVEPOINT booking"); err != nil {
		return fmt.Errorf("create savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := tx.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT booking"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rbErr))
		}
		if _, relErr := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT booking"); relErr != nil {
			return errors.Join(err, fmt.Errorf("release savepoint: %w", relErr))
		}
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, "RELEASE SAVEPOINT booking"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// liveSlotIndex is the unique index that keeps two live bookings of a calendar from starting at
// the same instant.
const liveSlotIndex = "bookings_live_slot"

// liveSlotConflict turns a violation of liveSlotIndex into ErrSlotTaken and returns other errors
// unchanged.
func liveSlotConflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == liveSlotIndex {
		return fmt.Errorf("%w (%s)", ErrSlotTaken, liveSlotIndex)
	}
	var liteErr *sqlite.Error
	// SQLite names the columns, not the index.
	if errors.As(err, &liteErr) && liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE &&
		strings.Contains(liteErr.Error(), "bookings.calendar_id, bookings.starts_at") {
		return fmt.Errorf("%w (%s)", ErrSlotTaken, liveSlotIndex)
	}
	return err
}

func (r SlotRequest) validate() error {
	switch {
	case r.BusinessID == 0 || r.CalendarID == 0 || r.ContactID == 0:
		return errors.New("missing business, calendar or contact")
	case !r.End.After(r.Start):
		return errors.New("the end must be after the start")
	case r.Source != BookingSourceSMS && r.Source != BookingSourcePage:
		return fmt.Errorf("invalid source %q: use %q or %q", r.Source, BookingSourceSMS, BookingSourcePage)
	}
	return nil
}

func verbOf(state BookingState) string {
	if state == BookingHeld {
		return "hold"
	}
	return "book"
}

func bookingsFromRows(rows []dbsqlc.Booking) []Booking {
	out := make([]Booking, len(rows))
	for i, row := range rows {
		out[i] = bookingFromRow(row)
	}
	return out
}

func bookingFromRow(row dbsqlc.Booking) Booking {
	return Booking{
		ID:             BookingID(row.ID),
		BusinessID:     BusinessID(row.BusinessID),
		CalendarID:     CalendarID(row.CalendarID),
		ContactID:      ContactID(row.ContactID),
		Start:          row.StartsAt.UTC(),
		End:            row.EndsAt.UTC(),
		State:          BookingState(row.State),
		HoldExpiresAt:  timeOf(row.HoldExpiresAt),
		Source:         BookingSource(row.Source),
		Name:           row.Name,
		Email:          row.Email,
		Notes:          row.Notes,
		IdempotencyKey: row.IdempotencyKey.String,
		ReplacesID:     BookingID(row.ReplacesID.Int64),
		CreatedAt:      row.CreatedAt.UTC(),
		UpdatedAt:      row.UpdatedAt.UTC(),
		CancelledAt:    timeOf(row.CancelledAt),
	}
}
