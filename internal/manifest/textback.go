package manifest

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/textback/textback/internal/msgtemplate"
)

var textBackKeys = []string{
	"enabled", "window", "template", "after_hours_template", "missed_call_message", "screen_prompt",
}

// Text-back window limits.
const (
	defaultWindow = 24 * time.Hour
	minWindow     = time.Minute
	maxWindow     = 30 * 24 * time.Hour
)

// wholeDays matches a window written in days, such as "2d", which time.ParseDuration does not read.
var wholeDays = regexp.MustCompile(`^([0-9]+)d$`)

// spokenFields are the fields that the spoken texts may use.
var spokenFields = []string{msgtemplate.FieldBusiness}

// textBack validates the business's text_back section and reports how its SMS templates will be billed.
// b must have its name, rep and booking URL set.
func (c *checker) textBack(business *mapping, b *Business) TextBack {
	tb := TextBack{
		Enabled:            true,
		Window:             defaultWindow,
		Template:           msgtemplate.DefaultTextBack,
		AfterHoursTemplate: msgtemplate.DefaultAfterHours,
		MissedCallMessage:  msgtemplate.DefaultMissedCallMessage,
		ScreenPrompt:       msgtemplate.DefaultScreenPrompt,
	}
	m := c.mapping(business.values["text_back"], join(business.path, "text_back"), textBackKeys)
	if m == nil {
		return tb
	}
	// Without a text_back section the mapping has no node, so warnings about the default templates point at
	// the business.
	if m.node == nil {
		m.node = business.at("text_back")
	}

	tb.Enabled = c.bool(m, "enabled", true)
	tb.Window = c.window(m)

	const smsHint = "remove the key to use the default text, or set enabled: false to send no text backs"
	const spokenHint = "remove the key to use the default text"
	textBack, textBackOK := c.template(m, "template", msgtemplate.AllFields(), smsHint)
	afterHours, afterHoursOK := c.template(m, "after_hours_template", msgtemplate.AllFields(), smsHint)
	if missed, ok := c.template(m, "missed_call_message", spokenFields, spokenHint); ok && missed != nil {
		tb.MissedCallMessage = missed.Source()
	}
	if screen, ok := c.template(m, "screen_prompt", spokenFields, spokenHint); ok && screen != nil {
		tb.ScreenPrompt = screen.Source()
	}

	if textBack != nil {
		tb.Template = textBack.Source()
	}
	if afterHours != nil {
		tb.AfterHoursTemplate = afterHours.Source()
	}
	if textBackOK {
		b.Templates = append(b.Templates, c.report(m, "template", "text_back", tb.Template, b))
	}
	if afterHoursOK {
		b.Templates = append(b.Templates, c.report(m, "after_hours_template", "after_hours", tb.AfterHoursTemplate, b))
	}
	return tb
}

// window returns the validated window, or defaultWindow when it is absent.
func (c *checker) window(m *mapping) time.Duration {
	raw, ok := c.string(m, "window")
	if !ok {
		return defaultWindow
	}
	text := strings.TrimSpace(raw)
	window, err := time.ParseDuration(text)
	if match := wholeDays.FindStringSubmatch(text); match != nil {
		days, convErr := strconv.Atoi(match[1])
		window, err = time.Duration(days)*24*time.Hour, convErr
		if days > int(maxWindow/(24*time.Hour)) {
			// Keep a huge day count from overflowing into a duration that passes the range check.
			window = maxWindow + 1
		}
	}
	path := join(m.path, "window")
	if err != nil {
		c.errorf(m.at("window"), path, "invalid window %s: use a duration such as 24h or 90m, or whole days "+
			"such as 2d", quote(raw))
		return defaultWindow
	}
	if window < minWindow || window > maxWindow {
		c.errorf(m.at("window"), path, "window %s is out of range: use from 1m to 30d", quote(raw))
		return defaultWindow
	}
	return window
}

// template parses the template at key with the given fields. It returns nil and true when the key is absent,
// and false when the template is invalid, which records an error. hint is the fix that the error for an
// empty template suggests.
func (c *checker) template(m *mapping, key string, fields []string, hint string) (*msgtemplate.Template, bool) {
	src, ok := c.string(m, key)
	if !ok {
		// An absent key is fine, and a value that failed to expand has been reported.
		return nil, !m.has(key)
	}
	path := join(m.path, key)
	if strings.TrimSpace(src) == "" {
		c.errorf(m.at(key), path, "%s is empty: %s", key, hint)
		return nil, false
	}
	tmpl, err := msgtemplate.Parse(src, fields)
	if err != nil {
		c.errorf(m.at(key), path, "%v", err)
		return nil, false
	}
	return tmpl, true
}
