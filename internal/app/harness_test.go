package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	// db is the database's target: a SQLite file path or a PostgreSQL URL, for commands that open it.
	db string
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

// harnessOptions configure a harness beyond its first number.
type harnessOptions struct {
	number numberSetup
	// settings are the business's conversation settings; nil stores store.DefaultSettings without
	// follow-ups.
	settings *store.Settings
	// clock is the app's clock. Nil keeps clockAt(openHours), when Acme is open. Any other clock
	// opens the business every day, so that the template used does not depend on the test's date.
	// NOTE: jobs are scheduled by this clock but run by River's wall clock, so with
	// clockAt(openHours), which lies in the past, escalations, alert updates and retries are due
	// at once.
	clock func() time.Time
	// smtpURL is the mail relay for alerts and the email fallback; empty sends no email.
	smtpURL string
	// db is the database target; empty creates a fresh database of the dialect.
	db string
}

// newCluster starts instances textback processes on one database.
func newCluster(t testing.TB, d store.Dialect, instances int, setup numberSetup, fakeOpts ...twiliotest.Option) *harness {
	t.Helper()
	return newClusterWith(t, d, instances, harnessOptions{number: setup}, fakeOpts...)
}

// newHarnessWith starts one textback process configured by opts.
func newHarnessWith(t testing.TB, d store.Dialect, opts harnessOptions, fakeOpts ...twiliotest.Option) *harness {
	t.Helper()
	return newClusterWith(t, d, 1, opts, fakeOpts...)
}

// newClusterWith starts instances textback processes on one database, configured by opts.
func newClusterWith(t testing.TB, d store.Dialect, instances int, opts harnessOptions, fakeOpts ...twiliotest.Option) *harness {
	t.Helper()
	setup := opts.number
	if setup.mode == "" {
		setup.mode = store.ModeDial
	}
	if setup.answerCheck == "" {
		setup.answerCheck = provider.AnswerCheckNone
	}
	clock, everyDay := opts.clock, opts.clock != nil
	if clock == nil {
		clock = clockAt(openHours)
	}

	ctx := context.Background()
	fake := twiliotest.New(t, fakeOpts...)
	// Outbound webhook tests deliver to receivers on 127.0.0.1.
	cfg := config.Config{Addr: "127.0.0.1:0", DB: opts.db, PublicURL: publicURL, WebhooksAllowPrivate: true}
	if cfg.DB == "" {
		cfg.DB = storetest.Target(t, d)
	}
	if opts.smtpURL != "" {
		cfg.SMTPURL, cfg.SMTPFrom = opts.smtpURL, "Textback <alerts@example.com>"
	}
	a, err := app.New(ctx, cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clock})
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
	for day := time.Sunday; day <= time.Saturday; day++ {
		if everyDay || day >= time.Monday && day <= time.Friday {
			week[day] = []hours.Range{{Start: 0, End: 24 * 60}}
		}
	}
	business := store.Business{
		Slug: "acme-plumbing", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", RepName: "Dana",
		BookingURL: "https://example.com/book/acme", Hours: week,
		TextBack: store.TextBackSettings{
			Enabled: true, Window: 24 * time.Hour, Template: msgtemplate.DefaultTextBack,
			AfterHoursTemplate: msgtemplate.DefaultAfterHours,
		},
	}
	// The harness clock sits in the past, where the default follow-ups would fall due at once;
	// tests of follow-ups set their own.
	business.Settings = store.DefaultSettings()
	business.Settings.FollowUps = []store.FollowUpStep{}
	if opts.settings != nil {
		business.Settings = *opts.settings
	}
	b, err := s.UpsertBusiness(ctx, business)
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
		other, err := app.New(ctx, cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clock})
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
	return &harness{t: t, app: a, apps: apps, store: s, fake: fake, db: cfg.DB, client: client}
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

// newMessageSID returns a distinct SID for an inbound text of this harness.
func (h *harness) newMessageSID() string {
	return fmt.Sprintf("SM%032d", 1_000_000+h.seq.Add(1))
}

