package outbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

const (
	fakeKind       provider.Kind = "fake"
	businessNumber               = "+13125550199"
	callerNumber                 = "+12025550143"
	fakeToken                    = "fake_token_0001"
	statusCallback               = "https://hooks.example.com/webhooks/fake/sms/status"
)

// testClock is a settable clock shared by the store and the sender, so that the rate limit and
// the claim lease can be tested without waiting.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeAdapter is a provider whose Send returns what the function the test sets returns.
type fakeAdapter struct {
	mu    sync.Mutex
	sends []provider.SendRequest
	accts []provider.Account
	// send returns the result of the nth send, counted from 1. Nil accepts every text.
	send func(n int, req provider.SendRequest) (provider.SendResult, error)
}

func (a *fakeAdapter) Kind() provider.Kind                  { return fakeKind }
func (a *fakeAdapter) AccountSIDOf(provider.Webhook) string { return "" }
func (a *fakeAdapter) Verify(provider.Account, provider.Webhook) error {
	return provider.ErrSignature
}
func (a *fakeAdapter) Parse(provider.Webhook) (provider.Event, error) {
	return provider.Event{}, provider.ErrUnknownRoute
}
func (a *fakeAdapter) RespondCall(provider.CallPlan) (provider.Response, error) {
	return provider.Response{}, nil
}
func (a *fakeAdapter) RespondEvent(provider.Event, provider.CallPlan) (provider.Response, error) {
	return provider.Response{}, nil
}
func (a *fakeAdapter) Secrets(acct provider.Account) []string { return []string{acct.AuthToken} }

func (a *fakeAdapter) Send(ctx context.Context, acct provider.Account, req provider.SendRequest) (provider.SendResult, error) {
	a.mu.Lock()
	a.sends = append(a.sends, req)
	a.accts = append(a.accts, acct)
	n, send := len(a.sends), a.send
	a.mu.Unlock()
	if send == nil {
		return provider.SendResult{MessageID: fmt.Sprintf("SM%032d", n), Status: "queued"}, nil
	}
	return send(n, req)
}

func (a *fakeAdapter) sent() []provider.SendRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]provider.SendRequest(nil), a.sends...)
}

// findingAdapter is a fakeAdapter that can also look up texts already accepted.
type findingAdapter struct {
	*fakeAdapter
	mu     sync.Mutex
	finds  []time.Time
	result string
	err    error
}

func (a *findingAdapter) FindSent(_ context.Context, _ provider.Account, _ provider.SendRequest, since time.Time) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.finds = append(a.finds, since)
	return a.result, a.err
}

func (a *findingAdapter) lookups() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.finds...)
}

// adapters serves one adapter for fakeKind.
type adapters struct{ adapter provider.Adapter }

func (r adapters) Adapter(kind provider.Kind) (provider.Adapter, bool) {
	if r.adapter == nil || kind != fakeKind {
		return nil, false
	}
	return r.adapter, true
}

func (r adapters) StatusCallback(provider.Kind) string { return statusCallback }

// jobRecorder is a jobs.Inserter that keeps the jobs it is given.
type jobRecorder struct {
	mu      sync.Mutex
	jobs    []river.JobArgs
	deleted []int64
}

func (r *jobRecorder) InsertTx(_ context.Context, _ *store.Tx, args river.JobArgs, _ *river.InsertOpts) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, args)
	return int64(len(r.jobs)), nil
}

func (r *jobRecorder) DeleteTx(context.Context, *store.Tx, int64) error { return nil }

func (r *jobRecorder) Delete(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deleted = append(r.deleted, id)
	return nil
}

func (r *jobRecorder) deletedJobs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.deleted...)
}

func (r *jobRecorder) all() []river.JobArgs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]river.JobArgs(nil), r.jobs...)
}

// fixture is a business with one number and one contact, and a sender over them.
type fixture struct {
	t        *testing.T
	store    *store.Store
	clock    *testClock
	jobs     *jobRecorder
	sender   *Sender
	business store.Business
	number   store.Number
	contact  store.Contact
	seq      int
}

// eachStore runs fn once per database, each with its own fixture. adapter may be nil.
func eachStore(t *testing.T, adapter provider.Adapter, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, newFixture(t, d, adapter))
		})
	}
}

