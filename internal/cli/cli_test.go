package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/cli"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// exampleFile is the configuration the README shows.
var exampleFile = filepath.Join("..", "manifest", "testdata", "example.yaml")

// brokenFile has an unknown key on line 10 and an invalid number on line 14.
var brokenFile = filepath.Join("testdata", "broken.yaml")

// publicURL is what the test server checks signatures against; requests go to its local listener.
const publicURL = "https://hooks.example.com"

type result struct {
	code   int
	stdout string
	stderr string
}

// runMain runs the command line with args and an environment that holds only env.
func runMain(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.IO{
		Stdout: &stdout, Stderr: &stderr,
		Env: func(key string) (string, bool) {
			v, ok := env[key]
			return v, ok
		},
	})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// tokenEnv sets the variable example.yaml takes its auth token from.
var tokenEnv = map[string]string{"TWILIO_AUTH_TOKEN": "abc123def456"}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		t.Run(strings.Join(append([]string{"args"}, args...), " "), func(t *testing.T) {
			r := runMain(t, nil, args...)
			if r.code != 0 {
				t.Errorf("exit code = %d, want 0", r.code)
			}
			if !strings.Contains(r.stdout, "Usage: textback <command> [flags]") {
				t.Errorf("stdout lacks the usage line: %q", r.stdout)
			}
			for _, name := range []string{"serve", "apply", "migrate", "calls", "simulate"} {
				if !regexp.MustCompile(`(?m)^  ` + name + ` +\S`).MatchString(r.stdout) {
					t.Errorf("help does not list the %s command: %q", name, r.stdout)
				}
			}
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
}

// textback alone is a usage mistake: it prints the commands on standard error and exits 2.
func TestNoCommand(t *testing.T) {
	r := runMain(t, nil)
	if r.code != 2 {
		t.Errorf("exit code = %d, want 2", r.code)
	}
	if !strings.Contains(r.stderr, "Usage: textback <command> [flags]") || r.stdout != "" {
		t.Errorf("stdout %q, stderr %q: want the usage on stderr alone", r.stdout, r.stderr)
	}
}

// help names a command to print that command's flags on standard output.
func TestHelpCommand(t *testing.T) {
	r := runMain(t, nil, "help", "apply")
	if r.code != 0 {
		t.Errorf("exit code = %d, want 0", r.code)
	}
	if !strings.Contains(r.stdout, "Usage: textback apply") || !strings.Contains(r.stdout, "-f") {
		t.Errorf("stdout %q: want apply's usage and flags", r.stdout)
	}
	r = runMain(t, nil, "help", "frobnicate")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runMain(t, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "textback ") {
		t.Errorf("version: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestUnknownCommand(t *testing.T) {
	r := runMain(t, nil, "frobnicate", "--db", "x.db")
	if r.code != 2 {
		t.Errorf("exit code = %d, want 2", r.code)
	}
	if !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr does not name the command: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "Usage: textback <command>") {
		t.Errorf("stderr lacks the usage text: %q", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

// ids reads back what example.yaml creates.
type ids struct {
	provider store.ProviderID
	business store.BusinessID
	number   store.NumberID
}

func readIDs(t *testing.T, target string) ids {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, target, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.GetProviderByName(ctx, "twilio-main")
	if err != nil {
		t.Fatalf("provider not applied: %v", err)
	}
	if p.AuthToken != tokenEnv["TWILIO_AUTH_TOKEN"] {
		t.Errorf("auth token = %q, want the one from the environment", p.AuthToken)
	}
	b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
	if err != nil {
		t.Fatalf("business not applied: %v", err)
	}
	n, err := s.GetNumberByE164(ctx, "+13125550199")
	if err != nil {
		t.Fatalf("number not applied: %v", err)
	}
	if n.ForwardTo != "+13125550100" || n.RingSeconds != 18 || n.BusinessID != b.ID || n.ProviderID != p.ID {
		t.Errorf("number applied as %+v", n)
	}
	return ids{provider: p.ID, business: b.ID, number: n.ID}
}

func TestApply(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			target := storetest.Target(t, d)
			first := runMain(t, tokenEnv, "apply", "-f", exampleFile, "--db", target)
			if first.code != 0 {
				t.Fatalf("first apply exit code = %d, stderr %q", first.code, first.stderr)
			}
			for _, want := range []string{
				"acme-plumbing text_back: GSM-7, 1 segment(s)",
				"acme-plumbing after_hours: GSM-7",
				"1 provider(s), 1 business(es), 1 number(s)",
			} {
				if !strings.Contains(first.stdout, want) {
					t.Errorf("first apply output lacks %q: %q", want, first.stdout)
				}
			}
			if strings.Contains(first.stdout, tokenEnv["TWILIO_AUTH_TOKEN"]) || strings.Contains(first.stderr, tokenEnv["TWILIO_AUTH_TOKEN"]) {
				t.Errorf("apply printed the auth token")
			}
			before := readIDs(t, target)
			second := runMain(t, tokenEnv, "apply", "-f", exampleFile, "--db", target)
			if second.code != 0 {
				t.Fatalf("second apply exit code = %d, stderr %q", second.code, second.stderr)
			}
			if after := readIDs(t, target); after != before {
				t.Errorf("second apply changed ids from %+v to %+v", before, after)
			}
		})
	}
}

// The database is named by TEXTBACK_DB when no flag is given.
func TestApplyEnvDB(t *testing.T) {
	target := filepath.Join(t.TempDir(), "env.db")
	env := map[string]string{"TWILIO_AUTH_TOKEN": tokenEnv["TWILIO_AUTH_TOKEN"], "TEXTBACK_DB": target}
	r := runMain(t, env, "apply", "-f", exampleFile)
	if r.code != 0 {
		t.Fatalf("exit code = %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "to "+target+":") {
		t.Errorf("output does not name the database %s: %q", target, r.stdout)
	}
	readIDs(t, target)
}

func TestApplyBroken(t *testing.T) {
	rows := []struct {
		name    string
		applied bool // whether the database held example.yaml before
	}{
		{"new database", false},
		{"applied database", true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "textback.db")
			var before ids
			if row.applied {
				if r := runMain(t, tokenEnv, "apply", "-f", exampleFile, "--db", target); r.code != 0 {
					t.Fatalf("apply example: exit code %d, stderr %q", r.code, r.stderr)
				}
				before = readIDs(t, target)
			}
			r := runMain(t, tokenEnv, "apply", "-f", brokenFile, "--db", target)
			if r.code != 1 {
				t.Errorf("exit code = %d, want 1", r.code)
			}
			for _, want := range []string{
				"error: " + brokenFile + ":10:5: businesses[0].colour: unknown key \"colour\"",
				"error: " + brokenFile + ":14:17: businesses[0].numbers[0].number: invalid phone number \"+1312555019\"",
				brokenFile + " has 2 problem(s); nothing was applied",
			} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q: %q", want, r.stderr)
				}
			}
			if strings.Contains(r.stdout, "applied") {
				t.Errorf("stdout reports an apply: %q", r.stdout)
			}
			if !row.applied {
				if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("broken apply created the database file (stat: %v)", err)
				}
				return
			}
			if after := readIDs(t, target); after != before {
				t.Errorf("broken apply changed ids from %+v to %+v", before, after)
			}
		})
	}
}

