package phone

import (
	"strings"
	"testing"
)

// fuzzRegions contains the default regions that FuzzParse picks from, including an unsupported and an empty one.
var fuzzRegions = []string{"US", "GB", "DK", "DE", "IN", "BR", "", "XX"}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"+12025550143", "(202) 555-0143", "202.555.0143", "12025550143", "1-202-555-0143", "tel:+12025550143",
		"+1 202 555 0143 ext. 12", "2025550143x12", "tel:+12025550143;ext=12", "tel:2025550143;phone-context=+1",
		"555-0143", "+447700900123", "07400 123456", "20123456", "+80012345678", "12", "abc", "++", "+1",
		"1234567890123456789", "\xff\xfe", "+266696687", "client:alice", "sip:alice@example.com", "1800FLOWERS",
		"+39 06 1234 5678", "０２０ ７９４６ ０１２３", strings.Repeat("1", 300),
		// Withheld caller ids as providers send them, and their sentinel numbers.
		"Anonymous", "anonymous", "Restricted", "UNKNOWN", "+7378742833", "+2562533", "+8656696", "+86282452253",
		"", "07700 900123", "+1 202 555 0143 ext. 12",
	}
	for i, seed := range seeds {
		f.Add(seed, uint8(i))
	}

	f.Fuzz(func(t *testing.T, raw string, regionIndex uint8) {
		region := fuzzRegions[int(regionIndex)%len(fuzzRegions)]

		number, err := Parse(raw, region)
		ClassifyCaller(raw, region)
		if err != nil {
			return
		}

		if !strings.HasPrefix(number.E164, "+") {
			t.Fatalf("Parse(%q, %q).E164 = %q, want a leading +", raw, region, number.E164)
		}
		again, err := Parse(number.E164, region)
		if err != nil {
			t.Fatalf("Parse(%q, %q) of its own E164 %q error = %v, want nil", raw, region, number.E164, err)
		}
		if again.E164 != number.E164 {
			t.Fatalf("Parse(%q, %q).E164 = %q, want the same E164 %q", number.E164, region, again.E164, number.E164)
		}
		if Format(number.E164, region) == "" {
			t.Fatalf("Format(%q, %q) is empty, want a formatted number", number.E164, region)
		}
		TimeZones(number.E164)
	})
}
