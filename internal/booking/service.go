package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/tz"
)

// DefaultHoldFor is how long Offer holds each slot it offers: time for a lead to read a text and
// reply to it, short enough that an offer left without a reply soon frees the slot for others.
const DefaultHoldFor = 10 * time.Minute

// DefaultCount is how many slots Offer offers, and how many alternatives a lost slot gets, when
// the request leaves the number at zero.
const DefaultCount = 3

// searchWindow is how much of the calendars Offer reads at a time.
const searchWindow = 7 * 24 * time.Hour

// ErrSlotTaken is the store's error for a slot that is no longer free. Book and Reschedule
// return it inside a *TakenError, which carries the next free slots.
var ErrSlotTaken = store.ErrSlotTaken

// ErrNotASlot is returned when a time asked for is not a slot of the calendar: off the slot grid,
// outside the hours, closed, too soon or beyond the horizon.
var ErrNotASlot = errors.New("not a bookable slot of the calendar")

// TakenError is returned when the slot was taken first, or its day filled up. It wraps
// store.ErrSlotTaken (and store.ErrDayFull for a full day).
type TakenError struct {
	// Alternatives are the next free slots. Those for a booking made by text are held for the
	// contact, as Offer holds them, and those for a page booking are not held.
	Alternatives []Offer
	err          error
}

func (e *TakenError) Error() string { return e.err.Error() }
func (e *TakenError) Unwrap() error { return e.err }

// Change is what happened to a booking.
type Change string

// Changes passed to Options.OnChange.
const (
	Booked      Change = "booked"
	Rescheduled Change = "rescheduled"
	Cancelled   Change = "cancelled"
)

// ChangeFunc runs in the transaction that makes a change, so that what follows from it (the
// confirmation text, reminders, stopping follow-ups) commits with the change or not at all. A
// repeated request that changes nothing does not call it.
type ChangeFunc func(ctx context.Context, tx *store.Tx, b store.Booking, change Change) error

// Options configures a Service.
type Options struct {
	// HoldFor is how long offered slots are held; DefaultHoldFor when zero.
	HoldFor time.Duration
	// OnChange, when set, runs for each new, moved or cancelled booking. Its error undoes the
	// change.
	OnChange ChangeFunc
}

// Service offers, holds, books, cancels and reschedules slots. It reads the time from the
// store's clock, so that holds and their expiry agree. It is safe for concurrent use.
type Service struct {
	store    *store.Store
	holdFor  time.Duration
	onChange ChangeFunc
}

// New returns a Service on s.
func New(s *store.Store, opts Options) *Service {
	if opts.HoldFor <= 0 {
		opts.HoldFor = DefaultHoldFor
	}
	if opts.OnChange == nil {
		opts.OnChange = func(context.Context, *store.Tx, store.Booking, Change) error { return nil }
	}
	return &Service{store: s, holdFor: opts.HoldFor, onChange: opts.OnChange}
}

// OfferRequest describes the slots to offer a contact by text.
type OfferRequest struct {
	BusinessID store.BusinessID
	ContactID  store.ContactID
	// Calendars are searched together. Calendars without hours are skipped. When two calendars
	// have a slot at the same time, it is offered once, from the one listed first.
	Calendars []store.Calendar
	// Count is how many slots to offer; DefaultCount when zero.
	Count int
	// After, when set, skips slots that start before it, as for "anything later?".
	After time.Time
	// Before, when set, skips slots that start at or after it.
	Before time.Time
	// Match, when set, skips the slots it returns false for, as for "Thursday morning".
	Match func(Slot) bool
	// Skip lists slot starts not to offer, such as a slot the lead turned down.
	Skip []time.Time
}

// skips reports whether r leaves out the slot.
func (r OfferRequest) skips(slot Slot) bool {
	if r.Match != nil && !r.Match(slot) {
		return true
	}
	for _, t := range r.Skip {
		if t.Equal(slot.Start) {
			return true
		}
	}
	return false
}

// Offer is a slot offered to a contact, with the hold that keeps it for them.
type Offer struct {
	Slot Slot
	// Hold is the hold on the slot, or the zero Booking when the slot was not held.
	Hold store.Booking
}