func TestApplyCheck(t *testing.T) {
	target := filepath.Join(t.TempDir(), "textback.db")
	r := runMain(t, tokenEnv, "apply", "--check", "-f", exampleFile, "--db", target)
	if r.code != 0 {
		t.Fatalf("exit code = %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, exampleFile+" is valid") {
		t.Errorf("stdout does not say the file is valid: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "acme-plumbing text_back: GSM-7, 1 segment(s)") {
		t.Errorf("stdout lacks the template report: %q", r.stdout)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("apply --check created the database file (stat: %v)", err)
	}
	broken := runMain(t, tokenEnv, "apply", "--check", "-f", brokenFile, "--db", target)
	if broken.code != 1 {
		t.Errorf("check of a broken file exit code = %d, want 1", broken.code)
	}
}

func TestApplyUsage(t *testing.T) {
	rows := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"missing file flag", []string{"apply"}, tokenEnv, 1, "missing -f"},
		{"unknown flag", []string{"apply", "--frob"}, tokenEnv, 2, "flag provided but not defined: -frob"},
		{"extra argument", []string{"apply", "-f", exampleFile, "extra"}, tokenEnv, 2, "unexpected arguments: extra"},
		{"missing file", []string{"apply", "-f", filepath.Join("testdata", "missing.yaml")}, tokenEnv, 1, "missing.yaml"},
		{"missing variable", []string{"apply", "--check", "-f", exampleFile}, nil, 1, "TWILIO_AUTH_TOKEN is not set"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := runMain(t, row.env, row.args...)
			if r.code != row.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", r.code, row.code, r.stderr)
			}
			if !strings.Contains(r.stderr, row.want) {
				t.Errorf("stderr lacks %q: %q", row.want, r.stderr)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			target := storetest.Target(t, d)
			for i := range 2 {
				r := runMain(t, nil, "migrate", "--db", target)
				if r.code != 0 {
					t.Fatalf("migrate %d exit code = %d, stderr %q", i+1, r.code, r.stderr)
				}
				if !strings.Contains(r.stdout, "is up to date") {
					t.Errorf("migrate %d output = %q, want it to say the database is up to date", i+1, r.stdout)
				}
			}
			calls := runMain(t, nil, "calls", "--db", target)
			if calls.code != 0 || !strings.Contains(calls.stdout, "no calls yet") {
				t.Errorf("calls on a migrated database: exit %d, stdout %q, stderr %q", calls.code, calls.stdout, calls.stderr)
			}
		})
	}
}

