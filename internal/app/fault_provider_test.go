package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

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

// perText returns a fault function that applies pick to each create request, given how many
// times the same text (recipient and body) was requested before. A fault on the first attempt of
// a text, chosen by the recipient, hits a fixed share of texts and lets every retry through.
func perText(pick func(recipient int, attempt int) *twiliotest.Fault) twiliotest.FaultFunc {
	var mu sync.Mutex
	attempts := map[string]int{}
	return func(_ int, form url.Values) *twiliotest.Fault {
		var recipient int
		if _, err := fmt.Sscanf(form.Get("To"), "+1202%07d", &recipient); err != nil {
			return nil
		}
		key := form.Get("To") + "\x00" + form.Get("Body")
		mu.Lock()
		attempts[key]++
		attempt := attempts[key]
		mu.Unlock()
		return pick(recipient-6100000, attempt)
	}
}

// providerFaults are the ways the provider's API misbehaves in TestProviderFaults. Each hits the
// text back and the follow-up alike.
var providerFaults = []struct {
	name  string
	fault twiliotest.FaultFunc
}{
	{
		// One request in 50 takes 5 s and one in 10 takes a second, so the 99th percentile is 5 s.
		name: "slow",
		fault: func(n int, _ url.Values) *twiliotest.Fault {
			switch {
			case n%50 == 0:
				return &twiliotest.Fault{Delay: 5 * time.Second}
			case n%10 == 0:
				return &twiliotest.Fault{Delay: time.Second}
			}
			return &twiliotest.Fault{Delay: 50 * time.Millisecond}
		},
	},
	{
		// One text in ten is rate limited on its first attempt, with Retry-After.
		name: "rate limited",
		fault: perText(func(recipient, attempt int) *twiliotest.Fault {
			if recipient%10 == 3 && attempt == 1 {
				return &twiliotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
			}
			return nil
		}),
	},
	{
		// One text in ten meets a server error on its first attempt and one in twenty on its first
		// two, alternating 500 and 503.
		name: "server errors",
		fault: perText(func(recipient, attempt int) *twiliotest.Fault {
			failing := recipient%10 == 7 && attempt == 1 || recipient%20 == 7 && attempt == 2
			if !failing {
				return nil
			}
			if attempt == 1 {
				return &twiliotest.Fault{Status: http.StatusInternalServerError}
			}
			return &twiliotest.Fault{Status: http.StatusServiceUnavailable}
		}),
	},
	{
		// One text in ten is accepted, but the connection closes before the response. textback
		// cannot tell whether it went out, so it must find it at the provider instead of sending
		// it twice.
		name: "no answer",
		fault: perText(func(recipient, attempt int) *twiliotest.Fault {
			if recipient%10 == 5 && attempt == 1 {
				return &twiliotest.Fault{Drop: true}
			}
			return nil
		}),
	},
}

// Each fault of the provider's API during a burst of missed calls delays texts but neither loses
// nor doubles one. Every caller gets exactly one text back and, six seconds later, exactly one
// follow-up, and every stored text ends sent.
func TestProviderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("each fault waits for retries and a follow-up")
	}
	const callers = 40
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		for i, pf := range providerFaults {
			t.Run(pf.name, func(t *testing.T) {
				h := newHarnessWith(t, d, live(faultSettings()), twiliotest.WithoutContract())
				h.fake.Fail(pf.fault)
				// The run uses the wall clock, so every lead lives where it is midday now.
				zone := middayZone(time.Now())
				numbers := make([]string, callers)
				for c := range numbers {
					numbers[c] = faultCaller(i*1000 + c)
					h.addContact(numbers[c], zone)
				}
				start := time.Now()
				h.burst(numbers)
				acked := time.Since(start)
				h.waitEveryText(numbers, 2, 90*time.Second)
				drained := time.Since(start)
				h.checkOneEach(numbers, faultFollowUp)
				t.Logf("%d missed calls acknowledged in %s, every text back and follow-up sent within %s",
					callers, acked.Round(time.Millisecond), drained.Round(time.Millisecond))
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
	h.settle()
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
