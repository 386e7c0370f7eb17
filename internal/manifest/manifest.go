package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/segment"
	"github.com/textback/textback/internal/store"
)

// File is a loaded and validated textback.yaml.
type File struct {
	// Name is the name the file was loaded under, as used in issues.
	Name       string
	Providers  []Provider
	Businesses []Business
	// Warnings are problems that do not stop the file from working, such as a template over 2 segments.
	Warnings []Issue
}

// Provider is one provider account.
type Provider struct {
	// Name identifies the account within the file and in the database.
	Name string
	Kind provider.Kind
	// AccountSID is the Twilio account SID or the SignalWire project id. It is empty for Telnyx, and may be
	// empty for the sandbox.
	AccountSID string
	// AuthToken is the Twilio auth token, the Telnyx API key or the SignalWire API token. It may be empty
	// only for the sandbox.
	AuthToken string
	// APIBaseURL is the base URL for API requests: api_base_url, or space_url for SignalWire. Empty means
	// the provider's public API.
	APIBaseURL string
	// PublicKey verifies webhooks: the Telnyx public key in base64, or the SignalWire signing key. It is
	// empty for the other kinds, and for a SignalWire project without a signing key.
	PublicKey string
	// Line is the line where the account's entry starts.
	Line int
}

// Business is one business with its numbers and text-back settings.
type Business struct {
	Slug, Name string
	// TimeZone is an IANA zone name that time.LoadLocation accepts.
	TimeZone string
	// Region is the upper-case ISO 3166-1 alpha-2 code for numbers written without a country code. The
	// default is "US".
	Region              string
	RepName, BookingURL string
	Hours               hours.Week
	Numbers             []Number
	TextBack            TextBack
	// Settings contains the conversation, team, alert, follow-up and quiet-hours settings. Every value the file
	// leaves out is the one from store.DefaultSettings, and Keywords is the default keywords merged with the
	// file's.
	Settings store.Settings
	// Calendars are the business's bookable calendars, in file order.
	Calendars []Calendar
	// Templates describes how each SMS template will be billed: text_back, after_hours, help_text,
	// opt_out_reply, opt_in_reply, the reply of each keyword and each follow-up, in that order.
	Templates []TemplateReport
	// Line is the line where the business's entry starts.
	Line int
}

// Number is one phone number of a business.
type Number struct {
	// E164 is the number in E.164 form.
	E164 string
	// Provider is the name of the provider account that hosts the number.
	Provider string
	// Mode is store.ModeDial (the default) or store.ModeForwarded.
	Mode store.NumberMode
	// ForwardTo is the E.164 number rung in dial mode, and empty in forwarded mode.
	ForwardTo string
	// RingSeconds is how long ForwardTo rings in dial mode (default 18), and 0 in forwarded mode.
	RingSeconds int
	// AnswerCheck is the method that distinguishes a person from voicemail on an answered forwarded call. The
	// default is provider.AnswerCheckMachine.
	AnswerCheck provider.AnswerCheck
	// ProviderConfirmsOptOut is true when the provider replies to STOP and START itself, so textback sends no
	// confirmation. The default is false.
	ProviderConfirmsOptOut bool
	// WebhookToken names the number in the URL that a PBX reports its calls to, and WebhookSecret
	// authenticates the reports. Both are empty for a number without a pbx block.
	WebhookToken, WebhookSecret string
	// Menu and AfterHoursMenu replace the business's first menus on this number when set, and MenuOff
	// plays no menu on it.
	Menu, AfterHoursMenu string
	MenuOff              bool
	// Line is the line where the number's entry starts.
	Line int
}

// TextBack contains a business's settings for texting back missed calls. Every template is set, to the
// default text when the file leaves it out.
type TextBack struct {
	// Enabled is false when the business sends no text backs. The default is true.
	Enabled bool
	// Window is the time after a text back during which the same caller gets no other. The default is 24
	// hours.
	Window             time.Duration
	Template           string
	AfterHoursTemplate string
	// MissedCallMessage and ScreenPrompt are spoken, and may use only the {business} field.
	MissedCallMessage, ScreenPrompt string
}

// TemplateReport describes one SMS template as it will be billed for a first text to a caller, or for a
// follow-up, as it will be billed after the text back. The counts come from the template rendered with the
// business's own name, rep, booking URL and qualifying question, the first name "Alexandra" and next_open
// "Saturday at 10:30 AM". Like the sender, the report normalises that text with segment.Normalize. Unless the
// template is a follow-up or the text has opt-out wording, it then appends " " and msgtemplate.OptOutSuffix.
type TemplateReport struct {
	// Name is "text_back", "after_hours", "help_text", "opt_out_reply", "opt_in_reply", "keyword WORD reply",
	// such as "keyword TOW reply", or "follow_up N", counted from 1.
	Name     string
	Encoding segment.Encoding
	Segments int
	// Units is septets for GSM-7 and UTF-16 code units for UCS-2.
	Units int
	// NonGSM lists the characters that force UCS-2, at their 0-based positions in the rendered text.
	NonGSM []segment.Char
}

// Provider kinds the file accepts.
const (
	// KindTwilio is a Twilio account, and needs account_sid and auth_token.
	KindTwilio provider.Kind = "twilio"
	// KindSandbox is the built-in sandbox, which needs no account.
	KindSandbox provider.Kind = "sandbox"
	// KindTelnyx is a Telnyx account, and needs api_key and public_key.
	KindTelnyx provider.Kind = "telnyx"
	// KindSignalWire is a SignalWire project, and needs project_id, api_token and space_url.
	KindSignalWire provider.Kind = "signalwire"
)