// Offer finds the next free slots across the calendars and holds each for the contact for
// HoldFor, so that they are still free when the lead replies. It first releases the contact's
// earlier holds. It returns fewer slots than asked, or none, when the calendars have no more
// before their horizons. Holds are made with source sms.
//
// NOTE: when a database error stops it halfway, the holds already made stay until they lapse.
func (s *Service) Offer(ctx context.Context, r OfferRequest) ([]Offer, error) {
	if _, err := s.store.ReleaseHolds(ctx, r.BusinessID, r.ContactID); err != nil {
		return nil, err
	}
	return s.find(ctx, s.store, r, s.hold)
}

// OfferTx is Offer inside tx: the holds, and the release of the contact's earlier ones, commit
// with tx. It first locks r.Calendars in the order of their ids, so that two transactions that
// offer from the same calendars cannot lock them in opposite orders.
func (s *Service) OfferTx(ctx context.Context, tx *store.Tx, r OfferRequest) ([]Offer, error) {
	if err := lockCalendars(ctx, tx, r.BusinessID, r.Calendars); err != nil {
		return nil, err
	}
	if _, err := tx.ReleaseHolds(ctx, r.BusinessID, r.ContactID); err != nil {
		return nil, err
	}
	return s.find(ctx, tx, r, s.holdIn(tx))
}

// reader reads the time and the live bookings, from the store or inside a transaction.
type reader interface {
	Now() time.Time
	ListLiveBookings(ctx context.Context, calendar store.CalendarID, from, to time.Time) ([]store.Booking, error)
}

// holdFunc holds a slot for the contact of r.
type holdFunc func(ctx context.Context, r OfferRequest, slot Slot) (store.Booking, error)

// find returns the next r.Count free slots across r.Calendars, holding each with hold unless it
// is nil.
func (s *Service) find(ctx context.Context, src reader, r OfferRequest, hold holdFunc) ([]Offer, error) {
	count := r.Count
	if count <= 0 {
		count = DefaultCount
	}
	now := src.Now()
	cursor := later(now, r.After)
	limit := now
	for _, cal := range r.Calendars {
		limit = later(limit, now.Add(cal.Horizon))
	}
	if !r.Before.IsZero() {
		limit = earlier(limit, r.Before)
	}
	var out []Offer
	offered := map[int64]bool{}    // slot starts in Unix microseconds
	fullDays := map[fullDay]bool{} // calendar days that filled up while holding
	for len(out) < count && cursor.Before(limit) {
		windowEnd := earlier(cursor.Add(searchWindow), limit)
		candidates, err := s.candidatesFrom(ctx, src, r.Calendars, now, cursor, windowEnd)
		if err != nil {
			return out, err
		}
		for _, c := range candidates {
			if len(out) == count {
				break
			}
			day := fullDay{c.CalendarID, c.Start.In(c.Location).Format(store.DateLayout)}
			if offered[c.Start.UnixMicro()] || fullDays[day] || r.skips(c) {
				continue
			}
			offer := Offer{Slot: c}
			if hold != nil {
				offer.Hold, err = hold(ctx, r, c)
				switch {
				case errors.Is(err, store.ErrDayFull):
					fullDays[day] = true
					continue
				case errors.Is(err, store.ErrSlotTaken):
					continue
				case err != nil:
					return out, err
				}
			}
			offered[c.Start.UnixMicro()] = true
			out = append(out, offer)
		}
		cursor = windowEnd
	}
	return out, nil
}

// fullDay is a local date of a calendar.
type fullDay struct {
	calendar store.CalendarID
	date     string
}

// candidates returns the free slots of every bookable calendar that start in [from, to), by
// start, with the calendars' order kept among equal starts.
func (s *Service) candidates(ctx context.Context, calendars []store.Calendar, now, from, to time.Time) ([]Slot, error) {
	return s.candidatesFrom(ctx, s.store, calendars, now, from, to)
}

