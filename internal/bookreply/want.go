package bookreply

import (
	"fmt"
	"time"
)

// Want is a day, a time of day or both that a lead asked for, in the business's zone.
type Want struct {
	// From and To bound the local dates asked for, To excluded, each as midnight UTC of the date.
	// Both are zero when the reply names no day.
	From, To time.Time
	// HasTime is set when the reply names a time of day, Minute minutes after midnight.
	HasTime bool
	Minute  int
	// Meridiem is set when the time is certain: written with AM or PM, in 24-hour form, or as
	// noon. Otherwise an hour from 1 to 12 also matches that hour in the other half of the day.
	Meridiem bool
	// PartFrom and PartTo bound the part of the day asked for, such as 0 and 720 for "morning",
	// in minutes after midnight with PartTo excluded. Both are zero when the reply names none.
	PartFrom, PartTo int
}

// HasDate reports whether the want names a day or a run of days.
func (w Want) HasDate() bool { return !w.From.IsZero() }

// Exact reports whether the want names one date and a time, which is at most one slot start.
func (w Want) Exact() bool {
	return w.HasTime && w.HasDate() && w.To.Equal(w.From.AddDate(0, 0, 1))
}

// Matches reports whether a slot that starts at start, read in loc, is one the lead asked for.
func (w Want) Matches(start time.Time, loc *time.Location) bool {
	local := start.In(loc)
	if w.HasDate() {
		day := civil(local)
		if day.Before(w.From) || !day.Before(w.To) {
			return false
		}
	}
	minute := local.Hour()*60 + local.Minute()
	switch {
	case w.HasTime:
		other := (w.Minute + 12*60) % (24 * 60)
		return minute == w.Minute || (!w.Meridiem && minute == other)
	case w.PartTo > 0:
		return minute >= w.PartFrom && minute < w.PartTo
	}
	return true
}

// String describes the want for the record, such as "Thu Mar 13 at 3:00 PM" or "mornings".
func (w Want) String() string {
	var day string
	switch {
	case !w.HasDate():
	case w.To.Equal(w.From.AddDate(0, 0, 1)):
		day = w.From.Format("Mon Jan 2")
	default:
		day = w.From.Format("Mon Jan 2") + " to " + w.To.AddDate(0, 0, -1).Format("Mon Jan 2")
	}
	var at string
	switch {
	case w.HasTime:
		at = time.Date(2000, 1, 1, w.Minute/60, w.Minute%60, 0, 0, time.UTC).Format("3:04 PM")
	case w.PartTo > 0:
		at = fmt.Sprintf("%02d:%02d to %02d:%02d", w.PartFrom/60, w.PartFrom%60, w.PartTo/60, w.PartTo%60)
	}
	switch {
	case day != "" && at != "":
		return day + " at " + at
	case day != "":
		return day
	case at != "":
		return at
	}
	return "any time"
}