func newFixture(t *testing.T, d store.Dialect, adapter provider.Adapter) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)}
	s := storetest.OpenWith(t, storetest.Target(t, d), store.Options{Clock: clock.Now})
	p, err := s.UpsertProvider(ctx, store.Provider{Name: "fake-main", Kind: fakeKind, AccountSID: "AC1", AuthToken: fakeToken})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US",
		TextBack: store.TextBackSettings{Enabled: true, Window: 24 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: businessNumber, Mode: store.ModeDial, ForwardTo: "+13125550100",
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.UpsertContact(ctx, b.ID, callerNumber)
	if err != nil {
		t.Fatal(err)
	}
	recorder := &jobRecorder{}
	sender := New(Options{Store: s, Queue: recorder, Adapters: adapters{adapter}, Clock: clock.Now})
	return &fixture{t: t, store: s, clock: clock, jobs: recorder, sender: sender, business: b, number: n, contact: c}
}

// request returns a text-back request to the fixture's contact with a fresh idempotency key.
func (f *fixture) request(body string) Request {
	f.seq++
	return Request{
		BusinessID: f.business.ID, ContactID: f.contact.ID, NumberID: f.number.ID, Body: body,
		Purpose: store.PurposeTextBack, TemplateName: "text_back", IdempotencyKey: fmt.Sprintf("test:%d", f.seq),
	}
}

// queue queues req in its own transaction.
func (f *fixture) queue(req Request) store.Message {
	f.t.Helper()
	var msg store.Message
	err := f.store.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		msg, err = f.sender.Queue(context.Background(), tx, req)
		return err
	})
	if err != nil {
		f.t.Fatalf("queue %q: %v", req.Body, err)
	}
	return msg
}

