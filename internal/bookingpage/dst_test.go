package bookingpage_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/textback/textback/internal/bookingpage"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// On the night daylight-saving time ends in Chicago (Sunday 2026-11-01, 02:00 CDT becomes
// 01:00 CST), the repeated hour is listed once, at its first occurrence, and a slot booked from
// the page is stored as the instant it was listed at.
func TestPageDaylightSavingEnd(t *testing.T) {
	saturdayNoon := time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC)
	storetest.EachWithClock(t, saturdayNoon, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		f := newFixture(t, s, clock, bookingpage.Options{})
		var night hours.Week
		for d := time.Sunday; d <= time.Saturday; d++ {
			night[d] = []hours.Range{{Start: 0, End: 4 * 60}}
		}
		f.repairs.Hours, f.repairs.SlotLength = night, 30*time.Minute
		cal, err := f.s.UpsertCalendar(context.Background(), f.repairs)
		if err != nil {
			t.Fatal(err)
		}

		r := f.get(pagePath)
		all := days(r)
		if len(all) == 0 || all[0].legend != "Sunday, November 1" {
			t.Fatalf("days = %v, want Sunday, November 1 first", all)
		}
		want := []string{
			"12:00 AM CDT", "12:30 AM CDT", "1:00 AM CDT", "1:30 AM CDT",
			"2:00 AM CST", "2:30 AM CST", "3:00 AM CST", "3:30 AM CST",
		}
		if !slices.Equal(all[0].slots, want) {
			t.Errorf("Sunday's slots = %v\nwant %v", all[0].slots, want)
		}

		// 01:30 CDT is 06:30 UTC. The same wall-clock time in CST, 07:30 UTC, is not offered.
		first := time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)
		if slices.Contains(slotValues(r), slotValue(cal, first.Add(time.Hour))) {
			t.Error("01:30 CST is listed, want the repeated time listed once")
		}
		booked := f.post(pagePath, f.form(cal, first))
		if booked.status != http.StatusOK {
			t.Fatalf("book 1:30 AM CDT: status %d:\n%s", booked.status, text(booked.doc))
		}
		if got := summary(booked)[0]; got != "When: Sunday, November 1, 2026 at 1:30 AM CDT" {
			t.Errorf("confirmation %q, want 1:30 AM CDT", got)
		}
		rows := f.bookingsOf(cal)
		if len(rows) != 1 || !rows[0].Start.Equal(first) {
			t.Errorf("bookings = %v, want one starting at %s", rows, first)
		}
	})
}
