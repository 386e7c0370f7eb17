package app_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/dbcopy"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// inboundTextForm returns the fields of an inbound text webhook.
func inboundTextForm(h *harness, messageSID, from, body string) url.Values {
	return url.Values{
		"AccountSid": {h.fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {messageSID},
		"SmsMessageSid": {messageSID}, "SmsSid": {messageSID}, "From": {from}, "To": {businessNumber},
		"Body": {body}, "NumMedia": {"0"}, "SmsStatus": {"received"},
	}
}

// textStatusForm returns the fields of a delivery report.
func textStatusForm(h *harness, messageSID, status string) url.Values {
	return url.Values{
		"AccountSid": {h.fake.AccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {messageSID},
		"MessageStatus": {status}, "From": {businessNumber},
	}
}

// jobStatesOf returns the states of the jobs of kind, in id order.
func jobStatesOf(t *testing.T, s *store.Store, kind string) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), "SELECT CAST(state AS TEXT) FROM river_job WHERE kind = $1 ORDER BY id", kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var states []string
	for rows.Next() {
		var state string
		if err := rows.Scan(&state); err != nil {
			t.Fatal(err)
		}
		states = append(states, state)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return states
}

// waitForJobState waits until a job of kind is in state.
func waitForJobState(t *testing.T, s *store.Store, kind, state string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		states := jobStatesOf(t, s, kind)
		for _, got := range states {
			if got == state {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s job became %s in time (states: %v)", kind, state, states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tableRows returns every row of table in id order, in a form both databases share: integers as
// int64, booleans as 0 or 1, times as UTC strings and bytes as strings.
func tableRows(t *testing.T, s *store.Store, table string) []map[string]any {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), "SELECT * FROM "+table+" ORDER BY id")
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		row := map[string]any{}
		for i, c := range cols {
			switch v := values[i].(type) {
			case bool:
				row[c] = map[bool]int64{false: 0, true: 1}[v]
			case int32:
				row[c] = int64(v)
			case time.Time:
				row[c] = v.UTC().Format(time.RFC3339Nano)
			case []byte:
				row[c] = string(v)
			default:
				row[c] = v
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return out
}

// sample is one row of each table read through the store, to compare field by field.
type sample struct {
	provider store.Provider
	business store.Business
	number   store.Number
	contact  store.Contact
	calls    []store.Call
	messages [][]store.Message
	webhook  store.Webhook
}

func readSample(t *testing.T, s *store.Store, callSIDs []string, contact string, webhook store.WebhookID) sample {
	t.Helper()
	ctx := context.Background()
	var out sample
	var err error
	if out.provider, err = s.GetProviderByName(ctx, "twilio-main"); err != nil {
		t.Fatal(err)
	}
	if out.business, err = s.GetBusinessBySlug(ctx, "acme-plumbing"); err != nil {
		t.Fatal(err)
	}
	if out.number, err = s.GetNumberByE164(ctx, businessNumber); err != nil {
		t.Fatal(err)
	}
	if out.contact, err = s.GetContactByE164(ctx, out.business.ID, contact); err != nil {
		t.Fatal(err)
	}
	for _, sid := range callSIDs {
		call, err := s.GetCallByProviderID(ctx, out.provider.ID, sid)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := s.ListMessagesByCall(ctx, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		out.calls = append(out.calls, call)
		out.messages = append(out.messages, msgs)
	}
	if out.webhook, err = s.GetWebhook(ctx, webhook); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrateDBMovesInstallation fills a SQLite installation by running textback and stops it
// with work still waiting: a text that failed with HTTP 500 and a stored webhook whose job has
// not run. It copies the installation to PostgreSQL and runs textback there.
func TestMigrateDBMovesInstallation(t *testing.T) {
	ctx := context.Background()
	to := storetest.NewPostgresDatabase(t)
	const (
		callerA = "+12025550143" // texted back before the move
		callerB = "+12025550144" // whose text failed with a 500 before the move
		callerC = "+12025550145" // whose call was missed just as textback stopped
	)
	h := newHarness(t, store.SQLite, numberSetup{})
	var failing atomic.Bool
	h.fake.Fail(func(int, url.Values) *twiliotest.Fault {
		if failing.Load() {
			return &twiliotest.Fault{Status: http.StatusInternalServerError}
		}
		return nil
	})
	from := h.store.TargetForTests()

	sidA := h.newCallSID()
	h.missedCall(sidA, callerA)
	sent := h.waitSent(1)
	h.mustPost("sms", inboundTextForm(h, "SM00000000000000000000000000000001", callerA, "Can you come tomorrow?"))
	h.mustPost("sms/status", textStatusForm(h, sent[0].SID, "delivered"))
	h.settle()

	failing.Store(true)
	sidB := h.newCallSID()
	h.missedCall(sidB, callerB)
	waitForJobState(t, h.store, "deliver_message", "retryable")

	sidC := h.newCallSID()
	h.mustPost("voice", h.callForm(sidC, callerC, "CallStatus", "ringing"))
	waitCallRecorded(t, h.store, sidC)
	stopCtx, cancel := context.WithTimeout(ctx, app.StopBudget)
	defer cancel()
	if err := h.app.Stop(stopCtx); err != nil {
		t.Fatalf("stop textback on SQLite: %v", err)
	}

	// The dial result of call C was stored with its job, and the process died before either
	// the fast lane or the job applied it: the job is still scheduled.
	src := storetest.OpenWith(t, from, store.Options{})
	dial := h.callForm(sidC, callerC, "CallStatus", "in-progress", "DialCallStatus", "no-answer", "DialCallDuration", "0")
	dialURL := publicURL + "/webhooks/twilio/voice/dial"
	queue, err := jobs.New(src, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prov, err := src.GetProviderByName(ctx, "twilio-main")
	if err != nil {
		t.Fatal(err)
	}
	var dialWebhook store.WebhookID
	err = src.InTx(ctx, func(tx *store.Tx) error {
		var err error
		dialWebhook, _, err = tx.InsertWebhook(ctx, store.Webhook{
			ProviderID: prov.ID, Route: "twilio/voice/dial", EventKey: "dial:" + sidC, URL: dialURL,
			Header: http.Header{
				"Content-Type":       {"application/x-www-form-urlencoded"},
				"X-Twilio-Signature": {twilio.Sign(h.fake.AuthToken, dialURL, dial)},
			},
			Body: []byte(dial.Encode()), ReceivedAt: time.Now(),
		})
		if err != nil {
			return err
		}
		opts := callflow.ProcessWebhookArgs{}.InsertOpts()
		opts.ScheduledAt = time.Now().Add(jobs.FastLaneGrace)
		_, err = queue.InsertTx(ctx, tx, callflow.ProcessWebhookArgs{WebhookID: int64(dialWebhook)}, &opts)
		return err
	})
	if err != nil {
		t.Fatalf("store the dial webhook of call C: %v", err)
	}
	// Tasks, alerts and their deliveries come from keywords and team settings this installation
	// lacks; a row of each makes sure they are copied too.
	if err := src.InTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.GetContactByE164(ctx, 1, callerA)
		if err != nil {
			return err
		}
		if _, _, err := tx.InsertTask(ctx, store.NewTask{BusinessID: 1, ContactID: contact.ID, Kind: store.TaskCallBack,
			Title: "Call back", Priority: "normal", DedupeKey: "test-task", DueAt: time.Now()}); err != nil {
			return err
		}
		alert, _, err := tx.RaiseAlert(ctx, store.NewAlert{BusinessID: 1, ContactID: contact.ID, Kind: "test",
			Priority: "normal", Summary: "test alert", At: time.Now(), Window: time.Minute, DedupeKey: "test-alert"})
		if err != nil {
			return err
		}
		if _, err = tx.AddAlertDelivery(ctx, store.AlertDelivery{AlertID: alert.ID, Channel: "email",
			Target: "owner@example.com", Purpose: "alert", Status: "sent"}); err != nil {
			return err
		}
		_, _, err = tx.StartSequence(ctx, 1, contact.ID, 0, 0, time.Now())
		return err
	}); err != nil {
		t.Fatalf("add a task, an alert and a delivery: %v", err)
	}
	// Only the sandbox provider writes this table; a row makes sure it is copied too.
	if err := src.InsertSandboxMessage(ctx, store.SandboxMessage{
		AccountSID: "AC00000000000000000000000000000009", SID: "SM00000000000000000000000000000009",
		From: businessNumber, To: callerA, Body: "sandbox text", CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	// Bookings come from the booking service, which this installation does not run; a calendar
	// with one booking makes sure both tables are copied too.
	if err := src.InTx(ctx, func(tx *store.Tx) error {
		contact, err := tx.GetContactByE164(ctx, 1, callerA)
		if err != nil {
			return err
		}
		cal, err := tx.UpsertCalendar(ctx, store.Calendar{BusinessID: 1, Slug: "repairs", Name: "Repairs",
			TimeZone: "America/Chicago", SlotLength: time.Hour, Horizon: 24 * time.Hour})
		if err != nil {
			return err
		}
		start := time.Now().Add(time.Hour).Truncate(time.Hour)
		_, _, err = tx.BookSlot(ctx, store.SlotRequest{BusinessID: 1, CalendarID: cal.ID, ContactID: contact.ID,
			Start: start, End: start.Add(time.Hour), Source: store.BookingSourcePage, Name: "Pat Lee"})
		return err
	}); err != nil {
		t.Fatalf("add a calendar and a booking: %v", err)
	}
	// Dashboard accounts come from textback user add and sign-ins.
	if err := src.InTx(ctx, func(tx *store.Tx) error {
		agency, err := tx.UpsertAgency(ctx, "North Agency")
		if err != nil {
			return err
		}
		if err := tx.SetBusinessAgency(ctx, 1, agency.ID); err != nil {
			return err
		}
		user, err := tx.InsertUser(ctx, "owner@example.com", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5")
		if err != nil {
			return err
		}
		if _, err := tx.AddMembership(ctx, store.Membership{UserID: user.ID, BusinessID: 1, Role: store.RoleOwner}); err != nil {
			return err
		}
		now := time.Now()
		if _, err := tx.InsertSession(ctx, "5e55", store.Session{UserID: user.ID, CSRFToken: "csrf", CreatedAt: now,
			ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.RecordLoginFailure(ctx, "address", "192.0.2.1", now)
	}); err != nil {
		t.Fatalf("add dashboard accounts: %v", err)
	}
	// API keys and outbound webhooks come from textback apikey and textback webhooks, and from
	// the events they deliver.
	if err := src.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.InsertAPIKey(ctx, store.NewAPIKey{
			BusinessID: 1, Name: "crm", Prefix: "tbk_abcdefgh", SecretHash: "0f1e2d3c",
		}); err != nil {
			return err
		}
		endpoint, err := tx.InsertHookEndpoint(ctx, store.HookEndpoint{
			BusinessID: 1, URL: "https://crm.example.com/hooks", Events: []string{"call.missed"}, Secret: "whsec",
		})
		if err != nil {
			return err
		}
		event, err := tx.InsertHookEvent(ctx, store.HookEvent{
			BusinessID: 1, PublicID: "evt_0001", Type: "call.missed", Body: "{}", CreatedAt: time.Now(),
		})
		if err != nil {
			return err
		}
		delivery, err := tx.InsertHookDelivery(ctx, event.ID, endpoint.ID)
		if err != nil {
			return err
		}
		return tx.RecordHookAttempt(ctx, store.HookAttempt{
			DeliveryID: delivery.ID, Attempt: 1, StatusCode: 503, Error: "status 503", Duration: time.Second,
		}, store.HookPending)
	}); err != nil {
		t.Fatalf("add API keys and outbound webhooks: %v", err)
	}
	// Menu steps and voicemails come from phone menus, which this installation has none of; a
	// step and a voicemail of call A make sure both tables are copied too.
	callA, err := src.GetCallByProviderID(ctx, prov.ID, sidA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.InsertCallMenuStep(ctx, store.CallMenuStep{CallID: callA.ID, Step: 0, Menu: "main",
		Kind: store.StepEntered, Detail: "menu main", Next: store.NextGather, At: time.Now(),
		ExpectBy: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.UpsertVoicemailRecording(ctx, store.VoicemailRecording{BusinessID: callA.BusinessID,
		CallID: callA.ID, Step: 1, URL: "https://api.example.com/RE1", Duration: 5 * time.Second, Transcribe: true}); err != nil {
		t.Fatal(err)
	}
	// Corrections and drafts come from AI replies, which this installation has off; one of each
	// on a lead's text make sure both tables are copied too.
	lead, _, err := src.InsertMessage(ctx, store.Message{BusinessID: callA.BusinessID, ContactID: callA.ContactID,
		Direction: store.Inbound, From: callA.FromRaw, Body: "how much for a drain", Status: store.StatusReceived})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddAIExample(ctx, store.AIExample{BusinessID: callA.BusinessID, MessageID: lead.ID,
		Body: lead.Body, Intent: "question", CreatedBy: "owner@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.AddAIDraft(ctx, store.AIDraft{BusinessID: callA.BusinessID, ContactID: callA.ContactID,
		InboundID: lead.ID, Body: "Drain cleaning: $150-$250.", Details: store.AIDetails{InboundID: int64(lead.ID),
			Text: lead.Body, Intent: "question"}}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]map[string]any{}
	for _, table := range dbcopy.Tables {
		before[table] = tableRows(t, src, table)
		if len(before[table]) == 0 {
			t.Errorf("table %s is empty in the SQLite installation; the test should fill it", table)
		}
	}
	wantSample := readSample(t, src, []string{sidA, sidB, sidC}, callerA, dialWebhook)
	if got := jobStatesOf(t, src, "deliver_message"); !slices.Contains(got, "retryable") {
		t.Fatalf("delivery jobs in SQLite: %v, want one retryable", got)
	}
	if got := jobStatesOf(t, src, "process_webhook"); !slices.Contains(got, "scheduled") {
		t.Fatalf("webhook jobs in SQLite: %v, want one scheduled", got)
	}
	waiting := waitingJobs(t, src)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	report, err := dbcopy.Run(ctx, dbcopy.Options{From: from, To: to})
	if err != nil {
		t.Fatalf("migrate-db: %v", err)
	}
	if report.Jobs.Source != int64(waiting) {
		t.Errorf("report counts %d waiting jobs in SQLite, want %d", report.Jobs.Source, waiting)
	}
	if report.Jobs.Target != int64(waiting) {
		t.Errorf("report counts %d waiting jobs in PostgreSQL, want %d", report.Jobs.Target, waiting)
	}

	dst := storetest.OpenWith(t, to, store.Options{})
	for _, table := range dbcopy.Tables {
		if after := tableRows(t, dst, table); !reflect.DeepEqual(after, before[table]) {
			t.Errorf("table %s differs after the move:\n got %v\nwant %v", table, after, before[table])
		}
	}
	if got := readSample(t, dst, []string{sidA, sidB, sidC}, callerA, dialWebhook); !reflect.DeepEqual(got, wantSample) {
		t.Errorf("rows read through the store differ after the move:\n got %+v\nwant %+v", got, wantSample)
	}
	var maxMessage int64
	if err := dst.DB().QueryRowContext(ctx, "SELECT max(id) FROM messages").Scan(&maxMessage); err != nil {
		t.Fatal(err)
	}

	failing.Store(false)
	cfg := config.Config{Addr: "127.0.0.1:0", DB: to, PublicURL: publicURL}
	moved, err := app.New(ctx, cfg, app.Options{NoDemo: true, ResultWait: time.Second, Clock: clockAt(openHours)})
	if err != nil {
		t.Fatalf("new app on PostgreSQL: %v", err)
	}
	if err := moved.Start(ctx); err != nil {
		t.Fatalf("start app on PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), app.StopBudget)
		defer cancel()
		if err := moved.Stop(ctx); err != nil {
			t.Errorf("stop app on PostgreSQL: %v", err)
		}
	})

	deadline := time.Now().Add(60 * time.Second)
	for len(h.fake.Sent()) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // a duplicate would come within the fast lane's grace
	texts := map[string]int{}
	for _, m := range h.fake.Sent() {
		texts[m.To]++
	}
	for _, number := range []string{callerA, callerB, callerC} {
		if texts[number] != 1 {
			t.Errorf("%s got %d texts in all, want exactly 1", number, texts[number])
		}
	}
	for _, sid := range []string{sidB, sidC} {
		msg := waitMessageSent(t, dst, sid)
		if sid == sidC && int64(msg.ID) <= maxMessage {
			t.Errorf("text to C got id %d, want one past the copied ids (largest %d)", msg.ID, maxMessage)
		}
	}
	if got := jobStatesOf(t, dst, "deliver_message"); !slices.Contains(got, "completed") {
		t.Errorf("delivery jobs on PostgreSQL: states %v, want the moved one completed", got)
	}
}

// waitMessageSent waits until the text back of the call with sid is sent, and returns it.
func waitMessageSent(t *testing.T, s *store.Store, sid string) store.Message {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var msgs []store.Message
		call, err := s.GetCallByProviderID(ctx, 1, sid)
		if err == nil {
			msgs, err = s.ListMessagesByCall(ctx, call.ID)
		}
		if err == nil && len(msgs) == 1 && msgs[0].Status == store.StatusSent {
			return msgs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("text back of call %s not sent in time (messages %+v, %v)", sid, msgs, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitCallRecorded waits until the call with sid is recorded.
func waitCallRecorded(t *testing.T, s *store.Store, sid string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := s.GetCallByProviderID(context.Background(), 1, sid)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("call %s not recorded in time: %v", sid, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// forgottenRows counts what the database still stores about number, by table: rows that name
// it, and webhooks and delivery log entries whose form-encoded text contains it.
func forgottenRows(t *testing.T, s *store.Store, number string) map[string]int {
	t.Helper()
	encoded := url.QueryEscape(number)
	queries := map[string]struct {
		query string
		arg   string
	}{
		"contacts":           {"SELECT count(*) FROM contacts WHERE e164 = $1", number},
		"calls":              {"SELECT count(*) FROM calls WHERE from_raw = $1", number},
		"messages":           {"SELECT count(*) FROM messages WHERE to_number = $1 OR from_number = $1", number},
		"provider_exchanges": {"SELECT count(*) FROM provider_exchanges WHERE request_body LIKE $1 OR url LIKE $1", "%" + encoded + "%"},
	}
	out := map[string]int{}
	for table, q := range queries {
		var n int
		if err := s.DB().QueryRowContext(context.Background(), q.query, q.arg).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	rows, err := s.DB().QueryContext(context.Background(), "SELECT body FROM webhooks")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), encoded) {
			out["webhooks"]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitForMessage waits until a stored text matches, and names it by what in failures.
func waitForMessage(t *testing.T, s *store.Store, what string, match func(store.Message) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs, err := s.ListRecentMessages(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if match(m) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in time: %+v", what, msgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitingJobs counts the jobs that have not finished.
func waitingJobs(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	err := s.DB().QueryRowContext(context.Background(),
		"SELECT count(*) FROM river_job WHERE state IN ('available', 'pending', 'retryable', 'running', 'scheduled')").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Forgetting a caller while their text waits for a retry removes their rows and webhooks, keeps
// everyone else's, and the waiting delivery job ends quietly instead of failing.
func TestForgetWithWaitingText(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		const other = "+12025550146"
		h := newHarness(t, d, numberSetup{})
		var failing atomic.Bool
		h.fake.Fail(func(int, url.Values) *twiliotest.Fault {
			if failing.Load() {
				return &twiliotest.Fault{Status: http.StatusInternalServerError}
			}
			return nil
		})
		h.missedCall(h.newCallSID(), other)
		h.waitSent(1)
		h.mustPost("sms", inboundTextForm(h, "SM00000000000000000000000000000002", other, "thanks"))

		failing.Store(true)
		sid := h.newCallSID()
		h.missedCall(sid, caller)
		h.mustPost("voice/status", h.callForm(sid, caller, "CallStatus", "completed"))
		h.mustPost("sms", inboundTextForm(h, "SM00000000000000000000000000000003", caller, "hello?"))
		waitForMessage(t, h.store, "failed text to the caller", func(m store.Message) bool {
			return m.To == caller && m.Status == store.StatusQueued && m.ErrorCode != ""
		})
		waitForMessage(t, h.store, "text from the caller", func(m store.Message) bool {
			return m.From == caller && m.Direction == store.Inbound
		})
		waitCallRecorded(t, h.store, sid)

		b, err := h.store.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		otherBefore := forgottenRows(t, h.store, other)
		res, err := h.store.ForgetContact(ctx, b, caller)
		if err != nil {
			t.Fatalf("forget: %v", err)
		}
		if res.ProviderExchanges < 1 {
			t.Errorf("deleted %d delivery log entries, want the failed send's at least", res.ProviderExchanges)
		}
		want := store.ForgetResult{Contacts: 1, Calls: 1, Messages: 2, Webhooks: 4, ProviderExchanges: res.ProviderExchanges}
		if res != want {
			t.Errorf("deleted %+v, want %+v", res, want)
		}
		for kind, n := range forgottenRows(t, h.store, caller) {
			if n != 0 {
				t.Errorf("%d %s about the caller left after forget", n, kind)
			}
		}
		if after := forgottenRows(t, h.store, other); !reflect.DeepEqual(after, otherBefore) {
			t.Errorf("rows about another caller changed: %v, were %v", after, otherBefore)
		}

		failing.Store(false)
		waitForJobState(t, h.store, "deliver_message", "completed")

		states := jobStatesOf(t, h.store, "deliver_message")
		for _, state := range states {
			if state != "completed" {
				t.Errorf("delivery job ended %s, want completed", state)
			}
		}
		for _, m := range h.fake.Sent() {
			if m.To == caller {
				t.Errorf("a text went to the forgotten caller: %q", m.Body)
			}
		}
	})
}
