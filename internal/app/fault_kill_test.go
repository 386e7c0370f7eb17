package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// longFaultsEnv names the environment variable that turns on the fault tests that take minutes.
const longFaultsEnv = "TEXTBACK_LONG_FAULTS"

// requireLongFaults skips the test unless TEXTBACK_LONG_FAULTS is set.
func requireLongFaults(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(longFaultsEnv) == "" {
		t.Skipf("%s; set %s=1 to run it", why, longFaultsEnv)
	}
}

// killCaller returns the number of caller i of the kill test.
func killCaller(i int) string { return fmt.Sprintf("+1202%07d", 6500000+i) }

// A server killed with SIGKILL in the middle of a burst of missed calls and started again on the
// same database texts every caller exactly once and sends each follow-up at most once, the last
// exactly once. Callers whose webhooks got no answer before the kill are sent again, as the
// provider retries them.
func TestKilledMidBurst(t *testing.T) {
	requireLongFaults(t, "takes about two minutes per database: River rescues the jobs a killed process left running after 90 s")
	const callers = 300
	bin := buildTextback(t)
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		fake := twiliotest.New(t, twiliotest.WithoutContract())
		db := storetest.Target(t, d)
		s := seedCrashDatabase(t, db, fake)
		b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		zone := middayZone(time.Now())
		for i := range callers {
			c, err := s.UpsertContact(ctx, b.ID, killCaller(i))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetContactTimeZone(ctx, b.ID, c.ID, zone); err != nil {
				t.Fatal(err)
			}
		}

		addr := freeAddr(t)
		server := startTextback(t, bin, db, addr)
		client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		t.Cleanup(client.CloseIdleConnections)

		acknowledged := make([]bool, callers)
		var (
			acked  atomic.Int64
			killed sync.Once
			wg     sync.WaitGroup
		)
		sem := make(chan struct{}, 32)
		for i := range callers {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if sendMissedCall(client, fake, addr, fmt.Sprintf("CA%032d", i+1), killCaller(i)) != nil {
					return
				}
				acknowledged[i] = true
				if acked.Add(1) == callers/3 {
					killed.Do(func() { server.kill(t) })
				}
			}()
		}
		wg.Wait()
		t.Logf("killed the server with SIGKILL after %d of %d missed calls were acknowledged; "+
			"the provider had accepted %d texts", acked.Load(), callers, len(fake.Sent()))

		restarted := time.Now()
		startTextback(t, bin, db, addr)
		retried := 0
		for i := range callers {
			if acknowledged[i] {
				continue
			}
			retried++
			if err := sendMissedCall(client, fake, addr, fmt.Sprintf("CA%032d", i+1), killCaller(i)); err != nil {
				t.Errorf("caller %d: retried webhooks: %v", i, err)
			}
		}
		t.Logf("%d callers' webhooks retried against the new server", retried)

		waitForBodies(t, fake, "every text back and last follow-up", 4*time.Minute, func(counts map[string]int) bool {
			return counts[crashTextBackBody] >= callers && counts[crashSecondFollowUp] >= callers
		})
		t.Logf("every text back and last follow-up sent %s after the restart", time.Since(restarted).Round(time.Second))
		deadline := time.Now().Add(4 * time.Minute)
		for n, pending := pendingJobs(t, s); n > 0; n, pending = pendingJobs(t, s) {
			if time.Now().After(deadline) {
				t.Fatalf("jobs still pending after 4 minutes: %s", pending)
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second)

		perCaller := map[string]map[string]int{}
		for _, m := range fake.Sent() {
			if perCaller[m.To] == nil {
				perCaller[m.To] = map[string]int{}
			}
			perCaller[m.To][crashKind(m.Body)]++
		}
		for i := range callers {
			got := perCaller[killCaller(i)]
			for _, kind := range []string{"text back", "second follow-up"} {
				if got[kind] != 1 {
					t.Errorf("caller %s got %d of the %s, want 1", killCaller(i), got[kind], kind)
				}
			}
			if got["first follow-up"] > 1 {
				t.Errorf("caller %s got the first follow-up %d times, want it at most once", killCaller(i), got["first follow-up"])
			}
			if len(got) > 3 {
				t.Errorf("caller %s got texts %v, want a text back and the follow-ups only", killCaller(i), got)
			}
		}
		var unprocessed int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM webhooks WHERE processed_at IS NULL").Scan(&unprocessed); err != nil {
			t.Fatal(err)
		}
		if unprocessed != 0 {
			t.Errorf("%d stored webhooks were never processed", unprocessed)
		}
	})
}
