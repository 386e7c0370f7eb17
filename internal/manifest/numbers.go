package manifest

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

var numberKeys = []string{
	"number", "provider", "mode", "forward_to", "ring_seconds", "answer_check", "provider_confirms_opt_out", "pbx",
	"menu", "after_hours_menu",
}

var pbxKeys = []string{"token", "secret"}

// pbxTokenPattern matches a PBX webhook token: characters that need no escaping in a URL path, at least 16
// of them so that tokens are hard to guess, although the secret, not the token, authenticates a report.
var pbxTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// Length limits of a PBX webhook secret, in bytes.
const (
	minPBXSecret = 16
	maxPBXSecret = 256
)

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
	// tokens maps each PBX webhook token to its line, and secrets maps each PBX secret to the first number
	// that has it.
	tokens  map[string]int
	secrets map[string]secretUse
	// rings are the numbers that menu options ring, and menuRefs the nodes of each number's menu keys,
	// by the line where the number's entry starts.
	rings    []forward
	menuRefs map[int]numberMenuRef
}

// secretUse is the first number of the file that has a PBX secret.
type secretUse struct {
	e164 string
	line int
}

// forward is a forward_to value or a team phone to check once every number of the file is known.
type forward struct {
	e164 string
	node *yaml.Node
	path string
}

func newNumberIndex() *numberIndex {
	return &numberIndex{lines: map[string]int{}, tokens: map[string]int{}, secrets: map[string]secretUse{}}
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
	c.pbx(m, &num, numbers)
	c.numberMenuKeys(m, &num, numbers)
	return num, true
}

// pbx validates the number's pbx block, which lets a phone system report the number's calls, and sets
// num.WebhookToken and num.WebhookSecret. A number without the block gets neither.
func (c *checker) pbx(m *mapping, num *Number, numbers *numberIndex) {
	if !m.has("pbx") {
		return
	}
	pm := c.mapping(m.values["pbx"], join(m.path, "pbx"), pbxKeys)
	if pm == nil {
		return
	}
	num.WebhookToken = c.pbxToken(pm, numbers)
	num.WebhookSecret = c.pbxSecret(pm)
	if num.WebhookSecret == "" {
		return
	}
	if first, seen := numbers.secrets[num.WebhookSecret]; seen {
		c.warnf(pm.at("secret"), join(pm.path, "secret"), "number %s at line %d has the same secret, so a "+
			"report signed for either number may be accepted at the other's token, because the signature does "+
			"not cover the URL: give each number its own secret", first.e164, first.line)
	} else if num.E164 != "" {
		numbers.secrets[num.WebhookSecret] = secretUse{e164: num.E164, line: num.Line}
	}
}

// pbxToken returns the validated token of a pbx block, which must be unique in the file, or "" after
// recording an error.
func (c *checker) pbxToken(pm *mapping, numbers *numberIndex) string {
	token, ok := c.required(pm, "token", "a random string of 16 to 64 letters, digits, '_' and '-', such as "+
		"the output of openssl rand -hex 16")
	if !ok {
		return ""
	}
	path := join(pm.path, "token")
	if !pbxTokenPattern.MatchString(token) {
		c.errorf(pm.at("token"), path, "invalid token %s: use 16 to 64 letters, digits, '_' and '-', such as "+
			"the output of openssl rand -hex 16", quote(token))
		return ""
	}
	if first, seen := numbers.tokens[token]; seen {
		c.errorf(pm.at("token"), path, "duplicate token %s, first used at line %d: give each number its own "+
			"token, because the token in the report's URL names the number", quote(token), first)
		return ""
	}
	numbers.tokens[token] = pm.at("token").Line
	return token
}

// pbxSecret returns the validated secret of a pbx block, or "" after recording an error. Messages never
// quote the secret.
func (c *checker) pbxSecret(pm *mapping) string {
	secret, ok := c.required(pm, "secret", "a random string of at least 16 characters, preferably from the "+
		"environment as in secret: ${PBX_SECRET}")
	if !ok {
		return ""
	}
	path := join(pm.path, "secret")
	switch {
	case len(secret) < minPBXSecret:
		c.errorf(pm.at("secret"), path, "secret is too short (%d characters): use at least %d, such as the "+
			"output of openssl rand -hex 32", len(secret), minPBXSecret)
	case len(secret) > maxPBXSecret:
		c.errorf(pm.at("secret"), path, "secret is too long (%d characters): use at most %d", len(secret),
			maxPBXSecret)
	case strings.IndexFunc(secret, notPrintable) >= 0:
		c.errorf(pm.at("secret"), path, "invalid secret: it must contain only printable ASCII characters other "+
			"than spaces, so check for a space or a line break copied with it")
	default:
		return secret
	}
	return ""
}

// notPrintable reports whether r is not a printable ASCII character other than a space.
func notPrintable(r rune) bool {
	return r <= ' ' || r > '~'
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
