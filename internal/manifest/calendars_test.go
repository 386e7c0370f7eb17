package manifest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

func TestCalendarsEveryKey(t *testing.T) {
	f := mustLoad(t, "testdata/valid/calendars.yaml")
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
	calendars := f.Businesses[0].Calendars
	if len(calendars) != 2 {
		t.Fatalf("got %d calendars, want 2", len(calendars))
	}

	var week hours.Week
	week[time.Monday] = mustDay(t, "09:00-12:00, 13:00-17:00")
	week[time.Friday] = mustDay(t, "09:00-15:00")
	want := Calendar{
		Slug: "repairs", Name: "Repairs", TimeZone: "America/Denver", Hours: week,
		SlotLength: 90 * time.Minute, BufferBefore: 15 * time.Minute, BufferAfter: 30 * time.Minute,
		MinNotice: 0, Horizon: 60 * 24 * time.Hour, MaxPerDay: 4,
		Closures: []store.Closure{
			{From: "2025-12-24", To: "2025-12-26", Label: "Christmas"},
			{From: "2026-01-01", To: "2026-01-01"},
		},
		Address: "1 Main St, Denver, CO", Line: 17,
	}
	if !reflect.DeepEqual(calendars[0], want) {
		t.Errorf("calendars[0] = %+v\nwant %+v", calendars[0], want)
	}
}

func TestCalendarsDefaults(t *testing.T) {
	f := mustLoad(t, "testdata/valid/calendars.yaml")
	b := f.Businesses[0]
	got := b.Calendars[1]
	want := Calendar{
		Slug: "estimates", Name: "Free estimates", TimeZone: "America/Chicago", Hours: b.Hours,
		SlotLength: time.Hour, MinNotice: time.Hour, Horizon: 30 * 24 * time.Hour, Line: 35,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calendars[1] = %+v\nwant %+v", got, want)
	}
	if !slices.Equal(got.Hours[time.Saturday], mustDay(t, "09:00-12:00")) {
		t.Errorf("Hours[Saturday] = %v, want the business's 09:00-12:00", got.Hours[time.Saturday])
	}
}

func TestCalendarsAbsent(t *testing.T) {
	for _, lines := range []string{"", "    calendars:\n", "    calendars: []\n"} {
		f, err := parseWithBusinessKeys(t, lines)
		if err != nil {
			t.Fatalf("Parse with %q error:\n%v", lines, err)
		}
		if got := f.Businesses[0].Calendars; len(got) != 0 {
			t.Errorf("Calendars with %q = %+v, want none", lines, got)
		}
	}
}

// A calendar in the business's zone may still set its own hours, and an explicit time_zone equal to
// the business's takes the business's hours.
func TestCalendarsHoursAndZone(t *testing.T) {
	f, err := parseWithBusinessKeys(t, `    calendars:
      - {slug: mornings, name: Mornings, hours: {mon: "09:00-12:00"}}
      - {slug: same-zone, name: Same zone, time_zone: Europe/London}
`)
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	b := f.Businesses[0]
	mornings, sameZone := b.Calendars[0], b.Calendars[1]
	if !slices.Equal(mornings.Hours[time.Monday], mustDay(t, "09:00-12:00")) {
		t.Errorf("mornings Hours[Monday] = %v, want 09:00-12:00", mornings.Hours[time.Monday])
	}
	if len(mornings.Hours[time.Saturday]) != 0 {
		t.Errorf("mornings Hours[Saturday] = %v, want closed", mornings.Hours[time.Saturday])
	}
	if !reflect.DeepEqual(sameZone.Hours, b.Hours) {
		t.Errorf("same-zone Hours = %v, want the business's %v", sameZone.Hours, b.Hours)
	}
}

func TestCalendarsTooMany(t *testing.T) {
	var lines strings.Builder
	lines.WriteString("    calendars:\n")
	for i := range maxCalendars + 2 {
		fmt.Fprintf(&lines, "      - {slug: tech-%d, name: Tech %d}\n", i, i)
	}
	_, err := parseWithBusinessKeys(t, lines.String())
	issues := issuesOf(t, err)
	if len(issues) != 1 {
		t.Fatalf("got %d issues, want 1: %v", len(issues), err)
	}
	if want := fmt.Sprintf("businesses[0].calendars[%d]", maxCalendars); issues[0].Path != want {
		t.Errorf("Path = %q, want %q", issues[0].Path, want)
	}
	if want := "calendars lists 52 calendars, more than the maximum of 50: remove 2"; issues[0].Message != want {
		t.Errorf("Message = %q, want %q", issues[0].Message, want)
	}
}

func TestCalendarsTextTooLong(t *testing.T) {
	long := strings.Repeat("é", maxCalendarText+1)
	tests := []struct {
		name, lines, path string
	}{
		{"name", "      - {slug: repairs, name: " + long + "}\n", "businesses[0].calendars[0].name"},
		{"address", "      - {slug: repairs, name: Repairs, address: " + long + "}\n",
			"businesses[0].calendars[0].address"},
		{"label", "      - {slug: repairs, name: Repairs, closures: [{from: 2025-12-25, label: " + long + "}]}\n",
			"businesses[0].calendars[0].closures[0].label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWithBusinessKeys(t, "    calendars:\n"+tt.lines)
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("got %d issues, want 1: %v", len(issues), err)
			}
			if issues[0].Path != tt.path {
				t.Errorf("Path = %q, want %q", issues[0].Path, tt.path)
			}
			if want := "is too long (201 characters): use at most 200"; !strings.Contains(issues[0].Message, want) {
				t.Errorf("Message = %q, want it to contain %q", issues[0].Message, want)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{15 * time.Minute, "15m"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{24 * time.Hour, "1d"},
		{36 * time.Hour, "36h"},
		{61*time.Minute + 30*time.Second, "1h1m30s"},
	}
	for _, tt := range tests {
		if got := durationText(tt.in); got != tt.want {
			t.Errorf("durationText(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
