package phone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		region    string
		e164      string
		extension string
	}{
		{"e164", "+12025550143", "US", "+12025550143", ""},
		{"national parens", "(202) 555-0143", "US", "+12025550143", ""},
		{"national dots", "202.555.0143", "US", "+12025550143", ""},
		{"leading one", "12025550143", "US", "+12025550143", ""},
		{"leading one dashes", "1-202-555-0143", "US", "+12025550143", ""},
		{"tel uri", "tel:+12025550143", "US", "+12025550143", ""},
		{"tel uri phone context", "tel:2025550143;phone-context=+1", "US", "+12025550143", ""},
		{"surrounding spaces", "  +1 202 555 0143 ", "US", "+12025550143", ""},
		{"lower-case region", "(202) 555-0143", "us", "+12025550143", ""},
		{"empty region e164", "+12025550143", "", "+12025550143", ""},
		{"ext dot", "+1 202 555 0143 ext. 12", "US", "+12025550143", "12"},
		{"ext x", "2025550143x12", "US", "+12025550143", "12"},
		{"ext tel uri", "tel:+12025550143;ext=12", "US", "+12025550143", "12"},
		{"ext word", "+1 202 555 0143 extension 12", "US", "+12025550143", "12"},
		{"ext hash", "+1 (202) 555-0143 #12", "US", "+12025550143", "12"},
		{"chicago", "+13125550199", "US", "+13125550199", ""},
		{"austin 737", "+17378742833", "US", "+17378742833", ""},
		{"canada from us", "(416) 555-0199", "US", "+14165550199", ""},
		{"uk mobile e164", "+447400123456", "US", "+447400123456", ""},
		{"uk mobile national", "07400 123456", "GB", "+447400123456", ""},
		{"uk london national", "020 7946 0123", "GB", "+442079460123", ""},
		{"denmark 8 digits", "20123456", "DK", "+4520123456", ""},
		{"freephone 800", "+800 1234 5678", "US", "+80012345678", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.raw, tt.region)
			if err != nil {
				t.Fatalf("Parse(%q, %q) error = %v, want nil", tt.raw, tt.region, err)
			}
			if got.E164 != tt.e164 {
				t.Errorf("Parse(%q, %q).E164 = %q, want %q", tt.raw, tt.region, got.E164, tt.e164)
			}
			if got.Extension != tt.extension {
				t.Errorf("Parse(%q, %q).Extension = %q, want %q", tt.raw, tt.region, got.Extension, tt.extension)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		region string
	}{
		{"no area code", "555-0143", "US"},
		{"uk national in us", "07700 900123", "US"},
		{"uk drama range", "+447700900123", "US"},
		{"uk drama range national", "07700 900123", "GB"},
		{"two digits", "12", "US"},
		{"letters", "abc", "US"},
		{"two pluses", "++", "US"},
		{"plus one", "+1", "US"},
		{"nineteen digits", "1234567890123456789", "US"},
		{"invalid utf8", "\xff\xfe\xfd", "US"},
		{"invalid utf8 inside", "+1 202 \xff 555 0143", "US"},
		{"empty", "", "US"},
		{"spaces", "   ", "US"},
		{"long digits", strings.Repeat("1", 10_000), "US"},
		{"long punctuation", strings.Repeat("+1 (", 5_000), "US"},
		{"long extension", "+12025550143 ext. " + strings.Repeat("9", 10_000), "US"},
		{"national no region", "2025550143", ""},
		{"national unknown region", "2025550143", "XX"},
		{"sip uri", "sip:+12025550143@example.com", "US"},
		{"client id", "client:alice", "US"},
		{"anonymous keypad", "+266696687", "US"},
		{"restricted keypad", "+7378742833", "US"},
		{"blocked keypad", "+2562533", "US"},
		{"unknown keypad", "+8656696", "US"},
		{"unavailable keypad", "+86282452253", "US"},
		{"short code", "12345", "US"},
		{"denmark short", "12345678", "DK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.raw, tt.region)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%.40q, %q) error = %v, want ErrInvalid", tt.raw, tt.region, err)
			}
			if got != (Number{}) {
				t.Errorf("Parse(%.40q, %q) = %+v, want zero Number", tt.raw, tt.region, got)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		region string
		want   []string
	}{
		{"names raw", "555-0143", "US", []string{`"555-0143"`, "+15550143", "country code +1"}},
		{"names bad region", "2025550143", "XX", []string{`"2025550143"`, `"XX"`, "start the number with +"}},
		{"names empty region", "2025550143", "", []string{`"2025550143"`, `""`, "pass a region"}},
		{"names unparsable raw", "abc", "US", []string{`"abc"`, "not a number"}},
		{"cuts long raw", strings.Repeat("7", 1000), "US", []string{"cut from 1000 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, tt.region)
			if err == nil {
				t.Fatalf("Parse(%.40q, %q) error = nil, want an error", tt.raw, tt.region)
			}
			for _, part := range tt.want {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("Parse(%.40q, %q) error = %q, want it to contain %q", tt.raw, tt.region, err, part)
				}
			}
		})
	}
}

