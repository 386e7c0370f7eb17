package manifest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/quiet"
	"github.com/textback/textback/internal/store"
)

var quietHoursKeys = []string{"start", "end", "instant_replies"}

// Values of instant_replies.
const (
	// instantAnytime sends text backs and keyword replies at once, at any hour.
	instantAnytime = "anytime"
	// instantWait holds text backs and keyword replies until the window opens, like follow-ups.
	instantWait = "wait"
)

// quietHours validates the business's quiet_hours section: the window in the recipient's local time when
// automated texts may go, and whether text backs and keyword replies keep to it. A business without the
// section gets the zero store.QuietHours, which the outbound path reads as quiet.Default with instant replies
// sent at any hour. A section that sets any key gets both edges, each from quiet.Default when left out.
func (c *checker) quietHours(business *mapping) store.QuietHours {
	m := c.mapping(business.values["quiet_hours"], join(business.path, "quiet_hours"), quietHoursKeys)
	if m == nil || len(m.keys) == 0 {
		return store.QuietHours{}
	}

	start, startOK := c.clock(m, "start", quiet.Default.Start)
	end, endOK := c.clock(m, "end", quiet.Default.End)
	if startOK && start < quiet.Default.Start {
		c.errorf(m.at("start"), join(m.path, "start"), "start %s is before %s. %s: set start to %s or later",
			quote(clockText(start)), clockText(quiet.Default.Start), widerThanDefault(), clockText(quiet.Default.Start))
		startOK = false
	}
	if endOK && end > quiet.Default.End {
		c.errorf(m.at("end"), join(m.path, "end"), "end %s is after %s. %s: set end to %s or earlier",
			quote(clockText(end)), clockText(quiet.Default.End), widerThanDefault(), clockText(quiet.Default.End))
		endOK = false
	}
	if startOK && endOK && start >= end {
		c.reversedWindow(m, start, end)
	}

	qh := store.QuietHours{Start: start, End: end, HoldInstantReplies: c.instantReplies(m)}
	if startOK && endOK && start < end {
		c.checkStateWindows(m, quiet.Window{Start: start, End: end})
	}
	return qh
}

// clock returns the time at key as minutes after midnight, or def when the key is absent. ok is false when the
// value is invalid, which records an error.
func (c *checker) clock(m *mapping, key string, def int) (minutes int, ok bool) {
	raw, set := c.string(m, key)
	if !set {
		// An absent key takes the default, and a value that failed to expand has been reported.
		return def, !m.has(key)
	}
	value, err := hours.ParseClock(raw)
	if err != nil {
		c.errorf(m.at(key), join(m.path, key), "%v; quiet hours run from %s to %s at the widest", err,
			clockText(quiet.Default.Start), clockText(quiet.Default.End))
		return def, false
	}
	return value, true
}

// widerThanDefault explains why a business window may not reach outside quiet.Default.
func widerThanDefault() string {
	return "textback sends automated texts only from " + clockText(quiet.Default.Start) + " to " +
		clockText(quiet.Default.End) + " in the recipient's local time, the window of the federal " +
		"telephone-solicitation rules (47 CFR 64.1200(c)(1)), and a business may only narrow it. The rules of " +
		strings.Join(ruleStates(), ", ") + " narrow it further for numbers from those states, and textback " +
		"applies them without any setting"
}

// reversedWindow records the error for a window whose start is not before its end. It points at the key the
// file sets, preferring end, since the other is a default. When swapping the two gives a valid window, the file
// most likely gives the quiet period itself, so the message suggests the swap.
func (c *checker) reversedWindow(m *mapping, start, end int) {
	key := "end"
	if !m.has(key) {
		key = "start"
	}
	message := "start and end bound the hours when automated texts may go, so start must be the earlier: " +
		"write, for example, start: \"08:30\" and end: \"20:00\""
	swapped := quiet.Window{Start: end, End: start}
	if start > end && swapped.Start >= quiet.Default.Start && swapped.End <= quiet.Default.End {
		message = "start and end bound the hours when automated texts may go, not the quiet period: write " +
			"start: \"" + clockText(end) + "\" and end: \"" + clockText(start) + "\""
	}
	c.errorf(m.at(key), join(m.path, key), "start %s is not before end %s. %s", edgeText(m, "start", start),
		edgeText(m, "end", end), message)
}

// edgeText returns an edge of the window for a message, marked as the default when the file leaves it out.
func edgeText(m *mapping, key string, minutes int) string {
	text := quote(clockText(minutes))
	if !m.has(key) {
		text += " (the default)"
	}
	return text
}

// instantReplies returns whether text backs and keyword replies keep to the window, which is false when
// instant_replies is absent or invalid.
func (c *checker) instantReplies(m *mapping) bool {
	raw, ok := c.string(m, "instant_replies")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case instantAnytime:
		return false
	case instantWait:
		return true
	}
	c.errorf(m.at("instant_replies"), join(m.path, "instant_replies"), "invalid instant_replies %s: use %s to "+
		"send text backs and keyword replies at once at any hour, or %s to hold them until the window opens",
		quote(raw), instantAnytime, instantWait)
	return false
}

// checkStateWindows warns when business shares no minute, on any day, with the hours that a state rule allows.
// The outbound path then finds no moment to send, so it holds every automated text to that state's numbers
// for a person.
func (c *checker) checkStateWindows(m *mapping, business quiet.Window) {
	var closed []string
	for _, state := range ruleStates() {
		if !overlapsAnyDay(business, quiet.Rules[state]) {
			closed = append(closed, state)
		}
	}
	if len(closed) == 0 {
		return
	}
	c.warnf(m.node, m.path, "the window %s shares no minute with the hours that the rules of %s allow on any day, "+
		"so automated texts to numbers from those states are never sent and are held for a person: widen the "+
		"window", business, strings.Join(closed, ", "))
}

// overlapsAnyDay reports whether business and the window of rule share a minute on at least one day.
func overlapsAnyDay(business quiet.Window, rule quiet.Rule) bool {
	for _, day := range rule.Days {
		if day != nil && max(business.Start, day.Start) < min(business.End, day.End) {
			return true
		}
	}
	return false
}

// ruleStates returns the postal codes of the states with rules in quiet.Rules, sorted.
func ruleStates() []string {
	return slices.Sorted(maps.Keys(quiet.Rules))
}

// clockText returns minutes after midnight as "08:00".
func clockText(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}
