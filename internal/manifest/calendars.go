package manifest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// Calendar is one bookable calendar of a business: a technician, a van, a room or a service line.
type Calendar struct {
	// Slug is unique within the business, such as "repairs".
	Slug string
	// Name is shown on the booking page and as the name of the calendar's feed.
	Name string
	// TimeZone is an IANA zone name, the business's when the file leaves it out. Hours, closures and
	// max_per_day are read in it.
	TimeZone string
	// Hours are when slots may start and must end. They are the business's hours when the file leaves
	// them out and the calendar shares the business's zone.
	Hours hours.Week
	// SlotLength is whole minutes; defaultSlotLength when the file leaves it out.
	SlotLength time.Duration
	// BufferBefore and BufferAfter are kept free before and after each booking. The default is 0.
	BufferBefore, BufferAfter time.Duration
	// MinNotice is how long before its start a slot can still be booked; defaultMinNotice when left out.
	MinNotice time.Duration
	// Horizon is how far ahead slots are offered; defaultHorizon when left out.
	Horizon time.Duration
	// MaxPerDay limits the bookings that start on one local date; 0, the default, means no limit.
	MaxPerDay int
	// Closures are runs of local dates without bookings, From and To written 2006-01-02.
	Closures []store.Closure
	// Address is where the appointments take place, for confirmations and the feed.
	Address string
	// Line is the line where the calendar's entry starts.
	Line int
}

var calendarKeys = []string{
	"slug", "name", "time_zone", "hours", "slot_length", "buffer_before", "buffer_after", "min_notice",
	"horizon", "max_per_day", "closures", "address",
}

var closureKeys = []string{"from", "to", "label"}

// Calendar defaults. A lead who books an hour ahead still leaves the business time to plan the
// visit, and a month ahead covers what small service businesses usually book.
const (
	defaultSlotLength = time.Hour
	defaultMinNotice  = time.Hour
	defaultHorizon    = 30 * 24 * time.Hour
)

const (
	// maxCalendars bounds the calendars of one business, which the booking page lists together.
	maxCalendars = 50
	// maxPerDayLimit bounds max_per_day; no calendar takes more bookings than that in one day.
	maxPerDayLimit = 1000
	// maxCalendarText bounds name, address and closure labels in characters. They are shown on the
	// booking page and in texts, where a long value would crowd out the rest.
	maxCalendarText = 200
)

var (
	slotLengthRange = durationRange{min: 5 * time.Minute, max: 24 * time.Hour, text: "from 5m to 24h"}
	bufferRange     = durationRange{min: time.Minute, max: 24 * time.Hour, zero: true, text: "0, or from 1m to 24h"}
	minNoticeRange  = durationRange{min: time.Minute, max: 30 * 24 * time.Hour, zero: true,
		text: "0, or from 1m to 30d"}
	horizonRange = durationRange{min: time.Hour, max: 365 * 24 * time.Hour, text: "from 1h to 365d"}
)

// calendars validates the business's calendars list. b holds the business's validated time zone and hours,
// which a calendar takes when it leaves its own out.
func (c *checker) calendars(business *mapping, b *Business) []Calendar {
	nodes, ok := c.sequence(business, "calendars")
	if !ok {
		return nil
	}
	path := join(business.path, "calendars")
	var out []Calendar
	slugs := map[string]int{}
	for i, n := range nodes {
		itemPath := index(path, i)
		if i == maxCalendars {
			c.errorf(n, itemPath, "calendars lists %d calendars, more than the maximum of %d: remove %d",
				len(nodes), maxCalendars, len(nodes)-maxCalendars)
			break
		}
		m := c.mapping(n, itemPath, calendarKeys)
		if m == nil {
			continue
		}
		cal := c.calendar(m, b)
		if cal.Slug != "" {
			if first, ok := slugs[cal.Slug]; ok {
				c.errorf(m.at("slug"), join(itemPath, "slug"), "duplicate calendar slug %s, first used at line %d: "+
					"give each calendar of the business its own slug", quote(cal.Slug), first)
			} else {
				slugs[cal.Slug] = m.at("slug").Line
			}
		}
		out = append(out, cal)
	}
	return out
}

