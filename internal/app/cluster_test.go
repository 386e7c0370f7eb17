package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

// Three instances share one PostgreSQL database. Every webhook of every missed call reaches two
// different instances at the same moment, as when a provider retries against a load balancer;
// each caller must still get exactly one text.
func TestInstancesTextOnce(t *testing.T) {
	callers := 1000
	if v := os.Getenv("TEXTBACK_CLUSTER_CALLERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("invalid TEXTBACK_CLUSTER_CALLERS %q", v)
		}
		callers = n
	}
	h := newCluster(t, store.Postgres, 3, numberSetup{})
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range callers {
		from := fmt.Sprintf("+1202555%04d", i)
		sid := h.newCallSID()
		first, second := i%3, (i+1)%3
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			h.duplicate(first, second, "voice", h.callForm(sid, from, "CallStatus", "ringing"))
			h.duplicate(first, second, "voice/dial", h.callForm(sid, from, "CallStatus", "in-progress",
				"DialCallStatus", "no-answer"))
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(60 * time.Second)
	for len(h.fake.Sent()) < callers && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	h.settle()
	perCaller := map[string]int{}
	for _, m := range h.fake.Sent() {
		perCaller[m.To]++
	}
	if len(perCaller) != callers {
		t.Errorf("%d callers were texted, want %d", len(perCaller), callers)
	}
	for to, n := range perCaller {
		if n != 1 {
			t.Errorf("caller %s got %d texts, want 1", to, n)
		}
	}
	calls, err := h.store.ListRecentCalls(context.Background(), 0, callers+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != callers {
		t.Errorf("%d calls recorded, want %d", len(calls), callers)
	}
}

// duplicate posts the same webhook to two instances at once; both must accept it.
func (h *harness) duplicate(a, b int, route string, form map[string][]string) {
	var wg sync.WaitGroup
	for _, i := range []int{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, body := h.postTo(i, route, form); status != http.StatusOK {
				h.t.Errorf("instance %d answered %s with %d: %s", i, route, status, body)
			}
		}()
	}
	wg.Wait()
}
