package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// bookingNow is Monday 2025-03-10 12:00 in Chicago (CDT, UTC-5).
var bookingNow = time.Date(2025, 3, 10, 17, 0, 0, 0, time.UTC)

// at returns the instant of a wall time in Chicago.
func at(t *testing.T, year int, month time.Month, day, hour, minute int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(year, month, day, hour, minute, 0, 0, loc).UTC()
}

type bookingFixture struct {
	s     *store.Store
	clock *storetest.Clock
	b     store.Business
	cal   store.Calendar
	lead  store.Contact
	other store.Contact
}

// newBookingFixture creates a business with a calendar open 09:00-17:00 on weekdays, changed
// by adjust when it is not nil, and two contacts.
func newBookingFixture(t *testing.T, s *store.Store, clock *storetest.Clock, adjust func(*store.Calendar)) *bookingFixture {
	t.Helper()
	ctx := context.Background()
	_, b, _ := seed(t, s)
	f := &bookingFixture{s: s, clock: clock, b: b}
	var week hours.Week
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []hours.Range{{Start: 9 * 60, End: 17 * 60}}
	}
	cal := store.Calendar{
		BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, Horizon: 30 * 24 * time.Hour, Address: "1 Main St, Chicago",
	}
	if adjust != nil {
		adjust(&cal)
	}
	var err error
	if f.cal, err = s.UpsertCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if f.lead, err = s.UpsertContact(ctx, b.ID, "+12025550143"); err != nil {
		t.Fatal(err)
	}
	if f.other, err = s.UpsertContact(ctx, b.ID, "+12025550144"); err != nil {
		t.Fatal(err)
	}
	return f
}

// request returns a request for the hour-long slot at start.
func (f *bookingFixture) request(contact store.Contact, start time.Time) store.SlotRequest {
	return store.SlotRequest{
		BusinessID: f.b.ID, CalendarID: f.cal.ID, ContactID: contact.ID, Start: start, End: start.Add(time.Hour),
		HoldUntil: f.clock.Now().Add(10 * time.Minute), Source: store.BookingSourceSMS,
	}
}

func (f *bookingFixture) hold(t *testing.T, r store.SlotRequest) (store.Booking, bool, error) {
	t.Helper()
	var (
		b       store.Booking
		created bool
	)
	err := f.s.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		b, created, err = tx.HoldSlot(context.Background(), r)
		return err
	})
	return b, created, err
}

func (f *bookingFixture) book(t *testing.T, r store.SlotRequest) (store.Booking, bool, error) {
	t.Helper()
	var (
		b       store.Booking
		created bool
	)
	err := f.s.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		b, created, err = tx.BookSlot(context.Background(), r)
		return err
	})
	return b, created, err
}

func (f *bookingFixture) mustBook(t *testing.T, r store.SlotRequest) store.Booking {
	t.Helper()
	b, _, err := f.book(t, r)
	if err != nil {
		t.Fatalf("book %s: %v", r.Start, err)
	}
	return b
}

