package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// publicURL is what the server believes providers call. Requests go to the local listener, as
// they would behind a TLS-terminating proxy, and signatures are computed over this URL.
const publicURL = "https://hooks.example.com"

const (
	businessNumber = "+13125550199"
	ownerPhone     = "+13125550100"
	caller         = "+12025550143"
)

// harness is one or more running textback instances on a fresh database with a fake Twilio API.
type harness struct {
	t     testing.TB
	app   *app.App
	apps  []*app.App
	store *store.Store
	fake  *twiliotest.Server
	seq   atomic.Int64
	// client posts webhooks; it keeps enough idle connections for load tests.
	client *http.Client
}

type numberSetup struct {
	mode        store.NumberMode
	answerCheck provider.AnswerCheck
}

// eachDatabase runs fn once per database.
func eachDatabase(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

// clockAt returns a clock frozen-in-offset: real time moves, shifted so that now is start.
func clockAt(start time.Time) func() time.Time {
	offset := time.Until(start)
	return func() time.Time { return time.Now().Add(offset) }
}

// openHours is a clock time when Acme is open: a Tuesday at 10:00 in Chicago.
var openHours = time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)

func newHarness(t testing.TB, d store.Dialect, setup numberSetup, fakeOpts ...twiliotest.Option) *harness {
	t.Helper()
	return newCluster(t, d, 1, setup, fakeOpts...)
}

// newCluster starts instances textback processes on one database.
func newCluster(t testing.TB, d store.Dialect, instances int, setup numberSetup, fakeOpts ...twiliotest.Option) *harness {
	t.Helper()
	if setup.mode == "" {
		setup.mode = store.ModeDial
	}
	if setup.answerCheck == "" {
		setup.answerCheck = provider.AnswerCheckNone
	}
	ctx := context.Background()
	fake := twiliotest.New(t, fakeOpts...)
	cfg := config.Config{Addr: "127.0.0.1:0", DB: storetest.Target(t, d), PublicURL: publicURL}
	a, err := app.New(ctx, cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clockAt(openHours)})
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	s := a.Store()
	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: twilio.ProviderKind, AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, APIBaseURL: fake.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []hours.Range{{Start: 0, End: 24 * 60}}
	}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", RepName: "Dana",
		BookingURL: "https://example.com/book/acme", Hours: week,
		TextBack: store.TextBackSettings{
			Enabled: true, Window: 24 * time.Hour, Template: msgtemplate.DefaultTextBack,
			AfterHoursTemplate: msgtemplate.DefaultAfterHours,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	forward := ownerPhone
	if setup.mode == store.ModeForwarded {
		forward = ""
	}
	if _, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: businessNumber, Mode: setup.mode, ForwardTo: forward,
		RingSeconds: 18, AnswerCheck: setup.answerCheck,
	}); err != nil {
		t.Fatal(err)
	}
	apps := []*app.App{a}
	for range instances - 1 {
		other, err := app.New(ctx, cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clockAt(openHours)})
		if err != nil {
			t.Fatalf("new app: %v", err)
		}
		apps = append(apps, other)
	}
	for _, a := range apps {
		if err := a.Start(ctx); err != nil {
			t.Fatalf("start app: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := a.Stop(ctx); err != nil {
				t.Errorf("stop app: %v", err)
			}
		})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256}}
	t.Cleanup(client.CloseIdleConnections)
	return &harness{t: t, app: a, apps: apps, store: s, fake: fake, client: client}
}

// newCallSID returns a distinct call id for this harness.
func (h *harness) newCallSID() string {
	return fmt.Sprintf("CA%032d", h.seq.Add(1))
}

// post sends a signed webhook and returns the status and body.
func (h *harness) post(route string, form url.Values) (int, string) {
	h.t.Helper()
	return h.postSigned(route, form, twilio.Sign(h.fake.AuthToken, publicURL+"/webhooks/twilio/"+route, form))
}

