package manifest

import (
	"strings"
	"time"

	"github.com/textback/textback/internal/msgtemplate"
)

var textBackKeys = []string{
	"enabled", "window", "template", "after_hours_template", "missed_call_message", "screen_prompt",
}

// defaultWindow is the text-back window when the file sets none.
const defaultWindow = 24 * time.Hour

// windowRange is the range of the text-back window.
var windowRange = durationRange{min: time.Minute, max: 30 * 24 * time.Hour, text: "from 1m to 30d"}

// spokenFields are the fields that the spoken texts may use.
var spokenFields = []string{msgtemplate.FieldBusiness}

// textBack validates the business's text_back section and reports how its SMS templates will be billed.
// b must have its name, rep, booking URL and qualifying question set.
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
	tb.Window = c.duration(m, "window", defaultWindow, windowRange)

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
		b.Templates = append(b.Templates, c.report(m.sms("template", "text_back", tb.Template), b))
	}
	if afterHoursOK {
		b.Templates = append(b.Templates, c.report(m.sms("after_hours_template", "after_hours", tb.AfterHoursTemplate), b))
	}
	return tb
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

// sms returns the SMS template src that the mapping sets at key, or that is the default when the key is
// absent, for a report named name.
func (m *mapping) sms(key, name, src string) smsTemplate {
	return smsTemplate{name: name, src: src, node: m.at(key), path: join(m.path, key), written: m.has(key)}
}
