package quiet

import (
	"fmt"
	"strings"
	"time"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/tz"
)

// SearchLimit is how far after now Check looks for the next allowed moment. Eight days cover a whole week
// plus the rest of today, so any weekly pattern with at least one open minute is found.
const SearchLimit = 8 * 24 * time.Hour

// capPeriod is the period over which a state's Cap24h counts texts.
const capPeriod = 24 * time.Hour

// Recipient is the number of the person a text goes to and the zones known for them.
type Recipient struct {
	// E164 is the recipient's number, for example "+13125550199".
	E164 string
	// TimeZone is the IANA zone known for the contact, or "" when unknown.
	TimeZone string
	// Fallback is the business's IANA zone, used when neither the contact nor the number gives a zone.
	Fallback string
}

// Policy is the business's own limit on automated texts, applied on top of the federal window and the state
// rules.
type Policy struct {
	// Business is the business's own window in the recipient's local time. It may only narrow Default: a wider
	// window is clamped to Default, and the zero Window means Default. An empty window allows no texts.
	Business Window
}

// Decision is the outcome of Check.
type Decision struct {
	// Allowed reports whether the text may go now.
	Allowed bool
	// Next is the next moment the text may go. It is zero when Allowed is true, and also when no moment in
	// the SearchLimit after now is allowed.
	Next time.Time
	// Zones contains the IANA zones considered, as Zones returns them.
	Zones []string
	// State is the US state whose rule applied, or "" for none.
	State string
	// Reason explains the decision for the message record, for example
	// "21:40 in America/Chicago is after 21:00; next allowed Tue 08:00".
	Reason string
}

// constraint is one clock that a moment must be inside the window of: a recipient zone, or the fixed clock
// of a state rule.
type constraint struct {
	loc   *time.Location
	where string     // "in America/Chicago", for reasons
	days  [7]dayRule // indexed by time.Weekday
}

// dayRule is the window of one weekday with the origin of each edge, so a reason can name the rule behind it.
type dayRule struct {
	window    Window
	closed    bool   // no texts at all that day
	closedBy  string // the rule that closes the day, such as "AL rule"
	startedBy string // the rule that sets window.Start, "" for the federal window
	endedBy   string // the rule that sets window.End, "" for the federal window
}

// Check decides whether an automated text may be sent to r at now under p and the state rules, and when it
// may go otherwise. sentLast24h is the number of automated texts r received in the 24 hours before now, and
// oldest is when the oldest of them was sent. Both matter only for a state with a Cap24h. Pass every
// automated text to r in the count, although the Florida, Oklahoma and Maryland caps count texts on the same
// subject only, so the count errs on the side of holding texts.
//
// A text may go at now only if now is inside the window in every zone that Zones returns, inside p.Business,
// inside the state's window for that weekday when the number's state has a Rule, and under the state's cap.
// When the cap is reached, the text waits until oldest is 24 hours old. If more than one text must expire to
// get under the cap, that Next is too early and Check holds the text again then. A missing oldest, or one
// that does not fall in the 24 hours before now, holds the text for 24 hours from now.
//
// Next is the earliest moment after now when all of those hold. Check finds it among the instants where a
// window opens in any of the clocks and the instants of DST changes, so a window edge that falls in a skipped
// hour opens at the first valid instant. Next is zero when no moment in the SearchLimit after now qualifies.
// That happens when p.Business has no minute inside Default or inside the state's windows, and when the
// windows of the zones never overlap.
func Check(now time.Time, r Recipient, p Policy, sentLast24h int, oldest time.Time) Decision {
	locations := zoneLocations(r)
	decision := Decision{Zones: zoneNames(locations)}

	rule, hasRule := Rules[State(r.E164)]
	if hasRule {
		decision.State = rule.State
	}

	business := clampToDefault(p.Business)
	if business.Empty() {
		decision.Reason = fmt.Sprintf("the business window %s has no minute inside %s, so no text may go",
			p.Business, Default)
		return decision
	}

	constraints := buildConstraints(locations, business, rule, hasRule)
	limit := now.Add(SearchLimit)

	if hasRule && rule.Cap24h > 0 && sentLast24h >= rule.Cap24h {
		release := capRelease(now, oldest)
		decision.Next = nextAllowed(constraints, release, limit)
		decision.Reason = fmt.Sprintf("%d automated texts in the last 24 hours reach the %s cap of %d; %s",
			sentLast24h, rule.State, rule.Cap24h, describeNext(now, decision.Next, constraints[0], true))
		return decision
	}

	failing, reason := firstFailure(constraints, now)
	if failing == nil {
		decision.Allowed = true
		decision.Reason = describeAllowed(now, constraints)
		return decision
	}

	decision.Next = nextAllowed(constraints, now, limit)
	decision.Reason = reason + "; " + describeNext(now, decision.Next, *failing, false)
	if decision.Next.IsZero() && len(locations) > 1 {
		decision.Reason += fmt.Sprintf(", because no moment is inside the window in all %d zones at once; set "+
			"the contact's time zone to text this number", len(locations))
	}
	return decision
}