// Load reads and validates the file at path, expanding ${NAME} from lookupEnv, which defaults to
// os.LookupEnv when nil. It returns an error wrapping the read error when the file cannot be read, and
// otherwise behaves like Parse with path as the name.
func Load(path string, lookupEnv func(string) (string, bool)) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read textback manifest: %w", err)
	}
	return Parse(path, data, lookupEnv)
}

// Parse validates data, the contents of a textback.yaml, expanding ${NAME} from lookupEnv, which defaults to
// os.LookupEnv when nil. name is used in issues, typically the file's path.
//
// When the file has any error, Parse returns a nil File and an Errors value listing every error, in file
// order. YAML syntax errors stop the check early and are reported alone. Warnings are in File.Warnings.
func Parse(name string, data []byte, lookupEnv func(string) (string, bool)) (*File, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	c := &checker{file: name, lookupEnv: lookupEnv}

	root, ok := c.decode(data)
	if !ok {
		return nil, c.errors
	}
	f := &File{Name: name}
	c.checkFile(root, f)

	if len(c.errors) > 0 {
		sortIssues(c.errors)
		return nil, c.errors
	}
	sortIssues(c.warnings)
	f.Warnings = c.warnings
	return f, nil
}

// yamlLine matches the position prefix of the YAML parser's error messages.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// decode parses data as a single YAML document and returns its root node. It records an error and returns
// false for a syntax error, an empty file or a second document.
func (c *checker) decode(data []byte) (*yaml.Node, bool) {
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decoder.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			c.errors = append(c.errors, Issue{File: c.file, Line: 1, Column: 1,
				Message: "the file is empty: declare providers and businesses"})
			return nil, false
		}
		c.syntaxError(data, err)
		return nil, false
	}

	var extra yaml.Node
	switch err := decoder.Decode(&extra); {
	case err == nil:
		c.errorf(&extra, "", "a second YAML document starts here: keep the whole configuration in one document "+
			"and remove the --- line")
		return nil, false
	case !errors.Is(err, io.EOF):
		c.syntaxError(data, err)
		return nil, false
	}

	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		c.errors = append(c.errors, Issue{File: c.file, Line: 1, Column: 1,
			Message: "the file has no settings: declare providers and businesses"})
		return nil, false
	}
	return doc.Content[0], true
}

// syntaxError records a YAML parser error in data with the line it is on, when that can be found.
func (c *checker) syntaxError(data []byte, err error) {
	message := yamlLine.ReplaceAllString(err.Error(), "")
	issue := Issue{File: c.file, Line: syntaxErrorLine(data, message), Message: "invalid YAML: " + message}
	if issue.Line == 0 {
		// NOTE: the parser's own line is 0-based for some errors and names the start of the enclosing block,
		// so it may be a line or more before the problem.
		if match := yamlLine.FindStringSubmatch(err.Error()); match != nil {
			line, _ := strconv.Atoi(match[1])
			issue.Line = max(line, 1)
		}
	}
	c.errors = append(c.errors, issue)
}

// syntaxErrorLine returns the 1-based line of the YAML syntax error that message describes, or 0 when it
// cannot tell. The parser reports some errors at the start of the enclosing block rather than where the
// problem is. So syntaxErrorLine searches, by bisection, for a line n such that the first n lines fail to
// parse with the same message and the first n-1 lines do not.
func syntaxErrorLine(data []byte, message string) int {
	// ends[i] is the byte offset just after line i+1.
	var ends []int
	end := 0
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		end += len(line)
		ends = append(ends, end)
	}
	fails := func(lines int) bool {
		err := decodeAll(data[:ends[lines-1]])
		return err != nil && yamlLine.ReplaceAllString(err.Error(), "") == message
	}

	if len(ends) == 0 || !fails(len(ends)) {
		return 0
	}
	// The first 0 lines parse, and all lines fail.
	good, bad := 0, len(ends)
	for bad-good > 1 {
		middle := good + (bad-good)/2
		if fails(middle) {
			bad = middle
		} else {
			good = middle
		}
	}
	return bad
}

// decodeAll parses every YAML document in data and returns the first error.
func decodeAll(data []byte) error {
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var node yaml.Node
		if err := decoder.Decode(&node); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

var fileKeys = []string{"providers", "businesses"}

// checkFile validates the top-level mapping and fills f.
func (c *checker) checkFile(root *yaml.Node, f *File) {
	m := c.mapping(root, "", fileKeys)
	if m == nil {
		return
	}

	providerNodes, ok := c.sequence(m, "providers")
	if ok && len(providerNodes) == 0 {
		c.errorf(m.at("providers"), "providers", "no providers: declare at least one, such as "+
			"{name: sandbox, kind: sandbox}")
	}
	f.Providers = c.providers(providerNodes)

	businessNodes, ok := c.sequence(m, "businesses")
	if ok && len(businessNodes) == 0 {
		c.errorf(m.at("businesses"), "businesses", "no businesses: declare at least one with its slug, name, "+
			"time_zone and numbers")
	}
	f.Businesses = c.businesses(businessNodes, f.Providers)
}