func TestUpsertCalendar(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, func(c *store.Calendar) {
			c.BufferBefore, c.BufferAfter, c.MinNotice, c.MaxPerDay = 15*time.Minute, 30*time.Minute, 2*time.Hour, 4
			c.Closures = []store.Closure{{From: "2025-12-24", To: "2025-12-26", Label: "Christmas"}}
		})
		if len(f.cal.FeedToken) < 26 {
			t.Errorf("feed token %q is shorter than 26 characters", f.cal.FeedToken)
		}
		got, err := s.GetCalendarBySlug(ctx, f.b.ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}
		if got.BufferBefore != 15*time.Minute || got.BufferAfter != 30*time.Minute || got.MinNotice != 2*time.Hour {
			t.Errorf("buffers and notice read back as %s, %s, %s", got.BufferBefore, got.BufferAfter, got.MinNotice)
		}
		if got.MaxPerDay != 4 || got.Horizon != 30*24*time.Hour || got.SlotLength != time.Hour {
			t.Errorf("limits read back as %d per day, horizon %s, slot %s", got.MaxPerDay, got.Horizon, got.SlotLength)
		}
		if cl, closed := got.ClosedOn("2025-12-25"); !closed || cl.Label != "Christmas" {
			t.Errorf("2025-12-25 closed = %v (%q), want closed for Christmas", closed, cl.Label)
		}
		if _, closed := got.ClosedOn("2025-12-27"); closed {
			t.Error("2025-12-27 is closed, want open")
		}
		if len(got.Hours[time.Monday]) != 1 || got.Hours[time.Sunday] != nil {
			t.Errorf("hours read back as %v", got.Hours)
		}

		changed := got
		changed.Name, changed.SlotLength = "Repairs and installs", 30*time.Minute
		updated, err := s.UpsertCalendar(ctx, changed)
		if err != nil {
			t.Fatal(err)
		}
		if updated.ID != f.cal.ID || updated.FeedToken != f.cal.FeedToken {
			t.Errorf("update gave id %d token %q, want id %d with the same token", updated.ID, updated.FeedToken, f.cal.ID)
		}
		if updated.Name != "Repairs and installs" || updated.SlotLength != 30*time.Minute {
			t.Errorf("update read back as %q, %s", updated.Name, updated.SlotLength)
		}

		byToken, err := s.GetCalendarByFeedToken(ctx, f.cal.FeedToken)
		if err != nil || byToken.ID != f.cal.ID {
			t.Errorf("by feed token: %v, %v", byToken.ID, err)
		}
		if _, err := s.GetCalendarByFeedToken(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown token: error %v, want ErrNotFound", err)
		}
		rotated, err := s.RotateCalendarFeedToken(ctx, f.b.ID, f.cal.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.FeedToken == f.cal.FeedToken {
			t.Error("rotation kept the token")
		}
		if _, err := s.GetCalendarByFeedToken(ctx, f.cal.FeedToken); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("old token after rotation: error %v, want ErrNotFound", err)
		}

		second := f.cal
		second.ID, second.Slug, second.Name = 0, "installs", "Installs"
		if _, err := s.UpsertCalendar(ctx, second); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListCalendars(ctx, f.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Slug != "installs" || list[1].Slug != "repairs" {
			t.Errorf("listed %d calendars, want installs then repairs", len(list))
		}
		if list[0].FeedToken == list[1].FeedToken {
			t.Error("two calendars share a feed token")
		}
	})
}

func TestCalendarValidate(t *testing.T) {
	valid := store.Calendar{Slug: "repairs", TimeZone: "America/Chicago", SlotLength: time.Hour, Horizon: time.Hour}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid calendar: %v", err)
	}
	tests := []struct {
		name   string
		adjust func(*store.Calendar)
	}{
		{"missing slug", func(c *store.Calendar) { c.Slug = "" }},
		{"unknown zone", func(c *store.Calendar) { c.TimeZone = "Mars/Olympus_Mons" }},
		{"zero slot", func(c *store.Calendar) { c.SlotLength = 0 }},
		{"slot in seconds", func(c *store.Calendar) { c.SlotLength = 90 * time.Second }},
		{"negative buffer", func(c *store.Calendar) { c.BufferAfter = -time.Minute }},
		{"zero horizon", func(c *store.Calendar) { c.Horizon = 0 }},
		{"negative limit", func(c *store.Calendar) { c.MaxPerDay = -1 }},
		{"closure reversed", func(c *store.Calendar) { c.Closures = []store.Closure{{From: "2025-12-26", To: "2025-12-24"}} }},
		{"closure not a date", func(c *store.Calendar) { c.Closures = []store.Closure{{From: "Dec 24", To: "2025-12-24"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.adjust(&c)
			if err := c.Validate(); err == nil {
				t.Error("Validate accepted it")
			}
		})
	}
}

func TestHoldSlotRejectsOverlap(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newBookingFixture(t, s, clock, nil)
		start := at(t, 2025, 3, 11, 10, 0)
		first, created, err := f.hold(t, f.request(f.lead, start))
		if err != nil || !created {
			t.Fatalf("first hold: created %v, error %v", created, err)
		}
		if first.State != store.BookingHeld || !first.HoldExpiresAt.Equal(bookingNow.Add(10*time.Minute)) {
			t.Errorf("first hold is %s until %s", first.State, first.HoldExpiresAt)
		}
		for _, offset := range []time.Duration{0, 30 * time.Minute, -30 * time.Minute} {
			_, _, err := f.hold(t, f.request(f.other, start.Add(offset)))
			if !errors.Is(err, store.ErrSlotTaken) {
				t.Errorf("hold at %s: error %v, want ErrSlotTaken", offset, err)
			}
		}
		for _, offset := range []time.Duration{time.Hour, -time.Hour} {
			if _, _, err := f.hold(t, f.request(f.other, start.Add(offset))); err != nil {
				t.Errorf("adjacent hold at %s: %v", offset, err)
			}
		}
	})
}