// earlier stores n texts to the contact with status, created at the store's current time.
func (f *fixture) earlier(n int, status store.MessageStatus) {
	f.t.Helper()
	for range n {
		f.seq++
		_, _, err := f.store.InsertMessage(context.Background(), store.Message{
			BusinessID: f.business.ID, ContactID: f.contact.ID, NumberID: f.number.ID, Direction: store.Outbound,
			From: businessNumber, To: f.contact.E164, Body: "earlier", Status: status, Purpose: store.PurposeTextBack,
			Automated: true, IdempotencyKey: fmt.Sprintf("earlier:%d", f.seq),
		})
		if err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) message(id store.MessageID) store.Message {
	f.t.Helper()
	msg, err := f.store.GetMessage(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return msg
}

func (f *fixture) reloadContact() store.Contact {
	f.t.Helper()
	c, err := f.store.GetContact(context.Background(), f.business.ID, f.contact.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// readFixture returns the contents of a file in testdata.
func readFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(data), "\n")
}

const suffix = " Reply STOP to opt out."

func TestQueueChecks(t *testing.T) {
	long := readFixture(t, "ten-segments.txt")
	rows := []struct {
		name    string
		setup   func(f *fixture)
		body    string
		status  store.MessageStatus
		hold    string // a part of the hold reason
		failed  string // the name of the first failed check
		wantLen int    // expected segments; 0 checks nothing
	}{
		{"passes", nil, "Hi, sorry we missed your call.", store.StatusQueued, "", "", 1},
		{"opted out", func(f *fixture) {
			if err := f.store.SetContactOptedOut(context.Background(), f.business.ID, f.contact.ID, f.clock.Now()); err != nil {
				f.t.Fatal(err)
			}
		}, "Hi", store.StatusHeld, "recipient opted out at 2026-03-10T16:00:00Z", "opt_out", 0},
		{"sms blocked", func(f *fixture) {
			if err := f.store.SetContactSMSBlocked(context.Background(), f.business.ID, f.contact.ID, "landline", f.clock.Now()); err != nil {
				f.t.Fatal(err)
			}
		}, "Hi", store.StatusHeld, "number cannot receive texts: landline", "sms_capable", 0},
		{"invalid number", func(f *fixture) {
			c, err := f.store.UpsertContact(context.Background(), f.business.ID, "+1555")
			if err != nil {
				f.t.Fatal(err)
			}
			f.contact = c
		}, "Hi", store.StatusHeld, "invalid recipient number +1555", "recipient", 0},
		{"hour limit", func(f *fixture) {
			f.earlier(DefaultLimits.PerHour, store.StatusSent)
		}, "Hi", store.StatusHeld, "per-contact limit on automated texts reached: 5 automated in the last hour (limit 5)", "rate_limit", 0},
		{"below hour limit", func(f *fixture) {
			f.earlier(DefaultLimits.PerHour-1, store.StatusSent)
		}, "Hi", store.StatusQueued, "", "", 0},
		{"hour limit counts queued and failed", func(f *fixture) {
			f.earlier(3, store.StatusQueued)
			f.earlier(2, store.StatusFailed)
		}, "Hi", store.StatusHeld, "5 automated in the last hour", "rate_limit", 0},
		{"held texts do not count", func(f *fixture) {
			f.earlier(DefaultLimits.PerDay, store.StatusHeld)
		}, "Hi", store.StatusQueued, "", "", 0},
		{"hour limit resets", func(f *fixture) {
			f.earlier(DefaultLimits.PerHour, store.StatusSent)
			f.clock.Add(time.Hour + time.Second)
		}, "Hi", store.StatusQueued, "", "", 0},
		{"day limit", func(f *fixture) {
			f.earlier(DefaultLimits.PerDay, store.StatusSent)
			f.clock.Add(2 * time.Hour)
		}, "Hi", store.StatusHeld, "per-contact limit on automated texts reached: 0 automated in the last hour (limit 5), 15 in 24 h (limit 15)", "rate_limit", 0},
		{"day limit resets", func(f *fixture) {
			f.earlier(DefaultLimits.PerDay, store.StatusSent)
			f.clock.Add(24*time.Hour + time.Second)
		}, "Hi", store.StatusQueued, "", "", 0},
		{"empty body", nil, "", store.StatusHeld, "empty text", "length", 0},
		{"blank body", nil, " \n\t ", store.StatusHeld, "empty text", "length", 0},
		{"ten segments", nil, long, store.StatusQueued, "", "", 10},
		{"eleven segments", nil, long + "x", store.StatusHeld, "text too long: 11 segments, the limit is 10", "length", 11},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			eachStore(t, nil, func(t *testing.T, f *fixture) {
				if row.setup != nil {
					row.setup(f)
				}

				msg := f.queue(f.request(row.body))
				if msg.Status != row.status {
					t.Errorf("status = %q, want %q (hold reason %q)", msg.Status, row.status, msg.HoldReason)
				}
				if !strings.Contains(msg.HoldReason, row.hold) {
					t.Errorf("hold reason %q does not contain %q", msg.HoldReason, row.hold)
				}
				if row.hold == "" && msg.HoldReason != "" {
					t.Errorf("hold reason = %q, want none", msg.HoldReason)
				}
				if row.wantLen != 0 && msg.Segments != row.wantLen {
					t.Errorf("segments = %d, want %d", msg.Segments, row.wantLen)
				}
				checkRecorded(t, msg, row.failed)

				wantJobs := 0
				if row.status == store.StatusQueued {
					wantJobs = 1
				}
				queued := f.jobs.all()
				if len(queued) != wantJobs {
					t.Fatalf("queued %d delivery jobs, want %d", len(queued), wantJobs)
				}
				if wantJobs == 1 && queued[0] != (DeliverArgs{MessageID: int64(msg.ID)}) {
					t.Errorf("job = %+v, want delivery of message %d", queued[0], msg.ID)
				}

				stored := f.message(msg.ID)
				if stored.Status != msg.Status || stored.HoldReason != msg.HoldReason {
					t.Errorf("stored as %q (%q), returned as %q (%q)", stored.Status, stored.HoldReason, msg.Status, msg.HoldReason)
				}
			})
		})
	}
}

// checkRecorded checks that every check is kept with the message, in order, and that only failed
// (the name of a check, or "") failed.
func checkRecorded(t *testing.T, msg store.Message, failed string) {
	t.Helper()
	names := []string{"recipient", "opt_out", "sms_capable", "review", "manual_pause", "rate_limit", "length"}
	if len(msg.Details.Checks) != len(names) {
		t.Fatalf("recorded checks %+v, want %v", msg.Details.Checks, names)
	}
	for i, c := range msg.Details.Checks {
		if c.Name != names[i] {
			t.Errorf("check %d is %q, want %q", i, c.Name, names[i])
		}
		if c.Passed == (c.Name == failed) {
			t.Errorf("check %q passed = %v, want %v (detail %q)", c.Name, c.Passed, c.Name != failed, c.Detail)
		}
		if c.Detail == "" {
			t.Errorf("check %q has no detail", c.Name)
		}
	}
}

