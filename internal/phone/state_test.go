package phone

import "testing"

func TestUSState(t *testing.T) {
	tests := []struct {
		name string
		e164 string
		want string
	}{
		{"florida miami", "+13055550100", "FL"},
		{"florida panhandle", "+18505550100", "FL"},
		{"alabama", "+12055550100", "AL"},
		{"chicago city entry", "+13125550199", "IL"},
		{"new york city entry", "+12125550100", "NY"},
		{"new york state entry", "+15185550100", "NY"},
		{"orem city entry", "+18015550100", "UT"},
		{"washington state", "+12065550100", "WA"},
		{"washington dc", "+12025550143", "DC"},
		{"arizona 623", "+16235550142", "AZ"},
		{"new jersey 551", "+15515550144", "NJ"},
		{"oklahoma", "+14055550100", "OK"},
		{"maryland", "+14105550100", "MD"},
		{"texas el paso", "+19155550100", "TX"},
		{"hawaii", "+18085550100", "HI"},
		{"canada", "+14165550199", ""},
		{"puerto rico", "+17875550100", ""},
		{"guam", "+16715550100", ""},
		{"toll free", "+18005550100", ""},
		{"uk mobile", "+447400123456", ""},
		{"empty", "", ""},
		{"letters", "abc", ""},
		{"national form", "(305) 555-0100", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := USState(tt.e164); got != tt.want {
				t.Errorf("USState(%q) = %q, want %q", tt.e164, got, tt.want)
			}
		})
	}
}

func TestUSStateCodesAreTwoLetters(t *testing.T) {
	for name, code := range usStateCodes {
		if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
			t.Errorf("usStateCodes[%q] = %q, want two upper-case letters", name, code)
		}
	}
	if n := len(usPostalCodes); n != 51 {
		t.Errorf("usPostalCodes has %d codes, want 51 (50 states and DC)", n)
	}
}
