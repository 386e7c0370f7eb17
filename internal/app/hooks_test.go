package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/store"
)

// eventReceiver is a webhook endpoint on 127.0.0.1 that keeps the events it gets.
type eventReceiver struct {
	mu     sync.Mutex
	events map[string][]received
}

type received struct {
	signature string
	body      []byte
}

func (r *eventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	kind := req.Header.Get(hooks.EventTypeHeader)
	r.events[kind] = append(r.events[kind], received{signature: req.Header.Get(hooks.SignatureHeader), body: body})
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// wait returns the first event of kind, failing the test when none arrives within 10 s.
func (r *eventReceiver) wait(t *testing.T, kind string) received {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		got := r.events[kind]
		r.mu.Unlock()
		if len(got) > 0 {
			return got[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s event within 10 s", kind)
	return received{}
}

// Events made by the call flow and the conversation reach a registered endpoint, signed.
func TestOutboundWebhookEvents(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		rcv := &eventReceiver{events: map[string][]received{}}
		srv := httptest.NewServer(rcv)
		t.Cleanup(srv.Close)
		ctx := context.Background()
		business, err := h.store.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		endpoint, err := hooks.AddEndpoint(ctx, h.store, hooks.URLPolicy{AllowPrivate: true}, hooks.NewEndpoint{
			BusinessID: business.ID, URL: srv.URL + "/events",
			Events: []string{hooks.CallMissed, hooks.MessageReceived, hooks.TaskCreated, hooks.ContactOptedOut},
		})
		if err != nil {
			t.Fatal(err)
		}

		h.missedCall(h.newCallSID(), caller)
		missed := rcv.wait(t, hooks.CallMissed)
		var env struct {
			Type     string `json:"type"`
			Business struct {
				Slug string `json:"slug"`
			} `json:"business"`
			Data struct {
				From     string `json:"from"`
				Outcome  string `json:"outcome"`
				TextBack string `json:"text_back"`
			} `json:"data"`
		}
		if err := json.Unmarshal(missed.body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Business.Slug != "acme-plumbing" || env.Data.From != caller || env.Data.Outcome != "missed" || env.Data.TextBack != "queued" {
			t.Errorf("call.missed envelope = %+v", env)
		}
		ts, _, _ := strings.Cut(strings.TrimPrefix(missed.signature, "t="), ",")
		unix, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			t.Fatalf("signature %q has no timestamp", missed.signature)
		}
		if want := hooks.Sign(endpoint.Secret, time.Unix(unix, 0), missed.body); missed.signature != want {
			t.Errorf("signature %q does not verify with the endpoint's secret", missed.signature)
		}

		h.textFrom(caller, "CALL")
		rcv.wait(t, hooks.MessageReceived)
		task := rcv.wait(t, hooks.TaskCreated)
		if !strings.Contains(string(task.body), `"kind":"call_back"`) {
			t.Errorf("task.created body %s lacks the call-back task", task.body)
		}
		h.textFrom(caller, "STOP")
		out := rcv.wait(t, hooks.ContactOptedOut)
		if !strings.Contains(string(out.body), `"opted_out":true`) {
			t.Errorf("contact.opted_out body %s does not show the opt-out", out.body)
		}
	})
}