func TestQueueBody(t *testing.T) {
	rows := []struct {
		name   string
		before []string // texts queued and sent earlier in the thread
		body   string
		want   string
		optOut bool
	}{
		{"first text", nil, "Hi, sorry we missed your call.", "Hi, sorry we missed your call." + suffix, true},
		{"first text trimmed", nil, "  Hi there \n", "Hi there" + suffix, true},
		{"second text", []string{"Hi"}, "How can we help?", "How can we help?", false},
		{"own opt-out wording", nil, "Hi! Reply STOP to unsubscribe.", "Hi! Reply STOP to unsubscribe.", false},
		{"own opt-out wording lower case", nil, "Hi. text stop to opt out", "Hi. text stop to opt out", false},
		{"stop without opt-out wording", nil, "Stop by any time.", "Stop by any time." + suffix, true},
		{"smart quotes", nil, "We\u2019re \u201copen\u201d \u2013 call us", "We're \"open\" - call us" + suffix, true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			eachStore(t, nil, func(t *testing.T, f *fixture) {
				for _, body := range row.before {
					earlier := f.queue(f.request(body))
					if err := f.store.MarkMessageSent(context.Background(), earlier.ID, "SM1", "queued"); err != nil {
						t.Fatal(err)
					}
				}
				msg := f.queue(f.request(row.body))
				if msg.Body != row.want {
					t.Errorf("body = %q, want %q", msg.Body, row.want)
				}
				if msg.Details.OptOut != row.optOut {
					t.Errorf("details record opt-out appended = %v, want %v", msg.Details.OptOut, row.optOut)
				}
				if stored := f.message(msg.ID); stored.Body != row.want {
					t.Errorf("stored body = %q, want %q", stored.Body, row.want)
				}
			})
		})
	}
}

// A text held before does not start the thread, so the next one still carries the opt-out line.
func TestQueueHeldFirstText(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *fixture) {
		held := f.queue(f.request(""))
		if held.Status != store.StatusHeld {
			t.Fatalf("empty text status = %q, want held", held.Status)
		}
		msg := f.queue(f.request("Hi"))
		if msg.Body != "Hi"+suffix {
			t.Errorf("body = %q, want the opt-out line appended", msg.Body)
		}
	})
}

func TestQueueIdempotent(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *fixture) {
		req := f.request("Hi, sorry we missed your call.")
		first := f.queue(req)
		again := req
		again.Body = "A different body"
		second := f.queue(again)
		if second.ID != first.ID {
			t.Errorf("second queue returned message %d, want the first, %d", second.ID, first.ID)
		}
		if second.Body != first.Body {
			t.Errorf("second queue returned body %q, want the first body %q", second.Body, first.Body)
		}
		if n := len(f.jobs.all()); n != 1 {
			t.Errorf("queued %d delivery jobs, want 1", n)
		}
		recent, err := f.store.ListRecentMessages(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 1 {
			t.Errorf("stored %d messages, want 1", len(recent))
		}
	})
}

func TestQueueRejects(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *fixture) {
		rows := []struct {
			name string
			req  func() Request
			want string
		}{
			{"missing idempotency key", func() Request {
				r := f.request("Hi")
				r.IdempotencyKey = ""
				return r
			}, "missing idempotency key"},
			{"unknown contact", func() Request {
				r := f.request("Hi")
				r.ContactID = 9999
				return r
			}, "not found"},
			{"unknown number", func() Request {
				r := f.request("Hi")
				r.NumberID = 9999
				return r
			}, "not found"},
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				err := f.store.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := f.sender.Queue(context.Background(), tx, row.req())
					return err
				})
				if err == nil || !strings.Contains(err.Error(), row.want) {
					t.Errorf("queue error = %v, want one containing %q", err, row.want)
				}
			})
		}
		if n := len(f.jobs.all()); n != 0 {
			t.Errorf("queued %d delivery jobs for rejected requests, want 0", n)
		}
	})
}

// queued queues one text and returns its id.
func (f *fixture) queued(body string) store.MessageID {
	f.t.Helper()
	msg := f.queue(f.request(body))
	if msg.Status != store.StatusQueued {
		f.t.Fatalf("text %q not queued: %s %s", body, msg.Status, msg.HoldReason)
	}
	return msg.ID
}