func TestHoldSlotKeepsBuffers(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newBookingFixture(t, s, clock, func(c *store.Calendar) {
			c.BufferBefore, c.BufferAfter = 15*time.Minute, 30*time.Minute
		})
		start := at(t, 2025, 3, 11, 12, 0)
		f.mustBook(t, f.request(f.lead, start))
		tests := []struct {
			start time.Time
			free  bool
		}{
			{at(t, 2025, 3, 11, 13, 0), false},  // 0 min after its end
			{at(t, 2025, 3, 11, 13, 30), false}, // 30 min after: its buffer after, not the next one's before
			{at(t, 2025, 3, 11, 13, 45), true},  // 45 min after: both buffers fit
			{at(t, 2025, 3, 11, 10, 30), false}, // ends 30 min before its start
			{at(t, 2025, 3, 11, 10, 15), true},  // ends 45 min before its start
		}
		for _, tt := range tests {
			b, _, err := f.hold(t, f.request(f.other, tt.start))
			if tt.free && err != nil {
				t.Errorf("hold at %s: %v, want it free", tt.start.Format(time.Kitchen), err)
			}
			if !tt.free && !errors.Is(err, store.ErrSlotTaken) {
				t.Errorf("hold at %s: error %v, want ErrSlotTaken", tt.start.Format(time.Kitchen), err)
			}
			if err == nil {
				if _, _, err := s.CancelBooking(context.Background(), f.b.ID, b.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func TestMaxPerDayCountsLocalDate(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newBookingFixture(t, s, clock, func(c *store.Calendar) { c.MaxPerDay = 2 })
		f.mustBook(t, f.request(f.lead, at(t, 2025, 3, 11, 9, 0)))
		// 19:00 CDT on the 11th is 00:00 UTC on the 12th, and still counts for the 11th.
		f.mustBook(t, f.request(f.lead, at(t, 2025, 3, 11, 19, 0)))
		_, _, err := f.hold(t, f.request(f.other, at(t, 2025, 3, 11, 14, 0)))
		if !errors.Is(err, store.ErrDayFull) {
			t.Errorf("third of the day: error %v, want ErrDayFull", err)
		}
		if !errors.Is(err, store.ErrSlotTaken) {
			t.Errorf("third of the day: error %v does not wrap ErrSlotTaken", err)
		}
		if _, _, err := f.hold(t, f.request(f.other, at(t, 2025, 3, 12, 9, 0))); err != nil {
			t.Errorf("first of the next day: %v", err)
		}
	})
}

func TestExpiredHoldFreesSlot(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		start := at(t, 2025, 3, 11, 10, 0)
		first, _, err := f.hold(t, f.request(f.lead, start))
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Minute)
		live, err := s.ListLiveBookings(ctx, f.cal.ID, start.Add(-time.Hour), start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 0 {
			t.Errorf("listed %d live bookings after the hold lapsed, want 0", len(live))
		}
		second, created, err := f.hold(t, f.request(f.other, start))
		if err != nil || !created {
			t.Fatalf("hold after the first lapsed: created %v, error %v", created, err)
		}
		if second.ContactID != f.other.ID {
			t.Errorf("second hold is for contact %d, want %d", second.ContactID, f.other.ID)
		}
		old, err := s.GetBooking(ctx, f.b.ID, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.State != store.BookingExpired {
			t.Errorf("lapsed hold is %s, want expired", old.State)
		}
	})
}

func TestCancelFreesSlot(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		start := at(t, 2025, 3, 11, 10, 0)
		booked := f.mustBook(t, f.request(f.lead, start))
		cancelled, changed, err := s.CancelBooking(ctx, f.b.ID, booked.ID)
		if err != nil || !changed {
			t.Fatalf("cancel: changed %v, error %v", changed, err)
		}
		if cancelled.State != store.BookingCancelled || !cancelled.CancelledAt.Equal(bookingNow) {
			t.Errorf("cancelled booking is %s at %s", cancelled.State, cancelled.CancelledAt)
		}
		if _, changed, err := s.CancelBooking(ctx, f.b.ID, booked.ID); err != nil || changed {
			t.Errorf("second cancel: changed %v, error %v; want no change", changed, err)
		}
		if _, _, err := f.book(t, f.request(f.other, start)); err != nil {
			t.Errorf("book the cancelled slot: %v", err)
		}
	})
}