// The PostgreSQL password never reaches the output.
func TestMigrateHidesPassword(t *testing.T) {
	target := storetest.Target(t, store.Postgres)
	withPassword := strings.Replace(target, "postgres@", "postgres:s3cretpw@", 1)
	r := runMain(t, nil, "migrate", "--db", withPassword)
	out := r.stdout + r.stderr
	if strings.Contains(out, "s3cretpw") {
		t.Errorf("output contains the password: %q", out)
	}
}

func TestCallsEmpty(t *testing.T) {
	target := filepath.Join(t.TempDir(), "textback.db")
	if r := runMain(t, nil, "migrate", "--db", target); r.code != 0 {
		t.Fatalf("migrate: exit code %d, stderr %q", r.code, r.stderr)
	}
	rows := []struct {
		name string
		args []string
		want string
	}{
		{"table", nil, "no calls yet\n"},
		{"json", []string{"--json"}, "[]\n"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := runMain(t, nil, append([]string{"calls", "--db", target}, row.args...)...)
			if r.code != 0 {
				t.Fatalf("exit code = %d, stderr %q", r.code, r.stderr)
			}
			if r.stdout != row.want {
				t.Errorf("stdout = %q, want %q", r.stdout, row.want)
			}
		})
	}
}

func TestCallsMissingDatabase(t *testing.T) {
	target := filepath.Join(t.TempDir(), "typo.db")
	r := runMain(t, nil, "calls", "--db", target)
	if r.code != 1 || !strings.Contains(r.stderr, "typo.db") {
		t.Errorf("calls on a missing database: exit %d, stderr %q; want 1 naming the file", r.code, r.stderr)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("calls created the missing database file")
	}
}

func TestCallsUsage(t *testing.T) {
	target := filepath.Join(t.TempDir(), "textback.db")
	if r := runMain(t, nil, "migrate", "--db", target); r.code != 0 {
		t.Fatalf("migrate: exit code %d, stderr %q", r.code, r.stderr)
	}
	rows := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"limit zero", []string{"--limit", "0"}, 1, "invalid --limit 0"},
		{"limit too large", []string{"--limit", "10001"}, 1, "invalid --limit 10001"},
		{"unknown business", []string{"--business", "nobody"}, 1, "nobody"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := runMain(t, nil, append([]string{"calls", "--db", target}, row.args...)...)
			if r.code != row.code {
				t.Errorf("exit code = %d, want %d", r.code, row.code)
			}
			if !strings.Contains(r.stderr, row.want) {
				t.Errorf("stderr lacks %q: %q", row.want, r.stderr)
			}
		})
	}
}

// startApp runs textback with its demo business on a new SQLite file and returns the file and
// the address the server listens on.
func startApp(t *testing.T) (string, string) {
	t.Helper()
	ctx := context.Background()
	target := filepath.Join(t.TempDir(), "textback.db")
	cfg := config.Config{Addr: "127.0.0.1:0", DB: target, PublicURL: publicURL}
	a, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatalf("start app: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := a.Stop(ctx); err != nil {
			t.Errorf("stop app: %v", err)
		}
	})
	return target, a.Addr()
}