// calendar validates one calendar entry. Fields with errors are left at their defaults.
func (c *checker) calendar(m *mapping, b *Business) Calendar {
	cal := Calendar{Line: m.node.Line}
	if slug, ok := c.required(m, "slug", "a short id such as repairs"); ok {
		if businessSlug.MatchString(slug) {
			cal.Slug = slug
		} else {
			c.errorf(m.at("slug"), join(m.path, "slug"), "invalid slug %s: use 1 to 63 lowercase letters, digits "+
				"and dashes, starting with a letter or digit, such as repairs", quote(slug))
		}
	}
	if name, ok := c.required(m, "name", "the name leads see on the booking page, such as Repairs"); ok {
		cal.Name = c.calendarText(m, "name", name)
	}
	if address, ok := c.string(m, "address"); ok {
		cal.Address = c.calendarText(m, "address", address)
	}
	cal.TimeZone = c.calendarZone(m, b.TimeZone)
	cal.Hours = c.calendarHours(m, b, cal.TimeZone)
	c.calendarTimes(m, &cal)
	cal.MaxPerDay = c.integer(m, "max_per_day", 0, 0, maxPerDayLimit)
	cal.Closures = c.closures(m)
	return cal
}

// calendarText returns value trimmed, and records an error when it is longer than maxCalendarText or
// spans several lines.
func (c *checker) calendarText(m *mapping, key, value string) string {
	value = strings.TrimSpace(value)
	path := join(m.path, key)
	if n := utf8.RuneCountInString(value); n > maxCalendarText {
		c.errorf(m.at(key), path, "%s is too long (%d characters): use at most %d", key, n, maxCalendarText)
		return ""
	}
	if strings.ContainsAny(value, "\r\n") {
		c.errorf(m.at(key), path, "%s spans several lines: write it on one line", key)
		return ""
	}
	return value
}

// calendarZone returns the validated time_zone, or def, the business's zone, when it is absent.
func (c *checker) calendarZone(m *mapping, def string) string {
	if !m.has("time_zone") {
		return def
	}
	return c.timeZone(m)
}

// calendarHours returns the validated hours. A calendar without hours takes the business's, unless its zone
// differs from the business's, where the same wall-clock hours could mean other instants. An invalid zone,
// already reported, is "" and takes the business's hours too. A calendar whose
// hours are all closed gets a warning, because it offers no slots.
func (c *checker) calendarHours(m *mapping, b *Business, zone string) hours.Week {
	path := join(m.path, "hours")
	var week hours.Week
	n := resolve(m.values["hours"])
	switch {
	case !m.has("hours") && zone != "" && zone != b.TimeZone:
		c.errorf(m.at("hours"), path, "missing hours: the calendar's time_zone %s is not the business's %s, so "+
			"give the calendar hours of its own, such as mon: \"09:00-17:00\"", zone, b.TimeZone)
		return week
	case !m.has("hours"):
		week = b.Hours
	case n.Kind != yaml.MappingNode:
		c.errorf(n, path, "expected a mapping of days to hours such as mon: \"09:00-17:00\", found %s", describe(n))
		return week
	default:
		week = c.days(n, path)
	}
	if week.AlwaysClosed() {
		c.warnf(m.at("hours"), path, "no hours, so the calendar offers no slots and the booking page leaves it "+
			"out: add hours such as mon: \"09:00-17:00\"")
	}
	return week
}