func TestDeliverSends(t *testing.T) {
	adapter := &fakeAdapter{}
	eachStore(t, adapter, func(t *testing.T, f *fixture) {
		adapter.sends, adapter.accts = nil, nil
		id := f.queued("Hi")
		if err := f.sender.deliver(context.Background(), id, false); err != nil {
			t.Fatalf("deliver: %v", err)
		}

		msg := f.message(id)
		if msg.Status != store.StatusSent {
			t.Errorf("status = %q, want sent", msg.Status)
		}
		if msg.ProviderMessageID != fmt.Sprintf("SM%032d", 1) || msg.ProviderStatus != "queued" {
			t.Errorf("provider id and status = %q %q, want the adapter's", msg.ProviderMessageID, msg.ProviderStatus)
		}
		if msg.Attempts != 1 {
			t.Errorf("attempts = %d, want 1", msg.Attempts)
		}
		if msg.SentAt.IsZero() {
			t.Errorf("sent at is not recorded")
		}

		sent := adapter.sent()
		if len(sent) != 1 {
			t.Fatalf("adapter sent %d texts, want 1", len(sent))
		}
		want := provider.SendRequest{From: businessNumber, To: callerNumber, Body: "Hi" + suffix, StatusCallback: statusCallback}
		if sent[0] != want {
			t.Errorf("send request = %+v, want %+v", sent[0], want)
		}
		if acct := adapter.accts[0]; acct.AuthToken != fakeToken || acct.AccountSID != "AC1" {
			t.Errorf("sent with account %+v, want the number's provider account", acct)
		}

		// A message already sent is not sent again by a late job.
		if err := f.sender.deliver(context.Background(), id, false); err != nil {
			t.Errorf("second deliver: %v", err)
		}
		if n := len(adapter.sent()); n != 1 {
			t.Errorf("adapter sent %d texts after a second deliver, want 1", n)
		}
	})
}

// A contact who opts out or turns out to be a landline after the text was queued gets nothing.
func TestDeliverRecheck(t *testing.T) {
	rows := []struct {
		name   string
		change func(f *fixture) error
		hold   string
	}{
		{"opted out", func(f *fixture) error {
			return f.store.SetContactOptedOut(context.Background(), f.business.ID, f.contact.ID, f.clock.Now())
		}, "recipient opted out"},
		{"sms blocked", func(f *fixture) error {
			return f.store.SetContactSMSBlocked(context.Background(), f.business.ID, f.contact.ID, "landline", f.clock.Now())
		}, "number cannot receive texts: landline"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			adapter := &fakeAdapter{}
			eachStore(t, adapter, func(t *testing.T, f *fixture) {
				adapter.sends = nil
				id := f.queued("Hi")
				if err := row.change(f); err != nil {
					t.Fatal(err)
				}
				if err := f.sender.deliver(context.Background(), id, false); err != nil {
					t.Fatalf("deliver: %v", err)
				}
				msg := f.message(id)
				if msg.Status != store.StatusHeld {
					t.Errorf("status = %q, want held", msg.Status)
				}
				if !strings.Contains(msg.HoldReason, row.hold) {
					t.Errorf("hold reason %q does not contain %q", msg.HoldReason, row.hold)
				}
				if n := len(adapter.sent()); n != 0 {
					t.Errorf("adapter sent %d texts, want 0", n)
				}
			})
		})
	}
}

func TestDeliverPermanentFailure(t *testing.T) {
	rows := []struct {
		name      string
		code      string
		recipient provider.RecipientState
		optedOut  bool
		blocked   string
	}{
		{"opted out", "21610", provider.RecipientOptedOut, true, ""},
		{"cannot text", "21614", provider.RecipientCannotText, false, "cannot receive texts (error 21614)"},
		{"unreachable", "21612", provider.RecipientCannotText, false, "cannot receive texts (error 21612)"},
		{"invalid", "21211", provider.RecipientInvalid, false, "invalid number (error 21211)"},
		{"nothing learned", "21606", provider.RecipientUnchanged, false, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			adapter := &fakeAdapter{send: func(int, provider.SendRequest) (provider.SendResult, error) {
				return provider.SendResult{}, &provider.SendError{
					Kind: provider.Permanent, HTTPStatus: 400, Code: row.code, Message: "rejected", Recipient: row.recipient,
				}
			}}
			eachStore(t, adapter, func(t *testing.T, f *fixture) {
				id := f.queued("Hi")
				if err := f.sender.deliver(context.Background(), id, false); err != nil {
					t.Errorf("deliver returned %v, want nil so that River does not retry", err)
				}

				msg := f.message(id)
				if msg.Status != store.StatusFailed {
					t.Errorf("status = %q, want failed", msg.Status)
				}
				if msg.ErrorCode != row.code {
					t.Errorf("error code = %q, want %q", msg.ErrorCode, row.code)
				}
				if !strings.Contains(msg.ErrorMessage, "rejected") {
					t.Errorf("error message %q lacks the provider's message", msg.ErrorMessage)
				}

				c := f.reloadContact()
				if c.OptedOut() != row.optedOut {
					t.Errorf("contact opted out = %v, want %v", c.OptedOut(), row.optedOut)
				}
				if c.SMSBlocked != row.blocked {
					t.Errorf("contact sms block = %q, want %q", c.SMSBlocked, row.blocked)
				}

				// The contact's new state holds the next text back before it reaches the provider.
				if row.recipient != provider.RecipientUnchanged {
					next := f.queue(f.request("Are you there?"))
					if next.Status != store.StatusHeld {
						t.Errorf("next text status = %q, want held", next.Status)
					}
				}
			})
		})
	}
}

