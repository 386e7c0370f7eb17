package booking_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// serviceNow is Monday 2025-03-10 12:00 in Chicago (CDT).
var serviceNow = time.Date(2025, 3, 10, 17, 0, 0, 0, time.UTC)

type fixture struct {
	s     *store.Store
	clock *storetest.Clock
	svc   *booking.Service
	b     store.Business
	cal   store.Calendar
}

// weekdays returns a week open from start to end (minutes after midnight) Monday to Friday.
func weekdays(start, end int) hours.Week {
	var w hours.Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []hours.Range{{Start: start, End: end}}
	}
	return w
}

// newFixture creates a business with a calendar open 09:00-17:00 on weekdays in Chicago, with
// 1-hour slots and 30 minutes' notice, changed by adjust when it is not nil.
func newFixture(t *testing.T, s *store.Store, clock *storetest.Clock, adjust func(*store.Calendar)) *fixture {
	t.Helper()
	ctx := context.Background()
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cal := store.Calendar{
		BusinessID: b.ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: weekdays(9*60, 17*60),
		SlotLength: time.Hour, MinNotice: 30 * time.Minute, Horizon: 30 * 24 * time.Hour, Address: "1 Main St, Chicago",
	}
	if adjust != nil {
		adjust(&cal)
	}
	if cal, err = s.UpsertCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, clock: clock, svc: booking.New(s, booking.Options{}), b: b, cal: cal}
}

func (f *fixture) contact(t *testing.T, e164 string) store.Contact {
	t.Helper()
	c, err := f.s.UpsertContact(context.Background(), f.b.ID, e164)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) offer(t *testing.T, contact store.Contact, r booking.OfferRequest) []booking.Offer {
	t.Helper()
	r.BusinessID, r.ContactID = f.b.ID, contact.ID
	if r.Calendars == nil {
		r.Calendars = []store.Calendar{f.cal}
	}
	offers, err := f.svc.Offer(context.Background(), r)
	if err != nil {
		t.Fatalf("offer to %s: %v", contact.E164, err)
	}
	return offers
}

// book books the slot at start directly for the contact.
func (f *fixture) book(
	contact store.Contact, start time.Time, source store.BookingSource, key string,
) (store.Booking, bool, error) {
	return f.svc.Book(context.Background(), booking.BookRequest{
		BusinessID: f.b.ID, ContactID: contact.ID, Calendar: f.cal, Start: start, Source: source, IdempotencyKey: key,
	})
}

func offerLabels(offers []booking.Offer) []string {
	out := make([]string, len(offers))
	for i, o := range offers {
		out[i] = o.Slot.Label()
	}
	return out
}

func local(t *testing.T, month time.Month, day, hour int) time.Time {
	t.Helper()
	return time.Date(2025, month, day, hour, 0, 0, 0, chicago(t)).UTC()
}

func TestOfferHoldsNextSlots(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFixture(t, s, clock, nil)
		first := f.offer(t, f.contact(t, "+12025550143"), booking.OfferRequest{})
		want := []string{"Mon Mar 10, 1:00 PM CDT", "Mon Mar 10, 2:00 PM CDT", "Mon Mar 10, 3:00 PM CDT"}
		if got := offerLabels(first); !slices.Equal(got, want) {
			t.Errorf("first offer %v, want %v", got, want)
		}
		for _, o := range first {
			h := o.Hold
			if h.ID == 0 || h.State != store.BookingHeld || h.Source != store.BookingSourceSMS {
				t.Errorf("offer %s: hold %d is %s from %s, want a held sms booking", o.Slot.Label(), h.ID, h.State, h.Source)
			}
			if !h.HoldExpiresAt.Equal(serviceNow.Add(booking.DefaultHoldFor)) {
				t.Errorf("offer %s: hold until %s, want 10 minutes from now", o.Slot.Label(), h.HoldExpiresAt)
			}
			if !h.Start.Equal(o.Slot.Start) || !h.End.Equal(o.Slot.End) {
				t.Errorf("offer %s: hold covers %s-%s", o.Slot.Label(), h.Start, h.End)
			}
		}

		second := f.offer(t, f.contact(t, "+12025550144"), booking.OfferRequest{})
		want = []string{"Mon Mar 10, 4:00 PM CDT", "Tue Mar 11, 9:00 AM CDT", "Tue Mar 11, 10:00 AM CDT"}
		if got := offerLabels(second); !slices.Equal(got, want) {
			t.Errorf("second lead's offer %v, want %v (the first lead's are held)", got, want)
		}

		clock.Advance(booking.DefaultHoldFor)
		third := f.offer(t, f.contact(t, "+12025550145"), booking.OfferRequest{})
		want = []string{"Mon Mar 10, 1:00 PM CDT", "Mon Mar 10, 2:00 PM CDT", "Mon Mar 10, 3:00 PM CDT"}
		if got := offerLabels(third); !slices.Equal(got, want) {
			t.Errorf("offer after the holds lapsed %v, want %v", got, want)
		}
	})
}

