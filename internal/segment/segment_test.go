package segment_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/textback/textback/internal/segment"
)

const (
	missedCall = "Hi, this is Acme Plumbing. Sorry we missed your call! " +
		"We'll text you back shortly. Reply STOP to opt out."
	missedCallCurly = "Hi, this is Acme Plumbing. Sorry we missed your call! " +
		"We\u2019ll text you back shortly. Reply STOP to opt out."
	menu = "Hi, this is Acme Plumbing. Sorry we missed your call. Reply 1 for a callback today, " +
		"2 to book a visit, or just tell us what you need. Reply STOP to opt out"
	wave = "\U0001F44B"
)

var repeat = strings.Repeat

// countCase is a body with its expected encoding, units and segments, shared by the Count, Split and fuzz tests.
type countCase struct {
	name     string
	body     string
	encoding segment.Encoding
	units    int
	segments int
}

var countCases = []countCase{
	{"empty body", "", segment.GSM7, 0, 0},
	{"missed call reply", missedCall, segment.GSM7, 105, 1},
	{"curly apostrophe", missedCallCurly, segment.UCS2, 105, 2},
	{"menu reply", menu, segment.GSM7, 155, 1},
	{"menu with emoji", menu + " " + wave, segment.UCS2, 158, 3},
	{"extension fits one", repeat("a", 152) + "{}€", segment.GSM7, 158, 1},
	{"extension spills over", repeat("a", 149) + "{}€[]~", segment.GSM7, 161, 2},
	{"escape pair moves", repeat("a", 152) + "€" + repeat("a", 8), segment.GSM7, 162, 2},
	{"escape pair adds segment", repeat("a", 152) + "€" + repeat("a", 152), segment.GSM7, 306, 3},
	{"only extension", repeat("€", 81), segment.GSM7, 162, 2},
	{"infinity at limit", repeat("|", 69) + "∞", segment.UCS2, 70, 1},
	{"euro price", "Deposit: €20", segment.GSM7, 13, 1},
	{"gsm 160", repeat("a", 160), segment.GSM7, 160, 1},
	{"gsm 161", repeat("a", 161), segment.GSM7, 161, 2},
	{"gsm 306", repeat("a", 306), segment.GSM7, 306, 2},
	{"gsm 307", repeat("a", 307), segment.GSM7, 307, 3},
	{"ucs2 70", repeat("á", 70), segment.UCS2, 70, 1},
	{"ucs2 71", repeat("á", 71), segment.UCS2, 71, 2},
	{"ucs2 134", repeat("á", 134), segment.UCS2, 134, 2},
	{"ucs2 135", repeat("á", 135), segment.UCS2, 135, 3},
	{"surrogate pair moves", repeat("á", 66) + wave + repeat("á", 10), segment.UCS2, 78, 2},
	{"surrogate pair adds segment", repeat("á", 66) + wave + repeat("á", 66), segment.UCS2, 134, 3},
	{"emoji at limit", repeat("á", 68) + wave, segment.UCS2, 70, 1},
	{"spanish gsm", "¡Gracias! Su cita es el martes a las 3pm.", segment.GSM7, 41, 1},
	{"spanish accent", "¡Gracias! Su cita está confirmada.", segment.UCS2, 34, 1},
	{"french and pound", "Café Acme: £10 off, ¿preguntas?", segment.GSM7, 31, 1},
	{"combining accent", "Cafe\u0301", segment.UCS2, 5, 1},
	{"precomposed e acute", repeat("é", 160), segment.GSM7, 160, 1},
	{"decomposed e acute", repeat("e\u0301", 160), segment.UCS2, 320, 5},
	{"invalid byte", "a\xffb", segment.UCS2, 3, 1},
	{"truncated sequence", "\xe2\x80", segment.UCS2, 2, 1},
	{"invalid bytes split", repeat("\xff", 71), segment.UCS2, 71, 2},
}

