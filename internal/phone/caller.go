package phone

import "strings"

// Reason is the cause that ClassifyCaller reports for not texting a caller id back. The zero value, Textable,
// means that the caller id can be texted.
type Reason string

// Reasons that ClassifyCaller returns.
const (
	// Textable is a valid phone number that may be texted back.
	Textable Reason = ""
	// Withheld is an anonymous, blocked, restricted, unknown or empty caller id.
	Withheld Reason = "withheld"
	// Invalid is a caller id that is not a valid phone number.
	Invalid Reason = "invalid"
	// ShortCode is a 3 to 8 digit short code, which is never texted back because it belongs to a service.
	ShortCode Reason = "short-code"
	// NotPhone is a SIP URI or a "client:name" id from a soft phone, which has no phone number to text.
	NotPhone Reason = "not-phone"
)

// reasonWords describes each Reason so that it completes a sentence such as `caller id "12345" is a
// short code`.
var reasonWords = map[Reason]string{
	Textable:  "textable",
	Withheld:  "withheld",
	Invalid:   "invalid",
	ShortCode: "a short code",
	NotPhone:  "not a phone number",
}

// String returns the reason in words, such as "a short code". The Reason value itself, such as
// "short-code", stays the stable identifier.
func (r Reason) String() string {
	if words, ok := reasonWords[r]; ok {
		return words
	}
	return string(r)
}

// withheldCallerIDs contains the lower-case caller ids that providers send for a withheld caller. The numeric ones
// are the words typed on a phone keypad: 266696687 is ANONYMOUS, 7378742833 RESTRICTED, 2562533 BLOCKED,
// 8656696 UNKNOWN and 86282452253 UNAVAILABLE. "+17378742833" is deliberately absent because 737 is a real area
// code in Texas.
var withheldCallerIDs = map[string]bool{
	"":             true,
	"anonymous":    true,
	"restricted":   true,
	"unknown":      true,
	"blocked":      true,
	"private":      true,
	"unavailable":  true,
	"withheld":     true,
	"+266696687":   true,
	"266696687":    true,
	"+7378742833":  true,
	"+2562533":     true,
	"+8656696":     true,
	"+86282452253": true,
}

// softPhonePrefixes contains the lower-case URI schemes of caller ids that come from SIP or a provider's browser
// or app client rather than from the phone network.
var softPhonePrefixes = []string{"sip:", "sips:", "client:"}

// Short codes have 3 to 8 digits. Valid phone numbers of that length exist in some regions, such as the 8-digit
// numbers of Denmark, so ClassifyCaller tries Parse first.
const (
	minShortCodeDigits = 3
	maxShortCodeDigits = 8
)

// ClassifyCaller classifies a caller id, given exactly as the provider sent it, and returns its normalised number
// and the Reason why it cannot be texted back. The Number is zero unless the Reason is Textable.
//
// The checks run in this order on raw with surrounding white space removed:
//  1. Withheld for a withheld-caller sentinel, compared without regard to case and before any normalisation,
//     because some sentinels parse as numbers with a foreign country code.
//  2. NotPhone for "sip:", "sips:" and "client:" ids.
//  3. Textable when Parse accepts raw with defaultRegion.
//  4. ShortCode for 3 to 8 ASCII digits without a "+".
//  5. Invalid for anything else.
func ClassifyCaller(raw, defaultRegion string) (Number, Reason) {
	trimmed := strings.TrimSpace(raw)
	folded := strings.ToLower(trimmed)

	if withheldCallerIDs[folded] {
		return Number{}, Withheld
	}

	for _, prefix := range softPhonePrefixes {
		if strings.HasPrefix(folded, prefix) {
			return Number{}, NotPhone
		}
	}

	number, err := Parse(trimmed, defaultRegion)
	if err == nil {
		return number, Textable
	}

	if isShortCode(trimmed) {
		return Number{}, ShortCode
	}
	return Number{}, Invalid
}

// isShortCode reports whether s has only ASCII digits, between minShortCodeDigits and maxShortCodeDigits of them.
func isShortCode(s string) bool {
	if len(s) < minShortCodeDigits || len(s) > maxShortCodeDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
