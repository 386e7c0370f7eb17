package ivr

import (
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// FirstMenu returns the id of the menu that starts a call to the business number at, and why it is
// the after-hours menu ("after hours", or "closed" with the closure's label), or false when the
// number plays no menu.
func FirstMenu(b store.Business, number string, at time.Time) (id, why string, ok bool) {
	v := b.Settings.IVR
	if v == nil || len(v.Menus) == 0 {
		return "", "", false
	}
	open, closed := v.Menu, v.AfterHoursMenu
	if n, found := v.Numbers[number]; found {
		if n.Off {
			return "", "", false
		}
		open = orDefault(n.Menu, open)
		closed = orDefault(n.AfterHoursMenu, closed)
	}
	switch {
	case open == "":
		return "", "", false
	case closed == "":
		return open, "", true
	}
	loc := b.Location()
	if closure, found := v.ClosedOn(at.In(loc).Format(store.DateLayout)); found {
		why = "closed"
		if closure.Label != "" {
			why += ": " + closure.Label
		}
		return closed, why, true
	}
	if !b.Hours.IsOpen(at, loc) {
		return closed, "after hours", true
	}
	return open, "", true
}

// maxClosureSkips bounds the closures NextOpen steps over, so that a list of closures that covers
// every opening cannot keep it looping.
const maxClosureSkips = 60

// NextOpen returns the next moment at or after at when the business is open, skipping the
// IVR's closures, or false when it opens on no date that the search reaches.
func NextOpen(b store.Business, at time.Time) (time.Time, bool) {
	loc := b.Location()
	t := at
	for range maxClosureSkips {
		open, ok := b.Hours.NextOpen(t, loc)
		if !ok {
			return time.Time{}, false
		}
		if b.Settings.IVR == nil {
			return open, true
		}
		closure, closed := b.Settings.IVR.ClosedOn(open.In(loc).Format(store.DateLayout))
		if !closed {
			return open, true
		}
		last, err := time.ParseInLocation(store.DateLayout, closure.To, loc)
		if err != nil {
			return time.Time{}, false
		}
		t = last.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}

// HoursMessage returns what the hours option speaks at the moment at: whether the business is open
// now, and when it opens next if not, followed by its weekly hours.
func HoursMessage(b store.Business, at time.Time) string {
	return nowSentence(b, at) + " " + hours.Speak(b.Hours)
}

// nowSentence returns whether the business is open at at, in words such as "We're open now until 6 PM." or
// "We're closed now and open again tomorrow at 8:00 AM."
func nowSentence(b store.Business, at time.Time) string {
	loc := b.Location()
	local := at.In(loc)
	if b.Settings.IVR != nil {
		if closure, closed := b.Settings.IVR.ClosedOn(local.Format(store.DateLayout)); closed {
			sentence := "We're closed today"
			if closure.Label != "" {
				sentence += " for " + closure.Label
			}
			return sentence + "." + openAgain(b, at)
		}
	}
	minute := local.Hour()*60 + local.Minute()
	for _, r := range b.Hours[local.Weekday()] {
		if minute < r.Start || minute >= r.End {
			continue
		}
		tomorrow := b.Hours[(local.Weekday()+1)%7]
		if r.End == 24*60 && len(tomorrow) > 0 && tomorrow[0].Start == 0 {
			// The hours go on past midnight, so "until midnight" would be wrong.
			return "We're open now."
		}
		return "We're open now until " + hours.SpokenClock(r.End) + "."
	}
	return "We're closed now." + openAgain(b, at)
}

// openAgain returns when the business opens next in words, with a leading space, or "".
func openAgain(b store.Business, at time.Time) string {
	open, ok := NextOpen(b, at)
	if !ok {
		return ""
	}
	return " We open again " + hours.Describe(at, open, b.Location()) + "."
}