func TestOfferReleasesEarlierHolds(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		lead := f.contact(t, "+12025550143")
		first := f.offer(t, lead, booking.OfferRequest{})
		later := f.offer(t, lead, booking.OfferRequest{After: first[2].Slot.End})
		want := []string{"Mon Mar 10, 4:00 PM CDT", "Tue Mar 11, 9:00 AM CDT", "Tue Mar 11, 10:00 AM CDT"}
		if got := offerLabels(later); !slices.Equal(got, want) {
			t.Errorf("offer of later slots %v, want %v", got, want)
		}
		all, err := s.ListContactBookings(ctx, f.b.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[store.BookingState]int{}
		for _, b := range all {
			states[b.State]++
		}
		if states[store.BookingHeld] != 3 || states[store.BookingExpired] != 3 {
			t.Errorf("contact's bookings by state %v, want 3 held and 3 expired", states)
		}
		other := f.offer(t, f.contact(t, "+12025550144"), booking.OfferRequest{Count: 1})
		if got := offerLabels(other); !slices.Equal(got, []string{"Mon Mar 10, 1:00 PM CDT"}) {
			t.Errorf("another lead's offer %v, want the released 1:00 PM", got)
		}
	})
}

func TestOfferAcrossCalendars(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		installs := f.cal
		installs.ID, installs.Slug, installs.Name, installs.Hours = 0, "installs", "Installs", weekdays(13*60, 17*60)
		installs, err := s.UpsertCalendar(ctx, installs)
		if err != nil {
			t.Fatal(err)
		}
		closed := f.cal
		closed.ID, closed.Slug, closed.Hours = 0, "closed", hours.Week{}
		if closed, err = s.UpsertCalendar(ctx, closed); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.book(f.contact(t, "+12025550144"), local(t, 3, 10, 14), store.BookingSourcePage, ""); err != nil {
			t.Fatal(err)
		}
		offers := f.offer(t, f.contact(t, "+12025550143"), booking.OfferRequest{
			Calendars: []store.Calendar{closed, f.cal, installs}, Count: 4,
		})
		want := []string{
			"Mon Mar 10, 1:00 PM CDT", "Mon Mar 10, 2:00 PM CDT", "Mon Mar 10, 3:00 PM CDT", "Mon Mar 10, 4:00 PM CDT",
		}
		if got := offerLabels(offers); !slices.Equal(got, want) {
			t.Fatalf("offers %v, want %v, each time once", got, want)
		}
		wantCalendars := []store.CalendarID{f.cal.ID, installs.ID, f.cal.ID, f.cal.ID}
		for i, o := range offers {
			if o.Slot.CalendarID != wantCalendars[i] || o.Hold.CalendarID != wantCalendars[i] {
				t.Errorf("offer %s from calendar %d (hold on %d), want %d", o.Slot.Label(), o.Slot.CalendarID,
					o.Hold.CalendarID, wantCalendars[i])
			}
		}
	})
}

