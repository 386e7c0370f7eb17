package manifest

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/textback/textback/internal/provider/pbx"
	"github.com/textback/textback/internal/provider/sandbox"
	"github.com/textback/textback/internal/provider/telnyx"
	"github.com/textback/textback/internal/provider/twilio"
)

// The kinds the file accepts must be the kinds the adapters register, or apply would store accounts that no
// adapter serves.
func TestKindsMatchAdapters(t *testing.T) {
	tests := []struct {
		name      string
		got, want string
	}{
		{"twilio", string(KindTwilio), string(twilio.ProviderKind)},
		{"sandbox", string(KindSandbox), string(sandbox.Kind)},
		{"telnyx", string(KindTelnyx), string(telnyx.ProviderKind)},
		{"signalwire", string(KindSignalWire), string(twilio.SignalWireKind)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s kind = %q, want the adapter's %q", tt.name, tt.got, tt.want)
		}
	}
	if _, ok := kindKeys[pbx.Kind]; ok {
		t.Errorf("kind %q is accepted for a provider, but the pbx adapter cannot send texts", pbx.Kind)
	}
}

func TestParseProviderKinds(t *testing.T) {
	f := mustLoad(t, "testdata/valid/providers.yaml")
	if len(f.Warnings) != 0 {
		t.Errorf("Warnings = %v, want none", f.Warnings)
	}

	want := []Provider{
		{Name: "twilio-main", Kind: KindTwilio, AccountSID: "AC00000000000000000000000000000001",
			AuthToken: testEnv["TWILIO_AUTH_TOKEN"], Line: 3},
		{Name: "telnyx-main", Kind: KindTelnyx, AuthToken: testEnv["TELNYX_API_KEY"],
			PublicKey: testEnv["TELNYX_PUBLIC_KEY"], Line: 7},
		{Name: "telnyx-test", Kind: KindTelnyx, AuthToken: "KEY_fake_for_tests",
			PublicKey: testEnv["TELNYX_PUBLIC_KEY"], APIBaseURL: "http://127.0.0.1:8099", Line: 11},
		{Name: "signalwire-main", Kind: KindSignalWire, AccountSID: "0f1e2d3c-4b5a-4697-8877-665544332211",
			AuthToken: testEnv["SIGNALWIRE_API_TOKEN"], PublicKey: testEnv["SIGNALWIRE_SIGNING_KEY"],
			APIBaseURL: "https://example.signalwire.com/", Line: 16},
		{Name: "signalwire-test", Kind: KindSignalWire, AccountSID: "00000000-0000-4000-8000-000000000001",
			AuthToken: "PTswapitoken0001", PublicKey: "PSKswsigningkey0001", APIBaseURL: "http://localhost:8099",
			Line: 22},
	}
	if len(f.Providers) != len(want) {
		t.Fatalf("got %d providers, want %d: %+v", len(f.Providers), len(want), f.Providers)
	}
	for i, w := range want {
		if f.Providers[i] != w {
			t.Errorf("Providers[%d] = %+v, want %+v", i, f.Providers[i], w)
		}
	}

	numbers := f.Businesses[0].Numbers
	wantPBX := []struct{ token, secret string }{
		{"tok_acme_main_line", testEnv["PBX_SECRET"]},
		{"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"},
		{"", ""}, // "pbx:" with no value is no pbx block
	}
	for i, w := range wantPBX {
		if numbers[i].WebhookToken != w.token {
			t.Errorf("Numbers[%d].WebhookToken = %q, want %q", i, numbers[i].WebhookToken, w.token)
		}
		if numbers[i].WebhookSecret != w.secret {
			t.Errorf("Numbers[%d].WebhookSecret = %q, want %q", i, numbers[i].WebhookSecret, w.secret)
		}
	}
}

// A provider entry is read with the keys of the kind it declares, even when the kind comes from the
// environment.
func TestKindFromEnvironment(t *testing.T) {
	data := strings.Replace(readFixture(t, "invalid/telnyx-auth-token.yaml"), "kind: telnyx", "kind: ${KIND}", 1)
	env := func(name string) (string, bool) {
		if name == "KIND" {
			return "telnyx", true
		}
		return lookupTestEnv(name)
	}
	_, err := Parse("textback.yaml", []byte(data), env)
	issues := issuesOf(t, err)
	if len(issues) != 1 {
		t.Fatalf("got %d issues, want 1: %v", len(issues), err)
	}
	if want := "does not apply to kind telnyx"; !strings.Contains(issues[0].Message, want) {
		t.Errorf("Message = %q, want it to contain %q", issues[0].Message, want)
	}
}

// An entry whose kind is unknown gets only the kind error, not one for each key of another kind.
func TestUnknownKindKeys(t *testing.T) {
	data := strings.Replace(readFixture(t, "invalid/telnyx-auth-token.yaml"), "kind: telnyx", "kind: plivo", 1)
	_, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
	issues := issuesOf(t, err)
	if len(issues) != 1 || issues[0].Path != "providers[0].kind" {
		t.Errorf("issues = %v, want only the kind error", err)
	}
}

func TestCredentialsNotQuoted(t *testing.T) {
	tests := []struct {
		file   string
		secret string
	}{
		{"telnyx-api-key-characters", "KEY0123 456"},
		{"signalwire-signing-key-characters", "PSK key"},
		{"pbx-short-secret", "short_secret"},
		{"pbx-secret-space", "pbx secret with spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := parseFixture(t, filepath.Join("invalid", tt.file+".yaml"))
			if err == nil {
				t.Fatal("Parse error = nil, want an error")
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q contains the secret %q", err, tt.secret)
			}
		})
	}
}

// A SignalWire space URL may use http, or a host other than a SignalWire space, only on this machine.
func TestSpaceURLLoopback(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1:8099", "https://localhost", "http://LOCALHOST:80/"} {
		t.Run(raw, func(t *testing.T) {
			data := strings.Replace(readFixture(t, "invalid/signalwire-space-url-http.yaml"),
				"http://example.signalwire.com", raw, 1)
			f, err := Parse("textback.yaml", []byte(data), lookupTestEnv)
			if err != nil {
				t.Fatalf("Parse error = %v, want %s allowed", err, raw)
			}
			if got := f.Providers[0].APIBaseURL; got != raw {
				t.Errorf("APIBaseURL = %q, want %q", got, raw)
			}
		})
	}
}

func TestKindKeysAreProviderKeys(t *testing.T) {
	for kind, keys := range kindKeys {
		for _, key := range keys {
			if !slices.Contains(providerKeys, key) {
				t.Errorf("key %q of kind %s is missing from providerKeys", key, kind)
			}
		}
	}
}
