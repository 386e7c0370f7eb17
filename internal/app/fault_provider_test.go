package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/telnyx/telnyxtest"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// faultFollowUp is the body of the one follow-up the fault tests schedule.
const faultFollowUp = "Still need a hand? Acme Plumbing."

// faultSettings are the fault tests' business settings: one follow-up 6 s after the text back, past
// River's 5 s scheduler interval so the step runs at its moment, and no team alerts.
func faultSettings() store.Settings {
	s := followUpSettings(followUpStep(6*time.Second, "Still need a hand? {business}."))
	s.Alerts.MissedCalls = false
	s.Alerts.Email = false
	s.Alerts.EscalateAfter = 0
	return s
}

// faultCaller returns the number of caller i of a fault test, in a block no other test uses.
func faultCaller(i int) string { return fmt.Sprintf("+1202%07d", 6100000+i) }

// faultPick chooses the fault for the nth create request (counted from 1), the attempt'th request
// for the same text (recipient and body), to caller number recipient of the test. It returns nil
// for a normal response.
type faultPick func(n, recipient, attempt int) *twiliotest.Fault

// injector turns a faultPick into a fault function with its own count of attempts per text, and
// counts the faults it injects.
type injector struct {
	pick     faultPick
	mu       sync.Mutex
	attempts map[string]int
	injected int
}

func newInjector(pick faultPick) *injector {
	return &injector{pick: pick, attempts: map[string]int{}}
}

// fault is the injector's twiliotest.FaultFunc.
func (in *injector) fault(n int, form url.Values) *twiliotest.Fault {
	var recipient int
	if _, err := fmt.Sscanf(form.Get("To"), "+1202%07d", &recipient); err != nil {
		return nil
	}
	key := form.Get("To") + "\x00" + form.Get("Body")
	in.mu.Lock()
	defer in.mu.Unlock()
	in.attempts[key]++
	f := in.pick(n, recipient-6100000, in.attempts[key])
	if f != nil {
		in.injected++
	}
	return f
}

// count returns how many faults the injector injected.
func (in *injector) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.injected
}

// providerFault is one way the provider's API misbehaves in TestProviderFaults. Each hits the
// text back and the follow-up alike.
type providerFault struct {
	name string
	pick faultPick
}

var providerFaults = []providerFault{
	{
		// One request in 50 takes 5 s and one in 10 takes a second, so the 99th percentile is 5 s.
		name: "slow",
		pick: func(n, _, _ int) *twiliotest.Fault {
			switch {
			case n%50 == 0:
				return &twiliotest.Fault{Delay: 5 * time.Second}
			case n%10 == 0:
				return &twiliotest.Fault{Delay: time.Second}
			}
			return nil
		},
	},
	{
		// One text in ten is rate limited on its first attempt, with Retry-After.
		name: "rate limited",
		pick: func(_, recipient, attempt int) *twiliotest.Fault {
			if recipient%10 == 3 && attempt == 1 {
				return &twiliotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
			}
			return nil
		},
	},
	{
		// One text in ten meets a server error on its first attempt and one in twenty on its first
		// two: a 500, then a 503.
		name: "server errors",
		pick: func(_, recipient, attempt int) *twiliotest.Fault {
			switch {
			case recipient%10 == 7 && attempt == 1:
				return &twiliotest.Fault{Status: http.StatusInternalServerError}
			case recipient%20 == 7 && attempt == 2:
				return &twiliotest.Fault{Status: http.StatusServiceUnavailable}
			}
			return nil
		},
	},
	{
		// One text in ten is accepted, but the connection closes before the response. textback
		// cannot tell whether it went out, so it must find it at the provider instead of sending
		// it twice.
		name: "no response",
		pick: func(_, recipient, attempt int) *twiliotest.Fault {
			if recipient%10 == 5 && attempt == 1 {
				return &twiliotest.Fault{Drop: true}
			}
			return nil
		},
	},
}