func TestOfferSkipsFullDays(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFixture(t, s, clock, func(c *store.Calendar) { c.MaxPerDay = 1 })
		offers := f.offer(t, f.contact(t, "+12025550143"), booking.OfferRequest{})
		want := []string{"Mon Mar 10, 1:00 PM CDT", "Tue Mar 11, 9:00 AM CDT", "Wed Mar 12, 9:00 AM CDT"}
		if got := offerLabels(offers); !slices.Equal(got, want) {
			t.Errorf("offers %v, want %v (one a day)", got, want)
		}
	})
}

func TestOfferNothingFree(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFixture(t, s, clock, func(c *store.Calendar) { c.Horizon = 3 * time.Hour })
		offers := f.offer(t, f.contact(t, "+12025550143"), booking.OfferRequest{Count: 5})
		want := []string{"Mon Mar 10, 1:00 PM CDT", "Mon Mar 10, 2:00 PM CDT"}
		if got := offerLabels(offers); !slices.Equal(got, want) {
			t.Errorf("offers %v, want only %v before the horizon", got, want)
		}
	})
}

// Two leads reply at the same moment for the same slot, Fri 2025-03-14 15:00 CDT, fifty times
// over: each time one gets it, the other gets alternatives held for them, and a retry of the
// winner's reply books nothing more.
func TestBookRaceOfTwoLeads(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		leads := []store.Contact{f.contact(t, "+12025550143"), f.contact(t, "+12025550144")}
		slot := local(t, 3, 14, 15)
		if slot != time.Date(2025, 3, 14, 20, 0, 0, 0, time.UTC) {
			t.Fatalf("slot is %s, want 20:00Z", slot)
		}
		for round := range 50 {
			type result struct {
				booking store.Booking
				created bool
				err     error
			}
			results := make([]result, len(leads))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, lead := range leads {
				wg.Go(func() {
					<-start
					b, created, err := f.book(lead, slot, store.BookingSourceSMS, fmt.Sprintf("sms:%d:%s", round, lead.E164))
					results[i] = result{b, created, err}
				})
			}
			close(start)
			wg.Wait()

			winner := -1
			for i, r := range results {
				switch {
				case r.err == nil && r.created:
					if winner >= 0 {
						t.Fatalf("round %d: both leads booked the slot", round)
					}
					winner = i
				case errors.Is(r.err, booking.ErrSlotTaken):
					var taken *booking.TakenError
					if !errors.As(r.err, &taken) {
						t.Fatalf("round %d: error %v is not a *TakenError", round, r.err)
					}
					if n := len(taken.Alternatives); n < 2 || n > 3 {
						t.Errorf("round %d: loser got %d alternatives, want 2 or 3", round, n)
					}
					for _, alt := range taken.Alternatives {
						if alt.Slot.Start.Equal(slot) {
							t.Errorf("round %d: the taken slot is offered again", round)
						}
						if alt.Hold.State != store.BookingHeld || alt.Hold.ContactID != leads[i].ID {
							t.Errorf("round %d: alternative %s is not held for the loser", round, alt.Slot.Label())
						}
					}
				default:
					t.Fatalf("round %d: lead %d got created %v, error %v", round, i, r.created, r.err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: nobody booked the slot", round)
			}
			key := fmt.Sprintf("sms:%d:%s", round, leads[winner].E164)
			retry, created, err := f.book(leads[winner], slot, store.BookingSourceSMS, key)
			if err != nil || created || retry.ID != results[winner].booking.ID {
				t.Fatalf("round %d: retry gave booking %d, created %v, error %v; want %d again",
					round, retry.ID, created, err, results[winner].booking.ID)
			}
			live, err := s.ListLiveBookings(ctx, f.cal.ID, slot, slot.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(live) != 1 {
				t.Fatalf("round %d: %d live bookings at the slot, want 1", round, len(live))
			}
			if _, _, err := f.svc.Cancel(ctx, f.b.ID, retry.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Fifty contacts hold or book one slot at the same moment: exactly one gets it.
func TestBookFiftyAtOnce(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		slot := local(t, 3, 14, 15)
		contacts := make([]store.Contact, 50)
		for i := range contacts {
			contacts[i] = f.contact(t, fmt.Sprintf("+1202555%04d", 1000+i))
		}
		errs := make([]error, len(contacts))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range contacts {
			wg.Go(func() {
				<-start
				if i%2 == 0 {
					_, _, errs[i] = f.book(c, slot, store.BookingSourcePage, "")
					return
				}
				errs[i] = s.InTx(ctx, func(tx *store.Tx) error {
					_, _, err := tx.HoldSlot(ctx, store.SlotRequest{
						BusinessID: f.b.ID, CalendarID: f.cal.ID, ContactID: c.ID, Start: slot, End: slot.Add(time.Hour),
						HoldUntil: clock.Now().Add(10 * time.Minute), Source: store.BookingSourceSMS,
					})
					return err
				})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, booking.ErrSlotTaken):
				t.Errorf("contact %d: error %v, want ErrSlotTaken", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d contacts got the slot, want 1", won)
		}
		live, err := s.ListLiveBookings(ctx, f.cal.ID, slot, slot.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 1 {
			t.Errorf("%d live bookings at the slot, want 1", len(live))
		}
	})
}

func TestBookSameKeyOnce(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		lead := f.contact(t, "+12025550143")
		slot := local(t, 3, 11, 10)
		ids := make([]store.BookingID, 10)
		created := make([]bool, 10)
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				b, c, err := f.book(lead, slot, store.BookingSourcePage, "page:form-7")
				ids[i], created[i], errs[i] = b.ID, c, err
			})
		}
		wg.Wait()
		made := 0
		for i := range ids {
			if errs[i] != nil {
				t.Errorf("request %d: %v", i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Errorf("request %d got booking %d, want %d", i, ids[i], ids[0])
			}
			if created[i] {
				made++
			}
		}
		if made != 1 {
			t.Errorf("%d requests report a new booking, want 1", made)
		}
		all, err := s.ListContactBookings(ctx, f.b.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 {
			t.Errorf("contact has %d bookings, want 1", len(all))
		}
	})
}

func TestBookConfirmsHold(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		lead := f.contact(t, "+12025550143")
		offers := f.offer(t, lead, booking.OfferRequest{})
		r := booking.BookRequest{
			BusinessID: f.b.ID, ContactID: lead.ID, HoldID: offers[1].Hold.ID, Name: "Pat Lee", IdempotencyKey: "sms:1:SM0001",
		}
		booked, created, err := f.svc.Book(ctx, r)
		if err != nil || !created {
			t.Fatalf("book the hold: created %v, error %v", created, err)
		}
		if booked.ID != offers[1].Hold.ID || booked.State != store.BookingBooked || !booked.Start.Equal(offers[1].Slot.Start) {
			t.Errorf("booking %d is %s at %s, want hold %d booked at the offered instant",
				booked.ID, booked.State, booked.Start, offers[1].Hold.ID)
		}
		if booked.Source != store.BookingSourceSMS || booked.Name != "Pat Lee" {
			t.Errorf("booking from %s for %q", booked.Source, booked.Name)
		}
		slot, err := booking.SlotOf(f.cal, booked)
		if err != nil {
			t.Fatal(err)
		}
		if slot.Label() != offers[1].Slot.Label() || slot.Label() != "Mon Mar 10, 2:00 PM CDT" {
			t.Errorf("booking reads %q, want the offered %q", slot.Label(), offers[1].Slot.Label())
		}
		for _, i := range []int{0, 2} {
			other, err := s.GetBooking(ctx, f.b.ID, offers[i].Hold.ID)
			if err != nil {
				t.Fatal(err)
			}
			if other.State != store.BookingExpired {
				t.Errorf("unchosen hold %s is %s, want released", offers[i].Slot.Label(), other.State)
			}
		}
		if again, created, err := f.svc.Book(ctx, r); err != nil || created || again.ID != booked.ID {
			t.Errorf("retry: booking %d, created %v, error %v; want %d unchanged", again.ID, created, err, booked.ID)
		}
		r.IdempotencyKey = "sms:1:SM0002"
		if again, created, err := f.svc.Book(ctx, r); err != nil || created || again.ID != booked.ID {
			t.Errorf("second answer for the same hold: booking %d, created %v, error %v; want %d unchanged",
				again.ID, created, err, booked.ID)
		}
		other := f.contact(t, "+12025550144")
		_, _, err = f.svc.Book(ctx, booking.BookRequest{BusinessID: f.b.ID, ContactID: other.ID, HoldID: offers[0].Hold.ID})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another contact books the hold: error %v, want ErrNotFound", err)
		}
	})
}

func TestBookLapsedHold(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		slow := f.contact(t, "+12025550143")
		offers := f.offer(t, slow, booking.OfferRequest{})
		clock.Advance(booking.DefaultHoldFor + time.Minute)

		// No other lead took the second slot, so the late reply still books it.
		late, created, err := f.svc.Book(ctx, booking.BookRequest{
			BusinessID: f.b.ID, ContactID: slow.ID, HoldID: offers[1].Hold.ID,
		})
		if err != nil || !created || !late.Start.Equal(offers[1].Slot.Start) {
			t.Fatalf("late answer for a free slot: booking at %s, created %v, error %v", late.Start, created, err)
		}

		// Another lead now holds the first slot, so a late reply for it loses.
		quick := f.contact(t, "+12025550144")
		taken := f.offer(t, quick, booking.OfferRequest{Count: 1})
		if !taken[0].Slot.Start.Equal(offers[0].Slot.Start) {
			t.Fatalf("second lead was offered %s, want %s", taken[0].Slot.Label(), offers[0].Slot.Label())
		}
		_, _, err = f.svc.Book(ctx, booking.BookRequest{BusinessID: f.b.ID, ContactID: slow.ID, HoldID: offers[0].Hold.ID})
		var lost *booking.TakenError
		if !errors.As(err, &lost) {
			t.Fatalf("late answer for a taken slot: error %v, want a *TakenError", err)
		}
		want := []string{"Mon Mar 10, 3:00 PM CDT", "Mon Mar 10, 4:00 PM CDT", "Tue Mar 11, 9:00 AM CDT"}
		if got := offerLabels(lost.Alternatives); !slices.Equal(got, want) {
			t.Errorf("alternatives %v, want %v", got, want)
		}
		for _, alt := range lost.Alternatives {
			if alt.Hold.ContactID != slow.ID || alt.Hold.State != store.BookingHeld {
				t.Errorf("alternative %s is not held for the lead", alt.Slot.Label())
			}
		}
	})
}

