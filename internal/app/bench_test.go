package app_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// BenchmarkTextBackLatency measures the time from a missed call's dial webhook reaching textback
// to the text back's request reaching the provider, at a steady rate of missed calls against a
// fake Twilio API. It reports percentiles instead of time per operation; run it once:
//
//	go test -run '^$' -bench TextBackLatency -benchtime 1x ./internal/app
//
// TEXTBACK_BENCH_RATE (calls per second, default 50) and TEXTBACK_BENCH_DURATION (default 30s)
// change the load; TEXTBACK_BENCH_DATABASES lists the databases (default sqlite).
func BenchmarkTextBackLatency(b *testing.B) {
	rate := envInt(b, "TEXTBACK_BENCH_RATE", 50)
	duration := envDuration(b, "TEXTBACK_BENCH_DURATION", 30*time.Second)
	for _, d := range strings.Split(envString("TEXTBACK_BENCH_DATABASES", "sqlite"), ",") {
		b.Run(d, func(b *testing.B) {
			for range b.N {
				latencies := runLoad(b, store.Dialect(d), rate, duration)
				report(b, latencies)
			}
		})
	}
}

// runLoad plays rate missed calls per second for duration and returns each call's latency.
func runLoad(b *testing.B, d store.Dialect, rate int, duration time.Duration) []time.Duration {
	h := newHarness(b, d, numberSetup{}, twiliotest.WithoutContract())
	calls := int(duration.Seconds() * float64(rate))
	sentAt := make(map[string]time.Time, calls)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var acked []time.Duration
	ticker := time.NewTicker(time.Second / time.Duration(rate))
	defer ticker.Stop()
	b.ResetTimer()
	for i := range calls {
		<-ticker.C
		from := fmt.Sprintf("+1202555%04d", i%10000)
		sid := h.newCallSID()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, body := h.post("voice", h.callForm(sid, from, "CallStatus", "ringing")); status != http.StatusOK {
				b.Errorf("incoming webhook: %d %s", status, body)
				return
			}
			start := time.Now()
			mu.Lock()
			sentAt[from] = start
			mu.Unlock()
			form := h.callForm(sid, from, "CallStatus", "in-progress", "DialCallStatus", "no-answer")
			if status, body := h.post("voice/dial", form); status != http.StatusOK {
				b.Errorf("dial webhook: %d %s", status, body)
			}
			mu.Lock()
			acked = append(acked, time.Since(start))
			mu.Unlock()
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for len(h.fake.Sent()) < calls && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	b.StopTimer()
	var latencies []time.Duration
	for _, req := range h.fake.Requests() {
		if req.Method != http.MethodPost {
			continue
		}
		if start, ok := sentAt[req.Form.Get("To")]; ok {
			latencies = append(latencies, req.Received.Sub(start))
		}
	}
	slices.Sort(acked)
	if len(acked) > 0 {
		b.Logf("webhook answered: p50 %v, p99 %v, max %v", acked[len(acked)/2], acked[len(acked)*99/100], acked[len(acked)-1])
	}
	if len(latencies) != calls {
		b.Errorf("%d of %d calls were texted", len(latencies), calls)
	}
	return latencies
}

func report(b *testing.B, latencies []time.Duration) {
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		i := int(p * float64(len(latencies)-1))
		return float64(latencies[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.90), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
	b.ReportMetric(float64(len(latencies)), "calls")
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
