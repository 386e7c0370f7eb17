package reply

import (
	"strings"
	"testing"
)

func TestMatchKeyword(t *testing.T) {
	keywords := []Keyword{
		{Word: "URGENT", Aliases: []string{"emergency", "asap"}},
		{Word: "TOW"},
		{Word: "No Heat", Aliases: []string{"furnace out"}},
		{Word: "Café"},
		{Word: "PROMO2024"},
	}
	tests := []struct {
		name   string
		body   string
		want   string
		wantOK bool
	}{
		{"exact", "URGENT", "URGENT", true},
		{"lower case", "urgent", "URGENT", true},
		{"padded", "  urgent  ", "URGENT", true},
		{"followed by dash", "URGENT - basement flooding", "URGENT", true},
		{"followed by colon", "urgent:flooding", "URGENT", true},
		{"followed by courtesy", "tow please", "TOW", true},
		{"trailing punctuation", "TOW!!!", "TOW", true},
		{"leading symbol", "#urgent", "URGENT", true},
		{"emoji after", "urgent🚨 pipe burst", "URGENT", true},
		{"smart quotes", "“Tow” needed on Main St", "TOW", true},
		{"alias", "Emergency! Pipe burst", "URGENT", true},
		{"alias upper", "ASAP", "URGENT", true},
		{"two words", "no heat in the house", "No Heat", true},
		{"two words extra spaces", "NO   HEAT", "No Heat", true},
		{"two words hyphen", "no-heat", "No Heat", true},
		{"two word alias", "Furnace out since 6am", "No Heat", true},
		{"decomposed accent", "cafe\u0301 order", "Café", true},
		{"digits in keyword", "promo2024", "PROMO2024", true},
		{"inside word", "urgently need help", "", false},
		{"prefix of word", "towing", "", false},
		{"possessive", "tow's", "", false},
		{"not at start", "I need a tow", "", false},
		{"first word only", "heat no", "", false},
		{"digits suffix", "promo20245", "", false},
		{"empty", "", "", false},
		{"emoji only", "🚨", "", false},
		{"invalid utf-8", "\xff\xfe", "", false},
		{"invalid utf-8 after", "tow\xff", "TOW", true},
		{"long text", "urgent " + strings.Repeat("water everywhere ", 10000), "URGENT", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchKeyword(tt.body, keywords)
			if ok != tt.wantOK {
				t.Errorf("MatchKeyword(%q) ok = %v, want %v", tt.body, ok, tt.wantOK)
			}
			if got.Word != tt.want {
				t.Errorf("MatchKeyword(%q) = %q, want %q", tt.body, got.Word, tt.want)
			}
		})
	}
}

func TestMatchKeywordOrder(t *testing.T) {
	keywords := []Keyword{{Word: "WATER"}, {Word: "WATER HEATER"}, {Word: "HEATER", Aliases: []string{"water"}}}
	got, ok := MatchKeyword("water heater broke", keywords)
	if !ok {
		t.Fatalf("MatchKeyword(%q) ok = false, want true", "water heater broke")
	}
	if got.Word != "WATER" {
		t.Errorf("MatchKeyword(%q) = %q, want the first listed keyword WATER", "water heater broke", got.Word)
	}
}

func TestMatchKeywordRejectsCompliance(t *testing.T) {
	keywords := []Keyword{
		{Word: "STOP", Aliases: []string{"halt"}},
		{Word: "Cancel"},
		{Word: "END"},
		{Word: "start"},
		{Word: "UNSTOP"},
		{Word: "YES"},
		{Word: "HELP"},
		{Word: "info"},
		{Word: "OPT OUT"},
		{Word: "PAUSE", Aliases: []string{"unsubscribe", "hold"}},
		{Word: "S T O P"},
		{Word: ""},
		{Word: "🚨", Aliases: []string{"siren"}},
	}
	tests := []struct {
		name   string
		body   string
		want   string
		wantOK bool
	}{
		{"stop word", "STOP", "", false},
		{"stop entry alias", "halt", "", false},
		{"cancel with words", "cancel my appointment", "", false},
		{"end with words", "end of the driveway", "", false},
		{"start", "start", "", false},
		{"start with words", "start monday", "", false},
		{"unstop", "unstop", "", false},
		{"yes", "yes please", "", false},
		{"help with words", "help me book", "", false},
		{"info", "info", "", false},
		{"opt out", "opt out", "", false},
		{"compliance alias", "unsubscribe", "", false},
		{"ordinary alias", "hold on", "PAUSE", true},
		{"keyword word", "pause the job", "PAUSE", true},
		{"review word", "s t o p", "", false},
		{"empty word", "anything", "", false},
		{"emoji word", "siren", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MatchKeyword(tt.body, keywords)
			if ok != tt.wantOK {
				t.Errorf("MatchKeyword(%q) ok = %v, want %v", tt.body, ok, tt.wantOK)
			}
			if got.Word != tt.want {
				t.Errorf("MatchKeyword(%q) = %q, want %q", tt.body, got.Word, tt.want)
			}
		})
	}
}

func TestMatchKeywordRejectsComplianceBody(t *testing.T) {
	keywords := []Keyword{{Word: "PLEASE"}, {Word: "NO", Aliases: []string{"i said"}}}
	for _, body := range []string{"please stop", "No more texts", "I said stop", "please S T O P"} {
		if got, ok := MatchKeyword(body, keywords); ok {
			t.Errorf("MatchKeyword(%q) = %q, want no match for a compliance message", body, got.Word)
		}
	}
	got, ok := MatchKeyword("please call me", keywords)
	if !ok {
		t.Errorf("MatchKeyword(%q) ok = false, want true", "please call me")
	}
	if got.Word != "PLEASE" {
		t.Errorf("MatchKeyword(%q) = %q, want PLEASE", "please call me", got.Word)
	}
}

func TestMatchKeywordEmptyList(t *testing.T) {
	if got, ok := MatchKeyword("urgent", nil); ok {
		t.Errorf("MatchKeyword(%q, nil) = %q, want no match", "urgent", got.Word)
	}
}
