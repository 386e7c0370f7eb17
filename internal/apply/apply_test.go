package apply

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// testEnv is the environment the files below take their secrets from.
var testEnv = map[string]string{
	"TWILIO_AUTH_TOKEN":      "0123456789abcdef0123456789abcdef",
	"ALERT_WEBHOOK_SECRET":   "whsec0123456789",
	"TELNYX_API_KEY":         "KEY0123456789ABCDEF0123456789ABCDEF_abcdefghijklmnopqrstuv",
	"TELNYX_PUBLIC_KEY":      "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
	"SIGNALWIRE_API_TOKEN":   "PT0123456789abcdef0123456789abcdef0123456789abcdef",
	"SIGNALWIRE_SIGNING_KEY": "PSK_0123456789abcdef01234567",
	"PBX_SECRET":             "pbx_secret_example_0001",
}

func lookupTestEnv(name string) (string, bool) {
	value, ok := testEnv[name]
	return value, ok
}

// conversationFile declares every conversation, team, alert, follow-up and quiet-hours setting for
// acme-plumbing on +13125550199.
var conversationFile = filepath.Join("..", "manifest", "testdata", "valid", "conversation.yaml")

// readmeExample returns the first YAML block of the README, the example configuration it shows.
func readmeExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	if !ok {
		t.Fatal("README.md has no yaml block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README.md has an unclosed yaml block")
	}
	return []byte(block)
}

func parse(t *testing.T, name string, data []byte) *manifest.File {
	t.Helper()
	f, err := manifest.Parse(name, data, lookupTestEnv)
	if err != nil {
		t.Fatalf("Parse(%s) error:\n%v", name, err)
	}
	return f
}

func load(t *testing.T, path string) *manifest.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, path, data)
}

// mustApply applies f and returns the stored acme-plumbing business and its number +13125550199.
func mustApply(t *testing.T, s *store.Store, f *manifest.File) (store.Business, store.Number) {
	t.Helper()
	ctx := context.Background()
	if _, err := Apply(ctx, s, f); err != nil {
		t.Fatalf("Apply(%s) error = %v", f.Name, err)
	}
	b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
	if err != nil {
		t.Fatalf("business not applied: %v", err)
	}
	n, err := s.GetNumberByE164(ctx, "+13125550199")
	if err != nil {
		t.Fatalf("number not applied: %v", err)
	}
	return b, n
}

func TestApplySettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := load(t, conversationFile)
		b, n := mustApply(t, s, f)

		want := f.Businesses[0].Settings
		if !reflect.DeepEqual(b.Settings, want) {
			t.Errorf("stored Settings = %+v, want %+v", b.Settings, want)
		}
		if len(b.Settings.Team) != 2 || b.Settings.Team[0].Phone != "+13125550100" {
			t.Errorf("stored Team = %+v, want Dana and Sam with E.164 phones", b.Settings.Team)
		}
		if len(b.Settings.FollowUps) != 2 || b.Settings.FollowUps[0].Delay != store.Duration(2*time.Hour) {
			t.Errorf("stored FollowUps = %+v, want the file's two, the first after 2h", b.Settings.FollowUps)
		}
		if want := (store.QuietHours{Start: 8*60 + 30, End: 20 * 60}); b.Settings.QuietHours != want {
			t.Errorf("stored QuietHours = %+v, want %+v", b.Settings.QuietHours, want)
		}
		if got := b.Settings.Alerts.Webhook.Secret; got != testEnv["ALERT_WEBHOOK_SECRET"] {
			t.Errorf("stored webhook secret = %q, want the value from the environment", got)
		}
		if !n.ProviderConfirmsOptOut {
			t.Error("stored ProviderConfirmsOptOut = false, want true")
		}
	})
}

func TestApplyReadmeExample(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := parse(t, "README.md", readmeExample(t))
		b, n := mustApply(t, s, f)

		if want := store.DefaultSettings(); !reflect.DeepEqual(b.Settings, want) {
			t.Errorf("stored Settings = %+v, want store.DefaultSettings() %+v", b.Settings, want)
		}
		if n.ProviderConfirmsOptOut {
			t.Error("stored ProviderConfirmsOptOut = true, want false")
		}
		if n.ForwardTo != "+13125550100" || n.RingSeconds != 18 || n.BusinessID != b.ID {
			t.Errorf("stored number = %+v, want it ringing +13125550100 for 18 s for acme-plumbing", n)
		}

		again, _ := mustApply(t, s, f)
		if again.ID != b.ID {
			t.Errorf("second apply changed the business id from %d to %d", b.ID, again.ID)
		}
		if !reflect.DeepEqual(again.Settings, b.Settings) {
			t.Errorf("second apply changed Settings from %+v to %+v", b.Settings, again.Settings)
		}
	})
}

// Keys removed from the file go back to their defaults on the next apply.
func TestApplyRemovedSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, load(t, conversationFile))
		b, n := mustApply(t, s, parse(t, "README.md", readmeExample(t)))

		if want := store.DefaultSettings(); !reflect.DeepEqual(b.Settings, want) {
			t.Errorf("Settings after removing them = %+v, want store.DefaultSettings() %+v", b.Settings, want)
		}
		if n.ProviderConfirmsOptOut {
			t.Error("ProviderConfirmsOptOut after removing it = true, want false")
		}
	})
}

// follow_ups: [] is stored as an empty list, which sends no follow-ups, not as a missing one, which would mean
// the defaults. Removing the keys again restores the defaults.
func TestApplyFollowUpsOffAndQuietHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		data := string(readmeExample(t)) + `    follow_ups: []
    quiet_hours:
      start: "09:00"
      end: "20:00"
      instant_replies: wait
`
		b, _ := mustApply(t, s, parse(t, "textback.yaml", []byte(data)))

		if b.Settings.FollowUps == nil {
			t.Error("stored FollowUps = nil, which means the defaults, want an empty list")
		}
		if len(b.Settings.FollowUps) != 0 {
			t.Errorf("stored FollowUps = %+v, want none", b.Settings.FollowUps)
		}
		want := store.QuietHours{Start: 9 * 60, End: 20 * 60, HoldInstantReplies: true}
		if b.Settings.QuietHours != want {
			t.Errorf("stored QuietHours = %+v, want %+v", b.Settings.QuietHours, want)
		}

		restored, _ := mustApply(t, s, parse(t, "README.md", readmeExample(t)))
		if got, want := restored.Settings.FollowUps, store.DefaultFollowUps(); !reflect.DeepEqual(got, want) {
			t.Errorf("FollowUps after removing the key = %+v, want the defaults %+v", got, want)
		}
		if got := restored.Settings.QuietHours; got != (store.QuietHours{}) {
			t.Errorf("QuietHours after removing the key = %+v, want the zero value, which means the default", got)
		}
	})
}