func TestBookRejectsNotASlot(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFixture(t, s, clock, func(c *store.Calendar) {
			c.MinNotice = 2 * time.Hour
			c.Closures = []store.Closure{{From: "2025-03-12", To: "2025-03-12", Label: "Inventory"}}
		})
		lead := f.contact(t, "+12025550143")
		tests := []struct {
			name  string
			start time.Time
		}{
			{"off the grid", local(t, 3, 11, 10).Add(30 * time.Minute)},
			{"outside the hours", local(t, 3, 11, 17)},
			{"on a weekend", local(t, 3, 15, 10)},
			{"on a closed date", local(t, 3, 12, 10)},
			{"too soon", local(t, 3, 10, 13)},
			{"in the past", local(t, 3, 7, 10)},
			{"beyond the horizon", local(t, 4, 11, 10)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, _, err := f.book(lead, tt.start, store.BookingSourcePage, ""); !errors.Is(err, booking.ErrNotASlot) {
					t.Errorf("error %v, want ErrNotASlot", err)
				}
			})
		}
		if _, _, err := f.book(lead, local(t, 3, 10, 14), store.BookingSourcePage, ""); err != nil {
			t.Errorf("the first slot after the notice: %v", err)
		}
	})
}

func TestCancelFreesSlotForOffers(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		booked, _, err := f.book(f.contact(t, "+12025550143"), local(t, 3, 10, 13), store.BookingSourcePage, "")
		if err != nil {
			t.Fatal(err)
		}
		before := f.offer(t, f.contact(t, "+12025550144"), booking.OfferRequest{Count: 1})
		if got := offerLabels(before); !slices.Equal(got, []string{"Mon Mar 10, 2:00 PM CDT"}) {
			t.Errorf("offer while booked %v, want 2:00 PM", got)
		}
		if _, changed, err := f.svc.Cancel(ctx, f.b.ID, booked.ID); err != nil || !changed {
			t.Fatalf("cancel: changed %v, error %v", changed, err)
		}
		after := f.offer(t, f.contact(t, "+12025550145"), booking.OfferRequest{Count: 1})
		if got := offerLabels(after); !slices.Equal(got, []string{"Mon Mar 10, 1:00 PM CDT"}) {
			t.Errorf("offer after the cancellation %v, want 1:00 PM", got)
		}
	})
}

