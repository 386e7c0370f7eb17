package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// Bodies of the crash test's follow-ups, which identify the step.
const (
	crashFirstFollowUp  = "First follow-up from Acme Plumbing."
	crashSecondFollowUp = "Second follow-up from Acme Plumbing."
)

// crashCaller returns the number of lead i of the crash test, in a block of Washington, D.C.
// numbers.
func crashCaller(i int) string { return fmt.Sprintf("+1202%07d", 4000000+i) }

// Follow-ups that are pending or running when the server is killed with SIGKILL survive the
// crash: after a restart on the same database, every lead has had its text back and its last
// follow-up exactly once, and the first follow-up at most once: a lead whose two follow-ups were
// both overdue after the restart gets only the last.
func TestFollowUpsSurviveCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about two minutes: River retries the jobs a killed process left running only after 90 s")
	}
	const leads = 300
	ctx := context.Background()
	bin := buildTextback(t)
	fake := twiliotest.New(t)
	db := filepath.Join(t.TempDir(), "textback.db")
	s := seedCrashDatabase(t, db, fake)

	// The server runs on the wall clock, so every lead lives in a zone where it is midday now and
	// quiet hours never hold a follow-up.
	zone := middayZone(time.Now())
	b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
	if err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(tx *store.Tx) error {
		for i := range leads {
			c, err := tx.UpsertContact(ctx, b.ID, crashCaller(i))
			if err != nil {
				return err
			}
			if err := tx.SetContactTimeZone(ctx, b.ID, c.ID, zone); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	server := startTextback(t, bin, db, addr)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)

	// The calls are spread over about six seconds, so that the follow-ups fall due one after
	// another and the kill lands among them.
	var wg sync.WaitGroup
	for i := range leads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			postMissedCall(t, client, fake, addr, fmt.Sprintf("CA%032d", i+1), crashCaller(i))
		}()
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	waitForBodies(t, fake, "text backs", 3*time.Minute, func(counts map[string]int) bool {
		return counts[crashTextBackBody] >= leads
	})

	waitForBodies(t, fake, "half the first follow-ups", time.Minute, func(counts map[string]int) bool {
		return counts[crashFirstFollowUp] >= leads/2
	})
	server.kill(t)
	before := countBodies(fake.Sent())
	t.Logf("killed the server after %d first and %d second follow-ups", before[crashFirstFollowUp], before[crashSecondFollowUp])

	// The server stays down until the second follow-ups are due as well, so that both steps of
	// many leads are overdue together after the restart.
	time.Sleep(8 * time.Second)
	startTextback(t, bin, db, addr)
	waitForBodies(t, fake, "every last follow-up", 5*time.Minute, func(counts map[string]int) bool {
		return counts[crashSecondFollowUp] >= leads
	})
	// Jobs that were running at the kill run again once River rescues them, jobs.RescueAfter
	// (90 s) after they started. They must find their work done.
	deadline := time.Now().Add(4 * time.Minute)
	logged := ""
	for n, pending := pendingJobs(t, s); n > 0; n, pending = pendingJobs(t, s) {
		if time.Now().After(deadline) {
			t.Fatalf("jobs still pending after 4 minutes: %s", pending)
		}
		if pending != logged {
			t.Logf("waiting for jobs: %s", pending)
			logged = pending
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)

	perLead := map[string]map[string]int{}
	for _, m := range fake.Sent() {
		if perLead[m.To] == nil {
			perLead[m.To] = map[string]int{}
		}
		perLead[m.To][crashKind(m.Body)]++
	}
	skipped := 0
	for i := range leads {
		got := perLead[crashCaller(i)]
		for _, kind := range []string{"text back", "second follow-up"} {
			if got[kind] != 1 {
				t.Errorf("lead %s got %d of the %s, want 1", crashCaller(i), got[kind], kind)
			}
		}
		switch got["first follow-up"] {
		case 0:
			skipped++
		case 1:
		default:
			t.Errorf("lead %s got the first follow-up %d times, want it at most once", crashCaller(i), got["first follow-up"])
		}
		if len(got) > 3 {
			t.Errorf("lead %s got texts %v, want a text back and the follow-ups only", crashCaller(i), got)
		}
	}
	t.Logf("%d leads had their first follow-up skipped because the last was due too", skipped)
	for i := range leads {
		c, err := s.GetContactByE164(ctx, b.ID, crashCaller(i))
		if err != nil {
			t.Fatal(err)
		}
		seqs, err := s.ListSequences(ctx, b.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(seqs) != 1 {
			t.Errorf("lead %s has %d sequences, want 1", c.E164, len(seqs))
			continue
		}
		if seqs[0].State != store.SequenceDone {
			t.Errorf("lead %s has a sequence in state %q, want %q", c.E164, seqs[0].State, store.SequenceDone)
		}
		if seqs[0].StepsSent != 2 {
			t.Errorf("lead %s has a sequence with %d steps sent, want 2", c.E164, seqs[0].StepsSent)
		}
	}
}

// crashTextBackBody is the text back of the crash test's business, which is open all week.
const crashTextBackBody = "Hi, this is Dana at Acme Plumbing. Sorry we missed your call! How can we help? " +
	msgtemplate.OptOutSuffix

// crashKind names the text of the crash test with the body.
func crashKind(body string) string {
	switch body {
	case crashTextBackBody:
		return "text back"
	case crashFirstFollowUp:
		return "first follow-up"
	case crashSecondFollowUp:
		return "second follow-up"
	}
	return "unexpected text " + body
}

// countBodies counts the texts by body.
func countBodies(msgs []twiliotest.Message) map[string]int {
	counts := map[string]int{}
	for _, m := range msgs {
		counts[m.Body]++
	}
	return counts
}

// waitForBodies waits up to limit until cond holds for the fake's texts counted by body.
func waitForBodies(t *testing.T, fake *twiliotest.Server, what string, limit time.Duration, cond func(map[string]int) bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		counts := countBodies(fake.Sent())
		if cond(counts) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; texts by body: %v", limit, what, counts)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// pendingJobs returns how many follow-up and delivery jobs have yet to finish, and a summary of
// them by state and kind.
func pendingJobs(t *testing.T, s *store.Store) (int, string) {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(),
		"SELECT kind, state, count(*) FROM river_job WHERE kind IN ('follow_up', 'deliver_message') "+
			"AND state NOT IN ('completed', 'cancelled', 'discarded') GROUP BY kind, state")
	if err != nil {
		t.Fatalf("count pending jobs: %v", err)
	}
	defer rows.Close()
	total := 0
	var groups []string
	for rows.Next() {
		var (
			kind, state string
			n           int
		)
		if err := rows.Scan(&kind, &state, &n); err != nil {
			t.Fatalf("count pending jobs: %v", err)
		}
		total += n
		groups = append(groups, fmt.Sprintf("%d %s %s", n, state, kind))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("count pending jobs: %v", err)
	}
	return total, strings.Join(groups, ", ")
}

// buildTextback builds the textback command into a temporary folder and returns its path.
func buildTextback(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "textback")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/textback/textback/cmd/textback")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build textback: %v\n%s", err, out)
	}
	return bin
}

