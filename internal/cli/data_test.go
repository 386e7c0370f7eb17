package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/cli"
	"github.com/textback/textback/internal/export"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const token = "cli-test-auth-token"

// run runs textback with args and returns its exit code, standard output and standard error.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := func(string) (string, bool) { return "", false }
	code := cli.Main(context.Background(), args, cli.IO{Stdout: &stdout, Stderr: &stderr, Env: env})
	return code, stdout.String(), stderr.String()
}

// seedDatabase creates a migrated database with a business, its number, a caller and a text
// back to them, closes it and returns its target.
func seedDatabase(t *testing.T, d store.Dialect) string {
	t.Helper()
	ctx := context.Background()
	target := storetest.Target(t, d)
	s := storetest.OpenWith(t, target, store.Options{})
	p, err := s.UpsertProvider(ctx, store.Provider{Name: "twilio-main", Kind: "twilio", AccountSID: "AC1", AuthToken: token})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: "+13125550199", Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
	if err != nil {
		t.Fatal(err)
	}
	call, err := s.EnsureCall(ctx, store.NewCall{
		BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA01", FromRaw: "+12025550143",
		To: n.E164, Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckNone, StartedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.InsertMessage(ctx, store.Message{
		BusinessID: b.ID, ContactID: c.ID, NumberID: n.ID, ProviderID: p.ID, CallID: call.ID, Direction: store.Outbound,
		From: n.E164, To: c.E164, Body: "Sorry we missed you", Status: store.StatusQueued,
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return target
}

func TestMigrateDBCommand(t *testing.T) {
	from := seedDatabase(t, store.SQLite)
	to := storetest.NewPostgresDatabase(t)

	code, stdout, stderr := run(t, "migrate-db", "--from", from, "--to", to)
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"TABLE", "providers", "messages", "waiting jobs", "copied " + from} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output does not contain %q:\n%s", want, stdout)
		}
	}

	code, _, stderr = run(t, "migrate-db", "--from", from, "--to", to)
	if code != 1 {
		t.Errorf("second run: exit code %d, want 1", code)
	}
	for _, want := range []string{"not empty", "nothing was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("second run: stderr does not contain %q:\n%s", want, stderr)
		}
	}
}

// migrate-db refuses a SQLite file that a running textback still has open.
func TestMigrateDBCommandFileInUse(t *testing.T) {
	from := seedDatabase(t, store.SQLite)
	to := storetest.NewPostgresDatabase(t)
	s := storetest.OpenWith(t, from, store.Options{})
	if _, err := s.ListBusinesses(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "migrate-db", "--from", from, "--to", to)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{"is in use by another process", "textback must be stopped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr)
		}
	}
}

func TestMigrateDBCommandUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"migrate-db", "-h"}, 0, "textback must be stopped while migrate-db runs"},
		{"no flags", []string{"migrate-db"}, 1, "missing --from or --to"},
		{"no target", []string{"migrate-db", "--from", "x.db"}, 1, "missing --from or --to"},
		{"sqlite target", []string{"migrate-db", "--from", "x.db", "--to", "y.db"}, 1, "open source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, stderr)
			}
		})
	}
	code, stdout, _ := run(t, "help")
	if code != 0 {
		t.Errorf("help: exit code %d, want 0", code)
	}
	for _, want := range []string{"migrate-db", "stop textback first", "export", "forget"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("command list does not contain %q:\n%s", want, stdout)
		}
	}
}

func TestExportCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := seedDatabase(t, d)
			code, stdout, stderr := run(t, "export", "--db", db, "--business", "acme")
			if code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			var doc export.Document
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("standard output is not an export: %v\n%s", err, stdout)
			}
			if doc.Business.Slug != "acme" {
				t.Errorf("exported business %q, want acme", doc.Business.Slug)
			}
			if len(doc.Contacts) != 1 {
				t.Errorf("exported %d contacts, want 1", len(doc.Contacts))
			}
			if len(doc.Calls) != 1 {
				t.Errorf("exported %d calls, want 1", len(doc.Calls))
			}
			if len(doc.Messages) != 1 {
				t.Errorf("exported %d messages, want 1", len(doc.Messages))
			}
			if strings.Contains(stdout, token) {
				t.Errorf("export contains the provider's auth token")
			}

			file := filepath.Join(t.TempDir(), "acme.json")
			code, stdout, stderr = run(t, "export", "--db", db, "--business", "acme", "-o", file)
			if code != 0 {
				t.Fatalf("-o: exit code %d, stderr:\n%s", code, stderr)
			}
			if stdout != "" {
				t.Errorf("-o: wrote to standard output:\n%s", stdout)
			}
			if !strings.Contains(stderr, "1 contact(s)") {
				t.Errorf("-o: no summary on standard error:\n%s", stderr)
			}
			written, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fromFile export.Document
			if err := json.Unmarshal(written, &fromFile); err != nil {
				t.Errorf("-o: file is not an export: %v", err)
			}
			if fromFile.Business.Slug != "acme" {
				t.Errorf("-o: file exports business %q, want acme", fromFile.Business.Slug)
			}

			code, _, stderr = run(t, "export", "--db", db, "--business", "nobody")
			if code != 1 {
				t.Errorf("unknown business: exit code %d, want 1", code)
			}
			if !strings.Contains(stderr, `unknown business "nobody"`) {
				t.Errorf("unknown business: stderr %q does not name it", stderr)
			}
			code, _, stderr = run(t, "export", "--db", db)
			if code != 1 {
				t.Errorf("no --business: exit code %d, want 1", code)
			}
			if !strings.Contains(stderr, "missing --business") {
				t.Errorf("no --business: stderr %q does not name the flag", stderr)
			}
		})
	}
}

func TestForgetCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := seedDatabase(t, d)
			tests := []struct {
				name   string
				args   []string
				code   int
				stderr string
			}{
				{"no number", []string{"--business", "acme"}, 1, "missing --business or --number"},
				{"no business", []string{"--number", "+12025550143"}, 1, "missing --business or --number"},
				{"unknown business", []string{"--business", "nobody", "--number", "+12025550143"}, 1, `unknown business "nobody"`},
				{"invalid number", []string{"--business", "acme", "--number", "12"}, 1, "invalid --number"},
				{"unknown number", []string{"--business", "acme", "--number", "+12025550150"}, 1, "unknown number +12025550150"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					code, _, stderr := run(t, append([]string{"forget", "--db", db}, tt.args...)...)
					if code != tt.code {
						t.Errorf("exit code %d, want %d", code, tt.code)
					}
					if !strings.Contains(stderr, tt.stderr) {
						t.Errorf("stderr does not contain %q:\n%s", tt.stderr, stderr)
					}
				})
			}

			// A national form of the number names the same contact.
			code, stdout, stderr := run(t, "forget", "--db", db, "--business", "acme", "--number", "(202) 555-0143")
			if code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			for _, want := range []string{`\+12025550143`, `contacts +1\n`, `calls +1\n`, `messages +1\n`, `outbound webhook events +0\n`} {
				if !regexp.MustCompile(want).MatchString(stdout) {
					t.Errorf("output does not match %q:\n%s", want, stdout)
				}
			}
			code, _, stderr = run(t, "forget", "--db", db, "--business", "acme", "--number", "+12025550143")
			if code != 1 {
				t.Errorf("second forget: exit code %d, want 1", code)
			}
			if !strings.Contains(stderr, "unknown number +12025550143") {
				t.Errorf("second forget: stderr %q does not name the number", stderr)
			}
		})
	}
}

func TestFollowUpsStopCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := seedDatabase(t, d)
			ctx := context.Background()
			s := storetest.OpenWith(t, db, store.Options{})
			b, err := s.GetBusinessBySlug(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.GetContactByE164(ctx, b.ID, "+12025550143")
			if err != nil {
				t.Fatal(err)
			}
			seq, started, err := s.StartSequence(ctx, b.ID, c.ID, 0, 0, time.Now())
			if err != nil || !started {
				t.Fatalf("start sequence: started %v, err %v", started, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			tests := []struct {
				name   string
				args   []string
				stderr string
			}{
				{"no number", []string{"--business", "acme"}, "missing --business or --number"},
				{"unknown business", []string{"--business", "nobody", "--number", "+12025550143"}, `unknown business "nobody"`},
				{"invalid number", []string{"--business", "acme", "--number", "12"}, "invalid --number"},
				{"unknown contact", []string{"--business", "acme", "--number", "+12025550150"}, "contact +12025550150 not found in business acme"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					code, _, stderr := run(t, append([]string{"followups", "stop", "--db", db}, tt.args...)...)
					if code != 1 {
						t.Errorf("exit code %d, want 1", code)
					}
					if !strings.Contains(stderr, tt.stderr) {
						t.Errorf("stderr does not contain %q:\n%s", tt.stderr, stderr)
					}
				})
			}
			if code, _, stderr := run(t, "followups", "--db", db); code != 2 || !strings.Contains(stderr, "followups stop") {
				t.Errorf("no subcommand: exit code %d, stderr %q", code, stderr)
			}

			code, stdout, stderr := run(t, "followups", "stop", "--db", db, "--business", "acme", "--number", "(202) 555-0143")
			if code != 0 || !strings.Contains(stdout, "follow-ups to +12025550143 stopped") {
				t.Fatalf("stop: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			code, stdout, _ = run(t, "followups", "stop", "--db", db, "--business", "acme", "--number", "+12025550143")
			if code != 0 || !strings.Contains(stdout, "had no follow-ups running") {
				t.Errorf("second stop: exit code %d, stdout %q", code, stdout)
			}

			s = storetest.OpenWith(t, db, store.Options{})
			got, err := s.GetSequence(ctx, seq.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != store.SequenceStopped {
				t.Errorf("sequence state %q, want %q", got.State, store.SequenceStopped)
			}
		})
	}
}

// export and forget never create a database: a mistyped --db is an error and leaves no file.
func TestDataCommandsNeedExistingDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"export", "--business", "acme-plumbing"},
		{"forget", "--business", "acme-plumbing", "--number", "+12025550143"},
	} {
		t.Run(args[0], func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "typo.db")
			code, _, stderr := run(t, append(args, "--db", db)...)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if !strings.Contains(stderr, "does not exist") {
				t.Errorf("stderr does not name the missing file:\n%s", stderr)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s created %s (stat: %v)", args[0], db, err)
			}
		})
	}
}

// tasks shows due times in the business's zone, and its JSON uses the documented field names with
// no done_at for an open task.
func TestTasksCommand(t *testing.T) {
	ctx := context.Background()
	target := seedDatabase(t, store.SQLite)
	s := storetest.OpenWith(t, target, store.Options{})
	b, err := s.GetBusinessBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.GetContactByE164(ctx, b.ID, "+12025550143")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 10, 15, 30, 0, 0, time.UTC) // 10:30 CDT
	if _, _, err := s.InsertTask(ctx, store.NewTask{
		BusinessID: b.ID, ContactID: c.ID, Kind: store.TaskCallBack, Title: "Call back", Priority: "high",
		Source: "keyword URGENT", DueAt: due,
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, "tasks", "--db", target)
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Mar 10 10:30 CDT") {
		t.Errorf("tasks does not show the due time in Chicago time:\n%s", stdout)
	}

	code, stdout, stderr = run(t, "tasks", "--db", target, "--json")
	if code != 0 {
		t.Fatalf("--json: exit code %d, stderr:\n%s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if len(rows) != 1 {
		t.Fatalf("listed %d tasks, want 1", len(rows))
	}
	for _, key := range []string{"id", "business", "contact", "title", "priority", "state", "due_at"} {
		if _, ok := rows[0][key]; !ok {
			t.Errorf("task JSON lacks %q: %v", key, rows[0])
		}
	}
	if _, ok := rows[0]["done_at"]; ok {
		t.Errorf("open task has a done_at: %v", rows[0])
	}

	code, stdout, _ = run(t, "tasks", "--db", target, "--state", "all", "--business", "acme", "--done", "999")
	if code != 1 {
		t.Errorf("--done 999: exit code %d, want 1 (stdout %q)", code, stdout)
	}
}
