package hours

import "time"

// startInstants returns the instants, in order, at which r starts on date (whose year, month and day are read
// in UTC) in loc.
//
// A start time that a DST change repeats gives two instants, one on each side of the change. A start time
// that a DST change skips gives the instant of the change, when the clock jumps into r, and nothing when the
// clock jumps past the end of r. time.Date alone gets both cases wrong: for a skipped time it may return an
// instant before the change, when the business is still closed, and for a repeated time it returns only one
// of the two.
func startInstants(date time.Time, r Range, loc *time.Location) []time.Time {
	year, month, day := date.Date()
	hour, minute := r.Start/60, r.Start%60
	nominal := time.Date(year, month, day, hour, minute, 0, 0, loc)

	if wallMinute(nominal, date) != r.Start {
		jump := skippedTimeJump(nominal, date, r.Start)
		if wall := wallMinute(jump, date); wall >= r.Start && wall < r.End {
			return []time.Time{jump}
		}
		return nil
	}

	instants := []time.Time{nominal}
	start, end := nominal.ZoneBounds()
	_, offset := nominal.Zone()
	if !start.IsZero() {
		// A change into nominal's zone that set the clock back makes the same wall time occur earlier.
		_, before := start.Add(-time.Nanosecond).Zone()
		if earlier := nominal.Add(time.Duration(offset-before) * time.Second); before > offset &&
			wallMinute(earlier, date) == r.Start {
			instants = append([]time.Time{earlier}, instants...)
		}
	}
	if !end.IsZero() {
		// A change out of nominal's zone that sets the clock back makes the same wall time occur again.
		_, after := end.Zone()
		if later := nominal.Add(time.Duration(offset-after) * time.Second); after < offset &&
			wallMinute(later, date) == r.Start {
			instants = append(instants, later)
		}
	}
	return instants
}

// skippedTimeJump returns the instant at which the clock jumps over the wall time start (in minutes after
// midnight) on date. nominal is what time.Date returned for that wall time, an instant on either side of the
// jump.
func skippedTimeJump(nominal, date time.Time, start int) time.Time {
	zoneStart, zoneEnd := nominal.ZoneBounds()
	if wallMinute(nominal, date) < start && !zoneEnd.IsZero() {
		return zoneEnd
	}
	return zoneStart
}

// wallMinute returns the wall clock of t in its location as minutes after midnight of date, so a time on the
// day before is negative and one on the day after is 1440 or more.
func wallMinute(t, date time.Time) int {
	year, month, day := t.Date()
	days := int(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Sub(date) / (24 * time.Hour))
	return days*1440 + t.Hour()*60 + t.Minute()
}
