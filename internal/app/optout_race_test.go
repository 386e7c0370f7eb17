package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// A lead who opts out while their text back waits on the line-type lookup gets no text back.
// The sender checks opt-out before the lookup, and the lookup may take up to the provider
// timeout, so the STOP below is applied seconds before the text back reaches the provider.
func TestStopDuringLineTypeLookup(t *testing.T) {
	settings := store.DefaultSettings()
	settings.FollowUps = []store.FollowUpStep{}
	settings.LookupLineType = true
	h := newHarnessWith(t, store.SQLite, harnessOptions{settings: &settings})
	const lookupDelay = 3 * time.Second
	h.fake.FailLookup(func(n int, _ url.Values) *twiliotest.Fault {
		if n == 1 {
			return &twiliotest.Fault{Delay: lookupDelay}
		}
		return nil
	})

	sid := h.newCallSID()
	h.missedCall(sid, caller)
	h.waitDecided(sid)
	waitFor(t, "the line-type lookup of the text back", func() bool {
		for _, r := range h.fake.Requests() {
			if r.Method == "GET" && r.Query.Get("Fields") != "" {
				return true
			}
		}
		return false
	})
	stopped := time.Now()
	result := h.textFrom(caller, "STOP")
	if !h.contact(caller).OptedOut() {
		t.Fatalf("STOP did not opt the caller out: %s", result)
	}
	if applied := time.Since(stopped); applied > lookupDelay/2 {
		t.Fatalf("STOP took %s to apply, too long for this test to show the race", applied)
	}

	time.Sleep(lookupDelay)
	h.settle()
	for _, m := range h.messagesWith(caller) {
		if m.Purpose != store.PurposeTextBack {
			continue
		}
		if m.Status != store.StatusHeld {
			t.Errorf("text back to a lead who opted out before it was sent is %s, want held (body %q)", m.Status, m.Body)
		}
	}
	for _, m := range h.sentTo(caller) {
		if !strings.Contains(m.Body, "unsubscribed") {
			t.Errorf("texted %q to the caller, whose STOP was applied before it was sent", m.Body)
		}
	}
}