// snoozed returns the duration of a River snooze, or false when err is not one.
func snoozed(err error) (time.Duration, bool) {
	var snooze *rivertype.JobSnoozeError
	if errors.As(err, &snooze) {
		return snooze.Duration, true
	}
	return 0, false
}

func TestDeliverRetryable(t *testing.T) {
	rows := []struct {
		name       string
		retryAfter time.Duration
		last       bool
		status     store.MessageStatus
	}{
		{"retry after", 30 * time.Second, false, store.StatusQueued},
		{"backoff", 0, false, store.StatusQueued},
		{"last attempt", 30 * time.Second, true, store.StatusFailed},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			adapter := &fakeAdapter{send: func(int, provider.SendRequest) (provider.SendResult, error) {
				return provider.SendResult{}, &provider.SendError{
					Kind: provider.Retryable, HTTPStatus: 429, Code: "20429", RetryAfter: row.retryAfter,
				}
			}}
			eachStore(t, adapter, func(t *testing.T, f *fixture) {
				id := f.queued("Hi")
				err := f.sender.deliver(context.Background(), id, row.last)
				snooze, isSnooze := snoozed(err)
				switch {
				case row.last:
					if err != nil {
						t.Errorf("last attempt returned %v, want nil", err)
					}
				case row.retryAfter > 0:
					if !isSnooze || snooze != row.retryAfter {
						t.Errorf("deliver returned %v, want a snooze of %v", err, row.retryAfter)
					}
				default:
					var sendErr *provider.SendError
					if isSnooze || !errors.As(err, &sendErr) {
						t.Errorf("deliver returned %v, want the send error so that River backs off", err)
					}
				}
				msg := f.message(id)
				if msg.Status != row.status {
					t.Errorf("status = %q, want %q", msg.Status, row.status)
				}
				if msg.ErrorCode != "20429" {
					t.Errorf("error code = %q, want 20429", msg.ErrorCode)
				}
			})
		})
	}
}

// An unclear outcome leaves the text queued, and the next attempt looks it up at the provider first.
func TestDeliverUnknownOutcome(t *testing.T) {
	unclear := func(n int, _ provider.SendRequest) (provider.SendResult, error) {
		if n == 1 {
			return provider.SendResult{}, &provider.SendError{Kind: provider.Unknown, HTTPStatus: 502, Message: "bad gateway"}
		}
		return provider.SendResult{MessageID: "SMsecond", Status: "queued"}, nil
	}
	rows := []struct {
		name      string
		found     string
		findErr   error
		finder    bool
		status    store.MessageStatus
		sid       string
		sends     int
		wantError bool
	}{
		{"found", "SMfound", nil, true, store.StatusSent, "SMfound", 1, false},
		{"not found", "", nil, true, store.StatusSent, "SMsecond", 2, false},
		{"lookup fails", "", errors.New("list failed"), true, store.StatusQueued, "", 1, true},
		{"no lookup", "", nil, false, store.StatusSent, "SMsecond", 2, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			base := &fakeAdapter{send: unclear}
			finder := &findingAdapter{fakeAdapter: base, result: row.found, err: row.findErr}
			var adapter provider.Adapter = base
			if row.finder {
				adapter = finder
			}
			eachStore(t, adapter, func(t *testing.T, f *fixture) {
				base.sends, finder.finds = nil, nil
				id := f.queued("Hi")
				err := f.sender.deliver(context.Background(), id, false)
				if err == nil {
					t.Fatalf("first deliver returned nil, want an error so that River retries")
				}
				if _, isSnooze := snoozed(err); isSnooze {
					t.Errorf("first deliver snoozed, want a retry with backoff")
				}
				first := f.message(id)
				if first.Status != store.StatusQueued {
					t.Errorf("status after unclear outcome = %q, want queued", first.Status)
				}
				if n := len(finder.lookups()); n != 0 {
					t.Errorf("first attempt looked the text up %d times, want 0", n)
				}

				f.clock.Add(time.Minute)
				err = f.sender.deliver(context.Background(), id, false)
				if (err != nil) != row.wantError {
					t.Errorf("second deliver returned %v, want error %v", err, row.wantError)
				}
				msg := f.message(id)
				if msg.Status != row.status {
					t.Errorf("status = %q, want %q", msg.Status, row.status)
				}
				if msg.ProviderMessageID != row.sid {
					t.Errorf("provider message id = %q, want %q", msg.ProviderMessageID, row.sid)
				}
				if n := len(base.sent()); n != row.sends {
					t.Errorf("adapter sent %d times, want %d", n, row.sends)
				}

				if !row.finder {
					return
				}
				lookups := finder.lookups()
				if len(lookups) != 1 {
					t.Fatalf("second attempt looked the text up %d times, want 1", len(lookups))
				}
				if want := first.CreatedAt.Add(-time.Minute); !lookups[0].Equal(want) {
					t.Errorf("looked up texts since %v, want a minute before the message was created, %v", lookups[0], want)
				}
			})
		})
	}
}