func TestIdempotencyKeyBooksOnce(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		r := f.request(f.lead, at(t, 2025, 3, 11, 10, 0))
		r.IdempotencyKey = "sms:1:SM0001"
		first, created, err := f.book(t, r)
		if err != nil || !created {
			t.Fatalf("first: created %v, error %v", created, err)
		}
		again, created, err := f.book(t, r)
		if err != nil || created {
			t.Fatalf("retry: created %v, error %v; want the first booking back", created, err)
		}
		if again.ID != first.ID {
			t.Errorf("retry returned booking %d, want %d", again.ID, first.ID)
		}
		// The key names the request, whatever slot a retry names.
		r.Start, r.End = r.Start.Add(2*time.Hour), r.End.Add(2*time.Hour)
		if other, created, err := f.hold(t, r); err != nil || created || other.ID != first.ID {
			t.Errorf("same key, other slot: booking %d, created %v, error %v; want %d", other.ID, created, err, first.ID)
		}
		all, err := s.ListContactBookings(ctx, f.b.ID, f.lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 {
			t.Errorf("contact has %d bookings, want 1", len(all))
		}
		byKey, err := s.GetBookingByIdempotencyKey(ctx, "sms:1:SM0001")
		if err != nil || byKey.ID != first.ID {
			t.Errorf("by key: booking %d, error %v", byKey.ID, err)
		}
	})
}

