package manifest

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/store"
)

var followUpKeys = []string{"after", "template"}

// followUpRange is the range of a follow-up's after, counted from the start of the missed call. The text back
// goes within seconds of the call, so a follow-up sooner than 10 minutes would reach the lead before they had
// a chance to reply and read as a second text back. After 30 days the lead has most likely forgotten the call.
var followUpRange = durationRange{min: 10 * time.Minute, max: 30 * 24 * time.Hour,
	text: "from 10m to 30d, because a follow-up sooner than 10m after the call would arrive on the heels of the " +
		"text back"}

const (
	// maxFollowUps is the maximum number of follow-ups a business may list.
	maxFollowUps = 5
	// recommendedFollowUps is the number of follow-ups above which a business gets a warning, because each
	// further text to a lead who has not replied is more likely to read as spam and to draw an opt-out.
	recommendedFollowUps = 2
)

// followUpFields are the fields a follow-up may use, which are the values followup.Service fills in.
var followUpFields = []string{
	msgtemplate.FieldFirstName, msgtemplate.FieldBusiness, msgtemplate.FieldRep, msgtemplate.FieldBookingLink,
}

// followUpExample is the form of one follow-up in messages.
const followUpExample = `{after: 3h, template: "Hi again from {business}. Reply here. Reply STOP to opt out."}`

// followUps validates the business's follow_ups list. A business without the key gets def, and
// follow_ups: [] gives an empty, non-nil list, which sends none. It returns the steps and the SMS templates to
// report on, and records a warning when follow-ups are listed but text backs are off, since follow-ups start
// only with a text back.
func (c *checker) followUps(
	business *mapping, def []store.FollowUpStep, textBack bool,
) ([]store.FollowUpStep, []smsTemplate) {
	path := join(business.path, "follow_ups")
	if _, set := business.keys["follow_ups"]; !set {
		var templates []smsTemplate
		for i, step := range def {
			templates = append(templates, smsTemplate{name: followUpName(i), src: step.Template,
				node: business.at("follow_ups"), path: index(path, i), followsTextBack: true})
		}
		return def, templates
	}

	n := resolve(business.values["follow_ups"])
	switch {
	case isNull(n):
		c.errorf(business.at("follow_ups"), path, "follow_ups has no value: write follow_ups: [] to send no "+
			"follow-ups, or remove the key to send the default ones")
		return def, nil
	case n.Kind == yaml.ScalarNode:
		c.errorf(n, path, "expected a list of follow-ups, found %s: write follow_ups: [] to send no follow-ups, "+
			"or list them, such as - %s", describe(n), followUpExample)
		return def, nil
	case n.Kind != yaml.SequenceNode:
		c.errorf(n, path, "expected a list of follow-ups, each starting with -, such as - %s, found %s",
			followUpExample, describe(n))
		return def, nil
	}

	steps := []store.FollowUpStep{}
	var templates []smsTemplate
	var last followUpDelay
	for i, item := range n.Content {
		itemPath := index(path, i)
		if i == maxFollowUps {
			c.errorf(item, itemPath, "follow_ups lists %d follow-ups, more than the maximum of %d: remove %d",
				len(n.Content), maxFollowUps, len(n.Content)-maxFollowUps)
			break
		}
		m := c.mapping(item, itemPath, followUpKeys)
		if m == nil {
			continue
		}
		step, delay, ok := c.followUp(m, i, last)
		if delay.value > 0 {
			last = delay
		}
		if ok {
			steps = append(steps, step)
			report := m.sms("template", followUpName(i), step.Template)
			report.followsTextBack = true
			templates = append(templates, report)
		}
	}

	if len(n.Content) > recommendedFollowUps && len(n.Content) <= maxFollowUps {
		c.warnf(n, path, "follow_ups lists %d follow-ups. Each text to a lead who has not replied is more likely "+
			"to read as spam and to draw an opt-out, so keep to %d unless the business wants more",
			len(n.Content), recommendedFollowUps)
	}
	if len(n.Content) > 0 && !textBack {
		c.warnf(n, path, "follow_ups has no effect while text_back.enabled is false, because follow-ups start "+
			"only with a text back: remove follow_ups, or set enabled: true")
	}
	return steps, templates
}

// followUpDelay is a valid after value and the line it is on.
type followUpDelay struct {
	value time.Duration
	raw   string
	line  int
}

// followUp validates the follow-up at position i of the list. last is the latest valid after above it, which
// this one's after must exceed. It returns the step, its after when valid, and whether the whole step is valid.
func (c *checker) followUp(m *mapping, i int, last followUpDelay) (store.FollowUpStep, followUpDelay, bool) {
	var step store.FollowUpStep
	var delay followUpDelay
	ok := true

	afterPath := join(m.path, "after")
	if !m.has("after") {
		c.errorf(m.at("after"), afterPath, "missing after: set it to the time after the missed call when "+
			"follow-up %d goes, such as 3h or 1d", i+1)
		ok = false
	} else if value := c.duration(m, "after", 0, followUpRange); value == 0 {
		// The range excludes 0, so 0 means the value was invalid and has been reported.
		ok = false
	} else {
		raw, _ := c.string(m, "after")
		delay = followUpDelay{value: value, raw: raw, line: m.at("after").Line}
		step.Delay = store.Duration(value)
	}
	if delay.value > 0 && last.value >= delay.value {
		c.errorf(m.at("after"), afterPath, "after %s is not later than after %s of the follow-up at line %d: "+
			"list follow-ups in the order they go out, each with a longer after than the one above it",
			quote(delay.raw), quote(last.raw), last.line)
		ok = false
	}

	if !m.has("template") {
		c.errorf(m.at("template"), join(m.path, "template"), "missing template: set it to the text of "+
			"follow-up %d, such as %q", i+1, "Hi again from {business}. Reply here. Reply STOP to opt out.")
		return step, delay, false
	}
	tmpl, valid := c.template(m, "template", followUpFields, "write the text of the follow-up, or remove "+
		"the follow-up")
	if tmpl == nil || !valid {
		return step, delay, false
	}
	step.Template = tmpl.Source()
	if !msgtemplate.HasOptOutWording(step.Template) {
		c.warnf(m.at("template"), join(m.path, "template"), "the template has no opt-out wording. A follow-up "+
			"goes to a lead who has not replied, and textback adds %q only to the first text that may have "+
			"reached them: end the template with %q", msgtemplate.OptOutSuffix, msgtemplate.OptOutSuffix)
	}
	return step, delay, ok
}

// followUpName returns the report name of the follow-up at position i, which is also the template name that
// its texts are stored with.
func followUpName(i int) string {
	return fmt.Sprintf("follow_up %d", i+1)
}
