package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

// oddLead returns the number of lead i in a block that no other test of the package uses.
func oddLead(i int) string { return fmt.Sprintf("+1202555%04d", 7000+i) }

// Inbound texts with bodies that are odd but possible (control characters, a NUL, emoji, marks
// that change the direction of the text, 1,600 characters, an empty MMS) are each applied once:
// the webhook is accepted, processed and filed as a message of the lead's conversation.
func TestOddInboundBodiesApplied(t *testing.T) {
	bodies := []struct {
		name string
		body string
	}{
		{"nul inside", "hi\x00there"},
		{"nul at end", "call me\x00"},
		{"bell and escape", "hello\a\x1b[31m"},
		{"emoji only", "👍🏽🔧🚿"},
		{"right-to-left", "\u202eplease call\u202c \u05e9\u05dc\u05d5\u05dd"},
		{"zero-width", "\u200b\u200c\u200d\ufeff"},
		{"long", strings.Repeat("é", 1600)},
		{"empty", ""},
		{"lone surrogate replacement", "\ufffd\ufffd"},
	}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		for i, row := range bodies {
			from := oddLead(i)
			sid := h.newMessageSID()
			form := h.smsForm(sid, from, businessNumber, row.body)
			if row.body == "" {
				form.Set("NumMedia", "1")
				form.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0")
				form.Set("MediaContentType0", "image/jpeg")
			}
			status, answer := h.post("sms", form)
			if status != http.StatusOK {
				t.Errorf("%s: status %d, want 200 (body %q)", row.name, status, answer)
				continue
			}
			result, ok := h.applyResult("sms:"+sid, 10*time.Second)
			if !ok {
				t.Errorf("%s: webhook not applied: %s", row.name, result)
				continue
			}
			if strings.HasPrefix(result, "not applied") {
				t.Errorf("%s: webhook set aside: %s", row.name, result)
				continue
			}
			c, err := h.store.GetContactByE164(context.Background(), h.business().ID, from)
			if err != nil {
				t.Errorf("%s: no contact for %s: %v (result %q)", row.name, from, err, result)
				continue
			}
			msgs, err := h.store.ListConversationMessages(context.Background(), h.conversationOf(c).ID)
			if err != nil {
				t.Fatal(err)
			}
			inbound := 0
			for _, m := range msgs {
				if m.Direction == store.Inbound {
					inbound++
				}
			}
			if inbound != 1 {
				t.Errorf("%s: %d inbound messages filed, want 1 (result %q)", row.name, inbound, result)
			}
		}
	})
}

// An opt-out that carries a NUL or another control character, as a handset or gateway may add
// one, still opts the lead out on both databases.
func TestStopWithControlCharacter(t *testing.T) {
	bodies := []string{"STOP\x00", "\x00stop", "Stop\x07", "STOP\x1b"}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarness(t, d, numberSetup{})
		for i, body := range bodies {
			from := oddLead(100 + i)
			sid := h.newMessageSID()
			if status, answer := h.post("sms", h.smsForm(sid, from, businessNumber, body)); status != http.StatusOK {
				t.Errorf("%q: status %d, want 200 (body %q)", body, status, answer)
				continue
			}
			result, ok := h.applyResult("sms:"+sid, 10*time.Second)
			if !ok {
				t.Errorf("%q: webhook not applied: %s", body, result)
				continue
			}
			c, err := h.store.GetContactByE164(context.Background(), h.business().ID, from)
			if err != nil {
				t.Errorf("%q: no contact: %v (result %q)", body, err, result)
				continue
			}
			if !c.OptedOut() {
				t.Errorf("%q: contact not opted out (result %q)", body, result)
			}
		}
	})
}

// applyResult waits up to wait for the webhook with the event key to be applied and returns the
// result textback recorded. When it is not applied in time, it returns the last error of the
// webhook's job instead, and false.
func (h *harness) applyResult(eventKey string, wait time.Duration) (string, bool) {
	h.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(wait)
	for {
		var result string
		err := h.store.DB().QueryRowContext(ctx,
			"SELECT result FROM webhooks WHERE event_key = $1 AND processed_at IS NOT NULL", eventKey).Scan(&result)
		if err == nil {
			return result, true
		}
		if !errors.Is(err, sql.ErrNoRows) {
			h.t.Fatalf("read webhook %s: %v", eventKey, err)
		}
		if time.Now().After(deadline) {
			return h.webhookJobErrors(eventKey), false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// webhookJobErrors returns the errors River recorded for the processing job of the webhook with
// the event key, for failure messages.
func (h *harness) webhookJobErrors(eventKey string) string {
	h.t.Helper()
	ctx := context.Background()
	var id int64
	if err := h.store.DB().QueryRowContext(ctx, "SELECT id FROM webhooks WHERE event_key = $1", eventKey).Scan(&id); err != nil {
		return fmt.Sprintf("webhook %s not stored: %v", eventKey, err)
	}
	for _, j := range h.jobs("process_webhook") {
		if fmt.Sprint(j.Args["webhook_id"]) != fmt.Sprint(id) {
			continue
		}
		query := "SELECT errors::text FROM river_job WHERE id = $1"
		if h.store.Dialect() == store.SQLite {
			query = "SELECT json(errors) FROM river_job WHERE id = $1"
		}
		var errs sql.NullString
		if err := h.store.DB().QueryRowContext(ctx, query, j.ID).Scan(&errs); err != nil {
			return fmt.Sprintf("job %d of webhook %d (%s): errors unreadable: %v", j.ID, id, j.State, err)
		}
		return fmt.Sprintf("job %d of webhook %d is %s with errors %s", j.ID, id, j.State, errs.String)
	}
	return fmt.Sprintf("webhook %d has no processing job", id)
}
