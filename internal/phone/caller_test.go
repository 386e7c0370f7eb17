package phone

import (
	"fmt"
	"strings"
	"testing"
)

func TestClassifyCaller(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		region string
		reason Reason
		e164   string
	}{
		{"keypad anonymous", "+266696687", "US", Withheld, ""},
		{"keypad anonymous no plus", "266696687", "US", Withheld, ""},
		{"keypad restricted", "+7378742833", "US", Withheld, ""},
		{"keypad blocked", "+2562533", "US", Withheld, ""},
		{"keypad unknown", "+8656696", "US", Withheld, ""},
		{"keypad unavailable", "+86282452253", "US", Withheld, ""},
		{"anonymous title", "Anonymous", "US", Withheld, ""},
		{"anonymous lower", "anonymous", "US", Withheld, ""},
		{"anonymous upper", "ANONYMOUS", "US", Withheld, ""},
		{"restricted title", "Restricted", "US", Withheld, ""},
		{"unknown", "unknown", "US", Withheld, ""},
		{"blocked", "BLOCKED", "US", Withheld, ""},
		{"private", "Private", "US", Withheld, ""},
		{"unavailable", "Unavailable", "US", Withheld, ""},
		{"withheld", "WITHHELD", "US", Withheld, ""},
		{"padded sentinel", "  anonymous\t", "US", Withheld, ""},
		{"padded keypad", " +266696687 ", "US", Withheld, ""},
		{"empty", "", "US", Withheld, ""},
		{"spaces only", "   ", "US", Withheld, ""},
		{"sentinel without region", "+7378742833", "", Withheld, ""},
		{"short code 5", "12345", "US", ShortCode, ""},
		{"short code 6", "898211", "US", ShortCode, ""},
		{"short code 3", "611", "US", ShortCode, ""},
		{"short code 8", "12345678", "US", ShortCode, ""},
		{"padded short code", " 12345 ", "US", ShortCode, ""},
		{"denmark national", "20123456", "DK", Textable, "+4520123456"},
		{"denmark short code", "1234", "DK", ShortCode, ""},
		{"client id", "client:alice", "US", NotPhone, ""},
		{"client id upper", "Client:Alice", "US", NotPhone, ""},
		{"sip uri", "sip:alice@example.com", "US", NotPhone, ""},
		{"sip uri with number", "sip:+12025550143@example.com", "US", NotPhone, ""},
		{"sips uri", "sips:alice@example.com", "US", NotPhone, ""},
		{"e164", "+12025550143", "US", Textable, "+12025550143"},
		{"chicago", "+13125550199", "US", Textable, "+13125550199"},
		{"austin 737 not sentinel", "+17378742833", "US", Textable, "+17378742833"},
		{"national", "(202) 555-0143", "US", Textable, "+12025550143"},
		{"padded e164", " +12025550143 ", "US", Textable, "+12025550143"},
		{"foreign", "+447400123456", "US", Textable, "+447400123456"},
		{"two digits", "12", "US", Invalid, ""},
		{"two digits plus", "+12", "US", Invalid, ""},
		{"nine digits", "123456789", "US", Invalid, ""},
		{"plus short", "+12345", "US", Invalid, ""},
		{"no area code", "555-0143", "US", Invalid, ""},
		{"letters", "abc", "US", Invalid, ""},
		{"invalid utf8", "\xff\xfe", "US", Invalid, ""},
		{"long", strings.Repeat("9", 10_000), "US", Invalid, ""},
		{"sentinel inside text", "anonymous caller", "US", Invalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			number, reason := ClassifyCaller(tt.raw, tt.region)
			if reason != tt.reason {
				t.Errorf("ClassifyCaller(%.40q, %q) reason = %q, want %q", tt.raw, tt.region, reason, tt.reason)
			}
			if number.E164 != tt.e164 {
				t.Errorf("ClassifyCaller(%.40q, %q) E164 = %q, want %q", tt.raw, tt.region, number.E164, tt.e164)
			}
		})
	}
}

func TestClassifyCallerKeepsExtension(t *testing.T) {
	const raw = "+1 202 555 0143 ext. 12"
	number, reason := ClassifyCaller(raw, "US")
	if reason != Textable {
		t.Errorf("ClassifyCaller(%q) reason = %q, want Textable", raw, reason)
	}
	if number.E164 != "+12025550143" {
		t.Errorf("ClassifyCaller(%q) E164 = %q, want +12025550143", raw, number.E164)
	}
	if number.Extension != "12" {
		t.Errorf("ClassifyCaller(%q) Extension = %q, want 12", raw, number.Extension)
	}
}

// Every sentinel must be caught by the raw check, whatever the default region and whether or not a future
// phonenumbers release starts to accept it as a number.
func TestClassifyCallerSentinelsAnyRegion(t *testing.T) {
	for raw := range withheldCallerIDs {
		for _, region := range []string{"US", "GB", "RU", "CN", "LS", "UG", ""} {
			if _, reason := ClassifyCaller(raw, region); reason != Withheld {
				t.Errorf("ClassifyCaller(%q, %q) reason = %q, want Withheld", raw, region, reason)
			}
		}
	}
}

func TestReasonString(t *testing.T) {
	rows := []struct {
		reason Reason
		want   string
	}{
		{Withheld, "withheld"},
		{Invalid, "invalid"},
		{ShortCode, "a short code"},
		{NotPhone, "not a phone number"},
		{Reason("other"), "other"},
	}
	for _, row := range rows {
		if got := fmt.Sprintf("caller id is %s", row.reason); got != "caller id is "+row.want {
			t.Errorf("%q formats as %q, want %q", string(row.reason), got, "caller id is "+row.want)
		}
	}
}
