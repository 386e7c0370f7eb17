package apply

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// providersFile declares every provider kind, and PBX blocks on +13125550199 and +13125550198.
var providersFile = filepath.Join("..", "manifest", "testdata", "valid", "providers.yaml")

// pbxFile returns a file with the sandbox provider and acme-plumbing, whose numbers +13125550199 and
// +13125550198 get the PBX tokens first and second. An empty token leaves the number's pbx block out.
func pbxFile(t *testing.T, first, second string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("providers:\n  - {name: sandbox, kind: sandbox}\nbusinesses:\n  - slug: acme-plumbing\n" +
		"    name: Acme Plumbing\n    time_zone: America/Chicago\n    numbers:\n")
	for i, token := range []string{first, second} {
		fmt.Fprintf(&b, "      - number: \"+1312555019%d\"\n        provider: sandbox\n        mode: forwarded\n", 9-i)
		if token != "" {
			fmt.Fprintf(&b, "        pbx: {token: %s, secret: secret_of_%s}\n", token, token)
		}
	}
	return []byte(b.String())
}

// number returns the stored number e164.
func number(t *testing.T, s *store.Store, e164 string) store.Number {
	t.Helper()
	n, err := s.GetNumberByE164(context.Background(), e164)
	if err != nil {
		t.Fatalf("number %s: %v", e164, err)
	}
	return n
}

func TestApplyProviderKinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := load(t, providersFile)
		mustApply(t, s, f)
		ctx := context.Background()

		want := []store.Provider{
			{Name: "twilio-main", Kind: "twilio", AccountSID: "AC00000000000000000000000000000001",
				AuthToken: testEnv["TWILIO_AUTH_TOKEN"]},
			{Name: "telnyx-main", Kind: "telnyx", AuthToken: testEnv["TELNYX_API_KEY"],
				PublicKey: testEnv["TELNYX_PUBLIC_KEY"]},
			{Name: "telnyx-test", Kind: "telnyx", AuthToken: "KEY_fake_for_tests",
				PublicKey: testEnv["TELNYX_PUBLIC_KEY"], APIBaseURL: "http://127.0.0.1:8099"},
			{Name: "signalwire-main", Kind: "signalwire", AccountSID: "0f1e2d3c-4b5a-4697-8877-665544332211",
				AuthToken: testEnv["SIGNALWIRE_API_TOKEN"], PublicKey: testEnv["SIGNALWIRE_SIGNING_KEY"],
				APIBaseURL: "https://example.signalwire.com/"},
		}
		for _, w := range want {
			got, err := s.GetProviderByName(ctx, w.Name)
			if err != nil {
				t.Fatalf("provider %s not applied: %v", w.Name, err)
			}
			got.ID, got.CreatedAt, got.UpdatedAt = 0, w.CreatedAt, w.UpdatedAt
			if got != w {
				t.Errorf("stored provider = %+v, want %+v", got, w)
			}
		}

		main := number(t, s, "+13125550199")
		if main.WebhookToken != "tok_acme_main_line" {
			t.Errorf("WebhookToken = %q, want tok_acme_main_line", main.WebhookToken)
		}
		if main.WebhookSecret != testEnv["PBX_SECRET"] {
			t.Errorf("WebhookSecret = %q, want the value of PBX_SECRET", main.WebhookSecret)
		}
		byToken, err := s.GetNumberByWebhookToken(ctx, "tok_acme_main_line")
		if err != nil || byToken.E164 != "+13125550199" {
			t.Errorf("GetNumberByWebhookToken = %+v, %v, want +13125550199", byToken, err)
		}
		if got := number(t, s, "+13125550197"); got.WebhookToken != "" || got.WebhookSecret != "" {
			t.Errorf("number without a pbx block has token %q and secret %q, want neither",
				got.WebhookToken, got.WebhookSecret)
		}
	})
}

// The file is the source of truth for the numbers it lists: a number listed again without its pbx block
// loses its token and secret, and PBX reports for it are rejected.
func TestApplyRemovedPBX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, parse(t, "with-pbx.yaml", pbxFile(t, "tok_acme_main_line", "tok_acme_second_line")))
		mustApply(t, s, parse(t, "without-pbx.yaml", pbxFile(t, "", "tok_acme_second_line")))

		cleared := number(t, s, "+13125550199")
		if cleared.WebhookToken != "" {
			t.Errorf("WebhookToken after removing the pbx block = %q, want empty", cleared.WebhookToken)
		}
		if cleared.WebhookSecret != "" {
			t.Errorf("WebhookSecret after removing the pbx block = %q, want empty", cleared.WebhookSecret)
		}
		_, err := s.GetNumberByWebhookToken(context.Background(), "tok_acme_main_line")
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetNumberByWebhookToken of the removed token error = %v, want ErrNotFound", err)
		}
		if other := number(t, s, "+13125550198"); other.WebhookToken != "tok_acme_second_line" {
			t.Errorf("other number's WebhookToken = %q, want it kept", other.WebhookToken)
		}
	})
}