// Zones returns the IANA zones used for r. The contact's zone comes first when it is known. Otherwise Zones
// returns the number's zones from phone.TimeZones, several when the prefix spans zones (+1 208 spans
// America/Boise and America/Los_Angeles), and otherwise the fallback zone. Unknown or invalid zone names are
// skipped, and so is "Local", which names the machine's zone rather than the recipient's. If nothing remains,
// Zones returns ["UTC"].
//
// NOTE: the phonenumbers metadata lists a single zone for some area codes that span two, for example only
// America/New_York for +1 850, which also covers the part of Florida on Central time.
func Zones(r Recipient) []string {
	return zoneNames(zoneLocations(r))
}

// zoneLocations returns the locations of the zones that Zones describes, in the same order.
func zoneLocations(r Recipient) []*time.Location {
	if loc := loadZone(r.TimeZone); loc != nil {
		return []*time.Location{loc}
	}

	var fromNumber []*time.Location
	for _, name := range phone.TimeZones(r.E164) {
		if loc := loadZone(name); loc != nil {
			fromNumber = append(fromNumber, loc)
		}
	}
	if len(fromNumber) > 0 {
		return fromNumber
	}

	if loc := loadZone(r.Fallback); loc != nil {
		return []*time.Location{loc}
	}
	return []*time.Location{time.UTC}
}

// zoneNames returns the names of locations.
func zoneNames(locations []*time.Location) []string {
	names := make([]string, len(locations))
	for i, loc := range locations {
		names[i] = loc.String()
	}
	return names
}

// loadZone returns the location named name, or nil when name is empty, "Local" or not a known IANA zone.
func loadZone(name string) *time.Location {
	if name == "" || name == "Local" {
		return nil
	}
	loc, err := tz.Load(name)
	if err != nil {
		return nil
	}
	return loc
}

// clampToDefault returns the part of w inside Default, and Default for the zero Window.
func clampToDefault(w Window) Window {
	if w == (Window{}) {
		return Default
	}
	return Window{max(w.Start, Default.Start), min(w.End, Default.End)}
}

// capRelease returns when the oldest of the texts counted against a cap turns 24 hours old, or 24 hours after
// now when oldest is zero or outside the 24 hours before now.
func capRelease(now, oldest time.Time) time.Time {
	release := oldest.Add(capPeriod)
	if oldest.IsZero() || oldest.After(now) || !release.After(now) {
		return now.Add(capPeriod)
	}
	return release
}