var callSIDLine = regexp.MustCompile(`(?m)^Call (CA[0-9a-f]{32})$`)

func TestSimulateCall(t *testing.T) {
	target, addr := startApp(t)
	server := "http://" + addr
	rows := []struct {
		from     string
		outcome  string
		decision string // a part of the printed decision
		text     string // a part of the printed text line; empty means no text
	}{
		{"+12025550143", "no-answer", "decision: missed: no answer within 18 s; texted (", "text to +12025550143 [sent]: "},
		{"+12025550144", "busy", "decision: missed: the forwarded phone was busy; texted (", "text to +12025550144 [sent]: "},
		{"+12025550145", "voicemail", "decision: missed: answered by a machine (machine_end_beep); texted (", "text to +12025550145 [sent]: "},
		{"+12025550146", "answered", "decision: answered: answered by a person (42 s)", ""},
		{"Anonymous", "no-answer", `decision: missed: no answer within 18 s; not texted: caller id "Anonymous" is withheld`, ""},
		// The first caller again: the window allows one text back per day.
		{"+12025550143", "busy", "decision: missed: the forwarded phone was busy; not texted: caller was texted back", ""},
	}
	var sids []string
	for _, row := range rows {
		t.Run(row.outcome+" "+row.from, func(t *testing.T) {
			r := runMain(t, nil, "simulate", "call", "--from", row.from, "--outcome", row.outcome,
				"--server", server, "--public-url", publicURL, "--db", target)
			if r.code != 0 {
				t.Fatalf("exit code = %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
			}
			if !strings.Contains(r.stdout, "Simulating a call from "+row.from+" to +13125550199 (sandbox), ending "+row.outcome) {
				t.Errorf("stdout lacks the opening line: %q", r.stdout)
			}
			if !strings.Contains(r.stdout, "← 200") {
				t.Errorf("stdout shows no accepted webhook: %q", r.stdout)
			}
			if !strings.Contains(r.stdout, row.decision) {
				t.Errorf("stdout lacks %q: %q", row.decision, r.stdout)
			}
			hasText := strings.Contains(r.stdout, "text to ")
			if row.text == "" && hasText {
				t.Errorf("stdout shows a text, want none: %q", r.stdout)
			}
			if row.text != "" && !strings.Contains(r.stdout, row.text+"Hi") {
				t.Errorf("stdout lacks the sent text %q: %q", row.text, r.stdout)
			}
			if row.text != "" && !strings.Contains(r.stdout, "Reply STOP to opt out.") {
				t.Errorf("sent text lacks the opt-out line: %q", r.stdout)
			}
			match := callSIDLine.FindStringSubmatch(r.stdout)
			if match == nil {
				t.Fatalf("stdout names no call: %q", r.stdout)
			}
			sids = append(sids, match[1])
		})
	}

	table := runMain(t, nil, "calls", "--db", target)
	if table.code != 0 {
		t.Fatalf("calls exit code = %d, stderr %q", table.code, table.stderr)
	}
	if !strings.HasPrefix(table.stdout, "TIME") || !strings.Contains(table.stdout, "TEXT BACK") ||
		!strings.Contains(table.stdout, "DECISION") {
		t.Errorf("calls output lacks its header: %q", table.stdout)
	}
	for _, sid := range sids {
		if !strings.Contains(table.stdout, sid) {
			t.Errorf("calls output lacks call %s: %q", sid, table.stdout)
		}
	}
	// The withheld caller id is listed as the provider sent it.
	for _, want := range []string{"demo-plumbing", "Anonymous", "answered: answered by a person (42 s)"} {
		if !strings.Contains(table.stdout, want) {
			t.Errorf("calls output lacks %q: %q", want, table.stdout)
		}
	}

	limited := runMain(t, nil, "calls", "--db", target, "--limit", "2", "--business", "demo-plumbing", "--json")
	if limited.code != 0 {
		t.Fatalf("calls --json exit code = %d, stderr %q", limited.code, limited.stderr)
	}
	var listed []map[string]any
	if err := json.Unmarshal([]byte(limited.stdout), &listed); err != nil {
		t.Fatalf("calls --json output is not JSON: %v: %q", err, limited.stdout)
	}
	if len(listed) != 2 {
		t.Fatalf("calls --limit 2 listed %d calls, want 2", len(listed))
	}
	if len(sids) == len(rows) && listed[0]["provider_call_id"] != sids[len(sids)-1] {
		t.Errorf("newest listed call = %v, want the last simulated call %s", listed[0]["provider_call_id"], sids[len(sids)-1])
	}
	for _, call := range listed {
		if _, ok := call["DoneAt"]; ok {
			t.Errorf("calls --json prints Go field names: %v", call)
		}
	}
}

func TestSimulateUsage(t *testing.T) {
	target, addr := startApp(t)
	server := "http://" + addr
	rows := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"simulate"}, 2, "textback simulate call --from"},
		{"unknown subcommand", []string{"simulate", "fax"}, 2, `unknown subcommand "fax"`},
		{"text without body", []string{"simulate", "text", "--from", "+12025550143", "--db", target}, 1, "missing --from or --body"},
		{"unknown number", []string{"simulate", "call", "--from", "+12025550143", "--to", "+13125550111", "--server", server,
			"--db", target}, 1, "no business has that number"},
		{"missing from", []string{"simulate", "call", "--server", server, "--db", target}, 1, "missing --from"},
		{"unknown outcome", []string{"simulate", "call", "--from", "+12025550143", "--outcome", "hung-up",
			"--server", server, "--db", target}, 1, `invalid --outcome "hung-up"`},
		{"unknown number", []string{"simulate", "call", "--from", "+12025550143", "--to", "+13125550111",
			"--server", server, "--db", target}, 1, "+13125550111"},
		{"invalid number", []string{"simulate", "call", "--from", "+12025550143", "--to", "12",
			"--server", server, "--db", target}, 1, "invalid --to"},
		{"wrong public url", []string{"simulate", "call", "--from", "+12025550143", "--server", server,
			"--public-url", "https://other.example.com", "--db", target}, 1, "403"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			r := runMain(t, nil, row.args...)
			if r.code != row.code {
				t.Errorf("exit code = %d, want %d (stderr %q)", r.code, row.code, r.stderr)
			}
			if !strings.Contains(r.stderr, row.want) {
				t.Errorf("stderr lacks %q: %q", row.want, r.stderr)
			}
		})
	}
}

