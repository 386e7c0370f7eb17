package dbcopy_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/dbcopy"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// testArgs is a job kind that only these tests insert.
type testArgs struct {
	N int `json:"n"`
}

func (testArgs) Kind() string { return "dbcopy_test" }

// installation builds a SQLite database with rows in every copied table, values of every
// column type (NULL, false, binary), a gap in the ids, and jobs in every state. It returns the
// file's path after closing the store.
func installation(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := storetest.Target(t, store.SQLite)
	s := storetest.OpenWith(t, path, store.Options{})
	if err := jobs.Migrate(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate job queue: %v", err)
	}
	p, err := s.UpsertProvider(ctx, store.Provider{
		Name: "twilio-main", Kind: "twilio", AccountSID: "AC00000000000000000000000000000001",
		AuthToken: "secret-token", APIBaseURL: "http://127.0.0.1:1",
	})
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	week[time.Monday] = []hours.Range{{Start: 8 * 60, End: 18 * 60}}
	b, err := s.UpsertBusiness(ctx, store.Business{
		Slug: "acme", Name: "Acme Plumbing", TimeZone: "America/Chicago", Region: "US", Hours: week,
		TextBack: store.TextBackSettings{Enabled: false, Window: time.Hour, Template: "Hi", AfterHoursTemplate: "Closed"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.UpsertNumber(ctx, store.Number{
		BusinessID: b.ID, ProviderID: p.ID, E164: "+13125550199", Mode: store.ModeDial,
		ForwardTo: "+13125550100", RingSeconds: 18, AnswerCheck: provider.AnswerCheckMachine,
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.UpsertContact(ctx, b.ID, "+12025550143")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetContactOptedOut(ctx, b.ID, c.ID, time.Date(2026, 3, 10, 16, 0, 0, 123456000, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// A contact deleted after it was created leaves a gap that SQLite never reuses.
	gone, err := s.UpsertContact(ctx, b.ID, "+12025550150")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, "DELETE FROM contacts WHERE id = $1", int64(gone.ID)); err != nil {
		t.Fatal(err)
	}
	call, err := s.EnsureCall(ctx, store.NewCall{
		BusinessID: b.ID, NumberID: n.ID, ProviderID: p.ID, ProviderCallID: "CA01", FromRaw: "+12025550143",
		To: n.E164, Handling: store.HandlingDial, AnswerCheck: provider.AnswerCheckMachine,
		StartedAt: time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetCallScreenDigits(ctx, call.ID, ""); err != nil {
		t.Fatal(err)
	}
	msg, _, err := s.InsertMessage(ctx, store.Message{
		BusinessID: b.ID, ContactID: c.ID, NumberID: n.ID, ProviderID: p.ID, CallID: call.ID,
		Direction: store.Outbound, From: n.E164, To: c.E164, Body: "Sorry we missed you", Status: store.StatusQueued,
		Details:        store.MessageDetails{Trigger: "missed call CA01", Checks: []store.Check{{Name: "opt_out", Passed: true}}},
		IdempotencyKey: "call:1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.InsertWebhook(ctx, store.Webhook{
		ProviderID: p.ID, Route: "twilio/voice", EventKey: "voice:CA01", URL: "https://hooks.example.com/webhooks/twilio/voice",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte{0, 1, 2, 0xff, 'a'},
		ReceivedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertExchange(ctx, store.Exchange{
		ProviderID: p.ID, MessageID: msg.ID, Method: "POST", URL: "http://127.0.0.1:1/Messages.json",
		RequestBody: "To=%2B12025550143", Status: 500, ResponseBody: "{}", Error: "internal", Duration: 12 * time.Millisecond,
		CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertSandboxMessage(ctx, store.SandboxMessage{
		AccountSID: "AC1", SID: "SM01", From: n.E164, To: c.E164, Body: "hello", CreatedAt: time.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	fillConversation(t, s, b.ID, c.ID, msg.ID)
	fillBookings(t, s, b.ID, c.ID)
	fillAPI(t, s, b.ID)
	fillAI(t, s, b.ID, c.ID, msg.ID)
	fillAccounts(t, s, b.ID, c.ID)
	fillMenu(t, s, b.ID, call.ID)
	insertJobs(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// fillMenu adds a menu step, with a boolean and a nullable time set, and a voicemail to the call.
func fillMenu(t *testing.T, s *store.Store, b store.BusinessID, call store.CallID) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 10, 16, 0, 5, 123456000, time.UTC)
	if _, err := s.InsertCallMenuStep(ctx, store.CallMenuStep{
		CallID: call, Step: 1, Menu: "main", Kind: store.StepPressed, Input: "1", Option: "1", Label: "booking",
		Detail: "pressed 1 (booking)", Next: store.NextEnd, TextBack: "Book: {booking_link}", Requested: true, At: at,
		ExpectBy: at.Add(time.Minute),
	}); err != nil {
		t.Fatal(err)
	}
	vm, err := s.UpsertVoicemailRecording(ctx, store.VoicemailRecording{
		BusinessID: b, CallID: call, Step: 2, ID: "RE01", URL: "https://api.example.com/RE01", Status: "completed",
		Duration: 12 * time.Second, Transcribe: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimVoicemailAlert(ctx, vm.ID, at); err != nil {
		t.Fatal(err)
	}
}

// fillConversation adds a row to each table of the conversation and the team.
func fillConversation(t *testing.T, s *store.Store, b store.BusinessID, c store.ContactID, m store.MessageID) {
	t.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.EnsureConversation(ctx, b, c); err != nil {
			return err
		}
		if err := tx.AddMessageEvent(ctx, m, store.MessageEvent{Status: "undelivered", ErrorCode: "30006",
			Meaning: "landline", ReceivedAt: time.Now()}); err != nil {
			return err
		}
		if _, _, err := tx.InsertTask(ctx, store.NewTask{BusinessID: b, ContactID: c, Kind: store.TaskCallBack,
			Title: "Call back", Priority: "high", DedupeKey: "task", DueAt: time.Now()}); err != nil {
			return err
		}
		alert, _, err := tx.RaiseAlert(ctx, store.NewAlert{BusinessID: b, ContactID: c, Kind: "reply", Priority: "normal",
			Summary: "Text from (202) 555-0143", At: time.Now(), Window: time.Minute, DedupeKey: "alert"})
		if err != nil {
			return err
		}
		if _, err = tx.AddAlertDelivery(ctx, store.AlertDelivery{AlertID: alert.ID, Channel: "sms", Target: "+13125550100",
			Purpose: "alert", Status: "sent", MessageID: m}); err != nil {
			return err
		}
		_, _, err = tx.StartSequence(ctx, b, c, 0, 0, time.Now())
		return err
	})
	if err != nil {
		t.Fatalf("fill conversation tables: %v", err)
	}
}

// fillAccounts adds an agency with the business, a user with a membership of each kind, a
// session, a failed sign-in, and assigns the contact's conversation to the user.
func fillAccounts(t *testing.T, s *store.Store, b store.BusinessID, c store.ContactID) {
	t.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		agency, err := tx.UpsertAgency(ctx, "North Agency")
		if err != nil {
			return err
		}
		if err := tx.SetBusinessAgency(ctx, b, agency.ID); err != nil {
			return err
		}
		u, err := tx.InsertUser(ctx, "dana@example.com", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5")
		if err != nil {
			return err
		}
		for _, m := range []store.Membership{
			{UserID: u.ID, BusinessID: b, Role: store.RoleOwner},
			{UserID: u.ID, AgencyID: agency.ID, Role: store.RoleAgencyAdmin},
		} {
			if _, err := tx.AddMembership(ctx, m); err != nil {
				return err
			}
		}
		now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
		if _, err := tx.InsertSession(ctx, "0123abcd", store.Session{UserID: u.ID, CSRFToken: "csrf", CreatedAt: now,
			ExpiresAt: now.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.RecordLoginFailure(ctx, "address", "192.0.2.1", now); err != nil {
			return err
		}
		conv, err := tx.EnsureConversation(ctx, b, c)
		if err != nil {
			return err
		}
		_, err = tx.SQL().ExecContext(ctx, "UPDATE conversations SET assigned_user_id = $1 WHERE id = $2", int64(u.ID), int64(conv.ID))
		return err
	})
	if err != nil {
		t.Fatalf("fill account tables: %v", err)
	}
}

// fillBookings adds a calendar with a booking, a rescheduled booking that points at it and a
// hold, so that the copy meets nullable times and the bookings' reference to themselves.
func fillBookings(t *testing.T, s *store.Store, b store.BusinessID, c store.ContactID) {
	t.Helper()
	ctx := context.Background()
	var week hours.Week
	week[time.Tuesday] = []hours.Range{{Start: 9 * 60, End: 17 * 60}}
	cal, err := s.UpsertCalendar(ctx, store.Calendar{
		BusinessID: b, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, BufferBefore: 15 * time.Minute, Horizon: 30 * 24 * time.Hour, MaxPerDay: 4,
		Closures: []store.Closure{{From: "2026-12-24", To: "2026-12-26", Label: "Christmas"}}, Address: "1 Main St",
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Hour)
	err = s.InTx(ctx, func(tx *store.Tx) error {
		first, _, err := tx.BookSlot(ctx, store.SlotRequest{
			BusinessID: b, CalendarID: cal.ID, ContactID: c, Start: start, End: start.Add(time.Hour),
			Source: store.BookingSourcePage, Name: "Pat Lee", Email: "pat@example.com", IdempotencyKey: "page:1",
		})
		if err != nil {
			return err
		}
		if _, _, err := tx.RescheduleBooking(ctx, store.RescheduleRequest{
			BusinessID: b, BookingID: first.ID, Start: start.Add(2 * time.Hour), End: start.Add(3 * time.Hour),
		}); err != nil {
			return err
		}
		_, _, err = tx.HoldSlot(ctx, store.SlotRequest{
			BusinessID: b, CalendarID: cal.ID, ContactID: c, Start: start.Add(5 * time.Hour), End: start.Add(6 * time.Hour),
			HoldUntil: time.Now().Add(time.Hour), Source: store.BookingSourceSMS,
		})
		return err
	})
	if err != nil {
		t.Fatalf("fill booking tables: %v", err)
	}
}

// insertJobs adds one job per River state, some unique, then moves them to their states as a
// stopped or crashed process would have left them.
func insertJobs(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	q, err := jobs.New(s, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	opts := map[int]*river.InsertOpts{
		1: nil, // available
		2: {ScheduledAt: later, Tags: []string{"later"}, Priority: 2, Metadata: []byte(`{"origin":"test"}`)},
		3: {Pending: true},
		4: {UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: 8}, // made retryable below
		5: {UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}}}, // made running below
		6: nil, // made completed below
		7: nil, // made discarded below
	}
	for n := 1; n <= len(opts); n++ {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			_, err := q.InsertTx(ctx, tx, testArgs{N: n}, opts[n])
			return err
		})
		if err != nil {
			t.Fatalf("insert job %d: %v", n, err)
		}
	}
	// River keeps SQLite times as text in this layout, in UTC.
	const riverTime = "2006-01-02 15:04:05.000"
	stamp := time.Now().UTC().Add(-time.Minute).Format(riverTime)
	errs := `[{"at":"` + time.Now().UTC().Format(time.RFC3339Nano) + `","attempt":1,"error":"provider answered 500","trace":""}]`
	updates := []struct {
		n     int
		query string
		args  []any
	}{
		{4, "UPDATE river_job SET state = 'retryable', attempt = 1, attempted_at = $1, errors = jsonb($2), scheduled_at = $3 WHERE id = $4", []any{stamp, errs, later.Format(riverTime)}},
		{5, "UPDATE river_job SET state = 'running', attempt = 1, attempted_at = $1 WHERE id = $2", []any{stamp}},
		{6, "UPDATE river_job SET state = 'completed', attempt = 1, finalized_at = $1 WHERE id = $2", []any{stamp}},
		{7, "UPDATE river_job SET state = 'discarded', attempt = 25, finalized_at = $1 WHERE id = $2", []any{stamp}},
	}
	for _, u := range updates {
		var id int64
		if err := s.DB().QueryRowContext(ctx, "SELECT id FROM river_job WHERE json_extract(args, '$.n') = $1", u.n).Scan(&id); err != nil {
			t.Fatalf("find job %d: %v", u.n, err)
		}
		if _, err := s.DB().ExecContext(ctx, u.query, append(u.args, id)...); err != nil {
			t.Fatalf("set state of job %d: %v", u.n, err)
		}
	}
}

// rowsOf returns every row of table in id order, with values in a form both databases share:
// integers as int64, booleans as 0 or 1, times as UTC strings and bytes as strings.
func rowsOf(t *testing.T, ctx context.Context, query func(string) (*sql.Rows, error), table string) []map[string]any {
	t.Helper()
	rows, err := query("SELECT * FROM " + table + " ORDER BY id")
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
			row[c] = normalise(values[i])
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return out
}

func normalise(v any) any {
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int32:
		return int64(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	}
	return v
}

// openSQL opens a database for reading rows in tests.
func openSQL(t *testing.T, target string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), target, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func waitingJobs(t *testing.T, ctx context.Context, s *store.Store) []*rivertype.JobRow {
	t.Helper()
	params := river.NewJobListParams().States(dbcopy.WaitingStates...).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(1000)
	var (
		res *river.JobListResult
		err error
	)
	if s.Dialect() == store.SQLite {
		var client *river.Client[*sql.Tx]
		client, err = river.NewClient(riversqlite.New(s.DB()), &river.Config{})
		if err == nil {
			res, err = client.JobList(ctx, params)
		}
	} else {
		var client *river.Client[pgx.Tx]
		client, err = river.NewClient(riverpgxv5.New(s.Pool()), &river.Config{})
		if err == nil {
			res, err = client.JobList(ctx, params)
		}
	}
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	return res.Jobs
}

func TestRunCopiesEverything(t *testing.T) {
	ctx := context.Background()
	from := installation(t)
	to := storetest.NewPostgresDatabase(t)
	src := openSQL(t, from)
	before := map[string][]map[string]any{}
	for _, table := range dbcopy.Tables {
		before[table] = rowsOf(t, ctx, func(q string) (*sql.Rows, error) { return src.DB().QueryContext(ctx, q) }, table)
	}
	srcJobs := waitingJobs(t, ctx, src)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}

	report, err := dbcopy.Run(ctx, dbcopy.Options{From: from, To: to})
	if err != nil {
		t.Fatalf("run: %v", err)
	}

	dst := openSQL(t, to)
	for _, table := range dbcopy.Tables {
		after := rowsOf(t, ctx, func(q string) (*sql.Rows, error) { return dst.DB().QueryContext(ctx, q) }, table)
		if len(before[table]) == 0 {
			t.Errorf("table %s: the test installation has no rows in it", table)
		}
		if !reflect.DeepEqual(after, before[table]) {
			t.Errorf("table %s differs after the copy:\n got %v\nwant %v", table, after, before[table])
		}
	}
	if len(report.Tables) != len(dbcopy.Tables) {
		t.Fatalf("report has %d tables, want %d", len(report.Tables), len(dbcopy.Tables))
	}
	for _, tr := range report.Tables {
		if tr.Source != int64(len(before[tr.Name])) {
			t.Errorf("report for %s: %d source rows, want %d", tr.Name, tr.Source, len(before[tr.Name]))
		}
		if tr.Target != tr.Source {
			t.Errorf("report for %s: %d target rows, want %d", tr.Name, tr.Target, tr.Source)
		}
	}

	// The deleted contact's id stays used: the next contact gets the one after it.
	b, err := dst.GetBusinessBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if b.TextBack.Enabled {
		t.Errorf("text back enabled after the copy; the source had it off")
	}
	next, err := dst.UpsertContact(ctx, b.ID, "+12025550160")
	if err != nil {
		t.Fatal(err)
	}
	if next.ID != 3 {
		t.Errorf("next contact got id %d, want 3 (ids 1 and 2 were used in SQLite)", next.ID)
	}
	w, err := dst.GetWebhook(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(w.Body) != "\x00\x01\x02\xffa" {
		t.Errorf("webhook body = %q, want the binary body stored", w.Body)
	}

	dstJobs := waitingJobs(t, ctx, dst)
	if len(srcJobs) != 5 {
		t.Fatalf("source has %d waiting jobs, want 5", len(srcJobs))
	}
	if len(dstJobs) != len(srcJobs) {
		t.Fatalf("target has %d waiting jobs, want %d", len(dstJobs), len(srcJobs))
	}
	if report.Jobs.Source != 5 {
		t.Errorf("report counts %d source jobs, want 5", report.Jobs.Source)
	}
	if report.Jobs.Target != 5 {
		t.Errorf("report counts %d target jobs, want 5", report.Jobs.Target)
	}
	if report.Jobs.ByState[rivertype.JobStateAvailable] != 2 {
		t.Errorf("report counts %d available jobs, want 2 (one was running)", report.Jobs.ByState[rivertype.JobStateAvailable])
	}
	for i, want := range srcJobs {
		got := dstJobs[i]
		checkJob(t, got, want)
	}
	var unique int
	if err := dst.DB().QueryRowContext(ctx, "SELECT count(*) FROM river_job WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL").Scan(&unique); err != nil {
		t.Fatal(err)
	}
	if unique != 2 {
		t.Errorf("%d jobs have a unique key in the target, want the 2 unique ones", unique)
	}
}

// checkJob compares a re-created job with its source.
func checkJob(t *testing.T, got, want *rivertype.JobRow) {
	t.Helper()
	name := want.Kind + string(want.EncodedArgs)
	wantState := want.State
	if wantState == rivertype.JobStateRunning {
		wantState = rivertype.JobStateAvailable
	}
	if got.State != wantState {
		t.Errorf("job %s: state %s, want %s", name, got.State, wantState)
	}
	if got.Kind != want.Kind {
		t.Errorf("job %s: kind %s", name, got.Kind)
	}
	if !jsonEqual(got.EncodedArgs, want.EncodedArgs) {
		t.Errorf("job %s: args %s", name, got.EncodedArgs)
	}
	if got.Queue != want.Queue {
		t.Errorf("job %s: queue %s, want %s", name, got.Queue, want.Queue)
	}
	if got.Priority != want.Priority {
		t.Errorf("job %s: priority %d, want %d", name, got.Priority, want.Priority)
	}
	if got.MaxAttempts != want.MaxAttempts {
		t.Errorf("job %s: max attempts %d, want %d", name, got.MaxAttempts, want.MaxAttempts)
	}
	if !slices.Equal(got.Tags, want.Tags) {
		t.Errorf("job %s: tags %v, want %v", name, got.Tags, want.Tags)
	}
	if !jsonEqual(got.Metadata, want.Metadata) {
		t.Errorf("job %s: metadata %s, want %s", name, got.Metadata, want.Metadata)
	}
	if !got.ScheduledAt.Truncate(time.Microsecond).Equal(want.ScheduledAt.Truncate(time.Microsecond)) {
		t.Errorf("job %s: scheduled at %s, want %s", name, got.ScheduledAt, want.ScheduledAt)
	}
	if !got.CreatedAt.Truncate(time.Microsecond).Equal(want.CreatedAt.Truncate(time.Microsecond)) {
		t.Errorf("job %s: created at %s, want %s", name, got.CreatedAt, want.CreatedAt)
	}
	if got.Attempt != want.Attempt {
		t.Errorf("job %s: attempt %d, want %d", name, got.Attempt, want.Attempt)
	}
	if (got.AttemptedAt == nil) != (want.AttemptedAt == nil) {
		t.Errorf("job %s: attempted at %v, want %v", name, got.AttemptedAt, want.AttemptedAt)
	}
	if len(got.Errors) != len(want.Errors) {
		t.Fatalf("job %s: errors %+v, want %+v", name, got.Errors, want.Errors)
	}
	for i := range want.Errors {
		if got.Errors[i].Error != want.Errors[i].Error {
			t.Errorf("job %s: error %d is %q, want %q", name, i, got.Errors[i].Error, want.Errors[i].Error)
		}
	}
	if string(got.UniqueKey) != string(want.UniqueKey) {
		t.Errorf("job %s: unique key %x, want %x", name, got.UniqueKey, want.UniqueKey)
	}
	if !slices.Equal(got.UniqueStates, want.UniqueStates) {
		t.Errorf("job %s: unique states %v, want %v", name, got.UniqueStates, want.UniqueStates)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func TestRunRejects(t *testing.T) {
	ctx := context.Background()
	from := installation(t)
	dir := t.TempDir()
	textFile := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(textFile, []byte("not a database at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	withProvider := storetest.NewPostgresDatabase(t)
	p := storetest.OpenWith(t, withProvider, store.Options{})
	if _, err := p.UpsertProvider(ctx, store.Provider{Name: "other", Kind: "twilio", AccountSID: "AC2", AuthToken: "x"}); err != nil {
		t.Fatal(err)
	}
	withBusiness := storetest.NewPostgresDatabase(t)
	b := storetest.OpenWith(t, withBusiness, store.Options{})
	if _, err := b.UpsertBusiness(ctx, store.Business{
		Slug: "other", Name: "Other", TimeZone: "UTC", Region: "US",
		TextBack: store.TextBackSettings{Window: time.Hour, Template: "x", AfterHoursTemplate: "y"},
	}); err != nil {
		t.Fatal(err)
	}
	empty := storetest.NewPostgresDatabase(t)
	tests := []struct {
		name     string
		from, to string
		want     string
		notEmpty bool
	}{
		{"missing source", filepath.Join(dir, "missing.db"), empty, "open source", false},
		{"text source", textFile, empty, "not a SQLite database file", false},
		{"directory source", dir, empty, "not a regular file", false},
		{"postgres source", empty, empty, "must be a SQLite file", false},
		{"sqlite target", from, filepath.Join(dir, "other.db"), "use a postgres:// URL", false},
		{"target with provider", from, withProvider, "already has 1 row(s) in providers", true},
		{"target with business", from, withBusiness, "already has 1 row(s) in businesses", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dbcopy.Run(ctx, dbcopy.Options{From: tt.from, To: tt.to})
			if err == nil {
				t.Fatal("run succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if errors.Is(err, dbcopy.ErrTargetNotEmpty) != tt.notEmpty {
				t.Errorf("errors.Is(err, ErrTargetNotEmpty) = %v, want %v", !tt.notEmpty, tt.notEmpty)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Errorf("a missing source was created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.db")); !os.IsNotExist(err) {
		t.Errorf("a SQLite target was created: %v", err)
	}
	var tables int
	check := openSQL(t, empty)
	err := check.DB().QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("rejected runs left %d table(s) in the target, want none", tables)
	}
	for _, s := range []*store.Store{p, b} {
		var businesses, providers int
		if err := s.DB().QueryRowContext(ctx, "SELECT (SELECT count(*) FROM businesses), (SELECT count(*) FROM providers)").Scan(&businesses, &providers); err != nil {
			t.Fatal(err)
		}
		if businesses+providers != 1 {
			t.Errorf("rejected run changed a non-empty target: %d businesses and %d providers, want 1 row in all", businesses, providers)
		}
	}
}

func TestRunFailureLeavesTargetEmpty(t *testing.T) {
	ctx := context.Background()
	from := installation(t)
	// A message pointing at a call that does not exist, which SQLite allows with foreign keys
	// off, makes PostgreSQL reject the copy of messages after earlier tables were copied.
	src := openSQL(t, from)
	if _, err := src.DB().ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DB().ExecContext(ctx, "UPDATE messages SET call_id = 999"); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	to := storetest.NewPostgresDatabase(t)
	_, err := dbcopy.Run(ctx, dbcopy.Options{From: from, To: to})
	if err == nil {
		t.Fatal("run succeeded, want a failed copy of messages")
	}
	if !strings.Contains(err.Error(), "copy messages") {
		t.Errorf("run error = %v, want a failed copy of messages", err)
	}
	dst := openSQL(t, to)
	for _, table := range append(slices.Clone(dbcopy.Tables), "river_job") {
		var n int
		if err := dst.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("table %s has %d row(s) after a failed run, want 0", table, n)
		}
	}
	if _, err := dbcopy.Run(ctx, dbcopy.Options{From: installation(t), To: to}); err != nil {
		t.Errorf("second run into the same target failed: %v", err)
	}
}

func TestTablesMatchMigrations(t *testing.T) {
	ctx := context.Background()
	tables := map[store.Dialect][]string{}
	for _, d := range storetest.Dialects {
		s := storetest.Open(t, d)
		query := "SELECT name FROM sqlite_master WHERE type = 'table'"
		if d == store.Postgres {
			query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
		}
		rows, err := s.DB().QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			if name != "goose_db_version" && name != "broadcasts" && !strings.HasPrefix(name, "sqlite_") {
				tables[d] = append(tables[d], name)
			}
		}
		rows.Close()
		slices.Sort(tables[d])
	}
	want := slices.Sorted(slices.Values(dbcopy.Tables))
	for d, got := range tables {
		if !slices.Equal(got, want) {
			t.Errorf("%s migrations create tables %v, dbcopy.Tables lists %v", d, got, want)
		}
	}
}

// fillAI adds a correction and a drafted reply with its details.
func fillAI(t *testing.T, s *store.Store, b store.BusinessID, c store.ContactID, m store.MessageID) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.AddAIExample(ctx, store.AIExample{BusinessID: b, MessageID: m, Body: "hello", Intent: "other",
		CreatedBy: "owner@example.com"}); err != nil {
		t.Fatal(err)
	}
	details := store.AIDetails{InboundID: int64(m), Text: "hello", Intent: "question", ElapsedMS: 3}
	if _, _, err := s.AddAIDraft(ctx, store.AIDraft{BusinessID: b, ContactID: c, InboundID: m, Body: "Hi.",
		Details: details}); err != nil {
		t.Fatal(err)
	}
}

// fillAPI adds a revoked and a live API key, an agency key, and a webhook endpoint with an event,
// a delivered delivery and its attempt.
func fillAPI(t *testing.T, s *store.Store, b store.BusinessID) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: b, Name: "crm", Prefix: "tbk_aaaa2222", SecretHash: "h1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeAPIKey(ctx, "tbk_aaaa2222"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{AgencyID: 3, Prefix: "tbk_bbbb2222", SecretHash: "h2"}); err != nil {
		t.Fatal(err)
	}
	endpoint, err := s.InsertHookEndpoint(ctx, store.HookEndpoint{
		BusinessID: b, URL: "https://crm.example.com/hooks", Events: []string{"call.missed"}, Secret: "whsec_test",
	})
	if err != nil {
		t.Fatal(err)
	}
	event, err := s.InsertHookEvent(ctx, store.HookEvent{
		BusinessID: b, PublicID: "evt_1", Type: "call.missed", Body: `{"id":"evt_1"}`, CreatedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	delivery, err := s.InsertHookDelivery(ctx, event.ID, endpoint.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = s.RecordHookAttempt(ctx, store.HookAttempt{
		DeliveryID: delivery.ID, Attempt: 1, StatusCode: 204, Duration: 12 * time.Millisecond,
	}, store.HookDelivered)
	if err != nil {
		t.Fatal(err)
	}
}
