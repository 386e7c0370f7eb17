package quiet

import (
	"slices"
	"time"
)

// maxTransitions bounds the DST changes collected for one zone, as a guard against a zone whose bounds do
// not advance. Real zones change at most a few times in the SearchLimit.
const maxTransitions = 16

// nextAllowed returns the earliest moment in [from, limit] inside the window of every constraint, or the zero
// time when there is none. The result is in the location of from.
//
// Each constraint allows a union of intervals that are closed at their start, so their intersection is too,
// and its first moment at or after from is either from itself or the start of an interval of some
// constraint. An interval starts where the wall clock reaches a window's Start, or at a DST change that moves
// the clock into a window. nextAllowed checks exactly those instants, in order.
func nextAllowed(constraints []constraint, from, limit time.Time) time.Time {
	if limit.Before(from) {
		return time.Time{}
	}

	candidates := []time.Time{from}
	for _, c := range constraints {
		candidates = append(candidates, windowStarts(c, from, limit)...)
		candidates = append(candidates, transitions(c.loc, from, limit)...)
	}
	slices.SortFunc(candidates, func(a, b time.Time) int { return a.Compare(b) })

	for _, t := range candidates {
		if t.Before(from) || t.After(limit) {
			continue
		}
		if failing, _ := firstFailure(constraints, t); failing == nil {
			return t.In(from.Location())
		}
	}
	return time.Time{}
}

// windowStarts returns the instants in [from, limit] at which the wall clock of c reaches the Start of the
// window of its day. A Start that a DST change repeats gives two instants and one that it skips gives none,
// because the DST change itself is a candidate that transitions returns.
func windowStarts(c constraint, from, limit time.Time) []time.Time {
	// The dates are computed in UTC because local midnight does not exist in some zones on the day of a DST
	// change. A day before and after the range covers instants whose local date differs from the UTC date.
	first := from.In(c.loc)
	last := limit.In(c.loc)
	firstDate := time.Date(first.Year(), first.Month(), first.Day()-1, 0, 0, 0, 0, time.UTC)
	lastDate := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, time.UTC)

	var starts []time.Time
	for date := firstDate; !date.After(lastDate); date = date.AddDate(0, 0, 1) {
		day := c.days[date.Weekday()]
		if day.closed || day.window.Empty() {
			continue
		}
		for _, t := range wallInstants(c.loc, date, day.window.Start) {
			if !t.Before(from) && !t.After(limit) {
				starts = append(starts, t)
			}
		}
	}
	return starts
}

// wallInstants returns, in order, the instants at which the wall clock of loc shows minute (counted from
// midnight) on date, whose year, month and day are read in UTC. There are two such instants when a DST change
// repeats the time, and none when it skips it.
//
// time.Date alone cannot give this: for a repeated time it returns one of the two instants, and for a skipped
// time it returns an instant whose wall clock shows another time.
func wallInstants(loc *time.Location, date time.Time, minute int) []time.Time {
	year, month, day := date.Date()
	wall := time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Add(time.Duration(minute) * time.Minute)
	nominal := time.Date(year, month, day, minute/60, minute%60, 0, 0, loc)

	// The offsets in force around nominal: its own, and those of the zone periods before and after it.
	offsets := []int{offsetAt(nominal)}
	start, end := nominal.ZoneBounds()
	if !start.IsZero() {
		offsets = append(offsets, offsetAt(start.Add(-time.Nanosecond)))
	}
	if !end.IsZero() {
		offsets = append(offsets, offsetAt(end))
	}

	var instants []time.Time
	for _, offset := range offsets {
		t := wall.Add(-time.Duration(offset) * time.Second).In(loc)
		if offsetAt(t) == offset && !slices.ContainsFunc(instants, t.Equal) {
			instants = append(instants, t)
		}
	}
	slices.SortFunc(instants, func(a, b time.Time) int { return a.Compare(b) })
	return instants
}

// offsetAt returns the offset of t's location from UTC at t, in seconds.
func offsetAt(t time.Time) int {
	_, offset := t.Zone()
	return offset
}

// transitions returns the instants in (from, limit] at which loc changes its offset or abbreviation.
func transitions(loc *time.Location, from, limit time.Time) []time.Time {
	var changes []time.Time
	t := from
	for range maxTransitions {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || end.After(limit) || !end.After(t) {
			break
		}
		changes = append(changes, end)
		t = end
	}
	return changes
}
