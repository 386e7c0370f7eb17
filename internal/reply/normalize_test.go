package reply

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", ""},
		{"padding", "  STOP  ", "stop"},
		{"inner white space", "stop \t\n  please", "stop please"},
		{"trailing punctuation", "Stop!!!", "stop"},
		{"leading punctuation", "¿¡stop", "stop"},
		{"inner punctuation kept", "Stop. Thank you", "stop. thank you"},
		{"trailing emoji", "stop 😡", "stop"},
		{"emoji with skin tone", "ok 👍🏽", "ok"},
		{"flag emoji", "yes 🇺🇸", "yes"},
		{"zwj family emoji", "hi 👨\u200d👩\u200d👧", "hi"},
		{"keycap", "1️⃣", "1"},
		{"hash", "#1", "1"},
		{"inner emoji kept", "stop 😡 please", "stop 😡 please"},
		{"smart apostrophe", "Don’t", "don't"},
		{"smart double quotes", "“Yes”", "yes"},
		{"decomposed accent", "cafe\u0301", "café"},
		{"composed accent", "CAFÉ", "café"},
		{"sharp s", "STRASSE straße", "strasse strasse"},
		{"greek final sigma", "ΟΔΟΣ", "οδοσ"},
		{"cherokee capital", "\u13a0\u13f0", "\u13a0\u13f0"},
		{"cherokee small", "\uab70\u13f8", "\u13a0\u13f0"},
		{"zero-width space", "st\u200bop", "stop"},
		{"byte order mark", "\ufeffSTOP", "stop"},
		{"variation selector", "stop\ufe0f", "stop"},
		{"soft hyphen", "un\u00adsubscribe", "unsubscribe"},
		{"no-break space", "\u00a0yes\u00a0please\u00a0", "yes please"},
		{"control character", "stop\x00now", "stop now"},
		{"invalid utf-8 edge", "\xffstop\xfe", "stop"},
		{"invalid utf-8 inside", "st\xffop", "st\ufffdop"},
		{"fullwidth kept", "ＳＴＯＰ", "ｓｔｏｐ"},
		{"symbols only", "$$$ !!! 😡", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.body); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestSplitClauses(t *testing.T) {
	tests := []struct {
		name string
		body string
		want [][]string
	}{
		{"empty", "", nil},
		{"one word", "STOP", [][]string{{"stop"}}},
		{"sentences", "Stop. Thank you!", [][]string{{"stop"}, {"thank", "you"}}},
		{"comma", "thanks, but no", [][]string{{"thanks"}, {"but", "no"}}},
		{"line break", "stop\nwho is this", [][]string{{"stop"}, {"who", "is", "this"}}},
		{"emoji ends clause", "stop 😡 please", [][]string{{"stop"}, {"please"}}},
		{"hyphen splits words", "opt-out", [][]string{{"opt", "out"}}},
		{"em dash ends clause", "stop—now", [][]string{{"stop"}, {"now"}}},
		{"inner apostrophe kept", "don't", [][]string{{"don't"}}},
		{"outer apostrophes dropped", "'stop'", [][]string{{"stop"}}},
		{"smart apostrophe", "don’t", [][]string{{"don't"}}},
		{"digits", "option 1.", [][]string{{"option", "1"}}},
		{"cjk full stop", "stop。ok", [][]string{{"stop"}, {"ok"}}},
		{"combining mark stays in word", "cafe\u0301 ok", [][]string{{"café", "ok"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitClauses(fold(tt.body, norm.NFC))
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("splitClauses(fold(%q)) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, body := range []string{"“Stop”, thank you 🙏", "  S T O P  ", "cafe\u0301 \xff ok", "ǅemal ﬁle"} {
		once := Normalize(body)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", body, twice, once)
		}
	}
}

func TestLookalikeEdits(t *testing.T) {
	tests := []struct {
		text, target string
		want         bool
	}{
		{"stop", "stop", true},
		{"sotp", "stop", true},
		{"stpo", "stop", true},
		{"spot", "stop", false},
		{"stp", "stop", false},
		{"shop", "stop", false},
		{"cancle", "cancel", true},
		{"cancl", "cancel", true},
		{"cancels", "cancel", true},
		{"cancer", "cancel", false},
		{"canceled", "cancel", false},
		{"unsubscibe", "unsubscribe", true},
		{"unsubscrobe", "unsubscribe", true},
		{"unsubscribed", "unsubscribe", true},
		{"nsubscrib", "unsubscribe", false},
		{"ned", "end", false},
		{"edn", "end", false},
	}
	for _, tt := range tests {
		if got := resembles(squeeze(tt.text), squeeze(tt.target)); got != tt.want {
			t.Errorf("resembles(%q, %q) = %v, want %v", tt.text, tt.target, got, tt.want)
		}
	}
	if got := squeeze(strings.Repeat("o", 5)); got != "o" {
		t.Errorf(`squeeze("ooooo") = %q, want "o"`, got)
	}
}