// calendarTimes validates the slot length, buffers, minimum notice and horizon of cal, and checks them
// against each other and the hours.
func (c *checker) calendarTimes(m *mapping, cal *Calendar) {
	var slotOK, noticeOK, horizonOK bool
	cal.SlotLength, slotOK = c.checkedDuration(m, "slot_length", defaultSlotLength, slotLengthRange)
	if slotOK && cal.SlotLength%time.Minute != 0 {
		raw, _ := c.string(m, "slot_length")
		c.errorf(m.at("slot_length"), join(m.path, "slot_length"), "slot_length %s is not a whole number of "+
			"minutes: use minutes, such as 45m or 1h30m", quote(raw))
		cal.SlotLength, slotOK = defaultSlotLength, false
	}
	cal.BufferBefore, _ = c.checkedDuration(m, "buffer_before", 0, bufferRange)
	cal.BufferAfter, _ = c.checkedDuration(m, "buffer_after", 0, bufferRange)
	cal.MinNotice, noticeOK = c.checkedDuration(m, "min_notice", defaultMinNotice, minNoticeRange)
	cal.Horizon, horizonOK = c.checkedDuration(m, "horizon", defaultHorizon, horizonRange)

	if noticeOK && horizonOK && cal.Horizon <= cal.MinNotice {
		key := "horizon"
		if !m.has(key) {
			key = "min_notice"
		}
		c.errorf(m.at(key), join(m.path, key), "horizon %s is not longer than min_notice %s, so no slot could "+
			"ever be booked: make the horizon longer", durationText(cal.Horizon), durationText(cal.MinNotice))
	}
	if slotOK && !cal.Hours.AlwaysClosed() && !fitsAnyRange(cal.Hours, cal.SlotLength) {
		c.warnf(m.at("slot_length"), join(m.path, "slot_length"), "slot_length %s is longer than every range "+
			"of hours, so the calendar offers no slots: shorten it or widen the hours", durationText(cal.SlotLength))
	}
}

// checkedDuration is duration, and also reports whether the value was valid. An absent key is valid.
func (c *checker) checkedDuration(m *mapping, key string, def time.Duration, r durationRange) (time.Duration, bool) {
	before := len(c.errors)
	value := c.duration(m, key, def, r)
	return value, len(c.errors) == before
}

// fitsAnyRange reports whether a slot of length fits in at least one range of the week.
func fitsAnyRange(week hours.Week, length time.Duration) bool {
	for _, day := range week {
		for _, r := range day {
			if time.Duration(r.End-r.Start)*time.Minute >= length {
				return true
			}
		}
	}
	return false
}

// closures validates the calendar's closures list.
func (c *checker) closures(m *mapping) []store.Closure {
	nodes, ok := c.sequence(m, "closures")
	if !ok {
		return nil
	}
	var out []store.Closure
	for i, n := range nodes {
		cm := c.mapping(n, index(join(m.path, "closures"), i), closureKeys)
		if cm == nil {
			continue
		}
		if closure, ok := c.closure(cm); ok {
			out = append(out, closure)
		}
	}
	return out
}

// closure validates one closure: from, an optional to that defaults to from, and an optional label.
func (c *checker) closure(m *mapping) (store.Closure, bool) {
	from, fromOK := c.closureDate(m, "from", true)
	to, toOK := from, fromOK
	if m.has("to") {
		to, toOK = c.closureDate(m, "to", false)
	}
	var label string
	labelOK := true
	if raw, ok := c.string(m, "label"); ok {
		before := len(c.errors)
		label = c.calendarText(m, "label", raw)
		labelOK = len(c.errors) == before
	}
	if !fromOK || !toOK || !labelOK {
		return store.Closure{}, false
	}
	if to.Before(from) {
		c.errorf(m.at("to"), join(m.path, "to"), "to %s is before from %s: write the first closed date as from "+
			"and the last as to", to.Format(store.DateLayout), from.Format(store.DateLayout))
		return store.Closure{}, false
	}
	return store.Closure{From: from.Format(store.DateLayout), To: to.Format(store.DateLayout), Label: label}, true
}

// closureDate returns the date at key. ok is false when the value is invalid or a required key is absent,
// which records an error.
func (c *checker) closureDate(m *mapping, key string, required bool) (time.Time, bool) {
	path := join(m.path, key)
	if !m.has(key) {
		if required {
			c.errorf(m.at(key), path, "missing %s: set it to the first closed date, such as 2025-12-24", key)
		}
		return time.Time{}, false
	}
	raw, ok := c.string(m, key)
	if !ok {
		return time.Time{}, false
	}
	date, err := time.Parse(store.DateLayout, strings.TrimSpace(raw))
	if err != nil {
		c.errorf(m.at(key), path, "invalid %s %s: use a date written YYYY-MM-DD, such as 2025-12-24", key,
			quote(raw))
		return time.Time{}, false
	}
	return date, true
}

// durationText writes d as the file would: whole days as "2d", and otherwise as "1h30m" without zero units.
func durationText(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}
