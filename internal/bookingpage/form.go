package bookingpage

import (
	"crypto/rand"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// Field limits in characters. Email follows the longest address RFC 5321 allows in a path.
const (
	maxName  = 100
	maxPhone = 40
	maxEmail = 254
	maxNotes = 500
)

// keyPrefix marks the idempotency keys of page bookings, so that a key typed into a form can never
// match the key of a booking made by text.
const keyPrefix = "page:"

// formKey matches a form key or token, as rand.Text makes them.
var formKey = regexp.MustCompile(`^[A-Z2-7]{26}$`)

// formValues are the fields of the form, as typed.
type formValues struct {
	Slot  string // "<calendar slug>/<start in Unix seconds>"
	Name  string
	Phone string
	Email string
	Notes string
	// Key is the form's idempotency key: a new one for each rendered form.
	Key string
	// Token repeats the token of the browser's cookie, which proves that the form came from the
	// booking page.
	Token string
}

// formErrors holds a message for each invalid field, or "" for a valid one.
type formErrors struct {
	Slot, Name, Phone, Email, Notes string
}

// fieldError is one message of the error summary, with the id of the field it is about.
type fieldError struct {
	Field   string
	Message string
}

// List returns the messages in the order of the fields on the page.
func (e formErrors) List() []fieldError {
	var out []fieldError
	for _, f := range []fieldError{
		{"slots", e.Slot}, {"name", e.Name}, {"phone", e.Phone}, {"email", e.Email}, {"notes", e.Notes},
	} {
		if f.Message != "" {
			out = append(out, f)
		}
	}
	return out
}

// Any reports whether any field is invalid.
func (e formErrors) Any() bool { return len(e.List()) > 0 }

// submission is a valid form.
type submission struct {
	Calendar store.Calendar
	Start    time.Time
	Name     string
	E164     string
	Email    string
	Notes    string
	Key      string
}

// newKey returns a fresh form key or token: 26 base32 characters, 130 random bits.
func newKey() string { return rand.Text() }

// readForm returns the fields of a posted form, trimmed.
func readForm(r *http.Request) formValues {
	field := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return formValues{
		Slot: field("slot"), Name: field("name"), Phone: field("phone"), Email: field("email"),
		Notes: field("notes"), Key: field("key"), Token: field("token"),
	}
}

// validate checks the form against the business and returns the submission, or the errors to
// show. An invalid key gets a fresh one in v, because it cannot have come from a rendered form.
func validate(v *formValues, b businessInfo) (submission, formErrors) {
	var (
		s    submission
		errs formErrors
	)
	s.Calendar, s.Start, errs.Slot = parseSlot(v.Slot, b)
	s.Name, errs.Name = textField{limit: maxName, missing: "Enter your name.", what: "your name"}.check(v.Name)
	s.E164, errs.Phone = checkPhone(v.Phone, b.Region)
	s.Email, errs.Email = checkEmail(v.Email)
	s.Notes, errs.Notes = textField{limit: maxNotes, what: "your notes", multiline: true}.check(v.Notes)
	if !formKey.MatchString(v.Key) {
		v.Key = newKey()
		if errs.Slot == "" {
			errs.Slot = "This form has expired. Pick a time again."
		}
	}
	s.Key = keyPrefix + v.Key
	return s, errs
}

// parseSlot returns the calendar and start that value names, or a message for the slot field.
func parseSlot(value string, b businessInfo) (store.Calendar, time.Time, string) {
	const pick = "Pick a time."
	if value == "" {
		return store.Calendar{}, time.Time{}, pick
	}
	slug, unix, ok := strings.Cut(value, "/")
	seconds, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil {
		return store.Calendar{}, time.Time{}, pick
	}
	cal, ok := b.calendar(slug)
	if !ok {
		return store.Calendar{}, time.Time{}, pick
	}
	return cal, time.Unix(seconds, 0).UTC(), ""
}

// slotValue returns the form value of a slot of cal.
func slotValue(cal store.Calendar, start time.Time) string {
	return cal.Slug + "/" + strconv.FormatInt(start.Unix(), 10)
}

// textField describes a free-text field of the form.
type textField struct {
	limit int // in characters
	// missing is the message for an empty value, or "" when the field may be empty.
	missing string
	what    string // the field as messages name it, such as "your name"
	// multiline allows line breaks and tabs.
	multiline bool
}

// markup matches the start of an HTML tag, comment or declaration. Pages escape what leads type,
// but text that looks like markup is rejected so that no stored booking carries a script to
// whatever else shows it later. A lone "<", as in "pipe < 1 inch", is kept.
var markup = regexp.MustCompile(`<[A-Za-z/!?]`)

// check returns s when it fits the field: at most limit characters, no control characters other
// than line breaks and tabs in a multiline field, and nothing that looks like markup. Otherwise it
// returns the message for the field.
func (f textField) check(s string) (string, string) {
	unusual := "Remove the unusual characters from " + f.what + "."
	switch {
	case s == "":
		return "", f.missing
	case !utf8.ValidString(s):
		return "", unusual
	case utf8.RuneCountInString(s) > f.limit:
		return "", "Shorten " + f.what + " to " + strconv.Itoa(f.limit) + " characters or fewer."
	case markup.MatchString(s):
		return "", "Remove the < and > signs from " + f.what + "."
	}
	for _, r := range s {
		lineBreak := r == '\n' || r == '\r' || r == '\t'
		if unicode.IsControl(r) && !(f.multiline && lineBreak) {
			return "", unusual
		}
	}
	return s, ""
}

// checkPhone returns the E.164 form of raw, read in region, or a message for the phone field. A
// number with an extension is rejected, because a text cannot reach an extension.
func checkPhone(raw, region string) (string, string) {
	if raw == "" {
		return "", "Enter your phone number."
	}
	hint := "Enter a phone number that can receive texts, with its area code, or with + and the country code."
	if strings.EqualFold(region, "US") || strings.EqualFold(region, "CA") {
		hint = "Enter a phone number that can receive texts, with its area code, such as (312) 555-0123."
	}
	if utf8.RuneCountInString(raw) > maxPhone {
		return "", hint
	}
	n, err := phone.Parse(raw, region)
	if err != nil || n.Extension != "" {
		return "", hint
	}
	return n.E164, ""
}

// checkEmail returns the address in raw, which may be empty, or a message for the email field.
func checkEmail(raw string) (string, string) {
	if raw == "" {
		return "", ""
	}
	const invalid = "Enter an email address such as name@example.com, or leave it empty."
	if len(raw) > maxEmail || strings.ContainsAny(raw, "<>") {
		return "", invalid
	}
	addr, err := mail.ParseAddress(raw)
	// Only a bare address: no display name, no comments, no angle brackets.
	if err != nil || addr.Address != raw || addr.Name != "" || !strings.Contains(addr.Address, ".") {
		return "", invalid
	}
	return addr.Address, ""
}
