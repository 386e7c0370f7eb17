package hooks_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// The expected value comes from openssl: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
func TestSignKnownVector(t *testing.T) {
	got := hooks.Sign("whsec_test", time.Unix(1700000000, 0), []byte(`{"a":1}`))
	want := "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestBackoffDoublesToCap(t *testing.T) {
	p := hooks.RetryPolicy{MaxAttempts: 12, Base: 30 * time.Second, Cap: 6 * time.Hour}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := p.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := p.Backoff(11); got != 6*time.Hour {
		t.Errorf("Backoff(11) = %v, want the 6h cap", got)
	}
	if got := p.Backoff(1000); got != 6*time.Hour {
		t.Errorf("Backoff(1000) = %v, want the 6h cap without overflow", got)
	}
}

func TestURLPolicy(t *testing.T) {
	strict := hooks.URLPolicy{}
	for _, raw := range []string{
		"ftp://crm.example.com/h", "crm.example.com/h", "https://", "http://localhost:8080/h", "http://127.0.0.1/h",
		"http://[::1]/h", "http://10.0.0.5/h", "http://192.168.1.2/h", "http://172.16.0.1/h", "http://169.254.169.254/latest",
		"http://100.64.0.1/h", "http://0.0.0.0/h", "https://user:pw@crm.example.com/h", "https://crm.example.com/h#x",
		"http://[::ffff:127.0.0.1]/h", "https://" + strings.Repeat("a", 2000) + ".com",
	} {
		if err := strict.Check(raw); err == nil {
			t.Errorf("Check(%q) = nil, want a rejection", raw)
		}
	}
	for _, raw := range []string{"https://crm.example.com/textback", "http://203.0.113.9:8080/h?x=1"} {
		if err := strict.Check(raw); err != nil {
			t.Errorf("Check(%q) = %v, want nil", raw, err)
		}
	}
	if err := (hooks.URLPolicy{AllowPrivate: true}).Check("http://127.0.0.1:9000/h"); err != nil {
		t.Errorf("AllowPrivate rejected loopback: %v", err)
	}
}

// The transport refuses to connect to a loopback receiver unless the policy allows it, whatever
// the URL check said.
func TestTransportRefusesPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	client := &http.Client{Transport: hooks.URLPolicy{}.Transport(), Timeout: 5 * time.Second}
	if _, err := client.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "not a public address") {
		t.Errorf("strict transport reached %s: %v", srv.URL, err)
	}
	client.Transport = hooks.URLPolicy{AllowPrivate: true}.Transport()
	res, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("permissive transport: %v", err)
	}
	res.Body.Close()
}

// receiver is a webhook endpoint on 127.0.0.1 that records what it gets.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	status int
	reply  string
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: http.StatusNoContent}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		status, reply := r.status, r.reply
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// fixture is a business with a calendar, a contact and an endpoint subscribed to bookings.
type fixture struct {
	store    *store.Store
	queue    *jobs.Queue
	business store.Business
	contact  store.Contact
	calendar store.Calendar
	endpoint store.HookEndpoint
}