// An error that is not a SendError counts as an unclear outcome.
func TestDeliverPlainError(t *testing.T) {
	adapter := &fakeAdapter{send: func(int, provider.SendRequest) (provider.SendResult, error) {
		return provider.SendResult{}, errors.New("connection reset")
	}}
	eachStore(t, adapter, func(t *testing.T, f *fixture) {
		id := f.queued("Hi")
		if err := f.sender.deliver(context.Background(), id, false); err == nil {
			t.Errorf("deliver returned nil, want an error so that River retries")
		}
		msg := f.message(id)
		if msg.Status != store.StatusQueued {
			t.Errorf("status = %q, want queued", msg.Status)
		}
		if !strings.Contains(msg.ErrorMessage, "connection reset") {
			t.Errorf("error message %q lacks the cause", msg.ErrorMessage)
		}
		if err := f.sender.deliver(context.Background(), id, true); err != nil {
			t.Errorf("last deliver returned %v, want nil", err)
		}
		if msg := f.message(id); msg.Status != store.StatusFailed {
			t.Errorf("status after the last attempt = %q, want failed", msg.Status)
		}
	})
}

// Two senders working on the same message at once send it once.
func TestDeliverConcurrent(t *testing.T) {
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	adapter := &fakeAdapter{}
	// Only the first send blocks, so that a second send shows up as a failure instead of a hang.
	adapter.send = func(n int, _ provider.SendRequest) (provider.SendResult, error) {
		if n > 1 {
			return provider.SendResult{MessageID: fmt.Sprintf("SMextra%d", n), Status: "queued"}, nil
		}
		entered <- struct{}{}
		<-release
		return provider.SendResult{MessageID: "SMonly", Status: "queued"}, nil
	}
	eachStore(t, adapter, func(t *testing.T, f *fixture) {
		adapter.sends = nil
		release = make(chan struct{})
		id := f.queued("Hi")
		done := make(chan error, 1)
		go func() { done <- f.sender.deliver(context.Background(), id, false) }()
		<-entered
		err := f.sender.deliver(context.Background(), id, false)
		if d, ok := snoozed(err); !ok || d != ClaimRecheck {
			t.Errorf("second deliver returned %v, want a snooze of %v to look again", err, ClaimRecheck)
		}
		close(release)
		if err := <-done; err != nil {
			t.Errorf("first deliver: %v", err)
		}
		if n := len(adapter.sent()); n != 1 {
			t.Errorf("adapter sent %d times, want 1", n)
		}
		if msg := f.message(id); msg.Status != store.StatusSent || msg.ProviderMessageID != "SMonly" {
			t.Errorf("message %s %q, want sent SMonly", msg.Status, msg.ProviderMessageID)
		}
	})
}

