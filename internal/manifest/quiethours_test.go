package manifest

import (
	"strings"
	"testing"

	"github.com/textback/textback/internal/quiet"
	"github.com/textback/textback/internal/store"
)

func TestQuietHoursSettings(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		want  store.QuietHours
	}{
		{"absent", "", store.QuietHours{}},
		{"null", "    quiet_hours:\n", store.QuietHours{}},
		{"start only", "    quiet_hours:\n      start: \"09:00\"\n", store.QuietHours{Start: 9 * 60, End: 21 * 60}},
		{"end only", "    quiet_hours:\n      end: \"20:00\"\n", store.QuietHours{Start: 8 * 60, End: 20 * 60}},
		{"default window", "    quiet_hours: {start: \"08:00\", end: \"21:00\"}\n",
			store.QuietHours{Start: 8 * 60, End: 21 * 60}},
		{"wait", "    quiet_hours:\n      instant_replies: wait\n",
			store.QuietHours{Start: 8 * 60, End: 21 * 60, HoldInstantReplies: true}},
		{"wait in capitals", "    quiet_hours:\n      instant_replies: WAIT\n",
			store.QuietHours{Start: 8 * 60, End: 21 * 60, HoldInstantReplies: true}},
		{"anytime", "    quiet_hours:\n      start: \"08:30\"\n      instant_replies: anytime\n",
			store.QuietHours{Start: 8*60 + 30, End: 21 * 60}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseWithBusinessKeys(t, tt.lines)
			if err != nil {
				t.Fatalf("Parse error:\n%v", err)
			}
			if got := f.Businesses[0].Settings.QuietHours; got != tt.want {
				t.Errorf("QuietHours = %+v, want %+v", got, tt.want)
			}
			if len(f.Warnings) != 0 {
				t.Errorf("Warnings = %v, want none", f.Warnings)
			}
		})
	}
}

// The error for a window wider than the default names every state whose rule narrows it.
func TestQuietHoursWiderNamesStates(t *testing.T) {
	_, err := parseWithBusinessKeys(t, "    quiet_hours:\n      end: \"24:00\"\n")
	issues := issuesOf(t, err)
	if len(issues) != 1 {
		t.Fatalf("got %d issues, want 1: %v", len(issues), err)
	}
	if want := "businesses[0].quiet_hours.end"; issues[0].Path != want {
		t.Errorf("Path = %q, want %q", issues[0].Path, want)
	}
	for state := range quiet.Rules {
		if !strings.Contains(issues[0].Message, state) {
			t.Errorf("Message = %q, want it to name %s", issues[0].Message, state)
		}
	}
}

// A window inside the default that misses only some states' hours on some days gets no warning, because
// texts to those numbers still go on the other days.
func TestQuietHoursPartialStateOverlap(t *testing.T) {
	// Texas allows 12:00 to 21:00 on Sundays, and Rhode Island 09:00 to 18:00 on weekdays.
	f, err := parseWithBusinessKeys(t, "    quiet_hours:\n      start: \"09:00\"\n      end: \"11:00\"\n")
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
}