func TestConfirmHold(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		confirm := func(r store.ConfirmRequest) (store.Booking, bool, error) {
			var (
				b       store.Booking
				created bool
			)
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				b, created, err = tx.ConfirmHold(ctx, r)
				return err
			})
			return b, created, err
		}
		hold, _, err := f.hold(t, f.request(f.lead, at(t, 2025, 3, 11, 10, 0)))
		if err != nil {
			t.Fatal(err)
		}
		r := store.ConfirmRequest{
			BusinessID: f.b.ID, HoldID: hold.ID, ContactID: f.lead.ID, Name: "Pat Lee", IdempotencyKey: "sms:1:SM0002",
		}
		confirmOf := func(hold store.Booking, contact store.Contact) store.ConfirmRequest {
			return store.ConfirmRequest{BusinessID: f.b.ID, HoldID: hold.ID, ContactID: contact.ID}
		}

		if _, _, err := confirm(confirmOf(hold, f.other)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another contact's confirmation: error %v, want ErrNotFound", err)
		}
		booked, created, err := confirm(r)
		if err != nil || !created {
			t.Fatalf("confirm: created %v, error %v", created, err)
		}
		if booked.State != store.BookingBooked || booked.Name != "Pat Lee" || !booked.HoldExpiresAt.IsZero() {
			t.Errorf("confirmed booking is %s for %q, hold until %s", booked.State, booked.Name, booked.HoldExpiresAt)
		}
		if booked.IdempotencyKey != "sms:1:SM0002" {
			t.Errorf("confirmed booking has key %q", booked.IdempotencyKey)
		}
		if again, created, err := confirm(r); err != nil || created || again.ID != booked.ID {
			t.Errorf("second confirmation: booking %d, created %v, error %v; want %d unchanged",
				again.ID, created, err, booked.ID)
		}

		// A lapsed hold is booked when no other contact took its slot meanwhile.
		late, _, err := f.hold(t, f.request(f.lead, at(t, 2025, 3, 11, 13, 0)))
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(15 * time.Minute)
		b, created, err := confirm(confirmOf(late, f.lead))
		if err != nil || !created || b.State != store.BookingBooked {
			t.Errorf("confirm a lapsed hold of a free slot: %s, created %v, error %v", b.State, created, err)
		}

		// A lapsed hold whose slot another contact took is not.
		lost, _, err := f.hold(t, f.request(f.lead, at(t, 2025, 3, 11, 15, 0)))
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(15 * time.Minute)
		f.mustBook(t, f.request(f.other, at(t, 2025, 3, 11, 15, 0)))
		if _, _, err := confirm(confirmOf(lost, f.lead)); !errors.Is(err, store.ErrSlotTaken) {
			t.Errorf("confirm a lapsed hold of a taken slot: error %v, want ErrSlotTaken", err)
		}

		cancelled, _, err := f.hold(t, f.request(f.lead, at(t, 2025, 3, 12, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CancelBooking(ctx, f.b.ID, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := confirm(confirmOf(cancelled, f.lead)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("confirm a cancelled hold: error %v, want ErrNotFound", err)
		}
	})
}

func TestRescheduleBooking(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		reschedule := func(r store.RescheduleRequest) (store.Booking, bool, error) {
			var (
				b       store.Booking
				created bool
			)
			err := s.InTx(ctx, func(tx *store.Tx) error {
				var err error
				b, created, err = tx.RescheduleBooking(ctx, r)
				return err
			})
			return b, created, err
		}
		r := f.request(f.lead, at(t, 2025, 3, 11, 10, 0))
		r.Name, r.Notes = "Pat Lee", "Leaking tap"
		old := f.mustBook(t, r)
		f.mustBook(t, f.request(f.other, at(t, 2025, 3, 11, 14, 0)))

		_, _, err := reschedule(store.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: at(t, 2025, 3, 11, 14, 0), End: at(t, 2025, 3, 11, 15, 0),
		})
		if !errors.Is(err, store.ErrSlotTaken) {
			t.Errorf("move onto a taken slot: error %v, want ErrSlotTaken", err)
		}
		if kept, err := s.GetBooking(ctx, f.b.ID, old.ID); err != nil || kept.State != store.BookingBooked {
			t.Errorf("after the failed move the old booking is %s (%v), want booked", kept.State, err)
		}

		// Half an hour later overlaps the booking itself, which no longer counts.
		moved, created, err := reschedule(store.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: at(t, 2025, 3, 11, 10, 30), End: at(t, 2025, 3, 11, 11, 30),
			IdempotencyKey: "move:1",
		})
		if err != nil || !created {
			t.Fatalf("move by half an hour: created %v, error %v", created, err)
		}
		if moved.ReplacesID != old.ID || moved.State != store.BookingBooked {
			t.Errorf("moved booking replaces %d and is %s, want %d and booked", moved.ReplacesID, moved.State, old.ID)
		}
		if moved.Name != "Pat Lee" || moved.Notes != "Leaking tap" {
			t.Errorf("moved booking is for %q with notes %q, want the old booking's", moved.Name, moved.Notes)
		}
		if was, err := s.GetBooking(ctx, f.b.ID, old.ID); err != nil || was.State != store.BookingCancelled {
			t.Errorf("old booking is %s (%v), want cancelled", was.State, err)
		}
		again, created, err := reschedule(store.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: at(t, 2025, 3, 11, 10, 30), End: at(t, 2025, 3, 11, 11, 30),
			IdempotencyKey: "move:1",
		})
		if err != nil || created || again.ID != moved.ID {
			t.Errorf("repeated move: booking %d, created %v, error %v; want %d", again.ID, created, err, moved.ID)
		}
		if _, _, err := reschedule(store.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: at(t, 2025, 3, 12, 10, 0), End: at(t, 2025, 3, 12, 11, 0),
		}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("move a cancelled booking: error %v, want ErrNotFound", err)
		}
	})
}