func TestCount(t *testing.T) {
	for _, tc := range countCases {
		t.Run(tc.name, func(t *testing.T) {
			got := segment.Count(tc.body)
			if got.Encoding != tc.encoding {
				t.Errorf("Encoding = %s, want %s", got.Encoding, tc.encoding)
			}
			if got.Units != tc.units {
				t.Errorf("Units = %d, want %d", got.Units, tc.units)
			}
			if got.Segments != tc.segments {
				t.Errorf("Segments = %d, want %d", got.Segments, tc.segments)
			}
		})
	}
}

func TestCountNonGSM(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []segment.Char
	}{
		{"gsm body", missedCall, nil},
		{"empty body", "", nil},
		{"curly apostrophe", missedCallCurly, []segment.Char{{Index: 56, Rune: '\u2019'}}},
		{"emoji at end", menu + " " + wave, []segment.Char{{Index: 156, Rune: 0x1F44B}}},
		{"two accents", "está aquí", []segment.Char{{Index: 3, Rune: 'á'}, {Index: 8, Rune: 'í'}}},
		{"index counts runes", wave + "é" + wave, []segment.Char{{Index: 0, Rune: 0x1F44B}, {Index: 2, Rune: 0x1F44B}}},
		{"combining accent", "Cafe\u0301", []segment.Char{{Index: 4, Rune: '\u0301'}}},
		{"invalid byte", "a\xffb", []segment.Char{{Index: 1, Rune: utf8.RuneError}}},
		{"extension is gsm", "{€}", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := segment.Count(tc.body).NonGSM
			if !slices.Equal(got, tc.want) {
				t.Errorf("NonGSM = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// The tables below are written out again rather than read from the package, so that a typo in either copy
// fails the test.
var (
	basicTable = []string{
		"@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
		"Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ" /* 0x1B is the escape code */, "Æ", "æ", "ß", "É",
		" ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
		"¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
		"P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
		"¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
		"p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
	}
	extensionTable = []string{"\f", "^", "{", "}", "\\", "[", "~", "]", "|", "€"}
)

func TestAlphabetBasic(t *testing.T) {
	if len(basicTable) != 127 {
		t.Fatalf("test table has %d characters, want 127 (128 codes minus the escape)", len(basicTable))
	}
	for _, char := range basicTable {
		got := segment.Count(char)
		if got.Encoding != segment.GSM7 {
			t.Errorf("Count(%q).Encoding = %s, want GSM-7", char, got.Encoding)
		}
		if got.Units != 1 {
			t.Errorf("Count(%q).Units = %d, want 1 septet", char, got.Units)
		}
	}
}

func TestAlphabetExtension(t *testing.T) {
	for _, char := range extensionTable {
		got := segment.Count(char)
		if got.Encoding != segment.GSM7 {
			t.Errorf("Count(%q).Encoding = %s, want GSM-7", char, got.Encoding)
		}
		if got.Units != 2 {
			t.Errorf("Count(%q).Units = %d, want 2 septets for an escape pair", char, got.Units)
		}
	}
}

func TestAlphabetLookAlikes(t *testing.T) {
	lookAlikes := []string{
		"á", "í", "ó", "ú", "ç", "À", "È", "ê", "Ã", "\u2019", "\u201C", "∞", "`", "\t",
		"\u00A0", "\u0391" /* Greek capital alpha */, "\u2126" /* ohm sign */, "\u0301", "¢", "©",
	}
	for _, char := range lookAlikes {
		got := segment.Count(char)
		if got.Encoding != segment.UCS2 {
			t.Errorf("Count(%q).Encoding = %s, want UCS-2", char, got.Encoding)
		}
		if got.Units != 1 {
			t.Errorf("Count(%q).Units = %d, want 1 code unit", char, got.Units)
		}
	}
}

// TestAlphabetComplete checks every code point, so that the package cannot accept a character the tables
// above leave out.
func TestAlphabetComplete(t *testing.T) {
	inTables := map[rune]bool{}
	for _, char := range slices.Concat(basicTable, extensionTable) {
		inTables[[]rune(char)[0]] = true
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if inTables[r] || !utf8.ValidRune(r) {
			continue
		}
		if got := segment.Count(string(r)).Encoding; got != segment.UCS2 {
			t.Errorf("Count(%U).Encoding = %s, want UCS-2 because it is in neither GSM-7 table", r, got)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, tc := range countCases {
		t.Run(tc.name, func(t *testing.T) {
			parts := segment.Split(tc.body)
			if len(parts) != tc.segments {
				t.Errorf("len(Split) = %d, want %d segments", len(parts), tc.segments)
			}
			checkSplit(t, tc.body, parts)
		})
	}
}

func TestSplitParts(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"empty body", "", nil},
		{"one segment", missedCall, []string{missedCall}},
		{"escape pair moves", repeat("a", 152) + "€" + repeat("a", 8), []string{repeat("a", 152), "€" + repeat("a", 8)}},
		{"escape pair fits", repeat("a", 151) + "€" + repeat("a", 8), []string{repeat("a", 151) + "€", repeat("a", 8)}},
		{
			"surrogate pair moves",
			repeat("á", 66) + wave + repeat("á", 10),
			[]string{repeat("á", 66), wave + repeat("á", 10)},
		},
		{"gsm 307", repeat("a", 307), []string{repeat("a", 153), repeat("a", 153), "a"}},
		{"ucs2 135", repeat("á", 135), []string{repeat("á", 67), repeat("á", 67), "á"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := segment.Split(tc.body)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split = %q, want %q", got, tc.want)
			}
		})
	}
}

// checkSplit asserts the properties every split must have: the parts rejoin to body, their number matches
// Count, no part is empty, and each part fits the limit of body's encoding.
func checkSplit(t *testing.T, body string, parts []string) {
	t.Helper()
	whole := segment.Count(body)

	if joined := strings.Join(parts, ""); joined != body {
		t.Errorf("parts rejoin to %q, want the body %q", joined, body)
	}
	if len(parts) != whole.Segments {
		t.Errorf("len(Split) = %d, but Count returns %d segments", len(parts), whole.Segments)
	}

	limit := partLimit(whole.Encoding, len(parts))
	total := 0
	for i, part := range parts {
		if part == "" {
			t.Errorf("part %d is empty", i)
		}
		if utf8.ValidString(body) && !utf8.ValidString(part) {
			t.Errorf("part %d (%q) is invalid UTF-8, so a character was split", i, part)
		}
		units := partUnits(t, whole.Encoding, part)
		if units > limit {
			t.Errorf("part %d has %d units, over the %s limit of %d", i, units, whole.Encoding, limit)
		}
		total += units
	}
	if total != whole.Units {
		t.Errorf("parts add up to %d units, but Count returns %d", total, whole.Units)
	}
}

func partLimit(encoding segment.Encoding, parts int) int {
	switch {
	case encoding == segment.GSM7 && parts <= 1:
		return 160
	case encoding == segment.GSM7:
		return 153
	case parts <= 1:
		return 70
	}
	return 67
}

// partUnits measures part in the encoding of the whole body, since a part of a UCS-2 body may contain only
// GSM-7 characters.
func partUnits(t *testing.T, encoding segment.Encoding, part string) int {
	t.Helper()
	if encoding == segment.UCS2 {
		return len(utf16.Encode([]rune(part)))
	}
	got := segment.Count(part)
	if got.Encoding != segment.GSM7 {
		t.Errorf("part %q of a GSM-7 body counts as %s", part, got.Encoding)
	}
	return got.Units
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"curly apostrophe", missedCallCurly, missedCall},
		{"single quotes", "\u2018hi\u2019", "'hi'"},
		{"double quotes", "\u201Chi\u201D", `"hi"`},
		{"dashes", "9\u201310 \u2014 today", "9-10 - today"},
		{"ellipsis", "wait\u2026", "wait..."},
		{"no-break space", "10\u00A0am", "10 am"},
		{"other spaces", "a\u2009b\u202Fc\u3000d\u2002e", "a b c d e"},
		{"compose accent", "Cafe\u0301", "Café"},
		{"ohm sign", "10 \u2126", "10 Ω"},
		{"emoji kept", "Thanks " + wave, "Thanks " + wave},
		{"other characters kept", "está ∞ \t ç \u200B", "está ∞ \t ç \u200B"},
		{"accent after mapped quote", "\u2019\u0301", "'\u0301"},
		{"invalid byte kept", "\u2019\xff", "'\xff"},
		{"empty body", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := segment.Normalize(tc.body)
			if got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

func TestNormalizeCount(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		encoding segment.Encoding
		segments int
	}{
		{"curly apostrophe", missedCallCurly, segment.GSM7, 1},
		{"combining accent", "Cafe\u0301", segment.GSM7, 1},
		{"decomposed e acute", repeat("e\u0301", 160), segment.GSM7, 1},
		{"emoji stays", menu + " " + wave, segment.UCS2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := segment.Count(segment.Normalize(tc.body))
			if got.Encoding != tc.encoding {
				t.Errorf("Encoding = %s, want %s", got.Encoding, tc.encoding)
			}
			if got.Segments != tc.segments {
				t.Errorf("Segments = %d, want %d", got.Segments, tc.segments)
			}
		})
	}

	if got := segment.Normalize(repeat("e\u0301", 160)); got != repeat("é", 160) {
		t.Errorf("Normalize of 160 decomposed é = %q, want 160 precomposed é", got)
	}
}

func FuzzCount(f *testing.F) {
	for _, tc := range countCases {
		f.Add(tc.body)
	}
	f.Add(missedCallCurly + "\u2026\u00A0\u201C")

	f.Fuzz(func(t *testing.T, body string) {
		got := segment.Count(body)

		if body == "" && got.Segments != 0 {
			t.Errorf("Segments = %d for the empty body, want 0", got.Segments)
		}
		if body != "" && got.Segments < 1 {
			t.Errorf("Segments = %d for a non-empty body, want at least 1", got.Segments)
		}
		runes := utf8.RuneCountInString(body)
		if got.Encoding == segment.GSM7 && got.Units < runes {
			t.Errorf("GSM-7 Units = %d, fewer than the %d runes", got.Units, runes)
		}
		if got.Encoding == segment.GSM7 && len(got.NonGSM) != 0 {
			t.Errorf("GSM-7 body has NonGSM %+v, want none", got.NonGSM)
		}
		if got.Encoding == segment.UCS2 && len(got.NonGSM) == 0 {
			t.Errorf("UCS-2 body has no NonGSM characters, want at least one that forced UCS-2")
		}
		checkSplit(t, body, segment.Split(body))

		normalized := segment.Normalize(body)
		if utf8.ValidString(body) && !norm.NFC.IsNormalString(normalized) {
			t.Errorf("Normalize(%q) = %q, which is not NFC", body, normalized)
		}
		if again := segment.Normalize(normalized); again != normalized {
			t.Errorf("Normalize is not idempotent: %q, then %q", normalized, again)
		}
	})
}

func BenchmarkCount(b *testing.B) {
	bodies := []struct {
		name     string
		body     string
		encoding segment.Encoding
		units    int
	}{
		{"gsm 160", string([]rune(repeat("Sorry we missed your call! ", 6))[:160]), segment.GSM7, 160},
		{"ucs2 70", string([]rune(repeat("Gracias, está confirmada. ", 3))[:70]), segment.UCS2, 70},
	}
	for _, bm := range bodies {
		b.Run(bm.name, func(b *testing.B) {
			got := segment.Count(bm.body)
			if got.Encoding != bm.encoding || got.Units != bm.units {
				b.Fatalf("benchmark body is %s with %d units, want %s with %d", got.Encoding, got.Units, bm.encoding, bm.units)
			}
			for b.Loop() {
				segment.Count(bm.body)
			}
		})
	}
}