func TestParseErrorLengthBounded(t *testing.T) {
	_, err := Parse(strings.Repeat("7", 100_000), "US")
	if err == nil {
		t.Fatal("Parse of 100000 digits error = nil, want an error")
	}
	if len(err.Error()) > 500 {
		t.Errorf("Parse of 100000 digits error has %d bytes, want at most 500", len(err.Error()))
	}
}

// The product's examples use the fictional 555-0100 to 555-0199 range, so every number in it must stay valid.
func TestParseFictionalRangeValid(t *testing.T) {
	for _, areaCode := range []string{"202", "312"} {
		for line := 100; line <= 199; line++ {
			raw := fmt.Sprintf("+1%s5550%03d", areaCode, line)
			got, err := Parse(raw, "US")
			if err != nil {
				t.Errorf("Parse(%q) error = %v, want nil", raw, err)
				continue
			}
			if got.E164 != raw {
				t.Errorf("Parse(%q).E164 = %q, want %q", raw, got.E164, raw)
			}
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name   string
		e164   string
		region string
		want   string
	}{
		{"us national", "+13125550111", "US", "(312) 555-0111"},
		{"us lower-case region", "+13125550111", "us", "(312) 555-0111"},
		{"uk from us", "+447400123456", "US", "+44 7400 123456"},
		{"uk national", "+447400123456", "GB", "07400 123456"},
		{"us from uk", "+13125550111", "GB", "+1 312-555-0111"},
		{"canada from us", "+14165550199", "US", "+1 416-555-0199"},
		{"no region", "+13125550111", "", "+1 312-555-0111"},
		{"uk drama range unchanged", "+447700900123", "US", "+447700900123"},
		{"junk unchanged", "abc", "US", "abc"},
		{"empty unchanged", "", "US", ""},
		{"too short unchanged", "+1555", "US", "+1555"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.e164, tt.region); got != tt.want {
				t.Errorf("Format(%q, %q) = %q, want %q", tt.e164, tt.region, got, tt.want)
			}
		})
	}
}

func TestTimeZones(t *testing.T) {
	tests := []struct {
		name string
		e164 string
		want []string
	}{
		{"chicago", "+13125550199", []string{"America/Chicago"}},
		{"washington", "+12025550143", []string{"America/New_York"}},
		// Area code 208 covers southern Idaho (Mountain time) and the panhandle (Pacific time).
		{"idaho two zones", "+12085550123", []string{"America/Boise", "America/Los_Angeles"}},
		// Area code 907 covers all of Alaska, including the western Aleutians on Hawaii-Aleutian time.
		{"alaska two zones", "+19075550123", []string{"America/Adak", "America/Anchorage"}},
		{"freephone unknown", "+80012345678", nil},
		{"national form", "3125550199", nil},
		{"invalid", "+15550143", nil},
		{"junk", "abc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TimeZones(tt.e164)
			if !slices.Equal(got, tt.want) {
				t.Errorf("TimeZones(%q) = %q, want %q", tt.e164, got, tt.want)
			}
		})
	}
}

func TestTimeZonesTollFreeSpansPlan(t *testing.T) {
	got := TimeZones("+18005550100")
	for _, zone := range []string{"America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "Pacific/Guam"} {
		if !slices.Contains(got, zone) {
			t.Errorf("TimeZones(+18005550100) = %q, want it to contain %q", got, zone)
		}
	}
	if len(got) < 40 {
		t.Errorf("TimeZones(+18005550100) has %d zones, want at least 40", len(got))
	}
}

func TestTimeZonesReturnsCopy(t *testing.T) {
	first := TimeZones("+13125550199")
	if len(first) == 0 {
		t.Fatal("TimeZones(+13125550199) is empty, want America/Chicago")
	}
	first[0] = "Changed/ByCaller"

	second := TimeZones("+13125550199")
	if !slices.Equal(second, []string{"America/Chicago"}) {
		t.Errorf("TimeZones(+13125550199) after a caller changed an earlier result = %q, want [America/Chicago]", second)
	}
}