// A row written around the store's check, with a zero length that the overlap query cannot see,
// still conflicts with a slot starting at the same instant: the unique index refuses it, and the
// transaction stays usable.
func TestLiveSlotIndexBacksCheck(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		start := at(t, 2025, 3, 11, 10, 0)
		_, err := s.DB().ExecContext(ctx, `INSERT INTO bookings
			(business_id, calendar_id, contact_id, starts_at, ends_at, state, source, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4, 'booked', 'page', $5, $5)`,
			int64(f.b.ID), int64(f.cal.ID), int64(f.other.ID), start, bookingNow)
		if err != nil {
			t.Fatal(err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := tx.HoldSlot(ctx, f.request(f.lead, start))
			if !errors.Is(err, store.ErrSlotTaken) {
				t.Errorf("hold at the same instant: error %v, want ErrSlotTaken", err)
			}
			_, _, err = tx.HoldSlot(ctx, f.request(f.lead, start.Add(time.Hour)))
			return err
		})
		if err != nil {
			t.Fatalf("transaction after the conflict: %v", err)
		}
		live, err := s.ListLiveBookings(ctx, f.cal.ID, start.Add(-time.Minute), start.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 2 {
			t.Errorf("listed %d live bookings, want the raw row and the later hold", len(live))
		}
	})
}

func TestListBookings(t *testing.T) {
	storetest.EachWithClock(t, bookingNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newBookingFixture(t, s, clock, nil)
		held, _, err := f.hold(t, f.request(f.lead, at(t, 2025, 3, 11, 9, 0)))
		if err != nil {
			t.Fatal(err)
		}
		named := f.request(f.other, at(t, 2025, 3, 11, 11, 0))
		named.Name = "Sam Diaz"
		booked := f.mustBook(t, named)
		dropped := f.mustBook(t, f.request(f.lead, at(t, 2025, 3, 11, 13, 0)))
		if _, _, err := s.CancelBooking(ctx, f.b.ID, dropped.ID); err != nil {
			t.Fatal(err)
		}
		past := f.mustBook(t, f.request(f.lead, at(t, 2025, 3, 11, 15, 0)))

		live, err := s.ListLiveBookings(ctx, f.cal.ID, at(t, 2025, 3, 11, 0, 0), at(t, 2025, 3, 12, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if ids := bookingIDs(live); len(ids) != 3 || ids[0] != held.ID || ids[1] != booked.ID || ids[2] != past.ID {
			t.Errorf("live bookings %v, want the hold, then %d and %d", ids, booked.ID, past.ID)
		}
		feed, err := s.ListFeedBookings(ctx, f.cal.ID, at(t, 2025, 3, 11, 12, 30))
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 1 || feed[0].ID != past.ID || feed[0].ContactE164 != f.lead.E164 {
			t.Errorf("feed since 12:30 has %d bookings, want only %d of %s", len(feed), past.ID, f.lead.E164)
		}
		feed, err = s.ListFeedBookings(ctx, f.cal.ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 2 || feed[0].ID != booked.ID || feed[0].ContactE164 != f.other.E164 || feed[0].Name != "Sam Diaz" {
			t.Errorf("whole feed: %+v, want bookings %d and %d, no hold and no cancellation", feed, booked.ID, past.ID)
		}
		mine, err := s.ListContactBookings(ctx, f.b.ID, f.lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 3 {
			t.Errorf("contact has %d bookings in any state, want 3", len(mine))
		}
		page, err := s.ListBookingsPage(ctx, f.b.ID, held.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if ids := bookingIDs(page); len(ids) != 2 || ids[0] != booked.ID || ids[1] != dropped.ID {
			t.Errorf("page after %d: %v, want %d and %d", held.ID, ids, booked.ID, dropped.ID)
		}
		released, err := s.ReleaseHolds(ctx, f.b.ID, f.lead.ID)
		if err != nil || released != 1 {
			t.Errorf("released %d holds (%v), want 1", released, err)
		}
	})
}

func bookingIDs(bookings []store.Booking) []store.BookingID {
	out := make([]store.BookingID, len(bookings))
	for i, b := range bookings {
		out[i] = b.ID
	}
	return out
}
