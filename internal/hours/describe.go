package hours

import "time"

// Describe returns the moment at in words relative to now, both read in loc, for texts such as "We open again
// tomorrow at 8:00 AM". The result is "today at 8:00 AM" or "tomorrow at 8:00 AM" on those calendar days, the
// weekday ("Monday at 10:30 AM") 2 to 6 days ahead, and "Mon Dec 14 at 8:00 AM" on any other day, including
// days before now. Times use a 12-hour clock, so noon is "12:00 PM" and midnight "12:00 AM". A nil loc means UTC.
func Describe(now, at time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	localNow, localAt := now.In(loc), at.In(loc)
	clock := localAt.Format("3:04 PM")

	switch days := calendarDays(localNow, localAt); {
	case days == 0:
		return "today at " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days >= 2 && days <= 6:
		return localAt.Weekday().String() + " at " + clock
	}
	return localAt.Format("Mon Jan 2") + " at " + clock
}

// calendarDays returns the number of calendar days from the date of from to the date of to, each read in its
// own location. It counts dates, not 24-hour periods, so a day with a DST change still counts as one.
func calendarDays(from, to time.Time) int {
	fromYear, fromMonth, fromDay := from.Date()
	toYear, toMonth, toDay := to.Date()
	fromDate := time.Date(fromYear, fromMonth, fromDay, 0, 0, 0, 0, time.UTC)
	toDate := time.Date(toYear, toMonth, toDay, 0, 0, 0, 0, time.UTC)
	return int(toDate.Sub(fromDate) / (24 * time.Hour))
}