// seedCrashDatabase migrates a SQLite database at path and stores a business whose number uses
// the fake Twilio API, with two follow-ups 12 and 16 seconds after a missed call. It returns a
// store on the database, closed when the test ends.
func seedCrashDatabase(t *testing.T, path string, fake *twiliotest.Server) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := app.Migrate(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: twilio.ProviderKind, AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, APIBaseURL: fake.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	for day := range week {
		week[day] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	settings := store.DefaultSettings()
	settings.Alerts.MissedCalls = false
	// The first follow-up is more than River's 5 s scheduler interval after the call, so that the
	// queue has it ready when it falls due.
	settings.FollowUps = []store.FollowUpStep{
		followUpStep(12*time.Second, "First follow-up from {business}."),
		followUpStep(16*time.Second, "Second follow-up from {business}."),
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", RepName: "Dana",
		Hours: week, Settings: settings,
		TextBack: store.TextBackSettings{
			Enabled: true, Window: 24 * time.Hour, Template: msgtemplate.DefaultTextBack,
			AfterHoursTemplate: msgtemplate.DefaultAfterHours,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: businessNumber, Mode: store.ModeDial, ForwardTo: ownerPhone,
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// freeAddr returns a local address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// textbackProcess is a running textback serve command.
type textbackProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

// startTextback runs textback serve on the database at addr and waits until its health check
// passes. The process is stopped when the test ends, and its log is shown if the test failed.
func startTextback(t *testing.T, bin, db, addr string) *textbackProcess {
	t.Helper()
	p := &textbackProcess{done: make(chan struct{}), log: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "serve", "--addr", addr, "--db", db, "--public-url", "http://"+addr, "--log-level", "warn")
	// Flags set every setting the test relies on. The test's own TEXTBACK_ variables, such as
	// TEXTBACK_TEST_POSTGRES, stay out of the server's environment.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEXTBACK_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	var logMu sync.Mutex
	p.cmd.Stdout = lockedWriter{&logMu, p.log}
	p.cmd.Stderr = lockedWriter{&logMu, p.log}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start textback: %v", err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Signal(os.Interrupt)
			select {
			case <-p.done:
			case <-time.After(30 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("textback serve (pid %d) log:\n%s", p.cmd.Process.Pid, p.log.String())
			logMu.Unlock()
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("textback serve exited before it was ready: %s", p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("textback serve not ready at %s after 30 s (last error %v)", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL, as a crash would, and waits until it is gone.
func (p *textbackProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill textback: %v", err)
	}
	<-p.done
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// postMissedCall posts the signed webhooks of a call from from that rings out, to the server at
// addr, whose public URL is http://addr.
func postMissedCall(t *testing.T, client *http.Client, fake *twiliotest.Server, addr, callSID, from string) {
	if err := sendMissedCall(client, fake, addr, callSID, from); err != nil {
		t.Error(err)
	}
}

// sendMissedCall posts the signed webhooks of a call from from that rings out, as postMissedCall
// does, and returns an error unless both were acknowledged.
func sendMissedCall(client *http.Client, fake *twiliotest.Server, addr, callSID, from string) error {
	form := url.Values{
		"AccountSid": {fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSID},
		"From": {from}, "Caller": {from}, "To": {businessNumber}, "Called": {businessNumber}, "Direction": {"inbound"},
		"CallStatus": {"ringing"},
	}
	for _, route := range []string{"voice", "voice/dial"} {
		if route == "voice/dial" {
			form.Set("CallStatus", "in-progress")
			form.Set("DialCallStatus", "no-answer")
			form.Set("DialCallDuration", "0")
		}
		target := "http://" + addr + "/webhooks/twilio/" + route
		req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilio.Sign(fake.AuthToken, target, form))
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("post %s for call %s: %w", route, callSID, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("post %s for call %s: status %d", route, callSID, resp.StatusCode)
		}
	}
	return nil
}
