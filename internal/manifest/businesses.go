package manifest

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

var businessKeys = []string{
	"slug", "name", "time_zone", "region", "rep_name", "booking_url", "hours", "numbers", "text_back",
	"conversation", "team", "alerts", "follow_ups", "quiet_hours", "ai",
	"calendars", "booking",
	"ivr",
}

var (
	businessSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	regionCode   = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// defaultRegion is the region for numbers written without a country code when a business sets none.
const defaultRegion = "US"

// businesses validates the businesses list. providers are the declared provider accounts that numbers may
// name.
func (c *checker) businesses(nodes []*yaml.Node, providers []Provider) []Business {
	numbers := newNumberIndex()
	var out []Business
	slugs := map[string]int{}
	for i, n := range nodes {
		path := index("businesses", i)
		m := c.mapping(n, path, businessKeys)
		if m == nil {
			continue
		}
		b := c.business(m, providers, numbers)
		if b.Slug != "" {
			if first, ok := slugs[b.Slug]; ok {
				c.errorf(m.at("slug"), join(path, "slug"), "duplicate slug %s, first used at line %d: give each "+
					"business its own slug", quote(b.Slug), first)
			} else {
				slugs[b.Slug] = m.at("slug").Line
			}
		}
		out = append(out, b)
	}
	c.checkForwardLoops(numbers)
	c.checkStaffPhones(numbers)
	c.checkRingLoops(numbers)
	return out
}

// business validates one business entry. Fields with errors are left empty.
func (c *checker) business(m *mapping, providers []Provider, numbers *numberIndex) Business {
	b := Business{Line: m.node.Line}

	if slug, ok := c.required(m, "slug", "a short id such as acme-plumbing"); ok {
		if businessSlug.MatchString(slug) {
			b.Slug = slug
		} else {
			c.errorf(m.at("slug"), join(m.path, "slug"), "invalid slug %s: use 1 to 63 lowercase letters, digits "+
				"and dashes, starting with a letter or digit, such as acme-plumbing", quote(slug))
		}
	}
	c.profile(m, &b)
	b.Calendars = c.calendars(m, &b)

	numberNodes, ok := c.sequence(m, "numbers")
	if ok && len(numberNodes) == 0 {
		c.errorf(m.at("numbers"), join(m.path, "numbers"), "no numbers: list at least one, such as "+
			"{number: \"+13125550199\", provider: twilio-main, forward_to: \"+13125550100\"}")
	}
	for i, n := range numberNodes {
		if number, ok := c.number(n, index(join(m.path, "numbers"), i), b.Region, providers, numbers); ok {
			b.Numbers = append(b.Numbers, number)
		}
	}

	c.behaviour(m, &b, numbers)
	c.ivrSection(m, &b, numbers)
	return b
}

// profile validates the business's name, time zone, region, rep, booking URL and hours into b.
func (c *checker) profile(m *mapping, b *Business) {
	if name, ok := c.required(m, "name", "the name callers know, such as Acme Plumbing"); ok {
		b.Name = strings.TrimSpace(name)
	}
	b.TimeZone = c.timeZone(m)
	b.Region = c.region(m)
	if rep, ok := c.string(m, "rep_name"); ok {
		b.RepName = strings.TrimSpace(rep)
	}
	b.BookingURL = c.bookingURL(m)
	b.Hours = c.hours(m)
}

// behaviour validates the business's text-back, conversation, team, alert, quiet-hours and follow-up
// sections into b, whose profile must be set, and reports how its templates will be billed.
func (c *checker) behaviour(m *mapping, b *Business, numbers *numberIndex) {
	b.Settings = store.DefaultSettings()
	conversation := c.conversation(m, b)
	b.Settings.Team = c.team(m, b.Region, numbers)
	b.Settings.Alerts = c.alerts(m, b.Settings.Team, b.Settings.Alerts)

	b.Settings.QuietHours = c.quietHours(m)
	b.Settings.AI = c.ai(m)

	b.TextBack = c.textBack(m, b)
	var followUps []smsTemplate
	b.Settings.FollowUps, followUps = c.followUps(m, b.Settings.FollowUps, b.TextBack.Enabled)
	bookingTemplates := c.booking(m, b)
	for _, t := range slices.Concat(conversation.templates, followUps, bookingTemplates) {
		b.Templates = append(b.Templates, c.report(t, b))
	}
	c.checkQuestionAsked(b, conversation)
}

// timeZone returns the validated time_zone.
func (c *checker) timeZone(m *mapping) string {
	zone, ok := c.required(m, "time_zone", "an IANA time zone such as America/Chicago")
	if !ok {
		return ""
	}
	path := join(m.path, "time_zone")
	if zone == "Local" {
		c.errorf(m.at("time_zone"), path, "time_zone Local depends on the server's settings: use an IANA time "+
			"zone such as America/Chicago")
		return ""
	}
	if _, err := time.LoadLocation(zone); err != nil {
		c.errorf(m.at("time_zone"), path, "unknown time_zone %s: use an IANA time zone such as America/Chicago "+
			"or Europe/London", quote(zone))
		return ""
	}
	if legacyZone(zone) {
		c.warnf(m.at("time_zone"), path, "time_zone %s is a legacy name, and names such as EST or MST keep one "+
			"offset all year without daylight saving time: use a city zone such as America/New_York", quote(zone))
	}
	return zone
}

// legacyZone reports whether zone is one of the old names the time zone database keeps for
// compatibility, such as EST, EST5EDT or US/Eastern, instead of an Area/City name.
func legacyZone(zone string) bool {
	switch {
	case zone == "UTC":
		return false
	case strings.HasPrefix(zone, "US/"), strings.HasPrefix(zone, "Canada/"), strings.HasPrefix(zone, "Etc/"):
		return true
	default:
		return !strings.Contains(zone, "/")
	}
}

// region returns the validated region in upper case, or defaultRegion when it is absent.
func (c *checker) region(m *mapping) string {
	region, ok := c.string(m, "region")
	if !ok || region == "" {
		return defaultRegion
	}
	if !regionCode.MatchString(region) {
		c.errorf(m.at("region"), join(m.path, "region"), "invalid region %s: use a two-letter ISO 3166-1 country "+
			"code such as US or GB", quote(region))
		return defaultRegion
	}
	return strings.ToUpper(region)
}

// bookingURL returns the validated booking_url, or "" when it is absent.
func (c *checker) bookingURL(m *mapping) string {
	raw, ok := c.string(m, "booking_url")
	if !ok || strings.TrimSpace(raw) == "" {
		return ""
	}
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(m.at("booking_url"), join(m.path, "booking_url"), "invalid booking_url %s: expected an "+
			"absolute http or https URL such as https://example.com/book", quote(raw))
		return ""
	}
	return raw
}

