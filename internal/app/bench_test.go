package app_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// BenchmarkTextBack plays missed calls at a steady rate against textback and a fake Twilio API on
// 127.0.0.1, and reports the latency from a missed call's dial webhook reaching textback to the
// text back's request reaching the provider, and the rate at which texts went out. It reports
// percentiles instead of time per operation; run it once per setting:
//
//	go test -run '^$' -bench TextBack -benchtime 1x ./internal/app
//
// TEXTBACK_BENCH_RATE (missed calls per second, default 50), TEXTBACK_BENCH_DURATION (default
// 30s), TEXTBACK_BENCH_DATABASES (default sqlite; e.g. sqlite,postgres) and
// TEXTBACK_BENCH_INSTANCES (default 1; e.g. 1,2) choose the runs. The load generator, the fake
// provider and every instance share the machine, so figures are lower bounds for a server whose
// CPUs serve textback alone.
func BenchmarkTextBack(b *testing.B) {
	rate := envInt(b, "TEXTBACK_BENCH_RATE", 50)
	duration := envDuration(b, "TEXTBACK_BENCH_DURATION", 30*time.Second)
	for _, d := range strings.Split(envString("TEXTBACK_BENCH_DATABASES", "sqlite"), ",") {
		for _, inst := range strings.Split(envString("TEXTBACK_BENCH_INSTANCES", "1"), ",") {
			var instances int
			if _, err := fmt.Sscan(inst, &instances); err != nil || instances < 1 {
				b.Fatalf("invalid TEXTBACK_BENCH_INSTANCES entry %q", inst)
			}
			b.Run(fmt.Sprintf("%s/instances=%d/rate=%d", d, instances, rate), func(b *testing.B) {
				for range b.N {
					runLoad(b, store.Dialect(d), instances, rate, duration)
				}
			})
		}
	}
}

// runLoad plays rate missed calls per second for duration, spread over the instances, and
// reports the results.
func runLoad(b *testing.B, d store.Dialect, instances, rate int, duration time.Duration) {
	h := newCluster(b, d, instances, numberSetup{}, twiliotest.WithoutContract())
	calls := int(duration.Seconds() * float64(rate))
	sentAt := make([]time.Time, calls)
	acked := make([]time.Duration, calls)
	var failures atomic.Int64
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	b.ResetTimer()
	for i := range calls {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		from := fmt.Sprintf("+1202%07d", 5550000+i)
		sid := h.newCallSID()
		target := i % instances
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _ := h.postTo(target, "voice", h.callForm(sid, from, "CallStatus", "ringing")); status != http.StatusOK {
				failures.Add(1)
				return
			}
			sentAt[i] = time.Now()
			form := h.callForm(sid, from, "CallStatus", "in-progress", "DialCallStatus", "no-answer")
			if status, _ := h.postTo(target, "voice/dial", form); status != http.StatusOK {
				failures.Add(1)
			}
			acked[i] = time.Since(sentAt[i])
		}()
	}
	offered := time.Since(start)
	wg.Wait()
	deadline := time.Now().Add(60 * time.Second)
	for len(h.fake.Sent()) < calls && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	b.StopTimer()
	index := make(map[string]int, calls)
	for i := range calls {
		index[fmt.Sprintf("+1202%07d", 5550000+i)] = i
	}
	var latencies []time.Duration
	var last time.Time
	for _, req := range h.fake.Requests() {
		i, ok := index[req.Form.Get("To")]
		if req.Method != http.MethodPost || !ok || sentAt[i].IsZero() {
			continue
		}
		latencies = append(latencies, req.Received.Sub(sentAt[i]))
		if req.Received.After(last) {
			last = req.Received
		}
	}
	if n := failures.Load(); n > 0 {
		b.Errorf("%d webhooks were not accepted", n)
	}
	if len(latencies) != calls {
		b.Errorf("%d of %d calls were texted", len(latencies), calls)
		describeBacklog(b, h)
	}
	report(b, "latency", latencies)
	report(b, "ack", acked)
	b.ReportMetric(float64(len(latencies))/last.Sub(start).Seconds(), "texts/s")
	b.ReportMetric(float64(calls)/offered.Seconds(), "offered/s")
}

// report adds the 50th, 99th and 100th percentiles of ds, in milliseconds, as metrics named
// prefix-p50-ms and so on.
func report(b *testing.B, prefix string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	pct := func(p float64) float64 {
		return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"-p50-ms")
	b.ReportMetric(pct(0.99), prefix+"-p99-ms")
	b.ReportMetric(pct(1), prefix+"-max-ms")
}

func envString(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(b *testing.B, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
		b.Fatalf("invalid %s %q: want a positive whole number", key, v)
	}
	return n
}

func envDuration(b *testing.B, key string, def time.Duration) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("invalid %s %q: want a duration such as 30s", key, v)
	}
	return d
}

// describeBacklog logs what is still in flight, to explain texts that did not arrive in time.
func describeBacklog(b *testing.B, h *harness) {
	rows, err := h.store.DB().Query(`SELECT status, count(*) FROM messages GROUP BY status`)
	if err == nil {
		for rows.Next() {
			var status string
			var n int
			_ = rows.Scan(&status, &n)
			b.Logf("messages %s: %d", status, n)
		}
		rows.Close()
	}
	var pending int
	_ = h.store.DB().QueryRow(`SELECT count(*) FROM webhooks WHERE processed_at IS NULL`).Scan(&pending)
	b.Logf("webhooks not applied: %d", pending)
	rows, err = h.store.DB().Query(`SELECT kind, state, count(*) FROM river_job GROUP BY kind, state`)
	if err == nil {
		for rows.Next() {
			var kind, state string
			var n int
			_ = rows.Scan(&kind, &state, &n)
			b.Logf("jobs %s %s: %d", kind, state, n)
		}
		rows.Close()
	}
}