func TestReschedule(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		lead := f.contact(t, "+12025550143")
		old, _, err := f.svc.Book(ctx, booking.BookRequest{
			BusinessID: f.b.ID, ContactID: lead.ID, Calendar: f.cal, Start: local(t, 3, 11, 10),
			Source: store.BookingSourcePage, Name: "Pat Lee", Email: "pat@example.com",
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.book(f.contact(t, "+12025550144"), local(t, 3, 11, 14), store.BookingSourcePage, ""); err != nil {
			t.Fatal(err)
		}

		_, _, err = f.svc.Reschedule(ctx, booking.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: local(t, 3, 11, 14),
		})
		var lost *booking.TakenError
		if !errors.As(err, &lost) {
			t.Fatalf("move onto a taken slot: error %v, want a *TakenError", err)
		}
		if len(lost.Alternatives) != booking.DefaultCount || lost.Alternatives[0].Hold.ID != 0 {
			t.Errorf("alternatives %v, want %d slots not held (the booking came from the page)",
				offerLabels(lost.Alternatives), booking.DefaultCount)
		}
		if kept, err := s.GetBooking(ctx, f.b.ID, old.ID); err != nil || kept.State != store.BookingBooked {
			t.Errorf("after the failed move the booking is %s (%v), want booked", kept.State, err)
		}
		if _, _, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: local(t, 3, 11, 10).Add(10 * time.Minute),
		}); !errors.Is(err, booking.ErrNotASlot) {
			t.Errorf("move off the grid: error %v, want ErrNotASlot", err)
		}

		moved, created, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{
			BusinessID: f.b.ID, BookingID: old.ID, Start: local(t, 3, 11, 11), IdempotencyKey: "page:move-1",
		})
		if err != nil || !created {
			t.Fatalf("move to 11:00: created %v, error %v", created, err)
		}
		if !moved.Start.Equal(local(t, 3, 11, 11)) || moved.ReplacesID != old.ID || moved.Email != "pat@example.com" {
			t.Errorf("moved booking %+v", moved)
		}
		if was, err := s.GetBooking(ctx, f.b.ID, old.ID); err != nil || was.State != store.BookingCancelled {
			t.Errorf("old booking is %s (%v), want cancelled", was.State, err)
		}
		offers := f.offer(t, f.contact(t, "+12025550145"), booking.OfferRequest{After: local(t, 3, 11, 9), Count: 2})
		want := []string{"Tue Mar 11, 9:00 AM CDT", "Tue Mar 11, 10:00 AM CDT"}
		if got := offerLabels(offers); !slices.Equal(got, want) {
			t.Errorf("offers after the move %v, want %v (10:00 is free again)", got, want)
		}
	})
}

