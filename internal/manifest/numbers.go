package manifest

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

var numberKeys = []string{
	"number", "provider", "mode", "forward_to", "ring_seconds", "answer_check", "provider_confirms_opt_out",
}

// Ring time limits in seconds for dial mode.
const (
	defaultRingSeconds = 18
	minRingSeconds     = 5
	maxRingSeconds     = 60
	// voicemailRingSeconds is the ring time above which many phones send the call to their own voicemail.
	// NOTE: carriers pick this time, often between 20 and 30 seconds, so 20 is a cautious guess rather than
	// a published limit.
	voicemailRingSeconds = 20
)

// numberIndex records the numbers of a file, so that each appears once and no forward_to or team phone is
// another textback number.
type numberIndex struct {
	lines    map[string]int
	forwards []forward
	staff    []forward
}

// forward is a forward_to value or a team phone to check once every number of the file is known.
type forward struct {
	e164 string
	node *yaml.Node
	path string
}

func newNumberIndex() *numberIndex {
	return &numberIndex{lines: map[string]int{}}
}

// number validates one number entry. ok is false when the entry is not a mapping.
func (c *checker) number(n *yaml.Node, path, region string, providers []Provider, numbers *numberIndex) (Number, bool) {
	m := c.mapping(n, path, numberKeys)
	if m == nil {
		return Number{}, false
	}
	num := Number{Line: m.node.Line}

	if raw, ok := c.required(m, "number", `the number in E.164 form, such as "+13125550199"`); ok {
		num.E164 = c.phoneNumber(m, "number", raw, region)
	}
	if num.E164 != "" {
		if first, ok := numbers.lines[num.E164]; ok {
			c.errorf(m.at("number"), join(path, "number"), "duplicate number %s, first listed at line %d: list "+
				"each number once in the whole file", num.E164, first)
		} else {
			numbers.lines[num.E164] = m.at("number").Line
		}
	}

	num.Provider = c.numberProvider(m, providers)
	num.Mode = c.mode(m)
	num.AnswerCheck = c.answerCheck(m)
	num.ProviderConfirmsOptOut = c.bool(m, "provider_confirms_opt_out", false)

	switch num.Mode {
	case store.ModeDial:
		c.dialSettings(m, &num, region, numbers)
	case store.ModeForwarded:
		c.forwardedSettings(m)
	}
	return num, true
}

// phoneNumber normalises the number at key to E.164, or returns "" after recording an error.
func (c *checker) phoneNumber(m *mapping, key, raw, region string) string {
	parsed, err := phone.Parse(raw, region)
	if err != nil {
		c.errorf(m.at(key), join(m.path, key), "%v", err)
		return ""
	}
	if parsed.Extension != "" {
		c.errorf(m.at(key), join(m.path, key), "%s has the extension %s, which a call cannot be routed to: "+
			"remove it", quote(raw), parsed.Extension)
		return ""
	}
	return parsed.E164
}

// numberProvider returns the provider name, which must name a provider declared in the file.
func (c *checker) numberProvider(m *mapping, providers []Provider) string {
	name, ok := c.required(m, "provider", "the name of an account under providers")
	if !ok {
		return ""
	}
	names := make([]string, len(providers))
	for i, p := range providers {
		if p.Name == name {
			return name
		}
		names[i] = p.Name
	}
	hint := "declare it under providers"
	if len(names) > 0 {
		hint += ", or use one of " + strings.Join(names, ", ")
	}
	c.errorf(m.at("provider"), join(m.path, "provider"), "unknown provider %s: %s", quote(name), hint)
	return ""
}

// mode returns the number's mode, store.ModeDial when absent.
func (c *checker) mode(m *mapping) store.NumberMode {
	mode, ok := c.string(m, "mode")
	if !ok || mode == "" {
		return store.ModeDial
	}
	switch store.NumberMode(mode) {
	case store.ModeDial, store.ModeForwarded:
		return store.NumberMode(mode)
	}
	c.errorf(m.at("mode"), join(m.path, "mode"), "unknown mode %s: use dial, where textback rings forward_to, "+
		"or forwarded, where the business's carrier forwards unanswered calls to this number", quote(mode))
	return ""
}

