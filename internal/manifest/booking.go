package manifest

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/store"
)

var bookingKeys = []string{
	"enabled", "calendars", "slots", "max_messages", "reply_delay", "reminders", "start_on_answers",
	"confirmation_template", "reminder_template", "cancellation_template",
}

const (
	// maxBookingSlots bounds the slots one text offers: more would not fit in two segments.
	maxBookingSlots = 5
	// minBotMessages leaves room for an offer, one question again and the hand-over, and
	// maxBotMessages keeps a bot that misreads a lead from texting them all day.
	minBotMessages = 3
	maxBotMessages = 50
	// maxReminders bounds the reminders of one booking.
	maxReminders = 3
)

var (
	replyDelayRange = durationRange{min: time.Second, max: time.Hour, zero: true, text: "0, or from 1s to 1h"}
	// reminderRange is how long before a booking a reminder may go: a reminder under 10 minutes
	// before comes too late to act on, and one more than a week before reads as a new booking.
	reminderRange = durationRange{min: 10 * time.Minute, max: 7 * 24 * time.Hour, text: "from 10m to 7d"}
)

// bookingTemplates are the templates of the texts about bookings, with the settings they set.
var bookingTemplates = []struct {
	key     string
	setting func(*store.BookingSettings) *string
}{
	{"confirmation_template", func(s *store.BookingSettings) *string { return &s.ConfirmationTemplate }},
	{"reminder_template", func(s *store.BookingSettings) *string { return &s.ReminderTemplate }},
	{"cancellation_template", func(s *store.BookingSettings) *string { return &s.CancellationTemplate }},
}

// botWords are words the booking bot reads, which a business keyword of the same word would take
// over, since keywords are read first.
var botWords = []string{"BOOK", "RESCHEDULE"}

// booking validates the business's booking section into b.Settings.Booking, which must hold the
// defaults. b holds the validated calendars, qualifying question and keywords. It returns the
// section's SMS templates, reported when the business has calendars.
func (c *checker) booking(business *mapping, b *Business) []smsTemplate {
	m := c.mapping(business.values["booking"], join(business.path, "booking"), bookingKeys)
	if m == nil {
		return nil
	}
	if m.node == nil {
		m.node = business.at("booking")
	}
	s := &b.Settings.Booking
	s.Enabled = c.bool(m, "enabled", s.Enabled)
	s.Calendars = c.bookingCalendars(m, b)
	s.Slots = c.integer(m, "slots", s.Slots, 1, maxBookingSlots)
	s.MaxMessages = c.integer(m, "max_messages", s.MaxMessages, minBotMessages, maxBotMessages)
	s.ReplyDelay = store.Duration(c.duration(m, "reply_delay", time.Duration(s.ReplyDelay), replyDelayRange))
	s.Reminders = c.reminders(m, s.Reminders)
	s.StartOnAnswers = c.startOnAnswers(m, b)

	var templates []smsTemplate
	for _, t := range bookingTemplates {
		tmpl, ok := c.template(m, t.key, msgtemplate.BookingFields(), "remove the key to use the default text")
		if tmpl != nil {
			*t.setting(s) = tmpl.Source()
			if ok && !slices.Contains(tmpl.Fields(), msgtemplate.FieldTime) {
				c.warnf(m.at(t.key), join(m.path, t.key), "the template does not use {time}, so the lead is not "+
					"told when the appointment is: add {time}")
			}
		}
		if ok {
			report := m.sms(t.key, "booking "+strings.TrimSuffix(t.key, "_template"), *t.setting(s))
			report.followsTextBack = true
			templates = append(templates, report)
		}
	}

	if s.Enabled {
		c.checkBotCanBook(m, b)
	}
	if len(b.Calendars) == 0 {
		return nil
	}
	return templates
}

// checkBotCanBook records an error when the enabled bot has no calendar to offer, and warns about
// keywords that take over words the bot reads.
func (c *checker) checkBotCanBook(m *mapping, b *Business) {
	path := join(m.path, "enabled")
	if len(b.Calendars) == 0 {
		c.errorf(m.at("enabled"), path, "booking is enabled but the business has no calendars, so the bot has "+
			"no slots to offer: add calendars, or set enabled: false")
		return
	}
	bookable := false
	for _, cal := range b.Calendars {
		if !cal.Hours.AlwaysClosed() && b.Settings.Booking.BooksCalendar(cal.Slug) {
			bookable = true
		}
	}
	if !bookable {
		c.warnf(m.at("enabled"), path, "none of the calendars the bot books has hours, so it offers no slots "+
			"and hands every lead who asks to book to a person: give the calendars hours")
	}
	for _, k := range b.Settings.Keywords {
		words := append([]string{k.Word}, k.Aliases...)
		for _, w := range botWords {
			if slices.ContainsFunc(words, func(s string) bool { return strings.EqualFold(s, w) }) {
				c.warnf(m.at("enabled"), path, "keyword %s is read before the booking bot, so a lead who texts %s "+
					"gets the keyword's reply instead of times to book: remove the keyword, or leave it if that "+
					"is meant", k.Word, w)
			}
		}
	}
}

