// Package booking finds free slots in a business's calendars, holds and books them, and serves
// each calendar's bookings as an iCalendar feed.
//
// Slots are computed in the calendar's own time zone, one local date at a time: each slot start
// is a wall-clock time of that date, turned into an instant with tz.Wall, never the day before
// plus 24 hours. A start that a daylight-saving change skips is not offered, and one that it
// repeats is offered once, at its first occurrence. Slot starts, ends and bookings are UTC
// instants; only labels are local.
//
// Double booking is prevented by the store, not here: see store.Tx.HoldSlot.
package booking

import (
	"fmt"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/tz"
)

// LabelLayout is the layout of slot labels: the local date and time with the zone's abbreviation
// on that date, as in "Sun Mar 9, 1:00 PM CDT".
const LabelLayout = "Mon Jan 2, 3:04 PM MST"

// Interval is a span of time [Start, End).
type Interval struct {
	Start time.Time
	End   time.Time
}

// Slot is a free slot of a calendar.
type Slot struct {
	CalendarID store.CalendarID
	Start      time.Time // UTC
	End        time.Time // UTC
	// Location is the calendar's time zone, in which Label writes the slot.
	Location *time.Location
}

// Label writes the slot's start in the calendar's zone, with the zone's abbreviation, such as
// "Sun Mar 9, 1:00 PM CDT".
func (s Slot) Label() string {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return s.Start.In(loc).Format(LabelLayout)
}

// SlotOf returns the slot that a booking of the calendar occupies, so that a confirmation can
// write it with the same Label as the offer.
func SlotOf(cal store.Calendar, b store.Booking) (Slot, error) {
	loc, err := cal.Location()
	if err != nil {
		return Slot{}, err
	}
	return Slot{CalendarID: b.CalendarID, Start: b.Start.UTC(), End: b.End.UTC(), Location: loc}, nil
}

// BusyOf returns the intervals that bookings occupy, buffers not included.
func BusyOf(bookings []store.Booking) []Interval {
	out := make([]Interval, len(bookings))
	for i, b := range bookings {
		out[i] = Interval{Start: b.Start, End: b.End}
	}
	return out
}

// Slots returns the calendar's free slots that start in [from, to), in time order, at most limit
// of them (0 means no limit). busy lists the calendar's live bookings and holds.
//
// Slot starts fall on a grid of the slot length from the start of each of the day's hours
// ranges, and a slot must end by the end of its range. A slot is left out when:
//   - it starts less than MinNotice after now, or Horizon or more after now;
//   - its local date is in a closure;
//   - MaxPerDay busy intervals already start on its local date;
//   - it comes closer than BufferBefore+BufferAfter to a busy interval.
//
// Each slot returned is free on its own, so booking one may fill its day.
func Slots(cal store.Calendar, busy []Interval, now, from, to time.Time, limit int) ([]Slot, error) {
	loc, err := cal.Location()
	if err != nil {
		return nil, err
	}
	step := int(cal.SlotLength / time.Minute)
	if step < 1 {
		return nil, fmt.Errorf("calendar %s: invalid slot length %s", cal.Slug, cal.SlotLength)
	}
	earliest := later(from, now.Add(cal.MinNotice))
	end := earlier(to, now.Add(cal.Horizon))
	if !earliest.Before(end) {
		return nil, nil
	}

	perDay := startsPerDay(busy, loc)
	gap := cal.BufferBefore + cal.BufferAfter
	var out []Slot
	last := civilDate(end.In(loc))
	for day := civilDate(earliest.In(loc)); !day.After(last); day = day.AddDate(0, 0, 1) {
		date := day.Format(store.DateLayout)
		if _, closed := cal.ClosedOn(date); closed {
			continue
		}
		if cal.MaxPerDay > 0 && perDay[date] >= cal.MaxPerDay {
			continue
		}

		y, m, d := day.Date()
		for _, r := range cal.Hours[day.Weekday()] {
			rangeEnd, _ := tz.Wall(y, m, d, 0, r.End, loc)
			for minute := r.Start; minute+step <= r.End; minute += step {
				start, exists := tz.Wall(y, m, d, 0, minute, loc)
				if !exists {
					continue
				}
				slotEnd := start.Add(cal.SlotLength)
				if start.Before(earliest) || !start.Before(end) || slotEnd.After(rangeEnd) {
					continue
				}
				if overlapsAny(busy, start, slotEnd, gap) {
					continue
				}
				out = append(out, Slot{CalendarID: cal.ID, Start: start.UTC(), End: slotEnd.UTC(), Location: loc})
				if limit > 0 && len(out) == limit {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// overlapsAny reports whether [start, end) comes closer than gap to any of busy.
func overlapsAny(busy []Interval, start, end time.Time, gap time.Duration) bool {
	for _, b := range busy {
		if b.Start.Before(end.Add(gap)) && b.End.After(start.Add(-gap)) {
			return true
		}
	}
	return false
}

// startsPerDay counts the busy intervals by the local date they start on.
func startsPerDay(busy []Interval, loc *time.Location) map[string]int {
	out := map[string]int{}
	for _, b := range busy {
		out[b.Start.In(loc).Format(store.DateLayout)]++
	}
	return out
}

// civilDate returns t's date as midnight UTC, so that adding days to it never meets a
// daylight-saving change.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