// An offer made the evening before the clocks go forward lists the next afternoon in CDT, and
// the booking keeps the instant offered and reads the same.
func TestOfferAndBookAcrossSpringForward(t *testing.T) {
	saturdayEvening := time.Date(2025, 3, 8, 22, 30, 0, 0, time.UTC) // 16:30 CST
	storetest.EachWithClock(t, saturdayEvening, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, func(c *store.Calendar) { c.Hours = everyDay(13*60, 17*60) })
		lead := f.contact(t, "+12025550143")
		offers := f.offer(t, lead, booking.OfferRequest{})
		want := []string{"Sun Mar 9, 1:00 PM CDT", "Sun Mar 9, 2:00 PM CDT", "Sun Mar 9, 3:00 PM CDT"}
		if got := offerLabels(offers); !slices.Equal(got, want) {
			t.Fatalf("offers %v, want %v", got, want)
		}
		if !offers[0].Slot.Start.Equal(time.Date(2025, 3, 9, 18, 0, 0, 0, time.UTC)) {
			t.Errorf("first offer starts %s, want 18:00Z", offers[0].Slot.Start)
		}
		booked, _, err := f.svc.Book(ctx, booking.BookRequest{BusinessID: f.b.ID, ContactID: lead.ID, HoldID: offers[0].Hold.ID})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.GetBooking(ctx, f.b.ID, booked.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !stored.Start.Equal(offers[0].Slot.Start) || !stored.End.Equal(offers[0].Slot.End) {
			t.Errorf("stored booking %s-%s, want the offered %s-%s", stored.Start, stored.End,
				offers[0].Slot.Start, offers[0].Slot.End)
		}
		slot, err := booking.SlotOf(f.cal, stored)
		if err != nil {
			t.Fatal(err)
		}
		if slot.Label() != want[0] {
			t.Errorf("stored booking reads %q, want %q", slot.Label(), want[0])
		}
	})
}

