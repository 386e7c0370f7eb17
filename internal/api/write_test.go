package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/api"
	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// writeEnv is an env whose API queues texts through a real outbound path and cancels bookings
// through the booking service.
func writeEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	if err := jobs.Migrate(context.Background(), s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	queue, err := jobs.New(s, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sender := outbound.New(outbound.Options{Store: s, Queue: queue})
	return newEnv(t, s, loadContract(t), api.Options{Texts: sender, Bookings: booking.New(s, booking.Options{})})
}

type sentMessage struct {
	ID         int64  `json:"id"`
	ContactID  int64  `json:"contact_id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Body       string `json:"body"`
	Status     string `json:"status"`
	Purpose    string `json:"purpose"`
	HoldReason string `json:"hold_reason"`
}

func TestAPISendMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		ctx := context.Background()

		res := e.c.do("POST", "/api/v1/messages", e.a.key, map[string]any{
			"to": "(202) 555-0177", "body": "Your technician is on the way.", "idempotency_key": "visit-1",
		}, true)
		if res.status != http.StatusCreated {
			t.Fatalf("send = %d %s, want 201", res.status, res.body)
		}
		var m sentMessage
		res.decode(t, &m)
		if m.Status != "queued" || m.Purpose != "api" || m.To != "+12025550177" || m.From != e.a.number.E164 {
			t.Errorf("sent %+v, want queued api text from %s to +12025550177", m, e.a.number.E164)
		}
		if !strings.Contains(m.Body, "STOP") {
			t.Errorf("first text to a contact %q lacks opt-out wording", m.Body)
		}
		contact, err := s.GetContactByE164(ctx, e.a.business.ID, "+12025550177")
		if err != nil || int64(contact.ID) != m.ContactID {
			t.Errorf("recipient contact = %v, %v; want the new contact %d", contact.ID, err, m.ContactID)
		}

		var again sentMessage
		e.c.do("POST", "/api/v1/messages", e.a.key, map[string]any{
			"to": "+12025550177", "body": "Your technician is on the way.", "idempotency_key": "visit-1",
		}, true).decode(t, &again)
		if again.ID != m.ID {
			t.Errorf("repeated request made text %d, want the first one %d", again.ID, m.ID)
		}

		if err := s.SetContactOptedOut(ctx, e.a.business.ID, e.a.contact.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		var held sentMessage
		res = e.c.do("POST", "/api/v1/messages", e.a.key, map[string]any{"contact_id": e.a.contact.ID, "body": "Hello"}, true)
		res.decode(t, &held)
		if res.status != http.StatusCreated || held.Status != "held" || !strings.Contains(held.HoldReason, "opted out") {
			t.Errorf("text to an opted-out contact = %d %+v, want 201 held for the opt-out", res.status, held)
		}

		res = e.c.do("POST", "/api/v1/messages", e.a.key, map[string]any{"contact_id": e.b.contact.ID, "body": "Hello"}, true)
		if res.status != http.StatusNotFound {
			t.Errorf("text to the other business's contact = %d %s, want 404", res.status, res.body)
		}
		msgs, err := s.ListMessagesNewest(ctx, e.b.business.ID, 0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 {
			t.Errorf("the other business has %d texts, want its 1 seeded text", len(msgs))
		}
	})
}

func TestAPISendMessageRejects(t *testing.T) {
	e := writeEnv(t, storetest.Open(t, store.SQLite))
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		valid  bool
	}{
		{"both recipients", map[string]any{"to": "+12025550177", "contact_id": e.a.contact.ID, "body": "x"}, 422, "validation_failed", true},
		{"no recipient", map[string]any{"body": "x"}, 422, "validation_failed", true},
		{"blank body", map[string]any{"to": "+12025550177", "body": "   "}, 422, "validation_failed", true},
		{"long body", map[string]any{"to": "+12025550177", "body": strings.Repeat("a", 1601)}, 422, "validation_failed", false},
		{"bad number", map[string]any{"to": "12", "body": "x"}, 422, "validation_failed", true},
		{"foreign from", map[string]any{"to": "+12025550177", "body": "x", "from": e.b.number.E164}, 422, "validation_failed", true},
		{"unknown field", map[string]any{"to": "+12025550177", "body": "x", "media": "y"}, 400, "invalid_request", false},
		{"not json", "to=+12025550177", 400, "invalid_request", false},
		{"two values", `{"to": "+12025550177", "body": "x"} {}`, 400, "invalid_request", false},
		{"too large", map[string]any{"to": "+12025550177", "body": strings.Repeat("a", 20000)}, 413, "payload_too_large", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := e.c.do("POST", "/api/v1/messages", e.a.key, tc.body, tc.valid)
			if res.status != tc.status {
				t.Errorf("status = %d %s, want %d", res.status, res.body, tc.status)
			}
			if code := res.errorCode(t); code != tc.code {
				t.Errorf("code = %q, want %q", code, tc.code)
			}
		})
	}
	req, _ := http.NewRequest("POST", e.c.base+"/api/v1/messages", strings.NewReader(`{"to":"+12025550177","body":"x"}`))
	req.Header.Set("Authorization", "Bearer "+e.a.key)
	req.Header.Set("Content-Type", "text/plain")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body = %d, want 415", res.StatusCode)
	}
}

func TestAPIUpdateContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		ctx := context.Background()
		path := fmt.Sprintf("/api/v1/contacts/%d", e.a.contact.ID)
		res := e.c.do("PATCH", path, e.a.key, map[string]any{
			"first_name": "  Ana ", "tags": []string{"vip", " vip", "water heater"},
		}, true)
		if res.status != http.StatusOK {
			t.Fatalf("update = %d %s", res.status, res.body)
		}
		got, err := s.GetContact(ctx, e.a.business.ID, e.a.contact.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstName != "Ana" || !reflect.DeepEqual(got.Tags, []string{"vip", "water heater"}) {
			t.Errorf("contact stored as name %q tags %q", got.FirstName, got.Tags)
		}
		e.c.do("PATCH", path, e.a.key, map[string]any{"last_name": "Lee"}, true)
		got, _ = s.GetContact(ctx, e.a.business.ID, e.a.contact.ID)
		if got.FirstName != "Ana" || got.LastName != "Lee" || len(got.Tags) != 2 {
			t.Errorf("partial update changed other fields: %q %q %q", got.FirstName, got.LastName, got.Tags)
		}

		for name, body := range map[string]map[string]any{
			"control":   {"first_name": "A\x00B"},
			"long name": {"last_name": strings.Repeat("x", 101)},
			"empty tag": {"tags": []string{""}},
			"many tags": {"tags": strings.Split(strings.Repeat("t,", 21), ",")[:21]},
		} {
			res := e.c.do("PATCH", path, e.a.key, body, false)
			if res.status != http.StatusUnprocessableEntity && res.status != http.StatusBadRequest {
				t.Errorf("%s: status %d %s, want 422", name, res.status, res.body)
			}
		}

		other := fmt.Sprintf("/api/v1/contacts/%d", e.b.contact.ID)
		res = e.c.do("PATCH", other, e.a.key, map[string]any{"first_name": "Mallory"}, true)
		if res.status != http.StatusNotFound {
			t.Errorf("update of the other business's contact = %d, want 404", res.status)
		}
		theirs, _ := s.GetContact(ctx, e.b.business.ID, e.b.contact.ID)
		if theirs.FirstName != "" {
			t.Errorf("the other business's contact was renamed %q", theirs.FirstName)
		}
	})
}

func TestAPICompleteTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		res := e.c.do("POST", fmt.Sprintf("/api/v1/tasks/%d/done", e.b.task.ID), e.a.key, nil, true)
		if res.status != http.StatusNotFound {
			t.Errorf("done on the other business's task = %d, want 404", res.status)
		}
		theirs, _ := s.GetTask(context.Background(), e.b.business.ID, e.b.task.ID)
		if theirs.State != "open" {
			t.Errorf("the other business's task is %s", theirs.State)
		}
		path := fmt.Sprintf("/api/v1/tasks/%d/done", e.a.task.ID)
		var task struct {
			State  string     `json:"state"`
			DoneAt *time.Time `json:"done_at"`
		}
		res = e.c.do("POST", path, e.a.key, nil, true)
		res.decode(t, &task)
		if res.status != http.StatusOK || task.State != "done" || task.DoneAt == nil {
			t.Errorf("done = %d %s, want 200 with state done", res.status, res.body)
		}
		res = e.c.do("POST", path, e.a.key, nil, true)
		if res.status != http.StatusConflict || res.errorCode(t) != "conflict" {
			t.Errorf("second done = %d %s, want 409 conflict", res.status, res.body)
		}
	})
}

func TestAPICancelBooking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		ctx := context.Background()
		res := e.c.do("POST", fmt.Sprintf("/api/v1/bookings/%d/cancel", e.b.booking.ID), e.a.key, nil, true)
		if res.status != http.StatusNotFound {
			t.Errorf("cancel of the other business's booking = %d, want 404", res.status)
		}
		theirs, _ := s.GetBooking(ctx, e.b.business.ID, e.b.booking.ID)
		if theirs.State != store.BookingBooked {
			t.Errorf("the other business's booking is %s", theirs.State)
		}
		path := fmt.Sprintf("/api/v1/bookings/%d/cancel", e.a.booking.ID)
		var b struct {
			State string `json:"state"`
		}
		res = e.c.do("POST", path, e.a.key, nil, true)
		res.decode(t, &b)
		if res.status != http.StatusOK || b.State != "cancelled" {
			t.Errorf("cancel = %d %s, want 200 cancelled", res.status, res.body)
		}
		res = e.c.do("POST", path, e.a.key, nil, true)
		if res.status != http.StatusConflict {
			t.Errorf("second cancel = %d %s, want 409", res.status, res.body)
		}
	})
}

func TestAPISettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := writeEnv(t, s)
		ctx := context.Background()
		a := e.a.business
		a.Settings.Alerts.Webhook.URL = "https://hooks.example.com/alerts"
		a.Settings.Alerts.Webhook.Secret = "alert-secret-123"
		// The phone menu is not in the document; saving the document must keep it.
		a.Settings.IVR = &store.IVR{Greeting: "Thanks for calling {business}.", Menu: "main"}
		a, err := s.UpsertBusiness(ctx, a)
		if err != nil {
			t.Fatal(err)
		}

		res := e.c.do("GET", "/api/v1/settings", e.a.key, nil, true)
		if res.status != http.StatusOK {
			t.Fatalf("get settings = %d %s", res.status, res.body)
		}
		if strings.Contains(string(res.body), "alert-secret-123") {
			t.Error("settings show the alert webhook secret")
		}
		var doc map[string]any
		res.decode(t, &doc)

		res = e.c.do("PUT", "/api/v1/settings", e.a.key, doc, true)
		if res.status != http.StatusOK {
			t.Fatalf("put settings unchanged = %d %s", res.status, res.body)
		}
		after, err := s.GetBusiness(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after.Settings, a.Settings) || after.TextBack != a.TextBack || after.Name != a.Name {
			t.Errorf("unchanged settings document changed the business:\n got %+v\nwant %+v", after.Settings, a.Settings)
		}

		doc["text_back"].(map[string]any)["template"] = "Sorry we missed you at {business}! Reply here."
		doc["conversation"].(map[string]any)["limits"] = map[string]any{"per_hour": 3, "per_day": 9}
		res = e.c.do("PUT", "/api/v1/settings", e.a.key, doc, true)
		if res.status != http.StatusOK {
			t.Fatalf("put settings = %d %s", res.status, res.body)
		}
		after, _ = s.GetBusiness(ctx, a.ID)
		if after.TextBack.Template != "Sorry we missed you at {business}! Reply here." || after.Settings.Limits.PerHour != 3 {
			t.Errorf("settings stored as template %q, limits %+v", after.TextBack.Template, after.Settings.Limits)
		}
		if after.Settings.IVR == nil || after.Settings.IVR.Menu != "main" {
			t.Errorf("saving settings dropped the phone menu: %+v", after.Settings.IVR)
		}

		doc["text_back"].(map[string]any)["window"] = "1s"
		doc["slug"] = "bravo"
		res = e.c.do("PUT", "/api/v1/settings", e.a.key, doc, true)
		if res.status != http.StatusUnprocessableEntity || res.errorCode(t) != "validation_failed" {
			t.Fatalf("invalid settings = %d %s, want 422 validation_failed", res.status, res.body)
		}
		var rejected struct {
			Error struct {
				Details []string `json:"details"`
			} `json:"error"`
		}
		res.decode(t, &rejected)
		joined := strings.Join(rejected.Error.Details, "\n")
		if !strings.Contains(joined, "text_back.window") || !strings.Contains(joined, `unknown key "slug"`) {
			t.Errorf("details %q lack the window and slug problems", rejected.Error.Details)
		}
		again, _ := s.GetBusiness(ctx, a.ID)
		if again.TextBack.Window != after.TextBack.Window {
			t.Error("rejected settings were stored")
		}
		other, _ := s.GetBusiness(ctx, e.b.business.ID)
		if other.TextBack.Template != e.b.business.TextBack.Template {
			t.Error("the other business's settings changed")
		}

		res = e.c.do("PUT", "/api/v1/settings", e.a.key, "[1]", false)
		if res.status != http.StatusBadRequest {
			t.Errorf("settings array = %d, want 400", res.status)
		}
	})
}