// hours returns the validated opening hours. A business with no opening hours gets a warning, because every
// call then counts as after hours.
func (c *checker) hours(m *mapping) hours.Week {
	var week hours.Week
	path := join(m.path, "hours")
	n := resolve(m.values["hours"])
	switch {
	case isNull(n):
	case n.Kind != yaml.MappingNode:
		c.errorf(n, path, "expected a mapping of days to hours such as mon: \"08:00-18:00\", found %s", describe(n))
		return week
	default:
		week = c.days(n, path)
	}
	if week.AlwaysClosed() {
		c.warnf(m.at("hours"), path, "no opening hours, so every text back uses the after-hours template: add "+
			"hours such as mon: \"08:00-18:00\" if the business has any")
	}
	return week
}

// days reads a mapping of day names, such as mon or monday, to hours.ParseDay strings. A missing day is
// closed.
func (c *checker) days(n *yaml.Node, path string) hours.Week {
	var week hours.Week
	seen := map[time.Weekday]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keyNode, valueNode := n.Content[i], n.Content[i+1]
		key, ok := c.key(keyNode, path)
		if !ok {
			continue
		}
		dayPath := join(path, key)
		day, err := hours.ParseDayKey(key)
		if err != nil {
			c.errorf(keyNode, dayPath, "unknown day %s: use mon, tue, wed, thu, fri, sat or sun, or the full name "+
				"such as monday", quote(key))
			continue
		}
		if first, ok := seen[day]; ok {
			c.errorf(keyNode, dayPath, "%s is set twice, first at line %d: keep one of them", day, first)
			continue
		}
		seen[day] = keyNode.Line

		text, ok := c.scalar(valueNode, dayPath)
		if !ok {
			continue
		}
		ranges, err := hours.ParseDay(text)
		if err != nil {
			c.errorf(resolve(valueNode), dayPath, "%v", err)
			continue
		}
		week[day] = ranges
	}
	return week
}
