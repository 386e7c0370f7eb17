package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/store"
)

// BenchmarkFollowUps schedules follow-ups that come due at an even pace and reports how late
// each reached the fake provider after its due moment. Run it once per setting:
//
//	go test -run '^$' -bench FollowUps -benchtime 1x -timeout 30m ./internal/app
//
// TEXTBACK_BENCH_FOLLOWUPS (default 10000) follow-ups fall due over TEXTBACK_BENCH_SPREAD
// (default 10m), on each of TEXTBACK_BENCH_DATABASES (default sqlite).
func BenchmarkFollowUps(b *testing.B) {
	count := envInt(b, "TEXTBACK_BENCH_FOLLOWUPS", 10000)
	spread := envDuration(b, "TEXTBACK_BENCH_SPREAD", 10*time.Minute)
	for _, d := range strings.Split(envString("TEXTBACK_BENCH_DATABASES", "sqlite"), ",") {
		b.Run(fmt.Sprintf("%s/followups=%d/spread=%s", d, count, spread), func(b *testing.B) {
			for range b.N {
				runFollowUps(b, store.Dialect(d), count, spread)
			}
		})
	}
}

// followUpDelay is the single step's delay after the (backdated) missed call.
const followUpDelay = 3 * time.Hour

func runFollowUps(b *testing.B, d store.Dialect, count int, spread time.Duration) {
	settings := store.DefaultSettings()
	settings.FollowUps = []store.FollowUpStep{{Delay: store.Duration(followUpDelay), Template: "Still need a plumber? Reply STOP to opt out."}}
	h := newHarnessWith(b, d, harnessOptions{settings: &settings, clock: time.Now})

	// The first follow-up falls due after a lead time long enough to schedule them all.
	first := time.Now().Add(20 * time.Second)
	due := scheduleFollowUps(b, h, count, first, spread)
	b.ResetTimer()

	deadline := due[len(due)-1].Add(time.Minute)
	for len(h.fake.Sent()) < count && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	b.StopTimer()

	late := make([]time.Duration, 0, count)
	sent := map[string]int{}
	for _, req := range h.fake.Requests() {
		to := req.Form.Get("To")
		i, ok := followUpIndex(to)
		if req.Method != http.MethodPost || !ok || i >= count {
			continue
		}
		sent[to]++
		late = append(late, req.Received.Sub(due[i]))
	}
	if len(sent) != count {
		b.Errorf("%d of %d follow-ups were sent", len(sent), count)
		describeBacklog(b, h)
	}
	for to, n := range sent {
		if n > 1 {
			b.Errorf("follow-up to %s was sent %d times", to, n)
		}
	}
	report(b, "late", late)
}

// scheduleFollowUps starts one follow-up sequence for each of count new contacts, due from first
// on at an even pace over spread, and returns when each falls due.
func scheduleFollowUps(b *testing.B, h *harness, count int, first time.Time, spread time.Duration) []time.Time {
	ctx := context.Background()
	business := h.business()
	number, err := h.store.GetNumberByE164(ctx, businessNumber)
	if err != nil {
		b.Fatal(err)
	}
	// The benchmark runs on the real clock, so each lead lives in a zone where it is midday now
	// and quiet hours do not hold the follow-ups back.
	zone := middayZone(time.Now())
	queue, err := jobs.New(h.store, jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	service := followup.New(followup.Options{Store: h.store, Queue: queue})

	due := make([]time.Time, count)
	const batch = 500
	for start := 0; start < count; start += batch {
		err := h.store.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+batch, count); i++ {
				due[i] = first.Add(time.Duration(i) * spread / time.Duration(count))
				contact, err := tx.UpsertContact(ctx, business.ID, followUpNumber(i))
				if err != nil {
					return err
				}
				if err := tx.SetContactTimeZone(ctx, business.ID, contact.ID, zone); err != nil {
					return err
				}
				call := store.Call{NumberID: number.ID, StartedAt: due[i].Add(-followUpDelay)}
				if err := service.Start(ctx, tx, business, contact.ID, call); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if time.Now().After(first) {
		b.Fatal("scheduling ended after the first follow-up was due: raise the lead time in runFollowUps")
	}
	return due
}

// followUpNumber is the phone number of lead i, in a block of Washington, D.C. numbers.
func followUpNumber(i int) string { return fmt.Sprintf("+1202%07d", 3000000+i) }

// followUpIndex returns the lead whose phone number is e164, as followUpNumber numbers them.
func followUpIndex(e164 string) (int, bool) {
	rest, ok := strings.CutPrefix(e164, "+1202")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 3000000 {
		return 0, false
	}
	return n - 3000000, true
}

// middayZone returns a fixed-offset IANA zone where the local time at now is between 12:00 and
// 13:00, so a run of under eight hours stays inside the default 08:00 to 21:00 window.
func middayZone(now time.Time) string {
	ahead := 12 - now.UTC().Hour() // hours east of UTC
	if ahead < -12 {
		ahead += 24
	}
	// The Etc zones count the other way: Etc/GMT-3 is three hours east of UTC.
	return fmt.Sprintf("Etc/GMT%+d", -ahead)
}

// BenchmarkPendingFollowUpMemory reports how much the process's memory grows when
// TEXTBACK_BENCH_PENDING (default 100000) follow-ups are waiting, a month away, while the queue
// runs.
//
//	go test -run '^$' -bench PendingFollowUpMemory -benchtime 1x ./internal/app
func BenchmarkPendingFollowUpMemory(b *testing.B) {
	pending := envInt(b, "TEXTBACK_BENCH_PENDING", 100000)
	for _, d := range strings.Split(envString("TEXTBACK_BENCH_DATABASES", "sqlite"), ",") {
		b.Run(fmt.Sprintf("%s/pending=%d", d, pending), func(b *testing.B) {
			for range b.N {
				settings := store.DefaultSettings()
				settings.FollowUps = []store.FollowUpStep{{Delay: store.Duration(followUpDelay), Template: "Still need a plumber?"}}
				h := newHarnessWith(b, store.Dialect(d), harnessOptions{settings: &settings, clock: time.Now})
				settle := func() (heap, rss uint64) {
					time.Sleep(3 * time.Second) // a few queue polls and fetches
					// Return freed memory to the system, so the resident size counts live memory only.
					debug.FreeOSMemory()
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					return m.HeapInuse, residentBytes(b)
				}
				heapBefore, rssBefore := settle()
				scheduleFollowUps(b, h, pending, time.Now().Add(30*24*time.Hour), time.Hour)
				heapAfter, rssAfter := settle()
				b.ReportMetric(float64(int64(heapAfter)-int64(heapBefore))/(1<<20), "heap-MB")
				b.ReportMetric(float64(int64(rssAfter)-int64(rssBefore))/(1<<20), "rss-MB")
			}
		})
	}
}

// residentBytes returns the process's resident set size from /proc/self/status.
func residentBytes(b *testing.B) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("resident memory not measurable here: %v", err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("parse VmRSS %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	b.Skip("resident memory not measurable here: no VmRSS in /proc/self/status")
	return 0
}