// serve on a port already in use fails before it creates or seeds the database.
func TestServeBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "textback.db")
	r := runMain(t, nil, "serve", "--addr", ln.Addr().String(), "--db", db)
	if r.code != 1 {
		t.Errorf("exit code = %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "listen on "+ln.Addr().String()) {
		t.Errorf("stderr does not name the busy address: %q", r.stderr)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve created %s before failing (stat: %v)", db, err)
	}
}

// simulate text sends a lead's text to the demo business and prints how textback applied it and
// the replies it queued.
func TestSimulateText(t *testing.T) {
	target, addr := startApp(t)
	server := "http://" + addr
	rows := []struct {
		body    string
		applied string // a part of the printed result
		reply   string // a part of the printed reply; empty means none
	}{
		{"URGENT", "URGENT", "flagged this as urgent"},
		{"STOP", "opt", "unsubscribed"},
		{"Are you there?", "", ""},
	}
	for _, row := range rows {
		r := runMain(t, nil, "simulate", "text", "--from", "+12025550199", "--body", row.body, "--server", server,
			"--public-url", publicURL, "--db", target)
		if r.code != 0 {
			t.Fatalf("%s: exit code = %d, stderr %q, stdout %q", row.body, r.code, r.stderr, r.stdout)
		}
		if !strings.Contains(r.stdout, "applied: ") || !strings.Contains(r.stdout, row.applied) {
			t.Errorf("%s: stdout lacks the applied result %q: %q", row.body, row.applied, r.stdout)
		}
		if row.reply != "" && !strings.Contains(r.stdout, row.reply) {
			t.Errorf("%s: stdout lacks the reply %q: %q", row.body, row.reply, r.stdout)
		}
		if row.reply == "" && strings.Contains(r.stdout, "text to +12025550199") {
			t.Errorf("%s: a lead who opted out got a reply: %q", row.body, r.stdout)
		}
	}
}
