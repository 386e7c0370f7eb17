package bookbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/textback/textback/internal/bookreply"
)

// heading introduces offered slots: plural before a numbered list, single before one slot.
type heading struct {
	plural, single string
}

var (
	headingNext   = heading{"Here are the next times we have:", "The next time we have is"}
	headingOthers = heading{"Here are other times we have:", "Another time we have is"}
)

// headingDay introduces the slots of the day and time asked for.
func headingDay(w bookreply.Want) heading {
	return heading{"Here are the times we have " + on(w) + ":", "The time we have " + on(w) + " is"}
}

// headingAt introduces the next slot at a time of day.
func headingAt(w bookreply.Want) heading {
	return heading{"Here are the next times we have " + on(w) + ":", "The next time we have " + on(w) + " is"}
}

// offerText writes the offer of the slots with labels: a numbered list and how to answer it, or
// one slot as a yes-or-no question.
//
//	Here are the next times we have:
//	1) Tue Mar 11, 3:00 PM CDT
//	2) Wed Mar 12, 9:00 AM CDT
//	Reply 1 or 2, or tell us a day and time.
func offerText(intro string, h heading, labels []string) string {
	if len(labels) == 1 {
		return fmt.Sprintf("%s%s %s. Does that work? Reply YES or NO, or tell us another day and time.",
			intro, h.single, labels[0])
	}
	var b strings.Builder
	b.WriteString(intro)
	b.WriteString(h.plural)
	for i, l := range labels {
		fmt.Fprintf(&b, "\n%d) %s", i+1, l)
	}
	fmt.Fprintf(&b, "\nReply %s, or tell us a day and time.", numbers(len(labels)))
	return b.String()
}

// numbers writes the numbers 1 to n as a choice: "1 or 2", "1, 2 or 3".
func numbers(n int) string {
	list := make([]string, n)
	for i := range list {
		list[i] = strconv.Itoa(i + 1)
	}
	if n == 1 {
		return list[0]
	}
	return strings.Join(list[:n-1], ", ") + " or " + list[n-1]
}

// askAgainText asks once more which of the offered slots the lead wants.
func askAgainText(labels []string) string {
	if len(labels) == 1 {
		return fmt.Sprintf("Sorry, we didn't catch that. Does %s work? Reply YES or NO, or tell us another day "+
			"and time.", labels[0])
	}
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("%d for %s", i+1, l)
	}
	list := strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
	return "Sorry, we didn't catch which time you'd like. Reply " + list + ", or tell us a day and time."
}

// handOffText tells the lead that a person takes over.
func handOffText(intro, business string) string {
	return intro + "Someone from " + business + " will text you shortly to find a time."
}

// partNames name the parts of the day that bookreply reads.
var partNames = map[[2]int]string{
	{0, 12 * 60}:       "in the morning",
	{12 * 60, 17 * 60}: "in the afternoon",
	{17 * 60, 24 * 60}: "in the evening",
	{12 * 60, 24 * 60}: "in the afternoon or evening",
	{11 * 60, 14 * 60}: "around lunchtime",
}

// phrase describes a want for the lead, such as "Thu Mar 13 in the morning" or "4:00 PM".
func phrase(w bookreply.Want) string {
	var parts []string
	switch {
	case !w.HasDate():
	case w.To.Equal(w.From.AddDate(0, 0, 1)):
		parts = append(parts, w.From.Format("Mon Jan 2"))
	default:
		parts = append(parts, w.From.Format("Mon Jan 2")+" to "+w.To.AddDate(0, 0, -1).Format("Mon Jan 2"))
	}
	switch {
	case w.HasTime:
		at := time.Date(2000, 1, 1, w.Minute/60, w.Minute%60, 0, 0, time.UTC).Format("3:04 PM")
		if len(parts) > 0 {
			at = "at " + at
		}
		parts = append(parts, at)
	case w.PartTo > 0:
		if name, ok := partNames[[2]int{w.PartFrom, w.PartTo}]; ok {
			parts = append(parts, name)
		}
	}
	if len(parts) == 0 {
		return "soon"
	}
	return strings.Join(parts, " ")
}

// on describes a want after a verb, such as "on Thu Mar 13" or "at 4:00 PM".
func on(w bookreply.Want) string {
	switch {
	case w.HasDate() && w.To.Equal(w.From.AddDate(0, 0, 1)):
		return "on " + phrase(w)
	case w.HasDate():
		return "from " + phrase(w)
	case w.HasTime:
		return "at " + phrase(w)
	case w.PartTo > 0:
		return phrase(w)
	}
	return "soon"
}
