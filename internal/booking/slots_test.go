package booking_test

import (
	"slices"
	"testing"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// everyDay returns a week open from start to end (minutes after midnight) every day.
func everyDay(start, end int) hours.Week {
	var w hours.Week
	for d := range w {
		w[d] = []hours.Range{{Start: start, End: end}}
	}
	return w
}

// chicagoCalendar is open 13:00-17:00 every day in America/Chicago, with 1-hour slots.
func chicagoCalendar() store.Calendar {
	return store.Calendar{
		ID: 1, BusinessID: 1, Slug: "repairs", TimeZone: "America/Chicago", Hours: everyDay(13*60, 17*60),
		SlotLength: time.Hour, Horizon: 365 * 24 * time.Hour,
	}
}

func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// slotsOn returns the calendar's slots on one local date, seen from a moment long before it.
func slotsOn(t *testing.T, cal store.Calendar, year int, month time.Month, day int) []booking.Slot {
	t.Helper()
	loc := chicago(t)
	from := time.Date(year, month, day, 0, 0, 0, 0, loc)
	to := time.Date(year, month, day+1, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(cal, nil, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	return slots
}

func starts(slots []booking.Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.UTC().Format("15:04")
	}
	return out
}

func labels(slots []booking.Slot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Label()
	}
	return out
}

// The afternoon slots of the days around both daylight-saving changes of 2025 in Chicago start
// at the same local times, so their UTC instants move by an hour.
func TestSlotsAroundDSTChanges(t *testing.T) {
	tests := []struct {
		date   string
		utc    []string
		labels []string
	}{
		{"2025-03-08", []string{"19:00", "20:00", "21:00", "22:00"},
			[]string{"Sat Mar 8, 1:00 PM CST", "Sat Mar 8, 2:00 PM CST", "Sat Mar 8, 3:00 PM CST", "Sat Mar 8, 4:00 PM CST"}},
		{"2025-03-09", []string{"18:00", "19:00", "20:00", "21:00"},
			[]string{"Sun Mar 9, 1:00 PM CDT", "Sun Mar 9, 2:00 PM CDT", "Sun Mar 9, 3:00 PM CDT", "Sun Mar 9, 4:00 PM CDT"}},
		{"2025-11-01", []string{"18:00", "19:00", "20:00", "21:00"},
			[]string{"Sat Nov 1, 1:00 PM CDT", "Sat Nov 1, 2:00 PM CDT", "Sat Nov 1, 3:00 PM CDT", "Sat Nov 1, 4:00 PM CDT"}},
		{"2025-11-02", []string{"19:00", "20:00", "21:00", "22:00"},
			[]string{"Sun Nov 2, 1:00 PM CST", "Sun Nov 2, 2:00 PM CST", "Sun Nov 2, 3:00 PM CST", "Sun Nov 2, 4:00 PM CST"}},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			date, err := time.Parse(store.DateLayout, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			slots := slotsOn(t, chicagoCalendar(), date.Year(), date.Month(), date.Day())
			if got := starts(slots); !slices.Equal(got, tt.utc) {
				t.Errorf("UTC starts %v, want %v", got, tt.utc)
			}
			if got := labels(slots); !slices.Equal(got, tt.labels) {
				t.Errorf("labels %v, want %v", got, tt.labels)
			}
			for _, s := range slots {
				if s.Start.Location() != time.UTC || s.End.Location() != time.UTC {
					t.Errorf("slot %s is not in UTC", s.Label())
				}
				if s.End.Sub(s.Start) != time.Hour {
					t.Errorf("slot %s lasts %s, want 1h", s.Label(), s.End.Sub(s.Start))
				}
			}
		})
	}
}