// hangingProvider is a fault of the provider's API that TestProviderFaults plays only when
// TEXTBACK_LONG_FAULTS is set: one text in ten is accepted but its response comes after 20 s, past
// outbound.SendTimeout, so the attempt times out and a later one finds the text at the provider.
var hangingProvider = providerFault{
	name: "hangs",
	pick: func(_, recipient, attempt int) *twiliotest.Fault {
		if recipient%10 == 1 && attempt == 1 {
			return &twiliotest.Fault{Delay: 20 * time.Second}
		}
		return nil
	},
}

// Each fault of the provider's API during a burst of missed calls delays texts but neither loses
// nor doubles one. Every caller gets exactly one text back and, six seconds later, exactly one
// follow-up, and every stored text ends sent.
func TestProviderFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("each fault waits for retries and a follow-up")
	}
	const callers = 40
	faults := providerFaults
	if os.Getenv(longFaultsEnv) != "" {
		faults = append(faults, hangingProvider)
	}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		for i, pf := range faults {
			t.Run(pf.name, func(t *testing.T) {
				t.Parallel()
				h := newHarnessWith(t, d, live(faultSettings()), twiliotest.WithoutContract())
				in := newInjector(pf.pick)
				h.fake.Fail(in.fault)
				// The run uses the wall clock, so every lead lives where it is midday now.
				numbers := h.faultNumbers(i*1000, callers)
				start := time.Now()
				h.burst(numbers)
				acked := time.Since(start)
				h.waitEveryText(numbers, 2, 90*time.Second)
				accepted := time.Since(start)
				h.checkOneEach(numbers, faultFollowUp)
				if in.count() == 0 {
					t.Error("no fault was injected, so the test checked nothing")
				}
				t.Logf("%d faults injected; %d missed calls acknowledged in %s; every text back and follow-up "+
					"accepted by the provider within %s and recorded within %s", in.count(), callers,
					acked.Round(time.Millisecond), accepted.Round(time.Millisecond),
					time.Since(start).Round(time.Millisecond))
			})
		}
	})
}

