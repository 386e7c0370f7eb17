package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/textback/textback/internal/apikey"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestAPIKeyCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			target := seedDatabase(t, d)
			code, stdout, stderr := run(t, "apikey", "create", "--business", "acme", "--name", "CRM sync", "--db", target)
			if code != 0 {
				t.Fatalf("create exit code = %d, stderr %q", code, stderr)
			}
			secret := strings.TrimSpace(stdout)
			if !apikey.WellFormed(secret) {
				t.Fatalf("create printed %q, want a key", stdout)
			}
			prefix := secret[:apikey.PrefixLength]
			if !strings.Contains(stderr, "shown only now") {
				t.Errorf("create does not warn that the key is shown once: %q", stderr)
			}

			s := storetest.OpenWith(t, target, store.Options{})
			stored, err := s.GetAPIKeyByHash(context.Background(), apikey.Hash(secret))
			if err != nil {
				t.Fatalf("created key not stored by its hash: %v", err)
			}
			if stored.Prefix != prefix || stored.Name != "CRM sync" || stored.BusinessID == 0 {
				t.Errorf("stored key = %+v, want prefix %s, name CRM sync and a business", stored, prefix)
			}
			_ = s.Close()

			code, stdout, _ = run(t, "apikey", "list", "--db", target)
			if code != 0 || !strings.Contains(stdout, prefix) || !strings.Contains(stdout, "business acme") {
				t.Errorf("list exit code %d, output %q: want the prefix and scope", code, stdout)
			}
			if strings.Contains(stdout, secret) {
				t.Error("list printed the whole key")
			}

			code, stdout, stderr = run(t, "apikey", "revoke", "--prefix", prefix, "--db", target)
			if code != 0 || !strings.Contains(stdout, "revoked") {
				t.Errorf("revoke exit code %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			code, _, stderr = run(t, "apikey", "revoke", "--prefix", prefix, "--db", target)
			if code != 1 || !strings.Contains(stderr, "no active API key") {
				t.Errorf("second revoke exit code %d, stderr %q: want 1 and no active key", code, stderr)
			}
			_, stdout, _ = run(t, "apikey", "list", "--db", target)
			if !strings.Contains(stdout, "revoked") {
				t.Errorf("list after revoke does not say revoked: %q", stdout)
			}
		})
	}
}

func TestAPIKeyCommandErrors(t *testing.T) {
	target := seedDatabase(t, store.SQLite)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"apikey"}, 2, "Usage: textback apikey"},
		{"unknown subcommand", []string{"apikey", "rotate"}, 2, `unknown subcommand "rotate"`},
		{"missing business", []string{"apikey", "create", "--db", target}, 1, "missing --business"},
		{"unknown business", []string{"apikey", "create", "--business", "nope", "--db", target}, 1, `unknown business "nope"`},
		{"control name", []string{"apikey", "create", "--business", "acme", "--name", "a\x07b", "--db", target}, 1, "invalid --name"},
		{"short prefix", []string{"apikey", "revoke", "--prefix", "tbk_ab", "--db", target}, 1, "invalid --prefix"},
		{"unknown prefix", []string{"apikey", "revoke", "--prefix", "tbk_zzzzzzzz", "--db", target}, 1, "no active API key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
		})
	}
}
