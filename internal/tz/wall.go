package tz

import "time"

// Wall returns the first instant at which the clock in loc reads the given date and time, and
// true. Values out of range are normalised as time.Date does, so hour 24 is midnight of the next
// day.
//
// A wall time that a daylight-saving change repeats (01:30 on the night the clock goes back)
// gives its first occurrence. A wall time that a change skips (02:30 on the night the clock goes
// forward) gives the instant of the jump, and false. time.Date alone leaves both choices
// unspecified.
func Wall(year int, month time.Month, day, hour, minute int, loc *time.Location) (time.Time, bool) {
	want := time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
	t := time.Date(want.Year(), want.Month(), want.Day(), want.Hour(), want.Minute(), 0, 0, loc)
	got := wallOf(t)
	if !got.Equal(want) {
		start, end := t.ZoneBounds()
		if got.After(want) {
			// t was read with the offset from before the jump, so it lies after the jump.
			return start, false
		}
		return end, false
	}
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t, true
	}
	_, offset := t.Zone()
	_, before := start.Add(-time.Nanosecond).Zone()
	if before > offset {
		// The clock went back when t's zone began, so the same wall time may have occurred in
		// the zone before it.
		earlier := t.Add(-time.Duration(before-offset) * time.Second)
		if earlier.Before(start) && wallOf(earlier).Equal(want) {
			return earlier, true
		}
	}
	return t, true
}

// StartOfDay returns the first instant of the given date in loc. That is midnight, or the
// instant of the jump in a zone whose clock skips midnight on that date.
func StartOfDay(year int, month time.Month, day int, loc *time.Location) time.Time {
	t, _ := Wall(year, month, day, 0, 0, loc)
	return t
}

// wallOf returns the wall clock of t in its location, as the same reading in UTC.
func wallOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