// candidatesFrom is candidates with the bookings read from src.
func (s *Service) candidatesFrom(
	ctx context.Context, src reader, calendars []store.Calendar, now, from, to time.Time,
) ([]Slot, error) {
	var out []Slot
	for _, cal := range calendars {
		if !cal.Bookable() {
			continue
		}
		busy, err := busyIn(ctx, src, cal, from, to)
		if err != nil {
			return nil, err
		}
		slots, err := Slots(cal, busy, now, from, to, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, slots...)
	}
	slices.SortStableFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// busyIn returns the calendar's live bookings that matter to slots starting in [from, to): those
// within the buffers of the window, and the others of its local dates, for the daily limit.
func busyIn(ctx context.Context, src reader, cal store.Calendar, from, to time.Time) ([]Interval, error) {
	loc, err := cal.Location()
	if err != nil {
		return nil, err
	}
	gap := cal.BufferBefore + cal.BufferAfter
	fy, fm, fd := from.In(loc).Date()
	ty, tm, td := to.In(loc).Date()
	start := tz.StartOfDay(fy, fm, fd, loc).Add(-gap)
	end := tz.StartOfDay(ty, tm, td+1, loc).Add(cal.SlotLength + gap)
	bookings, err := src.ListLiveBookings(ctx, cal.ID, start, end)
	if err != nil {
		return nil, err
	}
	return BusyOf(bookings), nil
}

// hold holds a slot in a transaction of its own.
func (s *Service) hold(ctx context.Context, r OfferRequest, slot Slot) (store.Booking, error) {
	var reserved store.Booking
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		reserved, err = s.holdIn(tx)(ctx, r, slot)
		return err
	})
	return reserved, err
}

// holdIn returns a holdFunc that holds slots inside tx.
func (s *Service) holdIn(tx *store.Tx) holdFunc {
	return func(ctx context.Context, r OfferRequest, slot Slot) (store.Booking, error) {
		reserved, _, err := tx.HoldSlot(ctx, store.SlotRequest{
			BusinessID: r.BusinessID, CalendarID: slot.CalendarID, ContactID: r.ContactID,
			Start: slot.Start, End: slot.End, HoldUntil: tx.Now().Add(s.holdFor), Source: store.BookingSourceSMS,
		})
		return reserved, err
	}
}

