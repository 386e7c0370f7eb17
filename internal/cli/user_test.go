package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/cli"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// runWithStdin runs textback with args, stdin as its standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := func(string) (string, bool) { return "", false }
	code := cli.Main(context.Background(), args, cli.IO{
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Env: env,
	})
	return code, stdout.String(), stderr.String()
}

func TestUserAdd(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := seedDatabase(t, d)
			code, stdout, stderr := runWithStdin(t, "correct horse battery\n", "user", "add", "--db", db,
				"--email", "Dana@Example.com", "--role", "owner", "--business", "acme")
			if code != 0 {
				t.Fatalf("user add exited %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "created user dana@example.com, owner of business acme") {
				t.Errorf("output %q does not report the new user", stdout)
			}
			// The same user gets a second role without a password.
			code, stdout, stderr = runWithStdin(t, "", "user", "add", "--db", db,
				"--email", "dana@example.com", "--role", "agency-admin", "--agency", "North", "--business", "acme")
			if code != 0 {
				t.Fatalf("second user add exited %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "added role agency-admin of agency North") {
				t.Errorf("output %q does not report the added role", stdout)
			}

			s := storetest.OpenWith(t, db, store.Options{})
			ctx := context.Background()
			u, err := s.GetUserByEmail(ctx, "dana@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := auth.VerifyPassword(u.PasswordHash, "correct horse battery"); err != nil || !ok {
				t.Errorf("stored hash does not verify the piped password: %v %v", ok, err)
			}
			list, err := s.ListUserBusinesses(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Slug != "acme" || list[0].Role != store.RoleAgencyAdmin {
				t.Errorf("user's businesses = %+v, want acme as agency-admin", list)
			}
		})
	}
}

func TestUserAddErrors(t *testing.T) {
	db := seedDatabase(t, store.SQLite)
	cases := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"no email", "", []string{"--role", "owner", "--business", "acme"}, 1, "missing --email"},
		{"bad email", "", []string{"--email", "dana", "--role", "owner", "--business", "acme"}, 1, "invalid --email"},
		{"no role", "", []string{"--email", "d@example.com", "--business", "acme"}, 1, "missing --role"},
		{"bad role", "", []string{"--email", "d@example.com", "--role", "boss", "--business", "acme"}, 1,
			"use agency-admin, owner or staff"},
		{"owner without business", "", []string{"--email", "d@example.com", "--role", "owner"}, 1, "missing --business"},
		{"staff with agency", "", []string{"--email", "d@example.com", "--role", "staff", "--agency", "North",
			"--business", "acme"}, 1, "--agency is only for --role agency-admin"},
		{"admin without agency", "", []string{"--email", "d@example.com", "--role", "agency-admin"}, 1, "missing --agency"},
		{"unknown business", "correct horse battery\n", []string{"--email", "d@example.com", "--role", "owner",
			"--business", "nosuch"}, 1, `unknown business "nosuch"`},
		{"no password", "", []string{"--email", "d@example.com", "--role", "owner", "--business", "acme"}, 1,
			"no password on standard input"},
		{"short password", "short\n", []string{"--email", "d@example.com", "--role", "owner", "--business", "acme"}, 1,
			"password too short"},
		{"password flag", "", []string{"--email", "d@example.com", "--role", "owner", "--business", "acme",
			"--password", "x"}, 2, "flag provided but not defined: -password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"user", "add", "--db", db}, c.args...)
			code, _, stderr := runWithStdin(t, c.stdin, args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, c.stderr)
			}
		})
	}
	s := storetest.OpenWith(t, db, store.Options{})
	if _, err := s.GetUserByEmail(context.Background(), "d@example.com"); err == nil {
		t.Error("a failed user add created the user")
	}
}