// burst plays a missed call from each number at once, 16 at a time, and fails the test unless
// every webhook is acknowledged.
func (h *harness) burst(numbers []string) {
	h.t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, from := range numbers {
		sid := h.newCallSID()
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for _, step := range []struct {
				route  string
				fields []string
			}{
				{"voice", []string{"CallStatus", "ringing"}},
				{"voice/dial", []string{"CallStatus", "in-progress", "DialCallStatus", "no-answer", "DialCallDuration", "0"}},
			} {
				status, err := h.tryPost(h.app, step.route, h.callForm(sid, from, step.fields...))
				if err != nil || status != http.StatusOK {
					h.t.Errorf("call %s from %s: %s webhook answered %d, %v", sid, from, step.route, status, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// waitEveryText waits until each number has n texts at the fake, or fails after limit.
func (h *harness) waitEveryText(numbers []string, n int, limit time.Duration) {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		perNumber := map[string]int{}
		for _, m := range h.fake.Sent() {
			perNumber[m.To]++
		}
		short := 0
		for _, number := range numbers {
			if perNumber[number] < n {
				short++
			}
		}
		if short == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("after %s, %d of %d callers have fewer than %d texts", limit, short, len(numbers), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkOneEach lets queued work settle, then checks that each number got exactly one text back
// and one follow-up with the body followUp, and that every text to them ended sent.
func (h *harness) checkOneEach(numbers []string, followUp string) {
	h.t.Helper()
	h.waitFinal(numbers, 60*time.Second)
	byNumber := map[string][]twiliotest.Message{}
	for _, m := range h.fake.Sent() {
		byNumber[m.To] = append(byNumber[m.To], m)
	}
	for _, number := range numbers {
		got := byNumber[number]
		textBacks, followUps := 0, 0
		for _, m := range got {
			if m.Body == followUp {
				followUps++
			} else {
				textBacks++
			}
		}
		if textBacks != 1 {
			h.t.Errorf("caller %s got %d text backs, want 1: %q", number, textBacks, bodies(got))
		}
		if followUps != 1 {
			h.t.Errorf("caller %s got %d follow-ups, want 1: %q", number, followUps, bodies(got))
		}
		for _, m := range h.messagesWith(number) {
			if m.Status != store.StatusSent {
				h.t.Errorf("text %d to %s (%s) is %s (%s), want sent", m.ID, number, m.Purpose, m.Status, m.ErrorMessage)
			}
		}
	}
}

// waitFinal waits until no text to the numbers is queued or being sent, then a little longer to
// catch extras, or fails after limit.
func (h *harness) waitFinal(numbers []string, limit time.Duration) {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		busy := 0
		for _, number := range numbers {
			for _, m := range h.messagesWith(number) {
				if m.Status == store.StatusQueued || m.Status == store.StatusSending {
					busy++
				}
			}
		}
		if busy == 0 {
			time.Sleep(300 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("after %s, %d texts are still queued or being sent", limit, busy)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Telnyx's API being slow, rate limiting with Retry-After or failing with a 5xx during a run of
// missed calls delays texts but neither loses nor doubles one. A lost response is left out:
// Telnyx offers no way to look a text up, so textback sends it again (see docs/providers.md).
func TestTelnyxProviderFaults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("each fault waits for retries")
	}
	faults := []struct {
		name string
		pick func(recipient, attempt int) *telnyxtest.Fault
	}{
		{"slow", func(recipient, _ int) *telnyxtest.Fault {
			if recipient%5 == 0 {
				return &telnyxtest.Fault{Delay: 2 * time.Second}
			}
			return nil
		}},
		{"rate limited", func(recipient, attempt int) *telnyxtest.Fault {
			if recipient%4 == 1 && attempt == 1 {
				return &telnyxtest.Fault{Status: http.StatusTooManyRequests, Code: "10011", RetryAfter: "1"}
			}
			return nil
		}},
		{"server errors", func(recipient, attempt int) *telnyxtest.Fault {
			if recipient%4 == 2 && attempt == 1 {
				return &telnyxtest.Fault{Status: http.StatusBadGateway, RawBody: "<html>bad gateway</html>"}
			}
			return nil
		}},
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			wire := newTelnyxWire(t)
			h := startWireHarness(t, d, wireSetup{providerYAML: wire.providerYAML(), calls: wire, texts: wire})
			for i, fault := range faults {
				var (
					mu       sync.Mutex
					attempts = map[string]int{}
					injected int
				)
				wire.fake.Fail(func(_ int, req telnyxtest.SendRequest) *telnyxtest.Fault {
					var recipient int
					if _, err := fmt.Sscanf(req.To, "+1202%07d", &recipient); err != nil {
						return nil
					}
					mu.Lock()
					defer mu.Unlock()
					attempts[req.To]++
					f := fault.pick(recipient, attempts[req.To])
					if f != nil {
						injected++
					}
					return f
				})
				numbers := make([]string, 12)
				for c := range numbers {
					numbers[c] = fmt.Sprintf("+1202%07d", 6200000+i*100+c)
					wire.missed(h, numbers[c])
				}
				for _, number := range numbers {
					if sent := h.waitTexts(number, 1); len(sent) != 1 {
						t.Errorf("%s: caller %s got %d texts, want 1", fault.name, number, len(sent))
					}
					if m, ok := h.textBack(number); !ok || m.Status != store.StatusSent {
						t.Errorf("%s: text back to %s is %q, want sent", fault.name, number, m.Status)
					}
				}
				mu.Lock()
				if injected == 0 {
					t.Errorf("%s: no fault was injected, so the test checked nothing", fault.name)
				}
				mu.Unlock()
			}
		})
	}
}
