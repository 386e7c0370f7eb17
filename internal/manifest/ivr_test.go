package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/textback/textback/internal/store"
)

func TestParseIVR(t *testing.T) {
	f, err := parseFixture(t, "valid/ivr.yaml")
	if err != nil {
		t.Fatalf("parse:\n%v", err)
	}
	b := f.Businesses[0]
	v := b.Settings.IVR
	if v == nil {
		t.Fatal("no IVR")
	}
	if v.Menu != "main" || v.AfterHoursMenu != "closed" || !v.Speech || v.Greeting != "Thanks for calling {business}." {
		t.Errorf("IVR = %+v", v)
	}
	wantClosures := []store.Closure{{From: "2025-12-25", To: "2025-12-25"},
		{From: "2025-12-31", To: "2026-01-01", Label: "New Year"}}
	if !reflect.DeepEqual(v.Closures, wantClosures) {
		t.Errorf("closures = %+v, want %+v", v.Closures, wantClosures)
	}
	if v.Voicemail.MaxLength != 90 || !v.Voicemail.Transcribe {
		t.Errorf("voicemail = %+v", v.Voicemail)
	}
	if !reflect.DeepEqual(v.Numbers, map[string]store.NumberMenus{"+13125550198": {Off: true}}) {
		t.Errorf("numbers = %+v, want the second number without a menu", v.Numbers)
	}
	main, ok := v.MenuByID("main")
	if !ok {
		t.Fatal("menu main missing")
	}
	if main.Timeout != 6 || main.Replays != defaultReplays || main.Default != "9" || len(main.Options) != 4 {
		t.Errorf("main = %+v", main)
	}
	booking, _ := main.OptionByKey("1")
	if !slices.Equal(booking.Words, []string{"booking", "book an appointment"}) {
		t.Errorf("words = %q, want them lowercase with single spaces", booking.Words)
	}
	emergency, _ := main.OptionByKey("2")
	want := store.MenuOption{Key: "2", Label: "emergency", Words: []string{"emergency"}, Action: store.ActionRing,
		Ring: []string{"+13125550101", "+13125550100"}, RingOrder: store.RingInOrder, RingSeconds: defaultMenuRing,
		TextBack: "You pressed 2 for an emergency: reply URGENT and the on-call tech will call you back."}
	if !reflect.DeepEqual(emergency, want) {
		t.Errorf("option 2 =\n%+v\nwant\n%+v", emergency, want)
	}
	closed, _ := v.MenuByID("closed")
	ring, _ := closed.OptionByKey("2")
	if ring.Then != "menu:closed-message" || ring.RingSeconds != 15 || ring.RingOrder != store.RingTogether {
		t.Errorf("closed option 2 = %+v", ring)
	}
	star, _ := v.Menus[2].OptionByKey("*")
	if star.Action != store.ActionHangup || star.Say != "Goodbye." {
		t.Errorf("closed-message option * = %+v", star)
	}
	var names []string
	for _, report := range b.Templates {
		names = append(names, report.Name)
	}
	if !slices.Contains(names, "menu main option 2 text_back") {
		t.Errorf("template report %q has no line for the option's text back", names)
	}
	for _, w := range f.Warnings {
		t.Errorf("unexpected warning: %v", w)
	}
}

func TestParseInvalidIVR(t *testing.T) {
	tests := []struct {
		file     string
		position string
		path     string
		phrase   string
	}{
		{"ivr-unknown-menu", "16:13", "businesses[0].ivr.menu", `menu "mian" is not a menu: use one of main`},
		{"ivr-duplicate-key", "23:20", "businesses[0].ivr.menus[0].options[1].key",
			`duplicate key "1", first used at line 21`},
		{"ivr-bad-key", "21:20", "businesses[0].ivr.menus[0].options[0].key", `invalid key "#"`},
		{"ivr-missing-target", "23:15", "businesses[0].ivr.menus[0].options[1].menu", `menu "billing" does not exist`},
		{"ivr-unreached-menu", "23:11", "businesses[0].ivr.menus[1]", "menu spare is never heard"},
		{"ivr-no-exit", "18:11", "businesses[0].ivr.menus[0]", "menu main and the menus it leads to cannot end the call"},
		{"ivr-silent-loop", "18:11", "businesses[0].ivr.menus[0].default",
			"presses nothing goes round the menus main → more → main"},
		{"ivr-ring-loop", "23:22", "businesses[0].ivr.menus[0].options[0].ring[0]",
			"+13125550199 is a textback number listed at line 12"},
		{"ivr-booking-without-url", "21:23", "businesses[0].ivr.menus[0].options[0].action",
			"action text_booking_link needs the business's booking_url"},
		{"ivr-wrong-action-key", "23:21", "businesses[0].ivr.menus[0].options[0].ring",
			"ring does not apply to action voicemail"},
		{"ivr-bad-then", "24:21", "businesses[0].ivr.menus[0].options[0].then", `invalid then "menu"`},
		{"ivr-number-menu", "15:15", "businesses[0].numbers[0].menu", `menu "night" is not a menu of the business's ivr`},
		{"ivr-number-menu-without-ivr", "15:15", "businesses[0].numbers[0].menu",
			`menu "main" names a menu, but the business has no ivr`},
		{"ivr-shared-word", "26:22", "businesses[0].ivr.menus[0].options[1].words",
			`word "help" also chooses option 1 of this menu`},
		{"ivr-bad-default", "20:20", "businesses[0].ivr.menus[0].default", `default "5" is not a key of this menu's options`},
		{"ivr-timeout", "20:20", "businesses[0].ivr.menus[0].timeout", `invalid timeout "90"`},
		{"ivr-bad-closure", "19:11", "businesses[0].ivr.closures[0]", `invalid date "Dec 25"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := parseFixture(t, "invalid/"+tt.file+".yaml")
			issues := issuesOf(t, err)
			for _, issue := range issues {
				position := strings.TrimPrefix(issue.Error(), tt.file+".yaml:")
				if strings.HasPrefix(position, tt.position+":") && issue.Path == tt.path &&
					strings.Contains(issue.Message, tt.phrase) {
					return
				}
			}
			t.Errorf("no issue at %s %s containing %q; got:\n%v", tt.position, tt.path, tt.phrase, issues)
		})
	}
}

// docsProvider is prepended to the examples of docs/ivr.md that list no provider.
const docsProvider = `providers:
  - name: twilio-clinic
    kind: twilio
    account_sid: AC00000000000000000000000000000002
    auth_token: ${TWILIO_AUTH_TOKEN}
`

// yamlBlock matches the YAML examples of a Markdown page.
var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

func TestDocsIVRExamplesParse(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "ivr.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := yamlBlock.FindAllStringSubmatch(string(page), -1)
	if len(blocks) != 2 {
		t.Fatalf("docs/ivr.md has %d YAML examples, want the plumber and the clinic", len(blocks))
	}
	env := func(name string) (string, bool) { return "docsexampletoken0001", name == "TWILIO_AUTH_TOKEN" }
	for i, block := range blocks {
		file := block[1]
		if !strings.HasPrefix(file, "providers:") {
			file = docsProvider + file
		}
		f, err := Parse(fmt.Sprintf("docs example %d", i+1), []byte(file), env)
		if err != nil {
			t.Errorf("example %d does not parse:\n%v", i+1, err)
			continue
		}
		for _, w := range f.Warnings {
			t.Errorf("example %d: unexpected warning: %v", i+1, w)
		}
		if f.Businesses[0].Settings.IVR == nil {
			t.Errorf("example %d has no menu", i+1)
		}
	}
}
