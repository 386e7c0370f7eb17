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
	return s.find(ctx, r, true)
}

// find returns the next r.Count free slots across r.Calendars, holding each when hold is set.
func (s *Service) find(ctx context.Context, r OfferRequest, hold bool) ([]Offer, error) {
	count := r.Count
	if count <= 0 {
		count = DefaultCount
	}
	now := s.store.Now()
	cursor := later(now, r.After)
	limit := now
	for _, cal := range r.Calendars {
		limit = later(limit, now.Add(cal.Horizon))
	}
	var out []Offer
	offered := map[int64]bool{}    // slot starts in Unix microseconds
	fullDays := map[fullDay]bool{} // calendar days that filled up while holding
	for len(out) < count && cursor.Before(limit) {
		windowEnd := earlier(cursor.Add(searchWindow), limit)
		candidates, err := s.candidates(ctx, r.Calendars, now, cursor, windowEnd)
		if err != nil {
			return out, err
		}
		for _, c := range candidates {
			if len(out) == count {
				break
			}
			day := fullDay{c.CalendarID, c.Start.In(c.Location).Format(store.DateLayout)}
			if offered[c.Start.UnixMicro()] || fullDays[day] {
				continue
			}
			offer := Offer{Slot: c}
			if hold {
				offer.Hold, err = s.hold(ctx, r, c)
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
	var out []Slot
	for _, cal := range calendars {
		if !cal.Bookable() {
			continue
		}
		busy, err := s.busy(ctx, cal, from, to)
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

// busy returns the calendar's live bookings that matter to slots starting in [from, to): those
// within the buffers of the window, and the others of its local dates, for the daily limit.
func (s *Service) busy(ctx context.Context, cal store.Calendar, from, to time.Time) ([]Interval, error) {
	loc, err := cal.Location()
	if err != nil {
		return nil, err
	}
	gap := cal.BufferBefore + cal.BufferAfter
	fy, fm, fd := from.In(loc).Date()
	ty, tm, td := to.In(loc).Date()
	start := tz.StartOfDay(fy, fm, fd, loc).Add(-gap)
	end := tz.StartOfDay(ty, tm, td+1, loc).Add(cal.SlotLength + gap)
	bookings, err := s.store.ListLiveBookings(ctx, cal.ID, start, end)
	if err != nil {
		return nil, err
	}
	return BusyOf(bookings), nil
}

func (s *Service) hold(ctx context.Context, r OfferRequest, slot Slot) (store.Booking, error) {
	var reserved store.Booking
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		reserved, _, err = tx.HoldSlot(ctx, store.SlotRequest{
			BusinessID: r.BusinessID, CalendarID: slot.CalendarID, ContactID: r.ContactID,
			Start: slot.Start, End: slot.End, HoldUntil: tx.Now().Add(s.holdFor), Source: store.BookingSourceSMS,
		})
		return err
	})
	return reserved, err
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

func (s *Service) confirm(ctx context.Context, r BookRequest) (store.Booking, bool, error) {
	var (
		booked  store.Booking
		created bool
	)
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		booked, created, err = tx.ConfirmHold(ctx, store.ConfirmRequest{
			BusinessID: r.BusinessID, HoldID: r.HoldID, ContactID: r.ContactID,
			Name: r.Name, Email: r.Email, Notes: r.Notes, IdempotencyKey: r.IdempotencyKey,
		})
		if err != nil || !created {
			return err
		}
		// The other slots offered with this one are not needed any more.
		if _, err := tx.ReleaseHolds(ctx, r.BusinessID, r.ContactID); err != nil {
			return err
		}
		return s.onChange(ctx, tx, booked, Booked)
	})
	return booked, created, err
}

func (s *Service) bookDirect(ctx context.Context, r BookRequest) (store.Booking, bool, error) {
	if r.Calendar.ID == 0 || r.Calendar.BusinessID != r.BusinessID {
		return store.Booking{}, false, fmt.Errorf("book slot for contact %d: missing hold, or calendar of business %d",
			r.ContactID, r.BusinessID)
	}
	slot, err := s.slotAt(r.Calendar, r.Start)
	if err != nil {
		return store.Booking{}, false, err
	}
	var (
		booked  store.Booking
		created bool
	)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		booked, created, err = tx.BookSlot(ctx, store.SlotRequest{
			BusinessID: r.BusinessID, CalendarID: r.Calendar.ID, ContactID: r.ContactID,
			Start: slot.Start, End: slot.End, Source: r.Source,
			Name: r.Name, Email: r.Email, Notes: r.Notes, IdempotencyKey: r.IdempotencyKey,
		})
		if err != nil || !created {
			return err
		}
		return s.onChange(ctx, tx, booked, Booked)
	})
	return booked, created, err
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
		prior, err := tx.GetBooking(ctx, business, id)
		if err != nil {
			return err
		}
		cancelled, changed, err = tx.CancelBooking(ctx, business, id)
		// Releasing a hold tells nobody anything: only a booking that was made counts.
		if err != nil || !changed || prior.State != store.BookingBooked {
			return err
		}
		return s.onChange(ctx, tx, cancelled, Cancelled)
	})
	return cancelled, changed, err
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
		moved, created, err = tx.RescheduleBooking(ctx, store.RescheduleRequest{
			BusinessID: r.BusinessID, BookingID: r.BookingID, Start: slot.Start, End: slot.End,
			IdempotencyKey: r.IdempotencyKey,
		})
		if err != nil || !created {
			return err
		}
		return s.onChange(ctx, tx, moved, Rescheduled)
	})
	if errors.Is(err, store.ErrSlotTaken) {
		alternatives := OfferRequest{
			BusinessID: r.BusinessID, ContactID: old.ContactID, Calendars: []store.Calendar{cal}, Count: r.Alternatives,
		}
		return store.Booking{}, false, s.taken(ctx, err, alternatives, old.Source)
	}
	return moved, created, err
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
		alternatives, findErr = s.find(ctx, r, false)
	}
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
