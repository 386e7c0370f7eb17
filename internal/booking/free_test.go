package booking_test

import (
	"context"
	"slices"
	"testing"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func slotLabels(slots []booking.Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Label()
	}
	return out
}

func TestFreeListsWithoutHolding(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		if _, _, err := f.book(f.contact(t, "+12025550144"), local(t, 3, 10, 14), store.BookingSourcePage, ""); err != nil {
			t.Fatal(err)
		}
		slots, err := f.svc.Free(ctx, []store.Calendar{f.cal}, serviceNow, local(t, 3, 11, 11))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"Mon Mar 10, 1:00 PM CDT", "Mon Mar 10, 3:00 PM CDT", "Mon Mar 10, 4:00 PM CDT",
			"Tue Mar 11, 9:00 AM CDT", "Tue Mar 11, 10:00 AM CDT",
		}
		if got := slotLabels(slots); !slices.Equal(got, want) {
			t.Errorf("Free = %v, want %v", got, want)
		}
		lead := f.contact(t, "+12025550143")
		held, err := s.ListContactBookings(ctx, f.b.ID, lead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) != 0 {
			t.Errorf("Free left %d bookings for a lead, want none", len(held))
		}
		// The slots are still free for anybody.
		again, err := f.svc.Free(ctx, []store.Calendar{f.cal}, serviceNow, local(t, 3, 11, 11))
		if err != nil {
			t.Fatal(err)
		}
		if got := slotLabels(again); !slices.Equal(got, want) {
			t.Errorf("Free a second time = %v, want %v", got, want)
		}
	})
}

// A time free in two calendars is listed once for each, and a calendar without hours is skipped.
func TestFreeAcrossCalendars(t *testing.T) {
	storetest.EachWithClock(t, serviceNow, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clock, nil)
		installs := f.cal
		installs.ID, installs.Slug, installs.Name, installs.Hours = 0, "installs", "Installs", weekdays(15*60, 17*60)
		installs, err := s.UpsertCalendar(ctx, installs)
		if err != nil {
			t.Fatal(err)
		}
		closed := f.cal
		closed.ID, closed.Slug, closed.Hours = 0, "closed", hours.Week{}
		if closed, err = s.UpsertCalendar(ctx, closed); err != nil {
			t.Fatal(err)
		}
		slots, err := f.svc.Free(ctx, []store.Calendar{closed, f.cal, installs}, serviceNow, local(t, 3, 10, 17))
		if err != nil {
			t.Fatal(err)
		}
		type slot struct {
			label    string
			calendar store.CalendarID
		}
		var got []slot
		for _, s := range slots {
			got = append(got, slot{s.Label(), s.CalendarID})
		}
		want := []slot{
			{"Mon Mar 10, 1:00 PM CDT", f.cal.ID}, {"Mon Mar 10, 2:00 PM CDT", f.cal.ID},
			{"Mon Mar 10, 3:00 PM CDT", f.cal.ID}, {"Mon Mar 10, 3:00 PM CDT", installs.ID},
			{"Mon Mar 10, 4:00 PM CDT", f.cal.ID}, {"Mon Mar 10, 4:00 PM CDT", installs.ID},
		}
		if !slices.Equal(got, want) {
			t.Errorf("Free = %v, want %v", got, want)
		}
	})
}