// answerCheck returns the number's answer check, provider.AnswerCheckMachine when absent.
func (c *checker) answerCheck(m *mapping) provider.AnswerCheck {
	check, ok := c.string(m, "answer_check")
	if !ok || check == "" {
		return provider.AnswerCheckMachine
	}
	switch provider.AnswerCheck(check) {
	case provider.AnswerCheckNone, provider.AnswerCheckMachine, provider.AnswerCheckScreen:
		return provider.AnswerCheck(check)
	}
	c.errorf(m.at("answer_check"), join(m.path, "answer_check"), "unknown answer_check %s: use none, machine "+
		"or screen", quote(check))
	return ""
}

// dialSettings validates forward_to and ring_seconds of a number in dial mode.
func (c *checker) dialSettings(m *mapping, num *Number, region string, numbers *numberIndex) {
	if raw, ok := c.required(m, "forward_to", `the phone to ring, such as "+13125550100"`); ok {
		num.ForwardTo = c.phoneNumber(m, "forward_to", raw, region)
	}
	if num.ForwardTo != "" && num.ForwardTo == num.E164 {
		c.errorf(m.at("forward_to"), join(m.path, "forward_to"), "forward_to %s is the number itself, so calls "+
			"would ring back into textback: set it to the business's own phone", num.ForwardTo)
		num.ForwardTo = ""
	}
	if num.ForwardTo != "" {
		check := forward{e164: num.ForwardTo, node: m.at("forward_to"), path: join(m.path, "forward_to")}
		numbers.forwards = append(numbers.forwards, check)
	}

	num.RingSeconds = defaultRingSeconds
	raw, ok := c.string(m, "ring_seconds")
	if !ok {
		return
	}
	path := join(m.path, "ring_seconds")
	seconds, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || seconds < minRingSeconds || seconds > maxRingSeconds {
		c.errorf(m.at("ring_seconds"), path, "invalid ring_seconds %s: use a whole number of seconds from %d to "+
			"%d, such as %d", quote(raw), minRingSeconds, maxRingSeconds, defaultRingSeconds)
		return
	}
	num.RingSeconds = seconds
	if seconds > voicemailRingSeconds {
		c.warnf(m.at("ring_seconds"), path, "ring_seconds %d is above %d, so the forwarded phone's own voicemail "+
			"may answer first and textback would see an answered call and send no text back: use %d or less",
			seconds, voicemailRingSeconds, voicemailRingSeconds)
	}
}

// forwardedSettings rejects the dial-mode settings on a number in forwarded mode, where textback rings no
// phone.
func (c *checker) forwardedSettings(m *mapping) {
	for _, key := range []string{"forward_to", "ring_seconds"} {
		if m.has(key) {
			c.errorf(m.at(key), join(m.path, key), "%s is not allowed in forwarded mode, because the business's "+
				"carrier already rang its phone before forwarding the call here: remove it, or set mode: dial", key)
		}
	}
	if m.has("answer_check") {
		c.warnf(m.at("answer_check"), join(m.path, "answer_check"), "answer_check has no effect in forwarded "+
			"mode, because textback rings no phone: remove it")
	}
}

// checkForwardLoops records an error for each forward_to that is one of the file's own numbers, since
// ringing it would send the call back into textback.
func (c *checker) checkForwardLoops(numbers *numberIndex) {
	for _, f := range numbers.forwards {
		if line, ok := numbers.lines[f.e164]; ok {
			c.errorf(f.node, f.path, "forward_to %s is a textback number listed at line %d, so calls would loop "+
				"through textback: set it to the business's own phone", f.e164, line)
		}
	}
}
