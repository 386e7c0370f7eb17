package manifest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

// parseWithBusinessKeys parses valid/defaults.yaml with lines added to its business.
func parseWithBusinessKeys(t *testing.T, lines string) (*File, error) {
	t.Helper()
	return Parse("textback.yaml", []byte(readFixture(t, "valid/defaults.yaml")+lines), lookupTestEnv)
}

func TestFollowUpsNone(t *testing.T) {
	f, err := parseWithBusinessKeys(t, "    follow_ups: []\n")
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	b := f.Businesses[0]
	if b.Settings.FollowUps == nil {
		t.Error("FollowUps = nil, want an empty list, since nil means the defaults")
	}
	if len(b.Settings.FollowUps) != 0 {
		t.Errorf("FollowUps = %+v, want none", b.Settings.FollowUps)
	}
	for _, r := range b.Templates {
		if strings.HasPrefix(r.Name, "follow_up") {
			t.Errorf("Templates has %q, want no follow-up reports", r.Name)
		}
	}
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
}

func TestFollowUpsDurations(t *testing.T) {
	f, err := parseWithBusinessKeys(t, `    follow_ups:
      - after: 90m
        template: "Hi again from {business}. Reply STOP to opt out."
      - after: 2d
        template: "Hi[ {first_name}], [{rep} at ]{business} here. Reply STOP to opt out."
`)
	if err != nil {
		t.Fatalf("Parse error:\n%v", err)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}
	want := []store.FollowUpStep{
		{Delay: store.Duration(90 * time.Minute), Template: "Hi again from {business}. Reply STOP to opt out."},
		{Delay: store.Duration(48 * time.Hour),
			Template: "Hi[ {first_name}], [{rep} at ]{business} here. Reply STOP to opt out."},
	}
	if got := f.Businesses[0].Settings.FollowUps; !reflect.DeepEqual(got, want) {
		t.Errorf("FollowUps = %+v, want %+v", got, want)
	}
}

func TestFollowUpsLimits(t *testing.T) {
	step := func(after string) string {
		return "      - {after: " + after + `, template: "From {business}. Reply STOP to opt out."}` + "\n"
	}
	tests := []struct {
		name     string
		afters   []string
		steps    int
		warnings int
	}{
		{"shortest", []string{"10m"}, 1, 0},
		{"longest", []string{"30d"}, 1, 0},
		{"two", []string{"3h", "1d"}, 2, 0},
		{"three warns", []string{"3h", "1d", "3d"}, 3, 1},
		{"five warns", []string{"1h", "2h", "3h", "4h", "5h"}, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := "    follow_ups:\n"
			for _, after := range tt.afters {
				lines += step(after)
			}
			f, err := parseWithBusinessKeys(t, lines)
			if err != nil {
				t.Fatalf("Parse error:\n%v", err)
			}
			if got := len(f.Businesses[0].Settings.FollowUps); got != tt.steps {
				t.Errorf("got %d follow-ups, want %d", got, tt.steps)
			}
			if len(f.Warnings) != tt.warnings {
				t.Errorf("Warnings = %v, want %d", f.Warnings, tt.warnings)
			}
		})
	}
}

// Every scalar that could be read as "off" is rejected, and the message names the one form that turns
// follow-ups off.
func TestFollowUpsOffWords(t *testing.T) {
	for _, value := range []string{"off", "false", "none", "no", "0", `""`, "disabled"} {
		t.Run(value, func(t *testing.T) {
			_, err := parseWithBusinessKeys(t, "    follow_ups: "+value+"\n")
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("got %d issues, want 1: %v", len(issues), err)
			}
			if want := "businesses[0].follow_ups"; issues[0].Path != want {
				t.Errorf("Path = %q, want %q", issues[0].Path, want)
			}
			if want := "write follow_ups: [] to send no follow-ups"; !strings.Contains(issues[0].Message, want) {
				t.Errorf("Message = %q, want it to contain %q", issues[0].Message, want)
			}
		})
	}
}

func TestFollowUpsReportEveryProblem(t *testing.T) {
	_, err := parseWithBusinessKeys(t, `    follow_ups:
      - after: 1d
        template: "{question}"
      - after: 5m
      - after: 12h
        template: "Hi from {business}. Reply STOP to opt out."
`)
	issues := issuesOf(t, err)
	want := []struct {
		path   string
		phrase string
	}{
		{"businesses[0].follow_ups[0].template", `unknown template field "question"`},
		{"businesses[0].follow_ups[1].template", "missing template"},
		{"businesses[0].follow_ups[1].after", `after "5m" is out of range`},
		{"businesses[0].follow_ups[2].after", `after "12h" is not later than after "1d" of the follow-up at line 17`},
	}
	if len(issues) != len(want) {
		t.Fatalf("got %d issues, want %d:\n%v", len(issues), len(want), err)
	}
	for i, w := range want {
		if issues[i].Path != w.path {
			t.Errorf("issue %d path = %q, want %q", i, issues[i].Path, w.path)
		}
		if !strings.Contains(issues[i].Message, w.phrase) {
			t.Errorf("issue %d message = %q, want it to contain %q", i, issues[i].Message, w.phrase)
		}
	}
}