// lockCalendars locks the calendars in the order of their ids.
func lockCalendars(ctx context.Context, tx *store.Tx, business store.BusinessID, calendars []store.Calendar) error {
	ids := make([]store.CalendarID, 0, len(calendars))
	for _, cal := range calendars {
		ids = append(ids, cal.ID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if _, err := tx.LockCalendar(ctx, business, id); err != nil {
			return err
		}
	}
	return nil
}

// BookRequest is a request to book a slot for a contact, from a hold or directly.
type BookRequest struct {
	BusinessID store.BusinessID
	ContactID  store.ContactID
	// HoldID is a hold from Offer. When it is zero, Calendar and Start name the slot to book
	// directly, as the booking page does.
	HoldID   store.BookingID
	Calendar store.Calendar
	Start    time.Time
	// Source is the channel of the booking. A confirmed hold keeps the source it was made with.
	Source store.BookingSource
	Name   string
	Email  string
	Notes  string
	// IdempotencyKey makes a retried request return the first one's booking, such as
	// "sms:<provider message id>" for a reply or a form token for the page.
	IdempotencyKey string
	// Alternatives is how many other slots a lost slot gets; DefaultCount when zero.
	Alternatives int
	// Calendars are searched for alternatives; the slot's own calendar when empty.
	Calendars []store.Calendar
}

// Book confirms the contact's hold, or books a free slot directly, and returns the booking and
// whether this call made it. Confirming a hold releases the contact's other holds. A repeated
// request (the same idempotency key, or a hold already confirmed) returns the booking made
// before and false, so that no second confirmation goes out.
//
// When the slot is no longer free it returns a *TakenError with the next free slots. A direct
// booking of a time that is not a slot of the calendar gives ErrNotASlot, and a hold that is
// not the contact's, or was cancelled, an error wrapping store.ErrNotFound.
func (s *Service) Book(ctx context.Context, r BookRequest) (store.Booking, bool, error) {
	alternatives := OfferRequest{
		BusinessID: r.BusinessID, ContactID: r.ContactID, Calendars: r.Calendars, Count: r.Alternatives,
	}
	if r.HoldID == 0 {
		booked, created, err := s.bookDirect(ctx, r)
		if errors.Is(err, store.ErrSlotTaken) {
			alternatives.Calendars = calendarsOr(r.Calendars, r.Calendar)
			return store.Booking{}, false, s.taken(ctx, err, alternatives, r.Source)
		}
		return booked, created, err
	}
	booked, created, err := s.confirm(ctx, r)
	if !errors.Is(err, store.ErrSlotTaken) {
		return booked, created, err
	}
	hold, getErr := s.store.GetBooking(ctx, r.BusinessID, r.HoldID)
	if getErr != nil {
		return store.Booking{}, false, errors.Join(err, getErr)
	}
	cal, getErr := s.store.GetCalendar(ctx, r.BusinessID, hold.CalendarID)
	if getErr != nil {
		return store.Booking{}, false, errors.Join(err, getErr)
	}
	alternatives.Calendars = calendarsOr(r.Calendars, cal)
	return store.Booking{}, false, s.taken(ctx, err, alternatives, hold.Source)
}

// BookTx is Book inside tx: the booking, what OnChange does, and the holds on the alternatives of
// a slot that was taken commit with tx. A *TakenError leaves tx usable, so that the caller can
// tell the lead and commit the alternatives' holds. It first locks r.Calendars in the order of
// their ids, as OfferTx does.
func (s *Service) BookTx(ctx context.Context, tx *store.Tx, r BookRequest) (store.Booking, bool, error) {
	if err := lockCalendars(ctx, tx, r.BusinessID, r.Calendars); err != nil {
		return store.Booking{}, false, err
	}
	alternatives := OfferRequest{
		BusinessID: r.BusinessID, ContactID: r.ContactID, Calendars: r.Calendars, Count: r.Alternatives,
	}
	if r.HoldID == 0 {
		slot, err := s.directSlot(r)
		if err != nil {
			return store.Booking{}, false, err
		}
		booked, created, err := s.bookDirectIn(ctx, tx, r, slot)
		if errors.Is(err, store.ErrSlotTaken) {
			alternatives.Calendars = calendarsOr(r.Calendars, r.Calendar)
			return store.Booking{}, false, s.takenIn(ctx, tx, err, alternatives, r.Source)
		}
		return booked, created, err
	}
	booked, created, err := s.confirmIn(ctx, tx, r)
	if !errors.Is(err, store.ErrSlotTaken) {
		return booked, created, err
	}
	hold, getErr := tx.GetBooking(ctx, r.BusinessID, r.HoldID)
	if getErr != nil {
		return store.Booking{}, false, errors.Join(err, getErr)
	}
	cal, getErr := tx.GetCalendar(ctx, r.BusinessID, hold.CalendarID)
	if getErr != nil {
		return store.Booking{}, false, errors.Join(err, getErr)
	}
	alternatives.Calendars = calendarsOr(r.Calendars, cal)
	return store.Booking{}, false, s.takenIn(ctx, tx, err, alternatives, hold.Source)
}

func (s *Service) confirm(ctx context.Context, r BookRequest) (store.Booking, bool, error) {
	var (
		booked  store.Booking
		created bool
	)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		booked, created, err = s.confirmIn(ctx, tx, r)
		return err
	})
	return booked, created, err
}

func (s *Service) confirmIn(ctx context.Context, tx *store.Tx, r BookRequest) (store.Booking, bool, error) {
	booked, created, err := tx.ConfirmHold(ctx, store.ConfirmRequest{
		BusinessID: r.BusinessID, HoldID: r.HoldID, ContactID: r.ContactID,
		Name: r.Name, Email: r.Email, Notes: r.Notes, IdempotencyKey: r.IdempotencyKey,
	})
	if err != nil || !created {
		return booked, created, err
	}
	// The other slots offered with this one are not needed any more.
	if _, err := tx.ReleaseHolds(ctx, r.BusinessID, r.ContactID); err != nil {
		return store.Booking{}, false, err
	}
	return booked, created, s.onChange(ctx, tx, booked, Booked)
}