func newFixture(t *testing.T, s *store.Store, url string, events ...string) fixture {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(s, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	for d := time.Sunday; d <= time.Saturday; d++ {
		week[d] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	f := fixture{store: s, queue: q}
	f.business, err = s.UpsertBusiness(ctx, store.Business{Slug: "acme", Name: "Acme", TimeZone: "America/Chicago", Region: "US", Hours: week})
	if err != nil {
		t.Fatal(err)
	}
	if f.contact, err = s.UpsertContact(ctx, f.business.ID, "+12025550143"); err != nil {
		t.Fatal(err)
	}
	f.calendar, err = s.UpsertCalendar(ctx, store.Calendar{
		BusinessID: f.business.ID, Slug: "visits", Name: "Visits", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, Horizon: 30 * 24 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.endpoint, err = hooks.AddEndpoint(ctx, s, hooks.URLPolicy{AllowPrivate: true}, hooks.NewEndpoint{
		BusinessID: f.business.ID, URL: url, Events: events,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// bookAndCancel books a slot through the booking service, with the emitter as its OnChange, and
// cancels it.
func (f fixture) bookAndCancel(t *testing.T, emitter *hooks.Emitter) store.Booking {
	t.Helper()
	svc := booking.New(f.store, booking.Options{
		OnChange: func(ctx context.Context, tx *store.Tx, b store.Booking, c booking.Change) error {
			return emitter.BookingChanged(ctx, tx, b, string(c))
		},
	})
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour)
	b, _, err := svc.Book(context.Background(), booking.BookRequest{
		BusinessID: f.business.ID, ContactID: f.contact.ID, Calendar: f.calendar, Start: start, Source: store.BookingSourcePage,
	})
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	if _, _, err := svc.Cancel(context.Background(), f.business.ID, b.ID); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	return b
}

func TestDeliverSignedEnvelope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rcv := newReceiver(t)
		f := newFixture(t, s, rcv.srv.URL+"/hooks", hooks.BookingCancelled)
		emitter := hooks.NewEmitter(f.queue, nil, hooks.RetryPolicy{})
		b := f.bookAndCancel(t, emitter)

		deliveries, err := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(deliveries) != 1 || deliveries[0].EventType != hooks.BookingCancelled {
			t.Fatalf("deliveries = %+v, want one booking.cancelled (booking.created is not subscribed)", deliveries)
		}
		d := hooks.NewDeliverer(hooks.DelivererOptions{Store: s, Policy: hooks.URLPolicy{AllowPrivate: true}})
		if err := d.Deliver(ctx, deliveries[0].ID, false); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		if len(rcv.got) != 1 {
			t.Fatalf("receiver got %d requests, want 1", len(rcv.got))
		}
		got := rcv.got[0]
		var env struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			Business struct {
				ID   int64  `json:"id"`
				Slug string `json:"slug"`
			} `json:"business"`
			Data struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			} `json:"data"`
		}
		if err := json.Unmarshal(got.body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Type != hooks.BookingCancelled || env.Business.Slug != "acme" || env.Data.ID != int64(b.ID) || env.Data.State != "cancelled" {
			t.Errorf("envelope = %+v", env)
		}
		if !strings.HasPrefix(env.ID, "evt_") || got.header.Get(hooks.EventIDHeader) != env.ID {
			t.Errorf("event id %q, header %q", env.ID, got.header.Get(hooks.EventIDHeader))
		}
		sig := got.header.Get(hooks.SignatureHeader)
		ts := strings.TrimPrefix(strings.Split(sig, ",")[0], "t=")
		var unix int64
		if err := json.Unmarshal([]byte(ts), &unix); err != nil {
			t.Fatalf("signature %q has no timestamp", sig)
		}
		if want := hooks.Sign(f.endpoint.Secret, time.Unix(unix, 0), got.body); sig != want {
			t.Errorf("signature %q, want %q", sig, want)
		}

		after, _ := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
		if after[0].State != store.HookDelivered || after[0].Attempts != 1 {
			t.Errorf("delivery = %+v, want delivered after 1 attempt", after[0])
		}
		if err := d.Deliver(ctx, deliveries[0].ID, false); err != nil || len(rcv.got) != 1 {
			t.Errorf("delivering a delivered event again: %v, %d requests", err, len(rcv.got))
		}
	})
}

func TestDeliverFailureLogRedacted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rcv := newReceiver(t)
		f := newFixture(t, s, rcv.srv.URL, hooks.BookingCreated)
		rcv.status = http.StatusInternalServerError
		rcv.reply = "bad secret " + f.endpoint.Secret
		f.bookAndCancel(t, hooks.NewEmitter(f.queue, nil, hooks.RetryPolicy{}))
		deliveries, _ := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
		if len(deliveries) != 1 {
			t.Fatalf("deliveries = %d, want 1", len(deliveries))
		}
		id := deliveries[0].ID
		d := hooks.NewDeliverer(hooks.DelivererOptions{Store: s, Policy: hooks.URLPolicy{AllowPrivate: true}})
		if err := d.Deliver(ctx, id, false); err == nil {
			t.Error("a 500 answer gave no error, so River would not retry")
		}
		if err := d.Deliver(ctx, id, true); err != nil {
			t.Errorf("last attempt returned %v, want nil with the delivery failed", err)
		}
		attempts, err := s.ListHookAttempts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(attempts) != 2 {
			t.Fatalf("attempts = %d, want 2", len(attempts))
		}
		a := attempts[0]
		if a.StatusCode != 500 || !strings.Contains(a.Error, "500") || a.Attempt != 1 {
			t.Errorf("attempt logged as %+v", a)
		}
		if strings.Contains(a.ResponseExcerpt, f.endpoint.Secret) || !strings.Contains(a.ResponseExcerpt, "[redacted]") {
			t.Errorf("response excerpt %q keeps the secret", a.ResponseExcerpt)
		}
		after, _ := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
		if after[0].State != store.HookFailed {
			t.Errorf("delivery state = %s after the last attempt, want failed", after[0].State)
		}
	})
}

func TestDeliverStrictPolicyRefusesLoopback(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	rcv := newReceiver(t)
	f := newFixture(t, s, rcv.srv.URL, hooks.BookingCreated)
	f.bookAndCancel(t, hooks.NewEmitter(f.queue, nil, hooks.RetryPolicy{}))
	deliveries, _ := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
	d := hooks.NewDeliverer(hooks.DelivererOptions{Store: s})
	if err := d.Deliver(ctx, deliveries[0].ID, false); err == nil {
		t.Error("delivery to 127.0.0.1 succeeded under the strict policy")
	}
	if len(rcv.got) != 0 {
		t.Errorf("receiver got %d requests, want none", len(rcv.got))
	}
}

func TestEmitWithoutEndpointsStoresNothing(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	f := newFixture(t, s, "https://crm.example.com/h", hooks.TaskCreated)
	f.bookAndCancel(t, hooks.NewEmitter(f.queue, nil, hooks.RetryPolicy{}))
	deliveries, err := s.ListHookDeliveries(ctx, f.endpoint.ID, 0, 10)
	if err != nil || len(deliveries) != 0 {
		t.Errorf("deliveries = %d, %v; want none for events nobody subscribed to", len(deliveries), err)
	}
	var nilEmitter *hooks.Emitter
	err = s.InTx(ctx, func(tx *store.Tx) error { return nilEmitter.ContactOptedOut(ctx, tx, f.business.ID, f.contact.ID) })
	if err != nil {
		t.Errorf("nil emitter: %v", err)
	}
}
