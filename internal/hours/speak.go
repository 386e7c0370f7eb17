package hours

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// weekOrder lists the days as callers think of a week: Monday first.
var weekOrder = []time.Weekday{
	time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday,
}

// Speak returns the week's opening hours as sentences for text-to-speech, such as "We're open
// Monday to Friday from 8 AM to 6 PM and Saturday from 9 AM to noon. We're closed on Sunday."
// Runs of consecutive days with the same hours are read as one group.
func Speak(w Week) string {
	if w.AlwaysClosed() {
		return "We have no regular opening hours."
	}
	var open, closed []string
	for _, group := range groupDays(w) {
		days := spokenDays(group)
		if ranges := w[group[0]]; len(ranges) > 0 {
			open = append(open, days+" "+spokenRanges(ranges))
		} else {
			closed = append(closed, days)
		}
	}
	text := "We're open " + joinWithAnd(open) + "."
	if len(closed) > 0 {
		text += " We're closed on " + joinWithAnd(closed) + "."
	}
	return text
}

// groupDays splits the week, from Monday, into runs of consecutive days with the same ranges.
func groupDays(w Week) [][]time.Weekday {
	var groups [][]time.Weekday
	for _, day := range weekOrder {
		last := len(groups) - 1
		if last >= 0 && slices.Equal(w[groups[last][0]], w[day]) {
			groups[last] = append(groups[last], day)
			continue
		}
		groups = append(groups, []time.Weekday{day})
	}
	return groups
}

// spokenDays names a run of days: "Monday", "Monday and Tuesday" or "Monday to Friday".
func spokenDays(days []time.Weekday) string {
	switch len(days) {
	case 1:
		return days[0].String()
	case 2:
		return days[0].String() + " and " + days[1].String()
	}
	return days[0].String() + " to " + days[len(days)-1].String()
}

// spokenRanges reads a day's ranges, such as "from 8 AM to noon and from 1 PM to 5:30 PM".
func spokenRanges(ranges []Range) string {
	if len(ranges) == 1 && ranges[0].Start == 0 && ranges[0].End == 24*60 {
		return "all day"
	}
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = "from " + SpokenClock(r.Start) + " to " + SpokenClock(r.End)
	}
	return strings.Join(parts, " and ")
}

// SpokenClock reads minutes after midnight on a 12-hour clock for speech: "8 AM", "5:30 PM",
// "noon" or "midnight".
func SpokenClock(minutes int) string {
	minutes %= 24 * 60
	switch minutes {
	case 0:
		return "midnight"
	case 12 * 60:
		return "noon"
	}
	hour, minute := minutes/60, minutes%60
	suffix := "AM"
	if hour >= 12 {
		suffix = "PM"
	}
	hour %= 12
	if hour == 0 {
		hour = 12
	}
	if minute == 0 {
		return fmt.Sprintf("%d %s", hour, suffix)
	}
	return fmt.Sprintf("%d:%02d %s", hour, minute, suffix)
}

// joinWithAnd joins items as a spoken list: "a", "a and b", "a, b, and c".
func joinWithAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", and " + items[len(items)-1]
}