func (s *Service) bookDirect(ctx context.Context, r BookRequest) (store.Booking, bool, error) {
	slot, err := s.directSlot(r)
	if err != nil {
		return store.Booking{}, false, err
	}
	var (
		booked  store.Booking
		created bool
	)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		booked, created, err = s.bookDirectIn(ctx, tx, r, slot)
		return err
	})
	return booked, created, err
}

// directSlot returns the slot that a direct booking request names.
func (s *Service) directSlot(r BookRequest) (Slot, error) {
	if r.Calendar.ID == 0 || r.Calendar.BusinessID != r.BusinessID {
		return Slot{}, fmt.Errorf("book slot for contact %d: missing hold, or calendar of business %d",
			r.ContactID, r.BusinessID)
	}
	return s.slotAt(r.Calendar, r.Start)
}

func (s *Service) bookDirectIn(ctx context.Context, tx *store.Tx, r BookRequest, slot Slot) (store.Booking, bool, error) {
	booked, created, err := tx.BookSlot(ctx, store.SlotRequest{
		BusinessID: r.BusinessID, CalendarID: r.Calendar.ID, ContactID: r.ContactID,
		Start: slot.Start, End: slot.End, Source: r.Source,
		Name: r.Name, Email: r.Email, Notes: r.Notes, IdempotencyKey: r.IdempotencyKey,
	})
	if err != nil || !created {
		return booked, created, err
	}
	return booked, created, s.onChange(ctx, tx, booked, Booked)
}

// Cancel cancels a hold or a booking, which frees its slot at once, and reports whether it
// changed anything.
func (s *Service) Cancel(
	ctx context.Context, business store.BusinessID, id store.BookingID,
) (store.Booking, bool, error) {
	var (
		cancelled store.Booking
		changed   bool
	)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		cancelled, changed, err = s.CancelTx(ctx, tx, business, id)
		return err
	})
	return cancelled, changed, err
}

// CancelTx is Cancel inside tx.
func (s *Service) CancelTx(
	ctx context.Context, tx *store.Tx, business store.BusinessID, id store.BookingID,
) (store.Booking, bool, error) {
	prior, err := tx.GetBooking(ctx, business, id)
	if err != nil {
		return store.Booking{}, false, err
	}
	cancelled, changed, err := tx.CancelBooking(ctx, business, id)
	// Releasing a hold tells nobody anything: only a booking that was made counts.
	if err != nil || !changed || prior.State != store.BookingBooked {
		return cancelled, changed, err
	}
	return cancelled, changed, s.onChange(ctx, tx, cancelled, Cancelled)
}

// RescheduleRequest is a request to move a booking to another slot of its calendar.
type RescheduleRequest struct {
	BusinessID     store.BusinessID
	BookingID      store.BookingID
	Start          time.Time
	IdempotencyKey string
	// Alternatives is how many other slots a lost slot gets; DefaultCount when zero.
	Alternatives int
}

// Reschedule books the booking's contact into the slot at r.Start of the same calendar and
// cancels the old booking, in one transaction. It returns the new booking, which names the old
// one in ReplacesID, and whether this call made it. When the new slot is taken it returns a
// *TakenError with the next free slots, and the old booking stays. A time that is not a slot of
// the calendar gives ErrNotASlot.
func (s *Service) Reschedule(ctx context.Context, r RescheduleRequest) (store.Booking, bool, error) {
	old, err := s.store.GetBooking(ctx, r.BusinessID, r.BookingID)
	if err != nil {
		return store.Booking{}, false, err
	}
	cal, err := s.store.GetCalendar(ctx, r.BusinessID, old.CalendarID)
	if err != nil {
		return store.Booking{}, false, err
	}
	slot, err := s.slotAt(cal, r.Start)
	if err != nil {
		return store.Booking{}, false, err
	}
	var (
		moved   store.Booking
		created bool
	)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		moved, created, err = s.rescheduleIn(ctx, tx, r, slot)
		return err
	})
	if errors.Is(err, store.ErrSlotTaken) {
		alternatives := OfferRequest{
			BusinessID: r.BusinessID, ContactID: old.ContactID, Calendars: []store.Calendar{cal}, Count: r.Alternatives,
		}
		return store.Booking{}, false, s.taken(ctx, err, alternatives, old.Source)
	}
	return moved, created, err
}