// buildConstraints returns one constraint per recipient zone, each with the federal window narrowed by the
// business window and the state rule, and one more for the fixed clock of the state rule if it has one.
func buildConstraints(locations []*time.Location, business Window, rule Rule, hasRule bool) []constraint {
	var base [7]dayRule
	for day := range base {
		base[day] = localDayRule(business, rule, hasRule, time.Weekday(day))
	}

	constraints := make([]constraint, 0, len(locations)+1)
	for _, loc := range locations {
		constraints = append(constraints, constraint{loc: loc, where: "in " + loc.String(), days: base})
	}

	if clockLoc := loadZone(rule.Clock); hasRule && clockLoc != nil {
		var days [7]dayRule
		label := rule.State + " rule, read in " + rule.Clock
		for day, window := range rule.Days {
			if window == nil {
				days[day] = dayRule{closed: true, closedBy: label}
				continue
			}
			days[day] = dayRule{window: *window, startedBy: label, endedBy: label}
		}
		constraints = append(constraints, constraint{loc: clockLoc, where: "in " + rule.Clock, days: days})
	}
	return constraints
}

// localDayRule returns the window of day in the recipient's local time: Default narrowed by business and by
// the state rule, with the origin of each edge.
func localDayRule(business Window, rule Rule, hasRule bool, day time.Weekday) dayRule {
	result := dayRule{window: Default}
	narrow := func(w Window, label string) {
		if w.Start > result.window.Start {
			result.window.Start, result.startedBy = w.Start, label
		}
		if w.End < result.window.End {
			result.window.End, result.endedBy = w.End, label
		}
	}

	narrow(business, "business window")
	if hasRule {
		label := rule.State + " rule"
		if rule.Days[day] == nil {
			return dayRule{closed: true, closedBy: label}
		}
		narrow(*rule.Days[day], label)
	}
	return result
}

// firstFailure returns the first constraint whose window does not contain t, with the reason in words, or nil
// when every constraint contains t.
func firstFailure(constraints []constraint, t time.Time) (*constraint, string) {
	for i := range constraints {
		c := &constraints[i]
		local := t.In(c.loc)
		day := c.days[local.Weekday()]
		minute := local.Hour()*60 + local.Minute()

		switch {
		case day.closed:
			return c, fmt.Sprintf("%s %s allows no texts under the %s", local.Weekday(), c.where, day.closedBy)
		case day.window.Empty():
			return c, fmt.Sprintf("%s %s allows no texts", local.Weekday(), c.where)
		case minute < day.window.Start:
			return c, fmt.Sprintf("%s %s is before %s%s", clock(minute), c.where, clock(day.window.Start),
				origin(day.startedBy))
		case minute >= day.window.End:
			return c, fmt.Sprintf("%s %s is after %s%s", clock(minute), c.where, clock(day.window.End),
				origin(day.endedBy))
		}
	}
	return nil, ""
}

// origin returns " (label)" for a rule other than the federal window, and "" for the federal window.
func origin(label string) string {
	if label == "" {
		return ""
	}
	return " (" + label + ")"
}

// describeAllowed returns the reason for an allowed text, such as "14:30 in America/Chicago is inside
// 08:00–21:00".
func describeAllowed(now time.Time, constraints []constraint) string {
	parts := make([]string, len(constraints))
	for i, c := range constraints {
		local := now.In(c.loc)
		day := c.days[local.Weekday()]
		parts[i] = fmt.Sprintf("%s %s is inside %s", clock(local.Hour()*60+local.Minute()), c.where, day.window)
	}
	return strings.Join(parts, ", ")
}

// describeNext returns "next allowed Tue 08:00", read in the clock of c, adding the date when next is more
// than six days away and the zone when withZone is true. It returns a sentence that names the SearchLimit
// when next is zero.
func describeNext(now, next time.Time, c constraint, withZone bool) string {
	if next.IsZero() {
		return fmt.Sprintf("no moment in the next %d days is allowed", int(SearchLimit/(24*time.Hour)))
	}
	local := next.In(c.loc)
	layout := "Mon 15:04"
	if next.Sub(now) > 6*24*time.Hour {
		layout = "Mon Jan 2 15:04"
	}
	if withZone {
		return "next allowed " + local.Format(layout) + " " + c.where
	}
	return "next allowed " + local.Format(layout)
}