// bookingCalendars validates the slugs of the calendars the bot books; none means all of them.
func (c *checker) bookingCalendars(m *mapping, b *Business) []string {
	nodes, ok := c.sequence(m, "calendars")
	if !ok {
		return nil
	}
	path := join(m.path, "calendars")
	var known []string
	for _, cal := range b.Calendars {
		known = append(known, cal.Slug)
	}
	var out []string
	seen := map[string]int{}
	for i, n := range nodes {
		itemPath := index(path, i)
		slug, ok := c.scalar(n, itemPath)
		if !ok {
			if isNull(n) {
				c.errorf(n, itemPath, "calendar slug is empty: remove it, or name a calendar such as repairs")
			}
			continue
		}
		slug = strings.TrimSpace(slug)
		node := resolve(n)
		if first, dup := seen[slug]; dup {
			c.errorf(node, itemPath, "calendar %s is listed twice, first at line %d: keep one of them", quote(slug),
				first)
			continue
		}
		seen[slug] = node.Line
		if !slices.Contains(known, slug) {
			hint := "declare it under calendars"
			if len(known) > 0 {
				hint += ", or use one of " + strings.Join(known, ", ")
			}
			c.errorf(node, itemPath, "unknown calendar %s: %s", quote(slug), hint)
			continue
		}
		out = append(out, slug)
	}
	return out
}

// reminders validates the reminders list, starting from def. reminders: [] sends none.
func (c *checker) reminders(m *mapping, def []store.Duration) []store.Duration {
	path := join(m.path, "reminders")
	if _, set := m.keys["reminders"]; !set {
		return def
	}
	n := resolve(m.values["reminders"])
	switch {
	case isNull(n):
		c.errorf(m.at("reminders"), path, "reminders has no value: write reminders: [] to send none, or remove "+
			"the key to send them a day and two hours before")
		return def
	case n.Kind != yaml.SequenceNode:
		c.errorf(n, path, "expected a list of how long before the appointment each reminder goes, such as "+
			"[24h, 2h], found %s", describe(n))
		return def
	case len(n.Content) > maxReminders:
		c.errorf(n, path, "reminders lists %d reminders, more than the maximum of %d: remove %d", len(n.Content),
			maxReminders, len(n.Content)-maxReminders)
		return def
	}
	out := []store.Duration{}
	seen := map[time.Duration]int{}
	for i, item := range n.Content {
		itemPath := index(path, i)
		raw, ok := c.scalar(item, itemPath)
		if !ok {
			if isNull(item) {
				c.errorf(item, itemPath, "reminder is empty: remove it, or write how long before the appointment "+
					"it goes, such as 24h")
			}
			continue
		}
		node := resolve(item)
		value, ok := reminderDuration(strings.TrimSpace(raw))
		if !ok {
			c.errorf(node, itemPath, "invalid reminder %s: use a duration such as 2h or 90m, or whole days such "+
				"as 1d", quote(raw))
			continue
		}
		if value < reminderRange.min || value > reminderRange.max {
			c.errorf(node, itemPath, "reminder %s is out of range: use %s", quote(raw), reminderRange.text)
			continue
		}
		if first, dup := seen[value]; dup {
			c.errorf(node, itemPath, "reminder %s is listed twice, first at line %d: keep one of them", quote(raw),
				first)
			continue
		}
		seen[value] = node.Line
		out = append(out, store.Duration(value))
	}
	slices.SortFunc(out, func(a, b store.Duration) int { return int(b - a) })
	return out
}

// reminderDuration reads a reminder written as a Go duration or as whole days, such as 1d.
func reminderDuration(text string) (time.Duration, bool) {
	if match := wholeDays.FindStringSubmatch(text); match != nil {
		days, err := strconv.Atoi(match[1])
		if err != nil || days > 365 {
			return 0, err == nil
		}
		return time.Duration(days) * 24 * time.Hour, true
	}
	value, err := time.ParseDuration(text)
	return value, err == nil
}

// startOnAnswers validates the qualifying answers after which the bot offers slots.
func (c *checker) startOnAnswers(m *mapping, b *Business) []string {
	nodes, ok := c.sequence(m, "start_on_answers")
	if !ok || len(nodes) == 0 {
		return nil
	}
	path := join(m.path, "start_on_answers")
	var values []string
	for _, a := range b.Settings.Qualifier.Answers {
		values = append(values, a.Value)
	}
	if len(values) == 0 {
		c.errorf(m.at("start_on_answers"), path, "start_on_answers names answers, but the business has no "+
			"qualifying_question: add one under conversation, or remove start_on_answers")
		return nil
	}
	var out []string
	for i, n := range nodes {
		itemPath := index(path, i)
		value, ok := c.scalar(n, itemPath)
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		if !slices.Contains(values, value) {
			c.errorf(resolve(n), itemPath, "unknown answer %s: use one of the qualifying_question's answers, %s",
				quote(value), strings.Join(values, ", "))
			continue
		}
		if !slices.Contains(out, value) {
			out = append(out, value)
		}
	}
	return out
}