// RescheduleTx is Reschedule inside tx. A *TakenError leaves tx usable, with the alternatives of
// a booking made by text held in it, as BookTx does.
func (s *Service) RescheduleTx(ctx context.Context, tx *store.Tx, r RescheduleRequest) (store.Booking, bool, error) {
	old, err := tx.GetBooking(ctx, r.BusinessID, r.BookingID)
	if err != nil {
		return store.Booking{}, false, err
	}
	cal, err := tx.GetCalendar(ctx, r.BusinessID, old.CalendarID)
	if err != nil {
		return store.Booking{}, false, err
	}
	slot, err := s.slotAt(cal, r.Start)
	if err != nil {
		return store.Booking{}, false, err
	}
	moved, created, err := s.rescheduleIn(ctx, tx, r, slot)
	if errors.Is(err, store.ErrSlotTaken) {
		alternatives := OfferRequest{
			BusinessID: r.BusinessID, ContactID: old.ContactID, Calendars: []store.Calendar{cal}, Count: r.Alternatives,
			Skip: []time.Time{old.Start},
		}
		return store.Booking{}, false, s.takenIn(ctx, tx, err, alternatives, old.Source)
	}
	return moved, created, err
}

func (s *Service) rescheduleIn(ctx context.Context, tx *store.Tx, r RescheduleRequest, slot Slot) (store.Booking, bool, error) {
	moved, created, err := tx.RescheduleBooking(ctx, store.RescheduleRequest{
		BusinessID: r.BusinessID, BookingID: r.BookingID, Start: slot.Start, End: slot.End,
		IdempotencyKey: r.IdempotencyKey,
	})
	if err != nil || !created {
		return moved, created, err
	}
	return moved, created, s.onChange(ctx, tx, moved, Rescheduled)
}

// slotAt returns the calendar's slot that starts at start, ignoring other bookings, or an error
// wrapping ErrNotASlot.
func (s *Service) slotAt(cal store.Calendar, start time.Time) (Slot, error) {
	slots, err := Slots(cal, nil, s.store.Now(), start, start.Add(cal.SlotLength), 1)
	if err != nil {
		return Slot{}, err
	}
	if len(slots) == 0 || !slots[0].Start.Equal(start) {
		return Slot{}, fmt.Errorf("%s in calendar %s: %w", start.UTC().Format(time.RFC3339), cal.Slug, ErrNotASlot)
	}
	return slots[0], nil
}

// taken returns a *TakenError for err with the free slots that r finds. Slots for a booking
// made by text are held for the contact, as Offer holds them.
func (s *Service) taken(ctx context.Context, err error, r OfferRequest, source store.BookingSource) error {
	var (
		alternatives []Offer
		findErr      error
	)
	if source == store.BookingSourceSMS {
		alternatives, findErr = s.Offer(ctx, r)
	} else {
		alternatives, findErr = s.find(ctx, s.store, r, nil)
	}
	return takenError(err, alternatives, findErr)
}

// takenIn is taken inside tx.
func (s *Service) takenIn(ctx context.Context, tx *store.Tx, err error, r OfferRequest, source store.BookingSource) error {
	var (
		alternatives []Offer
		findErr      error
	)
	if source == store.BookingSourceSMS {
		alternatives, findErr = s.OfferTx(ctx, tx, r)
	} else {
		alternatives, findErr = s.find(ctx, tx, r, nil)
	}
	return takenError(err, alternatives, findErr)
}

func takenError(err error, alternatives []Offer, findErr error) error {
	if findErr != nil {
		err = fmt.Errorf("%w (and finding alternatives failed: %w)", err, findErr)
	}
	return &TakenError{Alternatives: alternatives, err: err}
}

func calendarsOr(calendars []store.Calendar, fallback store.Calendar) []store.Calendar {
	if len(calendars) > 0 {
		return calendars
	}
	if fallback.ID == 0 {
		return nil
	}
	return []store.Calendar{fallback}
}
