package analytics

import (
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

func TestCompute(t *testing.T) {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 3, 9, 0, 0, 0, 0, loc) // Monday
	until := since.AddDate(0, 0, 7)
	at := func(day, hour, minute, second int) time.Time {
		return time.Date(2026, 3, 9+day, hour, minute, second, 0, loc).UTC()
	}
	facts := store.AnalyticsFacts{
		Calls: []store.MissedCallFacts{
			// Texted after 2 s, replied after an hour, booked the next day.
			{ID: 1, ContactID: 10, StartedAt: at(0, 9, 0, 0), DecidedAt: at(0, 9, 0, 20), TextedAt: at(0, 9, 0, 22)},
			// Texted after 4 s; replied 8 days later, outside the window.
			{ID: 2, ContactID: 11, StartedAt: at(0, 23, 30, 0), DecidedAt: at(0, 23, 30, 20), TextedAt: at(0, 23, 30, 24)},
			// Not texted (opted out): counts as missed only, though the contact booked.
			{ID: 3, ContactID: 12, StartedAt: at(2, 10, 0, 0), DecidedAt: at(2, 10, 0, 20)},
			// Texted after 10 s, booked without replying.
			{ID: 4, ContactID: 13, StartedAt: at(6, 17, 0, 0), DecidedAt: at(6, 17, 0, 20), TextedAt: at(6, 17, 0, 30)},
		},
		Replies: []store.ContactEvent{
			{ContactID: 10, At: at(0, 10, 0, 0)},
			{ContactID: 11, At: at(8, 23, 40, 0)},
			{ContactID: 12, At: at(2, 11, 0, 0)},
		},
		Bookings: []store.ContactEvent{
			{ContactID: 10, At: at(1, 8, 0, 0)},
			{ContactID: 12, At: at(2, 12, 0, 0)},
			{ContactID: 13, At: at(7, 9, 0, 0)}, // after the period, still within a week of the call
		},
	}
	r := Compute(facts, since, until, loc)
	if r.Missed != 4 || r.Texted != 3 || r.Replied != 1 || r.Booked != 2 {
		t.Errorf("funnel = %d missed, %d texted, %d replied, %d booked; want 4, 3, 1, 2", r.Missed, r.Texted, r.Replied, r.Booked)
	}
	if r.Bookings != 2 {
		t.Errorf("bookings in the period = %d, want 2 (the third falls after it)", r.Bookings)
	}
	if r.FirstTextP50 != 4*time.Second || r.FirstTextP90 != 10*time.Second {
		t.Errorf("time to first text p50 %v p90 %v, want 4s and 10s", r.FirstTextP50, r.FirstTextP90)
	}
	if got := r.ReplyRate(); got < 0.333 || got > 0.334 {
		t.Errorf("reply rate = %v, want 1/3", got)
	}
	if len(r.Days) != 7 {
		t.Fatalf("%d days, want 7", len(r.Days))
	}
	// The 23:30 call is still Monday in Chicago, though Tuesday in UTC.
	if r.Days[0].Missed != 2 || r.Days[0].Texted != 2 || r.Days[2].Missed != 1 || r.Days[6].Texted != 1 {
		t.Errorf("days = %+v", r.Days)
	}
}

func TestComputeEmpty(t *testing.T) {
	since := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	r := Compute(store.AnalyticsFacts{}, since, since.AddDate(0, 0, 30), time.UTC)
	if r.Missed != 0 || r.ReplyRate() != 0 || r.FirstTextP50 != 0 || len(r.Days) != 30 {
		t.Errorf("empty report = %+v", r)
	}
}

func TestPercentile(t *testing.T) {
	values := []time.Duration{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	cases := map[int]time.Duration{50: 5, 90: 9, 100: 10, 1: 1}
	for p, want := range cases {
		if got := percentile(values, p); got != want {
			t.Errorf("p%d = %d, want %d", p, got, want)
		}
	}
}
