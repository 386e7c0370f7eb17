// Package hours models a business's weekly opening hours in its own time zone.
//
// Days are written as "08:00-18:00", as several ranges ("08:00-12:00, 13:00-17:00"), or as
// "closed". A range may end at "24:00" but not past midnight: a night shift is written as two
// ranges on two days. Times are wall-clock times in the business's zone, so opening hours keep
// their meaning across daylight-saving changes.
package hours

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Range is one opening period of a day, in minutes after midnight: Start inclusive, End
// exclusive, 0 ≤ Start < End ≤ 1440.
type Range struct {
	Start int
	End   int
}

// Week holds the opening ranges of each weekday, indexed by time.Weekday. A day with no ranges
// is closed. The zero Week is closed all week.
type Week [7][]Range

// dayKeys are the names a Week uses for days in files and JSON, indexed by time.Weekday.
var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// DayKey returns the short name of d used in configuration files ("mon").
func DayKey(d time.Weekday) string { return dayKeys[d] }

// ParseDayKey returns the weekday for a short name such as "mon" or "Monday".
func ParseDayKey(key string) (time.Weekday, error) {
	k := strings.ToLower(strings.TrimSpace(key))
	for i, name := range dayKeys {
		if k == name || (len(k) > 3 && strings.HasPrefix(strings.ToLower(time.Weekday(i).String()), k)) {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("invalid day %q: use mon, tue, wed, thu, fri, sat or sun", key)
}

// ParseDay reads one day's hours: "closed", "" (closed), or comma-separated "HH:MM-HH:MM"
// ranges in order without overlaps.
func ParseDay(s string) ([]Range, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") {
		return nil, nil
	}
	var ranges []Range
	for _, part := range strings.Split(s, ",") {
		r, err := parseRange(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if n := len(ranges); n > 0 && r.Start < ranges[n-1].End {
			return nil, fmt.Errorf("invalid hours %q: ranges must be in order and must not overlap", s)
		}
		ranges = append(ranges, r)
	}
	return ranges, nil
}

func parseRange(s string) (Range, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Range{}, fmt.Errorf("invalid hours %q: expected a range such as 08:00-18:00, or closed", s)
	}
	start, err := ParseClock(from)
	if err != nil {
		return Range{}, err
	}
	end, err := ParseClock(to)
	if err != nil {
		return Range{}, err
	}
	if end <= start {
		return Range{}, fmt.Errorf("invalid hours %q: the end must be after the start (use 24:00 for midnight)", s)
	}
	return Range{Start: start, End: end}, nil
}

// ParseClock reads a 24-hour time written HH:MM, from 00:00 to 24:00, and returns it as minutes after
// midnight.
func ParseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	var h, m int
	// fmt.Sscanf alone would also accept a sign, as in "+8:00" or "08:+5".
	if len(s) != 5 || s[2] != ':' || strings.Trim(s[:2]+s[3:], "0123456789") != "" {
		return 0, fmt.Errorf("invalid time %q: use 24-hour HH:MM such as 08:00 or 17:30", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return 0, fmt.Errorf("invalid time %q: use 24-hour HH:MM such as 08:00 or 17:30", s)
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("invalid time %q: hours run from 00:00 to 24:00", s)
	}
	return h*60 + m, nil
}

// FormatDay writes ranges in the form ParseDay reads.
func FormatDay(ranges []Range) string {
	if len(ranges) == 0 {
		return "closed"
	}
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", r.Start/60, r.Start%60, r.End/60, r.End%60)
	}
	return strings.Join(parts, ", ")
}

// IsOpen reports whether the business is open at t, read in loc.
func (w Week) IsOpen(t time.Time, loc *time.Location) bool {
	local := t.In(loc)
	minute := local.Hour()*60 + local.Minute()
	for _, r := range w[local.Weekday()] {
		if minute >= r.Start && minute < r.End {
			return true
		}
	}
	return false
}

// AlwaysClosed reports whether no day has opening hours.
func (w Week) AlwaysClosed() bool {
	return !slices.ContainsFunc(w[:], func(day []Range) bool { return len(day) > 0 })
}

// NextOpen returns the next moment at or after t when the business opens, in loc. It returns t
// itself when the business is open at t, and false when it never opens.
func (w Week) NextOpen(t time.Time, loc *time.Location) (time.Time, bool) {
	if w.AlwaysClosed() {
		return time.Time{}, false
	}
	if w.IsOpen(t, loc) {
		return t, true
	}
	local := t.In(loc)
	// Eight days cover a whole week plus today's remainder.
	for offset := 0; offset < 8; offset++ {
		// The date is computed in UTC because midnight itself does not exist in some zones on the day of a
		// DST change, and time.Date would then move it to the day before.
		date := time.Date(local.Year(), local.Month(), local.Day()+offset, 0, 0, 0, 0, time.UTC)
		for _, r := range w[date.Weekday()] {
			for _, open := range startInstants(date, r, loc) {
				if open.After(t) {
					return open, true
				}
			}
		}
	}
	return time.Time{}, false
}

// MarshalJSON writes the week as {"mon": "08:00-18:00", ...}, with every day present.
func (w Week) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, 7)
	for d, ranges := range w {
		m[dayKeys[d]] = FormatDay(ranges)
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the form MarshalJSON writes. Missing days are closed.
func (w *Week) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("read opening hours: %w", err)
	}
	var out Week
	for key, value := range m {
		day, err := ParseDayKey(key)
		if err != nil {
			return err
		}
		ranges, err := ParseDay(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		out[day] = ranges
	}
	*w = out
	return nil
}