// smsForm returns the fields of an inbound text from from to the business number to.
func (h *harness) smsForm(sid, from, to, body string) url.Values {
	return url.Values{
		"AccountSid": {h.fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "Body": {body}, "From": {from},
		"To": {to}, "MessageSid": {sid}, "SmsMessageSid": {sid}, "SmsSid": {sid}, "SmsStatus": {"received"},
		"NumMedia": {"0"}, "NumSegments": {"1"},
	}
}

// textFrom posts an inbound text from from to the business number, waits until textback has
// applied it, and returns the result it recorded.
func (h *harness) textFrom(from, body string) string {
	h.t.Helper()
	return h.textTo(h.newMessageSID(), from, businessNumber, body)
}

// textTo posts the inbound text sid from from to the business number to and waits until it is
// applied. Posting a SID again re-delivers the same text, as Twilio does when it retries.
func (h *harness) textTo(sid, from, to, body string) string {
	h.t.Helper()
	h.mustPost("sms", h.smsForm(sid, from, to, body))
	return h.waitApplied("sms:" + sid)
}

// report posts a delivery report for the text with the provider message SID sid, waits until
// textback has applied it, and returns the result it recorded. errorCode may be empty.
func (h *harness) report(sid, status, errorCode string) string {
	h.t.Helper()
	var sent twiliotest.Message
	for _, m := range h.fake.Sent() {
		if m.SID == sid {
			sent = m
		}
	}
	form := url.Values{
		"AccountSid": {h.fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {sid}, "SmsSid": {sid},
		"MessageStatus": {status}, "SmsStatus": {status}, "From": {sent.From}, "To": {sent.To},
	}
	if errorCode != "" {
		form.Set("ErrorCode", errorCode)
	}
	h.mustPost("sms/status", form)
	return h.waitApplied("sms-status:" + sid + ":" + status)
}

// waitApplied waits until the webhook with the event key has been applied and returns the result
// textback recorded for it.
func (h *harness) waitApplied(eventKey string) string {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var result string
		err := h.store.DB().QueryRowContext(context.Background(),
			"SELECT result FROM webhooks WHERE event_key = $1 AND processed_at IS NOT NULL", eventKey).Scan(&result)
		if err == nil {
			return result
		}
		if !errors.Is(err, sql.ErrNoRows) {
			h.t.Fatalf("read webhook %s: %v", eventKey, err)
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("webhook %s not applied in time", eventKey)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// addNumber gives the business another number in dial mode, ringing the owner's phone.
func (h *harness) addNumber(e164 string) {
	h.t.Helper()
	ctx := context.Background()
	b := h.business()
	p, err := h.store.GetProviderByName(ctx, "twilio-main")
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: e164, Mode: store.ModeDial, ForwardTo: ownerPhone,
		RingSeconds: 18, AnswerCheck: provider.AnswerCheckNone,
	}); err != nil {
		h.t.Fatal(err)
	}
}

// missedCallTo plays a call to the business number to that rings out.
func (h *harness) missedCallTo(callSID, from, to string) {
	h.t.Helper()
	h.mustPost("voice", h.callForm(callSID, from, "To", to, "Called", to, "CallStatus", "ringing"))
	h.mustPost("voice/dial", h.callForm(callSID, from, "To", to, "Called", to, "CallStatus", "in-progress",
		"DialCallStatus", "no-answer", "DialCallDuration", "0"))
}

// business returns the harness's business as stored.
func (h *harness) business() store.Business {
	h.t.Helper()
	b, err := h.store.GetBusinessBySlug(context.Background(), "acme-plumbing")
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// contact returns the business's contact with the number.
func (h *harness) contact(e164 string) store.Contact {
	h.t.Helper()
	c, err := h.store.GetContactByE164(context.Background(), h.business().ID, e164)
	if err != nil {
		h.t.Fatalf("contact %s: %v", e164, err)
	}
	return c
}

// sentTo returns the texts the fake accepted for the number, oldest first.
func (h *harness) sentTo(e164 string) []twiliotest.Message {
	var out []twiliotest.Message
	for _, m := range h.fake.Sent() {
		if m.To == e164 {
			out = append(out, m)
		}
	}
	return out
}

// waitSentTo waits until the fake has accepted n texts for the number, lets queued work settle,
// and returns every text for the number, so that a caller can check that no more arrived.
func (h *harness) waitSentTo(e164 string, n int) []twiliotest.Message {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(h.sentTo(e164)) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("got %d texts to %s, want %d: %+v", len(h.sentTo(e164)), e164, n, bodies(h.sentTo(e164)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.settle()
	return h.sentTo(e164)
}

// bodies returns the bodies of texts, for failure messages.
func bodies(msgs []twiliotest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Body
	}
	return out
}

// riverJob is one row of River's job table.
type riverJob struct {
	ID          int64
	State       string
	ScheduledAt time.Time
	Args        map[string]any
}

// jobs returns River's jobs of the kind, oldest first.
func (h *harness) jobs(kind string) []riverJob {
	h.t.Helper()
	query := "SELECT id, state, scheduled_at, args::text FROM river_job WHERE kind = $1 ORDER BY id"
	if h.store.Dialect() == store.SQLite {
		query = "SELECT id, state, scheduled_at, json(args) FROM river_job WHERE kind = $1 ORDER BY id"
	}
	rows, err := h.store.DB().QueryContext(context.Background(), query, kind)
	if err != nil {
		h.t.Fatalf("list %s jobs: %v", kind, err)
	}
	defer rows.Close()
	var out []riverJob
	for rows.Next() {
		var (
			j         riverJob
			scheduled any
			args      string
		)
		if err := rows.Scan(&j.ID, &j.State, &scheduled, &args); err != nil {
			h.t.Fatalf("read %s job: %v", kind, err)
		}
		j.ScheduledAt = parseJobTime(h.t, scheduled)
		if err := json.Unmarshal([]byte(args), &j.Args); err != nil {
			h.t.Fatalf("read arguments of %s job %d: %v", kind, j.ID, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatalf("list %s jobs: %v", kind, err)
	}
	return out
}

// parseJobTime reads a River timestamp, which SQLite returns as text and PostgreSQL as a time.
func parseJobTime(t testing.TB, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
			if parsed, err := time.Parse(layout, v); err == nil {
				return parsed.UTC()
			}
		}
	}
	t.Fatalf("unreadable job time %#v", v)
	return time.Time{}
}