// Two numbers of the file can swap tokens, although the store keeps tokens unique at every write.
func TestApplySwapsPBXTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustApply(t, s, parse(t, "before.yaml", pbxFile(t, "tok_acme_main_line", "tok_acme_second_line")))
		mustApply(t, s, parse(t, "swapped.yaml", pbxFile(t, "tok_acme_second_line", "tok_acme_main_line")))

		tests := []struct{ e164, token string }{
			{"+13125550199", "tok_acme_second_line"},
			{"+13125550198", "tok_acme_main_line"},
		}
		for _, tt := range tests {
			n := number(t, s, tt.e164)
			if n.WebhookToken != tt.token {
				t.Errorf("%s WebhookToken = %q, want %q", tt.e164, n.WebhookToken, tt.token)
			}
			if n.WebhookSecret != "secret_of_"+tt.token {
				t.Errorf("%s WebhookSecret = %q, want the secret given with %s", tt.e164, n.WebhookSecret, tt.token)
			}
		}
	})
}

// A number that the file does not list keeps its token, and a file that gives that token to another
// number is rejected without changing anything.
func TestApplyTokenOfUnlistedNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mustApply(t, s, parse(t, "first.yaml", pbxFile(t, "tok_acme_main_line", "tok_acme_second_line")))
		// The second number leaves the file, so it keeps its token.
		only := strings.Replace(string(pbxFile(t, "tok_acme_main_line", "")), "      - number: \"+13125550198\"\n"+
			"        provider: sandbox\n        mode: forwarded\n", "", 1)
		mustApply(t, s, parse(t, "only-first.yaml", []byte(only)))
		if unlisted := number(t, s, "+13125550198"); unlisted.WebhookToken != "tok_acme_second_line" {
			t.Errorf("unlisted number's WebhookToken = %q, want it kept", unlisted.WebhookToken)
		}

		conflicting := strings.Replace(only, "tok_acme_main_line", "tok_acme_second_line", 1)
		_, err := Apply(ctx, s, parse(t, "conflicting.yaml", []byte(conflicting)))
		if err == nil {
			t.Fatal("Apply error = nil, want an error for a token that an unlisted number holds")
		}
		for _, phrase := range []string{"number +13125550199 (line 8)", `pbx token "tok_acme_second_line"`,
			"already the token of number +13125550198, which the file does not list"} {
			if !strings.Contains(err.Error(), phrase) {
				t.Errorf("error %q does not contain %q", err, phrase)
			}
		}
		if n := number(t, s, "+13125550199"); n.WebhookToken != "tok_acme_main_line" {
			t.Errorf("WebhookToken after the failed apply = %q, want it unchanged", n.WebhookToken)
		}
		if n := number(t, s, "+13125550198"); n.WebhookToken != "tok_acme_second_line" {
			t.Errorf("unlisted number's WebhookToken after the failed apply = %q, want it unchanged", n.WebhookToken)
		}
	})
}

// A provider that changes kind loses the public key of its old kind.
func TestApplyProviderKindChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		telnyxFile := "providers:\n  - name: main\n    kind: telnyx\n    api_key: ${TELNYX_API_KEY}\n" +
			"    public_key: ${TELNYX_PUBLIC_KEY}\nbusinesses:\n  - slug: acme-plumbing\n    name: Acme Plumbing\n" +
			"    time_zone: America/Chicago\n    numbers:\n" +
			"      - {number: \"+13125550199\", provider: main, mode: forwarded}\n"
		_, n := mustApply(t, s, parse(t, "telnyx.yaml", []byte(telnyxFile)))
		twilioFile := strings.Replace(telnyxFile, "kind: telnyx\n    api_key: ${TELNYX_API_KEY}\n"+
			"    public_key: ${TELNYX_PUBLIC_KEY}\n", "kind: twilio\n    account_sid: AC00000000000000000000000000000001\n"+
			"    auth_token: ${TWILIO_AUTH_TOKEN}\n", 1)
		_, again := mustApply(t, s, parse(t, "twilio.yaml", []byte(twilioFile)))

		p, err := s.GetProvider(context.Background(), again.ProviderID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != n.ProviderID {
			t.Errorf("provider id changed from %d to %d, want the same row", n.ProviderID, p.ID)
		}
		if p.Kind != provider.Kind("twilio") {
			t.Errorf("Kind = %q, want twilio", p.Kind)
		}
		if p.PublicKey != "" {
			t.Errorf("PublicKey = %q, want it cleared with the telnyx kind", p.PublicKey)
		}
		if p.AuthToken != testEnv["TWILIO_AUTH_TOKEN"] {
			t.Errorf("AuthToken = %q, want the Twilio auth token", p.AuthToken)
		}
	})
}
