// Package phone normalises phone numbers to E.164 and decides whether a caller id can be texted back.
//
// ClassifyCaller checks for withheld caller ids on the raw value, before any normalisation. Providers mark a
// withheld caller with words such as "Anonymous" or with those words typed on a keypad, for example "+266696687".
// The keypad forms parse as numbers with real country codes (+266 is Lesotho, +7 is Russia and Kazakhstan), so a
// check that ran after normalisation could mistake them for foreign callers. All of them fail
// phonenumbers.IsValidNumber in github.com/nyaruka/phonenumbers v1.8.1, but a metadata update may change that,
// so the sentinel list decides.
//
// Number.E164 never contains an extension. Send only E164 to an SMS API, because SMS cannot address an extension.
// A switchboard reads extension digits only after a call connects. Number.Extension keeps them for display and
// records.
//
// Validity comes from phonenumbers.IsValidNumber, which matches the number against each country's numbering plan.
// It does not tell mobile from landline numbers in the US and Canada, so a Textable number may still be a landline
// that cannot receive texts.
package phone

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalid is the error that Parse wraps when its input is not a valid phone number.
var ErrInvalid = errors.New("invalid phone number")

// maxQuotedLength is the maximum number of bytes of a raw input that an error message quotes, so that a huge
// caller id cannot flood the logs.
const maxQuotedLength = 64

// Number is a normalised phone number.
type Number struct {
	// E164 is the number in E.164 form, for example "+12025550143".
	E164 string
	// Extension is the extension digits when the input carried one, for example "12", and empty otherwise.
	// It is never part of E164 and must not be sent to an SMS API.
	Extension string
}

// Parse normalises raw to E.164 and separates any extension.
//
// raw may be in E.164 form, a "tel:" URI, or in national form with punctuation or a leading trunk prefix, such as
// "(202) 555-0143" or "1-202-555-0143". It may end in an extension such as " ext. 12", "x12" or ";ext=12".
// defaultRegion is an ISO 3166-1 alpha-2 code, for example "US", used for numbers without a country code.
// It may be empty when raw starts with "+".
//
// Parse returns an error wrapping ErrInvalid that quotes raw when raw does not parse or when the parsed number
// does not match the numbering plan of its country, as phonenumbers.Parse accepts input such as "12" (read as +1 12).
func Parse(raw, defaultRegion string) (Number, error) {
	parsed, err := parseValid(raw, defaultRegion)
	if err != nil {
		return Number{}, err
	}

	number := Number{
		E164:      phonenumbers.Format(parsed, phonenumbers.E164),
		Extension: parsed.GetExtension(),
	}
	return number, nil
}

// Format returns e164 formatted for people to read. A number in defaultRegion gets the national format, for example
// "(312) 555-0111" for "+13125550111" in "US", and any other number the international format, for example
// "+44 7400 123456". Format returns e164 unchanged when Parse would reject it.
func Format(e164, defaultRegion string) string {
	parsed, err := parseValid(e164, defaultRegion)
	if err != nil {
		return e164
	}

	if phonenumbers.GetRegionCodeForNumber(parsed) == normaliseRegion(defaultRegion) {
		return phonenumbers.Format(parsed, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(parsed, phonenumbers.INTERNATIONAL)
}

// TimeZones returns the IANA time zones that the prefix of e164 may be in, according to the phonenumbers
// metadata. It returns nil when e164 is not a valid E.164 number or when its zone is unknown, as for the
// international freephone code +800. Callers should only send in the hours allowed in every returned zone.
//
// NOTE: numbers without a geographic prefix in the NANP, such as toll-free +1 800 numbers, return every zone of
// the plan (over 40, from Pacific/Guam to America/St_Johns), so no daytime window is common to all of them.
func TimeZones(e164 string) []string {
	parsed, err := parseValid(e164, "")
	if err != nil {
		return nil
	}

	zones, err := phonenumbers.GetTimezonesForNumber(parsed)
	if err != nil {
		return nil
	}

	// The slice belongs to the library's shared prefix map, so copy it before a caller can change it.
	known := make([]string, 0, len(zones))
	for _, zone := range zones {
		if zone != phonenumbers.UNKNOWN_TIMEZONE {
			known = append(known, zone)
		}
	}
	if len(known) == 0 {
		return nil
	}
	return slices.Clip(known)
}

// parseValid parses raw and rejects numbers that phonenumbers.IsValidNumber rejects. Each error wraps ErrInvalid
// and quotes raw, and its message suggests a fix.
func parseValid(raw, defaultRegion string) (*phonenumbers.PhoneNumber, error) {
	region := normaliseRegion(defaultRegion)
	quoted := quoteForError(raw)

	parsed, err := phonenumbers.Parse(raw, region)
	if errors.Is(err, phonenumbers.ErrInvalidCountryCode) && !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("%w %s: it has no country code and the default region %q is not a supported "+
			"ISO 3166-1 alpha-2 code, so start the number with + and its country code or pass a region such as US: %w",
			ErrInvalid, quoted, defaultRegion, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w %s: expected a + and country code or a national number for region %q: %w",
			ErrInvalid, quoted, region, err)
	}

	if !phonenumbers.IsValidNumber(parsed) {
		return nil, fmt.Errorf("%w %s: %s does not match the numbering plan for country code +%d, so check for "+
			"missing or extra digits or a missing country code", ErrInvalid, quoted,
			phonenumbers.Format(parsed, phonenumbers.E164), parsed.GetCountryCode())
	}
	return parsed, nil
}

// normaliseRegion upper-cases a region code because the phonenumbers metadata contains only upper-case codes.
func normaliseRegion(region string) string {
	return strings.ToUpper(strings.TrimSpace(region))
}

// quoteForError quotes raw for an error message, cut to maxQuotedLength bytes.
func quoteForError(raw string) string {
	if len(raw) <= maxQuotedLength {
		return fmt.Sprintf("%q", raw)
	}
	return fmt.Sprintf("%q (cut from %d bytes)", raw[:maxQuotedLength], len(raw))
}
