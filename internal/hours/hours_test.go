package hours

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests need the same zone rules on every machine
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q) error = %v", name, err)
	}
	return loc
}

// mustWeek builds a week from day keys and ParseDay strings.
func mustWeek(t testing.TB, days map[string]string) Week {
	t.Helper()
	var w Week
	for key, value := range days {
		day, err := ParseDayKey(key)
		if err != nil {
			t.Fatalf("ParseDayKey(%q) error = %v", key, err)
		}
		ranges, err := ParseDay(value)
		if err != nil {
			t.Fatalf("ParseDay(%q) error = %v", value, err)
		}
		w[day] = ranges
	}
	return w
}

// weekdays returns the same hours for Monday to Friday.
func weekdays(value string) map[string]string {
	return map[string]string{"mon": value, "tue": value, "wed": value, "thu": value, "fri": value}
}

func TestParseDay(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Range
	}{
		{"one range", "08:00-18:00", []Range{{480, 1080}}},
		{"spaces", "  08:00 - 18:00 ", []Range{{480, 1080}}},
		{"closed", "closed", nil},
		{"closed any case", "Closed", nil},
		{"empty", "", nil},
		{"blank", "   ", nil},
		{"two ranges", "08:00-12:00, 13:00-17:30", []Range{{480, 720}, {780, 1050}}},
		{"three ranges", "06:00-07:00,08:00-09:00,10:00-11:00", []Range{{360, 420}, {480, 540}, {600, 660}}},
		{"touching ranges", "08:00-12:00, 12:00-13:00", []Range{{480, 720}, {720, 780}}},
		{"end at midnight", "22:00-24:00", []Range{{1320, 1440}}},
		{"whole day", "00:00-24:00", []Range{{0, 1440}}},
		{"one minute", "23:59-24:00", []Range{{1439, 1440}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDay(tt.in)
			if err != nil {
				t.Fatalf("ParseDay(%q) error = %v, want nil", tt.in, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseDay(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDayErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		phrase string
	}{
		{"single digit hour", "8:00-18:00", `invalid time "8:00"`},
		{"no range", "08:00", "expected a range such as 08:00-18:00"},
		{"word", "open", "expected a range"},
		{"minutes 60", "08:00-18:60", `invalid time "18:60"`},
		{"hour 25", "08:00-25:00", "hours run from 00:00 to 24:00"},
		{"past midnight", "22:00-24:30", "hours run from 00:00 to 24:00"},
		{"letters", "ab:cd-18:00", `invalid time "ab:cd"`},
		{"seconds", "08:00:00-18:00:00", "invalid time"},
		{"dot separator", "08.00-18.00", "invalid time"},
		{"sign in hour", "+8:00-18:00", `invalid time "+8:00"`},
		{"sign in minute", "08:+5-18:00", `invalid time "08:+5"`},
		{"extra dash", "08:00-12:00-13:00", "invalid time"},
		{"trailing comma", "08:00-12:00,", "expected a range"},
		{"end equals start", "08:00-08:00", "the end must be after the start"},
		{"end before start", "18:00-08:00", "the end must be after the start"},
		{"overnight", "22:00-02:00", "use 24:00 for midnight"},
		{"overlap", "08:00-12:00, 11:00-13:00", "must not overlap"},
		{"out of order", "13:00-17:00, 08:00-12:00", "must be in order"},
		{"same range twice", "08:00-12:00, 08:00-12:00", "must not overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDay(tt.in)
			if err == nil {
				t.Fatalf("ParseDay(%q) = %v, want an error", tt.in, got)
			}
			if !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("ParseDay(%q) error = %q, want it to contain %q", tt.in, err, tt.phrase)
			}
		})
	}
}

func TestFormatDayRoundTrip(t *testing.T) {
	for _, in := range []string{"closed", "08:00-18:00", "00:00-24:00", "08:00-12:00, 13:00-17:30"} {
		ranges, err := ParseDay(in)
		if err != nil {
			t.Fatalf("ParseDay(%q) error = %v", in, err)
		}
		if got := FormatDay(ranges); got != in {
			t.Errorf("FormatDay(ParseDay(%q)) = %q, want the input", in, got)
		}
	}
}

func TestParseDayKey(t *testing.T) {
	tests := []struct {
		key  string
		want time.Weekday
	}{
		{"mon", time.Monday},
		{"Monday", time.Monday},
		{"TUE", time.Tuesday},
		{"thurs", time.Thursday},
		{" sun ", time.Sunday},
		{"saturday", time.Saturday},
	}
	for _, tt := range tests {
		got, err := ParseDayKey(tt.key)
		if err != nil {
			t.Errorf("ParseDayKey(%q) error = %v, want nil", tt.key, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDayKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
	for _, key := range []string{"", "mo", "m", "weekday", "mondays", "lun"} {
		if got, err := ParseDayKey(key); err == nil {
			t.Errorf("ParseDayKey(%q) = %v, want an error", key, got)
		}
	}
}

func TestIsOpen(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	w := mustWeek(t, map[string]string{
		"mon": "08:00-12:00, 13:00-18:00",
		"sat": "20:00-24:00",
	})
	// 2026-06-01 is a Monday.
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before opening", time.Date(2026, 6, 1, 7, 59, 59, 0, chicago), false},
		{"at opening", time.Date(2026, 6, 1, 8, 0, 0, 0, chicago), true},
		{"mid morning", time.Date(2026, 6, 1, 10, 0, 0, 0, chicago), true},
		{"lunch break", time.Date(2026, 6, 1, 12, 0, 0, 0, chicago), false},
		{"after lunch", time.Date(2026, 6, 1, 13, 0, 0, 0, chicago), true},
		{"last minute", time.Date(2026, 6, 1, 17, 59, 59, 0, chicago), true},
		{"at closing", time.Date(2026, 6, 1, 18, 0, 0, 0, chicago), false},
		{"closed day", time.Date(2026, 6, 2, 10, 0, 0, 0, chicago), false},
		{"until midnight", time.Date(2026, 6, 6, 23, 59, 0, 0, chicago), true},
		{"after midnight", time.Date(2026, 6, 7, 0, 0, 0, 0, chicago), false},
		{"read in zone", time.Date(2026, 6, 1, 13, 30, 0, 0, time.UTC), true},
		{"utc day differs", time.Date(2026, 6, 2, 2, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.IsOpen(tt.at, chicago); got != tt.want {
				t.Errorf("IsOpen(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestNextOpen(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	office := mustWeek(t, weekdays("08:00-18:00"))
	split := mustWeek(t, map[string]string{"mon": "08:00-12:00, 13:00-17:00"})
	// 2026-03-08 and 2026-11-01 are Sundays on which Chicago changes between CST (-6) and CDT (-5) at 02:00.
	cst, cdt := time.FixedZone("CST", -6*3600), time.FixedZone("CDT", -5*3600)

	tests := []struct {
		name string
		week Week
		at   time.Time
		want time.Time
	}{
		{"open now", office, time.Date(2026, 6, 1, 9, 15, 30, 0, chicago),
			time.Date(2026, 6, 1, 9, 15, 30, 0, chicago)},
		{"later same day", office, time.Date(2026, 6, 1, 6, 30, 0, 0, chicago),
			time.Date(2026, 6, 1, 8, 0, 0, 0, chicago)},
		{"seconds before opening", office, time.Date(2026, 6, 1, 7, 59, 30, 0, chicago),
			time.Date(2026, 6, 1, 8, 0, 0, 0, chicago)},
		{"after lunch", split, time.Date(2026, 6, 1, 12, 30, 0, 0, chicago),
			time.Date(2026, 6, 1, 13, 0, 0, 0, chicago)},
		{"at closing", office, time.Date(2026, 6, 1, 18, 0, 0, 0, chicago), time.Date(2026, 6, 2, 8, 0, 0, 0, chicago)},
		{"next day", office, time.Date(2026, 6, 1, 20, 0, 0, 0, chicago), time.Date(2026, 6, 2, 8, 0, 0, 0, chicago)},
		{"over weekend", office, time.Date(2026, 6, 5, 18, 30, 0, 0, chicago),
			time.Date(2026, 6, 8, 8, 0, 0, 0, chicago)},
		{"saturday", office, time.Date(2026, 6, 6, 12, 0, 0, 0, chicago), time.Date(2026, 6, 8, 8, 0, 0, 0, chicago)},
		{"one day a week", split, time.Date(2026, 6, 1, 17, 0, 0, 0, chicago),
			time.Date(2026, 6, 8, 8, 0, 0, 0, chicago)},
		{"input in utc", office, time.Date(2026, 6, 2, 1, 0, 0, 0, time.UTC),
			time.Date(2026, 6, 2, 8, 0, 0, 0, chicago)},

		{"spring forward skipped start", mustWeek(t, map[string]string{"sun": "02:30-05:00"}),
			time.Date(2026, 3, 8, 1, 0, 0, 0, chicago), time.Date(2026, 3, 8, 3, 0, 0, 0, cdt)},
		{"spring forward range skipped", mustWeek(t, map[string]string{"sun": "02:00-02:45"}),
			time.Date(2026, 3, 8, 1, 0, 0, 0, chicago), time.Date(2026, 3, 15, 2, 0, 0, 0, cdt)},
		{"spring forward open after jump", mustWeek(t, map[string]string{"sun": "02:30-05:00"}),
			time.Date(2026, 3, 8, 3, 10, 0, 0, chicago), time.Date(2026, 3, 8, 3, 10, 0, 0, chicago)},
		{"spring forward later start", mustWeek(t, map[string]string{"sun": "08:00-12:00"}),
			time.Date(2026, 3, 8, 1, 0, 0, 0, chicago), time.Date(2026, 3, 8, 8, 0, 0, 0, cdt)},
		{"spring forward next day", office, time.Date(2026, 3, 7, 19, 0, 0, 0, chicago),
			time.Date(2026, 3, 9, 8, 0, 0, 0, cdt)},
		{"fall back first pass", mustWeek(t, map[string]string{"sun": "01:30-01:40"}),
			time.Date(2026, 11, 1, 0, 30, 0, 0, chicago), time.Date(2026, 11, 1, 1, 30, 0, 0, cdt)},
		{"fall back second pass", mustWeek(t, map[string]string{"sun": "01:30-01:40"}),
			time.Date(2026, 11, 1, 1, 10, 0, 0, cst), time.Date(2026, 11, 1, 1, 30, 0, 0, cst)},
		{"fall back after first pass", mustWeek(t, map[string]string{"sun": "01:30-01:40"}),
			time.Date(2026, 11, 1, 1, 45, 0, 0, cdt), time.Date(2026, 11, 1, 1, 30, 0, 0, cst)},
		{"fall back later start", mustWeek(t, map[string]string{"sun": "08:00-12:00"}),
			time.Date(2026, 11, 1, 0, 30, 0, 0, chicago), time.Date(2026, 11, 1, 8, 0, 0, 0, cst)},
		{"fall back next day", office, time.Date(2026, 10, 31, 19, 0, 0, 0, chicago),
			time.Date(2026, 11, 2, 8, 0, 0, 0, cst)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.week.NextOpen(tt.at, chicago)
			if !ok {
				t.Fatalf("NextOpen(%v) ok = false, want true", tt.at)
			}
			if !got.Equal(tt.want) {
				t.Errorf("NextOpen(%v) = %v, want %v", tt.at, got.In(chicago), tt.want.In(chicago))
			}
			if !tt.week.IsOpen(got, chicago) {
				t.Errorf("IsOpen(NextOpen(%v)) = false, want true", tt.at)
			}
		})
	}
}

func TestNextOpenAlwaysClosed(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	weeks := map[string]Week{
		"zero week":  {},
		"all closed": mustWeek(t, map[string]string{"mon": "closed"}),
	}
	for name, w := range weeks {
		got, ok := w.NextOpen(time.Date(2026, 6, 1, 9, 0, 0, 0, chicago), chicago)
		if ok {
			t.Errorf("%s: NextOpen ok = true with %v, want false", name, got)
		}
		if !got.IsZero() {
			t.Errorf("%s: NextOpen time = %v, want the zero time", name, got)
		}
		if !w.AlwaysClosed() {
			t.Errorf("%s: AlwaysClosed = false, want true", name)
		}
	}
}

// TestNextOpenMatchesScan compares NextOpen with a minute-by-minute scan of IsOpen around DST changes in zones
// that change at 02:00 (Chicago), by 30 minutes (Lord Howe Island) and at midnight (Santiago).
func TestNextOpenMatchesScan(t *testing.T) {
	zones := []struct {
		name string
		days []time.Time // dates of DST changes in 2026
	}{
		{"America/Chicago", []time.Time{date(2026, 3, 8), date(2026, 11, 1)}},
		{"Australia/Lord_Howe", []time.Time{date(2026, 4, 5), date(2026, 10, 4)}},
		{"America/Santiago", []time.Time{date(2026, 4, 5), date(2026, 9, 6)}},
	}
	weeks := []map[string]string{
		{"sun": "00:00-00:30, 01:30-01:45, 02:15-03:00", "sat": "23:00-24:00", "mon": "00:00-01:00"},
		{"sun": "02:30-05:00", "mon": "08:00-09:00"},
		{"sun": "01:00-02:00", "sat": "08:00-17:00"},
		{"sun": "00:00-24:00"},
	}
	for _, zone := range zones {
		loc := mustLoad(t, zone.name)
		for _, days := range weeks {
			w := mustWeek(t, days)
			for _, day := range zone.days {
				year, month, d := day.Date()
				// Start the day before, so that a change at midnight is crossed too.
				from := time.Date(year, month, d-1, 12, 0, 0, 0, loc)
				for at := from; at.Before(from.Add(36 * time.Hour)); at = at.Add(10*time.Minute + 7*time.Second) {
					got, ok := w.NextOpen(at, loc)
					want := scanNextOpen(w, at, loc)
					if !ok || !got.Equal(want) {
						t.Errorf("%s %v: NextOpen(%v) = %v, %v, want %v", zone.name, days, at, got.In(loc), ok,
							want.In(loc))
					}
				}
			}
		}
	}
}

func date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// scanNextOpen returns at when the week is open then, and otherwise the first whole minute after at when it
// is, searching 8 days. Every zone offset in use today is a whole number of minutes, so opening times fall on
// whole minutes.
func scanNextOpen(w Week, at time.Time, loc *time.Location) time.Time {
	if w.IsOpen(at, loc) {
		return at
	}
	for minute := at.Truncate(time.Minute).Add(time.Minute); minute.Before(at.Add(8 * 24 * time.Hour)); minute =
		minute.Add(time.Minute) {
		if w.IsOpen(minute, loc) {
			return minute
		}
	}
	return time.Time{}
}

func TestWeekJSONRoundTrip(t *testing.T) {
	w := mustWeek(t, map[string]string{
		"mon": "08:00-18:00",
		"tue": "08:00-12:00, 13:00-17:00",
		"sat": "00:00-24:00",
	})
	data, err := json.Marshal(w)
	if err != nil {
		t.Fatalf("Marshal error = %v", err)
	}
	want := `{"fri":"closed","mon":"08:00-18:00","sat":"00:00-24:00","sun":"closed","thu":"closed",` +
		`"tue":"08:00-12:00, 13:00-17:00","wed":"closed"}`
	if string(data) != want {
		t.Errorf("Marshal = %s, want %s", data, want)
	}

	var back Week
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal(%s) error = %v", data, err)
	}
	for day := range w {
		if !slices.Equal(back[day], w[day]) {
			t.Errorf("round trip %s = %v, want %v", time.Weekday(day), back[day], w[day])
		}
	}
}

func TestWeekUnmarshalJSON(t *testing.T) {
	var w Week
	if err := json.Unmarshal([]byte(`{"Monday": "09:00-10:00"}`), &w); err != nil {
		t.Fatalf("Unmarshal error = %v, want nil", err)
	}
	if want := []Range{{540, 600}}; !slices.Equal(w[time.Monday], want) {
		t.Errorf("Monday = %v, want %v", w[time.Monday], want)
	}
	if len(w[time.Tuesday]) != 0 {
		t.Errorf("missing Tuesday = %v, want closed", w[time.Tuesday])
	}

	errorTests := []struct {
		name   string
		data   string
		phrase string
	}{
		{"bad day", `{"funday": "09:00-10:00"}`, `invalid day "funday"`},
		{"bad hours", `{"mon": "9-10"}`, "mon: invalid time"},
		{"not an object", `["mon"]`, "read opening hours"},
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			var w Week
			err := json.Unmarshal([]byte(tt.data), &w)
			if err == nil {
				t.Fatalf("Unmarshal(%s) error = nil, want an error", tt.data)
			}
			if !strings.Contains(err.Error(), tt.phrase) {
				t.Errorf("Unmarshal(%s) error = %q, want it to contain %q", tt.data, err, tt.phrase)
			}
		})
	}
}