// A range across the change lists each day's slots at its own local times: days are built from
// local dates, never by adding 24 hours to the day before.
func TestSlotsAcrossSpringForward(t *testing.T) {
	loc := chicago(t)
	cal := chicagoCalendar()
	cal.Hours = everyDay(13*60, 14*60)
	from := time.Date(2025, 3, 7, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(cal, nil, from, from, from.AddDate(0, 0, 4), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Fri Mar 7, 1:00 PM CST", "Sat Mar 8, 1:00 PM CST", "Sun Mar 9, 1:00 PM CDT", "Mon Mar 10, 1:00 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// Emergency hours 00:00-04:00 with 30-minute slots: on 2025-03-09 the clock skips 02:00-02:59,
// and on 2025-11-02 it repeats 01:00-01:59.
func TestSlotsInTheChangingHour(t *testing.T) {
	cal := chicagoCalendar()
	cal.Hours = everyDay(0, 4*60)
	cal.SlotLength = 30 * time.Minute

	spring := slotsOn(t, cal, 2025, 3, 9)
	wantSpring := []string{
		"Sun Mar 9, 12:00 AM CST", "Sun Mar 9, 12:30 AM CST", "Sun Mar 9, 1:00 AM CST", "Sun Mar 9, 1:30 AM CST",
		"Sun Mar 9, 3:00 AM CDT", "Sun Mar 9, 3:30 AM CDT",
	}
	if got := labels(spring); !slices.Equal(got, wantSpring) {
		t.Errorf("2025-03-09 labels %v, want %v (02:00 and 02:30 do not exist)", got, wantSpring)
	}
	if got, want := starts(spring), []string{"06:00", "06:30", "07:00", "07:30", "08:00", "08:30"}; !slices.Equal(got, want) {
		t.Errorf("2025-03-09 UTC starts %v, want %v", got, want)
	}

	fall := slotsOn(t, cal, 2025, 11, 2)
	wantFall := []string{
		"Sun Nov 2, 12:00 AM CDT", "Sun Nov 2, 12:30 AM CDT", "Sun Nov 2, 1:00 AM CDT", "Sun Nov 2, 1:30 AM CDT",
		"Sun Nov 2, 2:00 AM CST", "Sun Nov 2, 2:30 AM CST", "Sun Nov 2, 3:00 AM CST", "Sun Nov 2, 3:30 AM CST",
	}
	if got := labels(fall); !slices.Equal(got, wantFall) {
		t.Errorf("2025-11-02 labels %v, want %v (01:30 once, in CDT)", got, wantFall)
	}
	wantStarts := []string{"05:00", "05:30", "06:00", "06:30", "08:00", "08:30", "09:00", "09:30"}
	if got := starts(fall); !slices.Equal(got, wantStarts) {
		t.Errorf("2025-11-02 UTC starts %v, want %v", got, wantStarts)
	}
	seen := map[string]bool{}
	for _, s := range fall {
		local := s.Start.In(chicago(t)).Format("15:04")
		if seen[local] {
			t.Errorf("local time %s offered twice", local)
		}
		seen[local] = true
	}
}

func TestSlotsMinimumNotice(t *testing.T) {
	cal := chicagoCalendar()
	cal.MinNotice = 2 * time.Hour
	now := time.Date(2025, 3, 10, 12, 10, 0, 0, chicago(t))
	slots, err := booking.Slots(cal, nil, now, now, now.Add(24*time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Mon Mar 10, 3:00 PM CDT", "Mon Mar 10, 4:00 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v (14:00 is less than 2 hours away)", got, want)
	}
}

func TestSlotsHorizon(t *testing.T) {
	cal := chicagoCalendar()
	now := time.Date(2025, 3, 10, 14, 0, 0, 0, chicago(t))
	cal.Horizon = 48 * time.Hour
	slots, err := booking.Slots(cal, nil, now, now, now.AddDate(0, 1, 0), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) == 0 {
		t.Fatal("no slots")
	}
	last := slots[len(slots)-1]
	if got, want := last.Label(), "Wed Mar 12, 1:00 PM CDT"; got != want {
		t.Errorf("last slot %s, want %s (14:00 on the 12th is exactly 48 hours away)", got, want)
	}
	if got, want := slots[0].Label(), "Mon Mar 10, 2:00 PM CDT"; got != want {
		t.Errorf("first slot %s, want %s", got, want)
	}
}

func TestSlotsKeepBuffers(t *testing.T) {
	loc := chicago(t)
	cal := chicagoCalendar()
	cal.SlotLength = 30 * time.Minute
	cal.BufferBefore, cal.BufferAfter = 15*time.Minute, 15*time.Minute
	busy := []booking.Interval{{
		Start: time.Date(2025, 3, 11, 14, 0, 0, 0, loc), End: time.Date(2025, 3, 11, 15, 0, 0, 0, loc),
	}}
	now := time.Date(2025, 3, 10, 0, 0, 0, 0, loc)
	from := time.Date(2025, 3, 11, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(cal, busy, now, from, from.AddDate(0, 0, 1), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Tue Mar 11, 1:00 PM CDT", "Tue Mar 11, 3:30 PM CDT", "Tue Mar 11, 4:00 PM CDT", "Tue Mar 11, 4:30 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v (30 minutes kept free on each side of 14:00-15:00)", got, want)
	}
}

func TestSlotsSkipClosures(t *testing.T) {
	loc := chicago(t)
	cal := chicagoCalendar()
	cal.Hours = everyDay(13*60, 14*60)
	cal.Closures = []store.Closure{{From: "2025-03-11", To: "2025-03-12", Label: "Staff training"}}
	from := time.Date(2025, 3, 10, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(cal, nil, from, from, from.AddDate(0, 0, 4), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Mon Mar 10, 1:00 PM CDT", "Thu Mar 13, 1:00 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

func TestSlotsMaxPerDay(t *testing.T) {
	loc := chicago(t)
	cal := chicagoCalendar()
	cal.MaxPerDay = 2
	busy := []booking.Interval{
		{Start: time.Date(2025, 3, 11, 13, 0, 0, 0, loc), End: time.Date(2025, 3, 11, 14, 0, 0, 0, loc)},
		// 20:00 CDT is already the 12th in UTC but counts for the 11th.
		{Start: time.Date(2025, 3, 11, 20, 0, 0, 0, loc), End: time.Date(2025, 3, 11, 21, 0, 0, 0, loc)},
		{Start: time.Date(2025, 3, 12, 13, 0, 0, 0, loc), End: time.Date(2025, 3, 12, 14, 0, 0, 0, loc)},
	}
	from := time.Date(2025, 3, 11, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(cal, busy, from, from, from.AddDate(0, 0, 2), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Wed Mar 12, 2:00 PM CDT", "Wed Mar 12, 3:00 PM CDT", "Wed Mar 12, 4:00 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v (the 11th is full)", got, want)
	}
}

func TestSlotsLimit(t *testing.T) {
	loc := chicago(t)
	from := time.Date(2025, 3, 11, 0, 0, 0, 0, loc)
	slots, err := booking.Slots(chicagoCalendar(), nil, from, from, from.AddDate(0, 0, 7), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Tue Mar 11, 1:00 PM CDT", "Tue Mar 11, 2:00 PM CDT", "Tue Mar 11, 3:00 PM CDT"}
	if got := labels(slots); !slices.Equal(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	for _, s := range slots {
		if s.CalendarID != 1 {
			t.Errorf("slot %s names calendar %d, want 1", s.Label(), s.CalendarID)
		}
	}
}

func TestSlotsRejectsInvalidCalendar(t *testing.T) {
	cal := chicagoCalendar()
	cal.TimeZone = "Mars/Olympus_Mons"
	if _, err := booking.Slots(cal, nil, time.Now(), time.Now(), time.Now().Add(time.Hour), 0); err == nil {
		t.Error("unknown zone: no error")
	}
	cal = chicagoCalendar()
	cal.SlotLength = 0
	if _, err := booking.Slots(cal, nil, time.Now(), time.Now(), time.Now().Add(time.Hour), 0); err == nil {
		t.Error("zero slot length: no error")
	}
}
