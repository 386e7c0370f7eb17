package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/store"
)

// restartCaller returns the number of caller i of the restart test.
func restartCaller(i int) string { return fmt.Sprintf("+1202555%04d", 8000+i) }

// tryPost sends a signed webhook to a and returns its status, or an error when no answer came.
func (h *harness) tryPost(a *app.App, route string, form url.Values) (int, error) {
	signature := twilio.Sign(h.fake.AuthToken, publicURL+"/webhooks/twilio/"+route, form)
	req, err := http.NewRequest(http.MethodPost, "http://"+a.Addr()+"/webhooks/twilio/"+route, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", signature)
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_ = readAll(resp)
	return resp.StatusCode, nil
}

// A process stopped with a short budget in the middle of a burst of missed calls, followed by a
// new process on the same database, texts every caller exactly once. Callers whose webhooks the
// first process acknowledged get their text without any retry; the provider retries the others
// against the new process.
func TestRestartMidBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for River to rescue the jobs the stopped process left running")
	}
	const callers = 150
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		first := h.app

		type outcome struct{ voice, dial int }
		outcomes := make([]outcome, callers)
		sids := make([]string, callers)
		for i := range sids {
			sids[i] = h.newCallSID()
		}
		var (
			acknowledged atomic.Int64
			stopOnce     sync.Once
			stopErr      error
			wg           sync.WaitGroup
		)
		sem := make(chan struct{}, 16)
		for i := range callers {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				from := restartCaller(i)
				status, err := h.tryPost(first, "voice", h.callForm(sids[i], from, "CallStatus", "ringing"))
				if err == nil {
					outcomes[i].voice = status
				}
				status, err = h.tryPost(first, "voice/dial", h.callForm(sids[i], from, "CallStatus", "in-progress",
					"DialCallStatus", "no-answer", "DialCallDuration", "0"))
				if err == nil {
					outcomes[i].dial = status
				}
				if status == http.StatusOK && acknowledged.Add(1) == callers/3 {
					stopOnce.Do(func() {
						ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
						defer cancel()
						stopErr = first.Stop(ctx)
					})
				}
			}()
		}
		wg.Wait()
		t.Logf("first process stopped (%v); %d of %d callers acknowledged", stopErr, acknowledged.Load(), callers)

		cfg := config.Config{Addr: "127.0.0.1:0", DB: h.db, PublicURL: publicURL}
		second, err := app.New(context.Background(), cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clockAt(openHours)})
		if err != nil {
			t.Fatalf("new app on the same database: %v", err)
		}
		if err := second.Start(context.Background()); err != nil {
			t.Fatalf("start second app: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := second.Stop(ctx); err != nil {
				t.Errorf("stop second app: %v", err)
			}
		})

		retried := 0
		for i := range callers {
			if outcomes[i].voice == http.StatusOK && outcomes[i].dial == http.StatusOK {
				continue
			}
			retried++
			from := restartCaller(i)
			if status, err := h.tryPost(second, "voice", h.callForm(sids[i], from, "CallStatus", "ringing")); err != nil || status != http.StatusOK {
				t.Errorf("caller %d: retried voice webhook answered %d, %v", i, status, err)
			}
			if status, err := h.tryPost(second, "voice/dial", h.callForm(sids[i], from, "CallStatus", "in-progress",
				"DialCallStatus", "no-answer", "DialCallDuration", "0")); err != nil || status != http.StatusOK {
				t.Errorf("caller %d: retried dial webhook answered %d, %v", i, status, err)
			}
		}
		t.Logf("%d callers retried against the second process", retried)

		deadline := time.Now().Add(200 * time.Second)
		for len(h.fake.Sent()) < callers && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(2 * time.Second)
		perCaller := map[string]int{}
		for _, m := range h.fake.Sent() {
			perCaller[m.To]++
		}
		for i := range callers {
			from := restartCaller(i)
			if n := perCaller[from]; n != 1 {
				t.Errorf("caller %d (%s, first answers voice %d dial %d) got %d texts, want 1",
					i, from, outcomes[i].voice, outcomes[i].dial, n)
			}
		}
		ctx := context.Background()
		var unprocessed int
		if err := second.Store().DB().QueryRowContext(ctx,
			"SELECT count(*) FROM webhooks WHERE processed_at IS NULL").Scan(&unprocessed); err != nil {
			t.Fatal(err)
		}
		if unprocessed != 0 {
			t.Errorf("%d stored webhooks were never processed", unprocessed)
		}
	})
}
