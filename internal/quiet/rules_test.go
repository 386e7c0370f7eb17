package quiet

import (
	"strings"
	"testing"
	"time"
)

func TestRulesTable(t *testing.T) {
	for key, rule := range Rules {
		t.Run(key, func(t *testing.T) {
			if rule.State != key {
				t.Errorf("Rules[%q].State = %q, want the key", key, rule.State)
			}
			if strings.TrimSpace(rule.Source) == "" {
				t.Errorf("Rules[%q].Source is empty, want the statute or page", key)
			}
			if rule.Cap24h < 0 {
				t.Errorf("Rules[%q].Cap24h = %d, want 0 or more", key, rule.Cap24h)
			}
			if rule.Clock != "" && loadZone(rule.Clock) == nil {
				t.Errorf("Rules[%q].Clock = %q, want a valid IANA zone", key, rule.Clock)
			}

			stricter := rule.Cap24h > 0
			for day, window := range rule.Days {
				if window == nil {
					stricter = true
					continue
				}
				if window.Empty() {
					t.Errorf("Rules[%q].Days[%s] = %v, want a non-empty window or nil", key, time.Weekday(day), *window)
				}
				if window.Start < Default.Start || window.End > Default.End {
					t.Errorf("Rules[%q].Days[%s] = %v, want it inside %v", key, time.Weekday(day), *window, Default)
				}
				if *window != Default {
					stricter = true
				}
			}
			if !stricter {
				t.Errorf("Rules[%q] is no stricter than %v", key, Default)
			}
		})
	}
}

func TestRulesContainRequiredStates(t *testing.T) {
	tests := []struct {
		state   string
		weekday Window
		sunday  *Window
		cap24h  int
	}{
		{"FL", Window{8 * 60, 20 * 60}, &Window{8 * 60, 20 * 60}, 3},
		{"OK", Window{8 * 60, 20 * 60}, &Window{8 * 60, 20 * 60}, 3},
		{"MD", Window{8 * 60, 20 * 60}, &Window{8 * 60, 20 * 60}, 3},
		{"AL", Window{8 * 60, 20 * 60}, nil, 0},
		{"LA", Window{8 * 60, 20 * 60}, nil, 0},
		{"MS", Window{8 * 60, 20 * 60}, nil, 0},
		{"TX", Window{9 * 60, 21 * 60}, &Window{12 * 60, 21 * 60}, 0},
		{"CT", Window{9 * 60, 20 * 60}, &Window{9 * 60, 20 * 60}, 0},
		{"KY", Window{10 * 60, 21 * 60}, &Window{10 * 60, 21 * 60}, 0},
		{"MI", Window{9 * 60, 21 * 60}, &Window{9 * 60, 21 * 60}, 0},
		{"MN", Window{9 * 60, 21 * 60}, &Window{9 * 60, 21 * 60}, 0},
		{"RI", Window{9 * 60, 18 * 60}, nil, 0},
		{"UT", Window{8 * 60, 21 * 60}, nil, 0},
		{"WA", Window{8 * 60, 20 * 60}, &Window{8 * 60, 20 * 60}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			rule, ok := Rules[tt.state]
			if !ok {
				t.Fatalf("Rules[%q] is missing", tt.state)
			}
			if got := rule.Days[time.Wednesday]; got == nil || *got != tt.weekday {
				t.Errorf("Rules[%q].Days[Wednesday] = %v, want %v", tt.state, got, tt.weekday)
			}
			got := rule.Days[time.Sunday]
			if (got == nil) != (tt.sunday == nil) || (got != nil && *got != *tt.sunday) {
				t.Errorf("Rules[%q].Days[Sunday] = %v, want %v", tt.state, got, tt.sunday)
			}
			if rule.Cap24h != tt.cap24h {
				t.Errorf("Rules[%q].Cap24h = %d, want %d", tt.state, rule.Cap24h, tt.cap24h)
			}
		})
	}
}

func TestRhodeIslandSaturday(t *testing.T) {
	if got, want := Rules["RI"].Days[time.Saturday], (Window{10 * 60, 17 * 60}); got == nil || *got != want {
		t.Errorf("Rules[RI].Days[Saturday] = %v, want %v", got, want)
	}
}

func TestState(t *testing.T) {
	tests := []struct {
		e164 string
		want string
	}{
		{"+13055550100", "FL"},
		{"+14055550100", "OK"},
		{"+14105550100", "MD"},
		{"+12055550100", "AL"},
		{"+13125550199", "IL"},
		{"+14165550199", ""},
		{"+18005550100", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := State(tt.e164); got != tt.want {
			t.Errorf("State(%q) = %q, want %q", tt.e164, got, tt.want)
		}
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		name     string
		window   Window
		minute   int
		contains bool
		empty    bool
	}{
		{"start inside", Default, 8 * 60, true, false},
		{"before start", Default, 8*60 - 1, false, false},
		{"last minute", Default, 21*60 - 1, true, false},
		{"end outside", Default, 21 * 60, false, false},
		{"reversed", Window{17 * 60, 9 * 60}, 12 * 60, false, true},
		{"zero", Window{}, 0, false, true},
		{"negative start", Window{-10, 60}, 0, false, true},
		{"past midnight", Window{60, 25 * 60}, 120, false, true},
		{"whole day", Window{0, 24 * 60}, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.window.Contains(tt.minute); got != tt.contains {
				t.Errorf("%v.Contains(%d) = %v, want %v", tt.window, tt.minute, got, tt.contains)
			}
			if got := tt.window.Empty(); got != tt.empty {
				t.Errorf("%v.Empty() = %v, want %v", tt.window, got, tt.empty)
			}
		})
	}
	if got := Default.String(); got != "08:00–21:00" {
		t.Errorf("Default.String() = %q, want 08:00–21:00", got)
	}
}
