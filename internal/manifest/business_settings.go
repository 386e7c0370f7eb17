package manifest

import (
	"slices"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// sectionKeys are the keys of a business entry that ParseSections reads: everything a business
// tunes day to day, without its identity, numbers or calendars.
var sectionKeys = []string{
	"hours", "text_back", "conversation", "team", "alerts", "follow_ups", "quiet_hours", "ai",
}

// Identity is the context one business's settings are checked in: its name and numbers.
type Identity struct {
	// Name, RepName and BookingURL fill templates when their segments are counted.
	Name, RepName, BookingURL string
	// Region reads team phones written without a country code; empty means "US".
	Region string
	// Numbers are the business's textback numbers in E.164, which no team phone may be.
	Numbers []string
}

// Settings are one business's validated settings, as ParseSections returns them.
type Settings struct {
	Hours    hours.Week
	TextBack TextBack
	// Settings holds the conversation, team, alert, follow-up and quiet-hours settings, with the
	// same defaults and keyword merging as a business entry of textback.yaml.
	Settings store.Settings
	// Templates describes how each SMS template will be billed, as Business.Templates does.
	Templates []TemplateReport
	Warnings  []Issue
}

// ParseSections validates data, a YAML mapping of the settings sections of one business (hours,
// text_back, conversation, team, alerts, follow_ups and quiet_hours, written as under a business
// of textback.yaml), with the same rules as Parse. It never reads the environment: ${NAME} is an
// error, and $$ is a literal $. name is used in issues.
//
// When the settings have any error, ParseSections returns nil and an Errors value listing them.
func ParseSections(name string, data []byte, id Identity) (*Settings, error) {
	c := &checker{file: name, lookupEnv: func(string) (string, bool) { return "", false }}
	root, ok := c.decode(data)
	if !ok {
		return nil, c.errors
	}
	m := c.mapping(root, "", sectionKeys)
	if m == nil {
		return nil, c.errors
	}
	b := Business{Name: id.Name, RepName: id.RepName, BookingURL: id.BookingURL, Region: id.Region}
	if b.Region == "" {
		b.Region = defaultRegion
	}
	b.Hours = c.hours(m)
	numbers := newNumberIndex()
	c.behaviour(m, &b, numbers)
	for _, s := range numbers.staff {
		if slices.Contains(id.Numbers, s.e164) {
			c.errorf(s.node, s.path, "phone %s is one of the business's textback numbers, so alerts would be "+
				"texted to textback itself: set it to the team member's own phone", s.e164)
		}
	}
	if len(c.errors) > 0 {
		sortIssues(c.errors)
		return nil, c.errors
	}
	sortIssues(c.warnings)
	return &Settings{Hours: b.Hours, TextBack: b.TextBack, Settings: b.Settings, Templates: b.Templates,
		Warnings: c.warnings}, nil
}
