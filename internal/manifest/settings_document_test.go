package manifest

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/textback/textback/internal/store"
)

// Every business of the valid files reads back unchanged from its settings document.
func TestSettingsDocumentRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "valid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "example.yaml"))
	for _, path := range files {
		f, err := Load(path, lookupTestEnv)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, b := range f.Businesses {
			t.Run(filepath.Base(path)+"/"+b.Slug, func(t *testing.T) {
				stored := store.Business{
					Name: b.Name, TimeZone: b.TimeZone, Region: b.Region, RepName: b.RepName, BookingURL: b.BookingURL,
					Hours: b.Hours, Settings: b.Settings,
					TextBack: store.TextBackSettings{
						Enabled: b.TextBack.Enabled, Window: b.TextBack.Window, Template: b.TextBack.Template,
						AfterHoursTemplate: b.TextBack.AfterHoursTemplate, MissedCallMessage: b.TextBack.MissedCallMessage,
						ScreenPrompt: b.TextBack.ScreenPrompt,
					},
				}
				secret := stored.Settings.Alerts.Webhook.Secret
				stored.Settings.Alerts.Webhook.Secret = ""
				doc, err := json.Marshal(SettingsDocument(stored))
				if err != nil {
					t.Fatal(err)
				}
				if secret != "" && strings.Contains(string(doc), secret) {
					t.Errorf("settings document shows the alert webhook secret")
				}
				var numbers []string
				for _, n := range b.Numbers {
					numbers = append(numbers, n.E164)
				}
				var calendars []store.Calendar
				for _, cal := range b.Calendars {
					calendars = append(calendars, store.Calendar{Slug: cal.Slug, Name: cal.Name, Hours: cal.Hours})
				}
				got, _, err := ParseSettings("settings", doc, numbers, calendars)
				if err != nil {
					t.Fatalf("settings document rejected: %v\n%s", err, doc)
				}
				if got.Name != b.Name || got.TimeZone != b.TimeZone || got.Region != b.Region ||
					got.RepName != b.RepName || got.BookingURL != b.BookingURL {
					t.Errorf("profile read back as %q %q %q %q %q", got.Name, got.TimeZone, got.Region, got.RepName, got.BookingURL)
				}
				if !reflect.DeepEqual(got.Hours, b.Hours) {
					t.Errorf("hours read back as %v, want %v", got.Hours, b.Hours)
				}
				if got.TextBack != b.TextBack {
					t.Errorf("text back read back as %+v, want %+v", got.TextBack, b.TextBack)
				}
				// The phone menu is not part of the document: only textback apply changes it.
				if !reflect.DeepEqual(got.Settings.KeepApplyOnly(stored.Settings), stored.Settings) {
					t.Errorf("settings read back as\n%+v\nwant\n%+v\ndocument %s", got.Settings, stored.Settings, doc)
				}
			})
		}
	}
}

func TestParseSettingsErrors(t *testing.T) {
	cases := map[string]struct {
		doc  string
		want string
	}{
		"slug":            {`{"name": "A", "time_zone": "UTC", "slug": "x"}`, `unknown key "slug"`},
		"numbers":         {`{"name": "A", "time_zone": "UTC", "numbers": []}`, `unknown key "numbers"`},
		"missing name":    {`{"time_zone": "UTC"}`, "missing name"},
		"bad window":      {`{"name": "A", "time_zone": "UTC", "text_back": {"window": "1s"}}`, "out of range"},
		"team is number":  {`{"name": "A", "time_zone": "UTC", "team": [{"name": "D", "phone": "+13125550199"}]}`, "is a textback number"},
		"not a mapping":   {`[1, 2]`, "expected a mapping"},
		"syntax":          {`{"name": `, "invalid YAML"},
		"env is not read": {`{"name": "${HOME}", "time_zone": "UTC", "text_back": {"template": "Save $$5 at {business}"}}`, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b, _, err := ParseSettings("settings", []byte(tc.doc), []string{"+13125550199"}, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if b.Name != "${HOME}" {
					t.Errorf("name = %q, want ${HOME} taken literally", b.Name)
				}
				if !strings.HasPrefix(b.TextBack.Template, "Save $$5") {
					t.Errorf("template = %q, want $$ taken literally", b.TextBack.Template)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