// A message left sending by a sender that died is taken over after the claim lease, and the
// new sender looks it up at the provider first.
func TestDeliverStaleClaim(t *testing.T) {
	base := &fakeAdapter{}
	adapter := &findingAdapter{fakeAdapter: base, result: "SMearlier"}
	eachStore(t, adapter, func(t *testing.T, f *fixture) {
		base.sends, adapter.finds = nil, nil
		id := f.queued("Hi")
		if _, claimed, err := f.store.ClaimMessage(context.Background(), id, f.clock.Now().Add(-ClaimLease)); err != nil || !claimed {
			t.Fatalf("claim: %v, claimed %v", err, claimed)
		}
		f.clock.Add(ClaimLease / 2)
		err := f.sender.deliver(context.Background(), id, false)
		if _, ok := snoozed(err); !ok {
			t.Errorf("deliver within the lease returned %v, want a snooze", err)
		}
		f.clock.Add(ClaimLease)
		if err := f.sender.deliver(context.Background(), id, false); err != nil {
			t.Fatalf("deliver after the lease: %v", err)
		}
		msg := f.message(id)
		if msg.Status != store.StatusSent || msg.ProviderMessageID != "SMearlier" {
			t.Errorf("message %s %q, want sent SMearlier", msg.Status, msg.ProviderMessageID)
		}
		if n := len(base.sent()); n != 0 {
			t.Errorf("adapter sent %d times, want 0 because the text was found", n)
		}
		if n := len(adapter.lookups()); n != 1 {
			t.Errorf("looked the text up %d times, want 1", n)
		}
	})
}

func TestDeliverUnsupportedKind(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *fixture) {
		id := f.queued("Hi")
		if err := f.sender.deliver(context.Background(), id, false); err != nil {
			t.Errorf("deliver returned %v, want nil because a retry cannot help", err)
		}
		msg := f.message(id)
		if msg.Status != store.StatusFailed {
			t.Errorf("status = %q, want failed", msg.Status)
		}
		if !strings.Contains(msg.ErrorMessage, `unsupported kind "fake"`) {
			t.Errorf("error message %q does not name the kind", msg.ErrorMessage)
		}
	})
}

// The details kept with a message read back as they were queued.
func TestQueueDetails(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *fixture) {
		req := f.request("Hi {business}")
		req.Details = store.MessageDetails{Trigger: "missed call CA1", Template: "Hi {business}", Values: map[string]string{"business": "Acme"}}
		msg := f.queue(req)
		stored := f.message(msg.ID)
		got, _ := json.Marshal(stored.Details)
		if stored.Details.Trigger != "missed call CA1" || stored.Details.Values["business"] != "Acme" || !stored.Details.OptOut {
			t.Errorf("details read back as %s", got)
		}
		if stored.TemplateName != "text_back" || stored.Purpose != store.PurposeTextBack {
			t.Errorf("template and purpose = %q %q, want text_back text_back", stored.TemplateName, stored.Purpose)
		}
	})
}

// With the fast lane, a queued text is sent once its transaction commits, and then its backstop
// job is deleted. A text that stays queued keeps its job.
func TestQueueFastLane(t *testing.T) {
	rows := []struct {
		name   string
		send   func(int, provider.SendRequest) (provider.SendResult, error)
		status store.MessageStatus
		delete bool
	}{
		{"sent", nil, store.StatusSent, true},
		{"failed", func(int, provider.SendRequest) (provider.SendResult, error) {
			return provider.SendResult{}, &provider.SendError{Kind: provider.Permanent, Code: "21606"}
		}, store.StatusFailed, true},
		{"unclear", func(int, provider.SendRequest) (provider.SendResult, error) {
			return provider.SendResult{}, &provider.SendError{Kind: provider.Unknown}
		}, store.StatusQueued, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			adapter := &fakeAdapter{send: row.send}
			eachStore(t, adapter, func(t *testing.T, f *fixture) {
				adapter.sends = nil
				lane := jobs.NewFastLane(4, 4, nil)
				lane.Start(context.Background())
				t.Cleanup(func() { lane.Stop(context.Background()) })
				f.sender = New(Options{Store: f.store, Queue: f.jobs, Adapters: adapters{adapter}, Clock: f.clock.Now, FastLane: lane})
				id := f.queued("Hi")
				f.waitSends(adapter, 1)
				lane.Stop(context.Background())
				if msg := f.message(id); msg.Status != row.status {
					t.Errorf("status = %q, want %q", msg.Status, row.status)
				}
				deleted := f.jobs.deletedJobs()
				if row.delete && (len(deleted) != 1 || deleted[0] != 1) {
					t.Errorf("deleted jobs %v, want the backstop job 1", deleted)
				}
				if !row.delete && len(deleted) != 0 {
					t.Errorf("deleted jobs %v, want none while the text is still queued", deleted)
				}
			})
		})
	}
}

// waitSends waits until adapter was asked to send n texts.
func (f *fixture) waitSends(adapter *fakeAdapter, n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(adapter.sent()) < n {
		if time.Now().After(deadline) {
			f.t.Fatalf("adapter was asked to send %d texts, want %d", len(adapter.sent()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
