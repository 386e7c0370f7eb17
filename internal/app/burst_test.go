package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// burstCaller returns the number of caller i of a burst.
func burstCaller(i int) string { return fmt.Sprintf("+1202%07d", 7000000+i) }

// burstResult is what playBurst measured.
type burstResult struct {
	acks     []time.Duration // how long each dial webhook took to be acknowledged
	failed   int             // dial webhooks not answered 200, or not answered at all
	offered  time.Duration   // how long sending the burst took
	drained  time.Duration   // from the burst's start until the last text reached the provider
	texted   int             // callers with at least one text
	doubled  int             // callers with more than one text
	firstErr string          // the first failure, for messages
}

// playBurst plays n missed calls whose dial webhooks all arrive within over. The voice webhooks
// come first, as they do while the calls ring, and are not measured. It waits up to drainLimit
// for every caller's text back.
func playBurst(tb testing.TB, h *harness, n int, over, drainLimit time.Duration) burstResult {
	tb.Helper()
	sids := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range sids {
		sids[i] = h.newCallSID()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if status, err := h.tryPost(h.app, "voice", h.callForm(sids[i], burstCaller(i), "CallStatus", "ringing")); err != nil || status != http.StatusOK {
				tb.Errorf("ringing webhook of call %s: status %d, %v", sids[i], status, err)
			}
		}()
	}
	wg.Wait()

	var (
		mu  sync.Mutex
		res = burstResult{acks: make([]time.Duration, 0, n)}
	)
	interval := over / time.Duration(n)
	start := time.Now()
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := h.callForm(sids[i], burstCaller(i), "CallStatus", "in-progress", "DialCallStatus", "no-answer",
				"DialCallDuration", "0")
			sent := time.Now()
			status, err := h.tryPost(h.app, "voice/dial", form)
			took := time.Since(sent)
			mu.Lock()
			defer mu.Unlock()
			res.acks = append(res.acks, took)
			if err != nil || status != http.StatusOK {
				res.failed++
				if res.firstErr == "" {
					res.firstErr = fmt.Sprintf("call %s: status %d, %v", sids[i], status, err)
				}
			}
		}()
	}
	res.offered = time.Since(start)
	wg.Wait()

	deadline := start.Add(drainLimit)
	for len(h.fake.Sent()) < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var last time.Time
	perCaller := map[string]int{}
	for _, r := range h.fake.Requests() {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Form.Get("To"), "+12027") {
			continue
		}
		perCaller[r.Form.Get("To")]++
		if r.Received.After(last) {
			last = r.Received
		}
	}
	res.drained = last.Sub(start)
	for _, count := range perCaller {
		res.texted++
		if count > 1 {
			res.doubled++
		}
	}
	return res
}

// check fails tb when any dial webhook was not acknowledged, or a caller got no text or two.
func (r burstResult) check(tb testing.TB, n int) {
	tb.Helper()
	if r.failed > 0 {
		tb.Errorf("%d of %d dial webhooks were not acknowledged; first: %s", r.failed, n, r.firstErr)
	}
	if r.texted != n {
		tb.Errorf("%d of %d callers were texted", r.texted, n)
	}
	if r.doubled > 0 {
		tb.Errorf("%d callers got more than one text", r.doubled)
	}
}

// A burst of 1,000 missed calls whose dial webhooks arrive within one second is acknowledged
// without an error, and every caller gets exactly one text. BenchmarkBurst measures how fast.
func TestBurstAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("plays 1,000 missed calls per database")
	}
	const calls = 1000
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{}, twiliotest.WithoutContract())
		res := playBurst(t, h, calls, time.Second, 60*time.Second)
		res.check(t, calls)
		t.Logf("%d dial webhooks offered in %s; texts drained %s after the burst began",
			calls, res.offered.Round(time.Millisecond), res.drained.Round(time.Millisecond))
	})
}

// BenchmarkBurst plays TEXTBACK_BENCH_BURST (default 1000) missed calls whose dial webhooks arrive
// within one second, and reports how long acknowledging them took and how long after the burst
// began the last text back reached the provider. Run it once per setting:
//
//	TEXTBACK_BENCH_DATABASES=sqlite,postgres go test -run '^$' -bench Burst -benchtime 1x ./internal/app
func BenchmarkBurst(b *testing.B) {
	calls := envInt(b, "TEXTBACK_BENCH_BURST", 1000)
	for _, d := range strings.Split(envString("TEXTBACK_BENCH_DATABASES", "sqlite"), ",") {
		b.Run(fmt.Sprintf("%s/calls=%d", d, calls), func(b *testing.B) {
			for range b.N {
				h := newHarness(b, store.Dialect(d), numberSetup{}, twiliotest.WithoutContract())
				b.ResetTimer()
				res := playBurst(b, h, calls, time.Second, 60*time.Second)
				b.StopTimer()
				res.check(b, calls)
				report(b, "ack", res.acks)
				b.ReportMetric(res.offered.Seconds(), "offered-s")
				b.ReportMetric(res.drained.Seconds(), "drained-s")
				b.ReportMetric(float64(res.failed), "failed")
			}
		})
	}
}