func (h *harness) postSigned(route string, form url.Values, signature string) (int, string) {
	h.t.Helper()
	return h.postSignedTo(h.app, route, form, signature)
}

// postTo sends a signed webhook to instance i.
func (h *harness) postTo(i int, route string, form url.Values) (int, string) {
	h.t.Helper()
	return h.postSignedTo(h.apps[i], route, form, twilio.Sign(h.fake.AuthToken, publicURL+"/webhooks/twilio/"+route, form))
}

func (h *harness) postSignedTo(a *app.App, route string, form url.Values, signature string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+a.Addr()+"/webhooks/twilio/"+route, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signature != "" {
		req.Header.Set("X-Twilio-Signature", signature)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("post %s: %v", route, err)
	}
	defer resp.Body.Close()
	var body strings.Builder
	_, _ = fmt.Fprint(&body, readAll(resp))
	return resp.StatusCode, body.String()
}

// callForm returns the fields every voice webhook of a call carries.
func (h *harness) callForm(callSID, from string, fields ...string) url.Values {
	form := url.Values{
		"AccountSid": {h.fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {callSID},
		"From": {from}, "Caller": {from}, "To": {businessNumber}, "Called": {businessNumber}, "Direction": {"inbound"},
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return form
}

// legForm returns the fields of a webhook about the forwarded leg of callSID.
func (h *harness) legForm(callSID string, fields ...string) url.Values {
	form := url.Values{
		"AccountSid": {h.fake.AccountSID}, "CallSid": {"CL" + callSID[2:]}, "ParentCallSid": {callSID},
		"From": {businessNumber}, "To": {ownerPhone}, "Direction": {"outbound-dial"},
	}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return form
}

// mustPost posts a webhook and fails the test unless it was accepted.
func (h *harness) mustPost(route string, form url.Values) string {
	h.t.Helper()
	status, body := h.post(route, form)
	if status != http.StatusOK {
		h.t.Fatalf("post %s: status %d, body %s", route, status, body)
	}
	return body
}

// missedCall plays a call to the business that rings out.
func (h *harness) missedCall(callSID, from string) {
	h.t.Helper()
	h.mustPost("voice", h.callForm(callSID, from, "CallStatus", "ringing"))
	h.mustPost("voice/dial", h.callForm(callSID, from, "CallStatus", "in-progress", "DialCallStatus", "no-answer", "DialCallDuration", "0"))
}

// waitDecided waits until the call has a decision.
func (h *harness) waitDecided(callSID string) store.Call {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p, err := h.store.GetProviderByName(context.Background(), "twilio-main")
		if err != nil {
			h.t.Fatal(err)
		}
		call, err := h.store.GetCallByProviderID(context.Background(), p.ID, callSID)
		if err == nil && !call.DecidedAt.IsZero() {
			return call
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("call %s not decided in time (last read: %+v, %v)", callSID, call, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitSent waits until the fake has received n texts, then a little longer to catch extras.
func (h *harness) waitSent(n int) []twiliotest.Message {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(h.fake.Sent()) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("got %d texts, want %d", len(h.fake.Sent()), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	return h.fake.Sent()
}

// settle waits for queued work to finish: every message left the queue.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs, err := h.store.ListRecentMessages(context.Background(), 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		busy := false
		for _, m := range msgs {
			if m.Status == store.StatusQueued || m.Status == store.StatusSending {
				busy = true
			}
		}
		if !busy {
			time.Sleep(200 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("messages still queued: %+v", msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitScreened waits until the call's screening result is recorded.
func (h *harness) waitScreened(callSID string) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := h.store.GetProviderByName(context.Background(), "twilio-main")
		if err != nil {
			h.t.Fatal(err)
		}
		call, err := h.store.GetCallByProviderID(context.Background(), p.ID, callSID)
		if err == nil && call.ScreenAnswered {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("screening result of call %s not recorded in time", callSID)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