// changeLog records the changes a Service reports, in order.
type changeLog struct {
	mu      sync.Mutex
	changes []string
	fail    error
}

func (l *changeLog) record(_ context.Context, tx *store.Tx, b store.Booking, change booking.Change) error {
	if tx == nil {
		return errors.New("change reported outside a transaction")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return l.fail
	}
	l.changes = append(l.changes, fmt.Sprintf("%s %d", change, b.ID))
	return nil
}

func (l *changeLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.changes)
}

func TestOnChangeReportsEachChangeOnce(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		log := &changeLog{}
		f.svc = booking.New(s, booking.Options{OnChange: log.record})
		lead := f.contact(t, "+12025550143")

		booked, _, err := f.book(lead, local(t, 3, 11, 10), store.BookingSourcePage, "page:1")
		if err != nil {
			t.Fatal(err)
		}
		if _, created, err := f.book(lead, local(t, 3, 11, 10), store.BookingSourcePage, "page:1"); err != nil || created {
			t.Fatalf("repeated booking: created %v, error %v", created, err)
		}
		moved, _, err := f.svc.Reschedule(ctx, booking.RescheduleRequest{BusinessID: f.b.ID, BookingID: booked.ID, Start: local(t, 3, 11, 11)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Cancel(ctx, f.b.ID, moved.ID); err != nil {
			t.Fatal(err)
		}
		if _, changed, err := f.svc.Cancel(ctx, f.b.ID, moved.ID); err != nil || changed {
			t.Fatalf("second cancel: changed %v, error %v", changed, err)
		}

		offers := f.offer(t, f.contact(t, "+12025550144"), booking.OfferRequest{Count: 2})
		if _, _, err := f.svc.Cancel(ctx, f.b.ID, offers[0].Hold.ID); err != nil {
			t.Fatal(err)
		}
		confirmed, _, err := f.svc.Book(ctx, booking.BookRequest{
			BusinessID: f.b.ID, ContactID: offers[1].Hold.ContactID, HoldID: offers[1].Hold.ID, Source: store.BookingSourceSMS,
		})
		if err != nil {
			t.Fatal(err)
		}

		want := []string{
			fmt.Sprintf("booked %d", booked.ID), fmt.Sprintf("rescheduled %d", moved.ID),
			fmt.Sprintf("cancelled %d", moved.ID), fmt.Sprintf("booked %d", confirmed.ID),
		}
		if got := log.list(); !slices.Equal(got, want) {
			t.Errorf("changes %v, want %v (a released hold and repeats report nothing)", got, want)
		}
	})
}

func TestOnChangeErrorUndoesBooking(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		log := &changeLog{fail: errors.New("confirmation not queued")}
		f.svc = booking.New(s, booking.Options{OnChange: log.record})
		lead := f.contact(t, "+12025550143")

		if _, _, err := f.book(lead, local(t, 3, 11, 10), store.BookingSourcePage, ""); err == nil {
			t.Fatal("booking succeeded although its confirmation failed")
		}
		bookings, err := s.ListContactBookings(ctx, f.b.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(bookings) != 0 {
			t.Errorf("%d bookings stored, want none", len(bookings))
		}
	})
}
