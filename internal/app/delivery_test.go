package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// setEmail stores an email address for the number's contact, creating the contact. The store has
// no method that sets an address, so this writes the column directly.
func (h *harness) setEmail(e164, address string) {
	h.t.Helper()
	ctx := context.Background()
	c, err := h.store.UpsertContact(ctx, h.business().ID, e164)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.DB().ExecContext(ctx, "UPDATE contacts SET email = $1 WHERE id = $2", address, int64(c.ID)); err != nil {
		h.t.Fatalf("set email of contact %d: %v", c.ID, err)
	}
}

// textBackTo plays a missed call from the number and returns the text back the fake accepted.
func (h *harness) textBackTo(from string) twiliotest.Message {
	h.t.Helper()
	call := h.newCallSID()
	h.missedCall(call, from)
	sent := h.waitSentTo(from, 1)
	return sent[len(sent)-1]
}

// storedText returns the stored text with the provider message SID sid.
func (h *harness) storedText(sid string) store.Message {
	h.t.Helper()
	ctx := context.Background()
	p, err := h.store.GetProviderByName(ctx, "twilio-main")
	if err != nil {
		h.t.Fatal(err)
	}
	m, err := h.store.GetMessageByProviderID(ctx, p.ID, sid)
	if err != nil {
		h.t.Fatalf("stored text %s: %v", sid, err)
	}
	return m
}

// Delivery reports only move a text's status forward, and every report is kept with its code.
func TestDeliveryReports(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		sid := h.textBackTo(caller).SID

		if result := h.report(sid, "delivered", ""); !strings.HasSuffix(result, "delivered") {
			t.Errorf("delivered report applied as %q", result)
		}
		if result := h.report(sid, "sent", ""); !strings.Contains(result, "stays delivered") {
			t.Errorf("sent report after delivered applied as %q, want no change", result)
		}
		h.report(sid, "undelivered", "30005")

		msg := h.storedText(sid)
		if msg.Status != store.StatusDelivered {
			t.Errorf("text status = %s after delivered, sent and undelivered, want delivered", msg.Status)
		}
		events, err := h.store.ListMessageEvents(context.Background(), msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			got = append(got, e.Status+":"+e.ErrorCode)
		}
		want := []string{"delivered:", "sent:", "undelivered:30005"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("kept reports %q, want %q", got, want)
		}
		if events[2].Meaning == "" {
			t.Error("kept error report has no meaning for code 30005")
		}
		if c := h.contact(caller); c.SMSBlocked != "" {
			t.Errorf("an error report that did not change the status blocked the number: %q", c.SMSBlocked)
		}
	})
}

// A report that the number cannot take texts (30006) or a send rejected for it (21614) marks the
// contact, creates a call-back task, alerts the team and emails the lead the next step. The next
// missed call from that number goes straight to that fallback without a text.
func TestCannotTextFallback(t *testing.T) {
	const (
		landline      = "+12025550160"
		landlineMail  = "pat@example.com"
		notMobile     = "+12025550161"
		notMobileMail = "lee@example.com"
	)
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		box := startMailbox(t)
		opts := live(store.DefaultSettings())
		opts.smtpURL = box.url()
		h := newHarnessWith(t, d, opts)
		h.setEmail(landline, landlineMail)
		h.setEmail(notMobile, notMobileMail)

		textBack := h.textBackTo(landline)
		result := h.report(textBack.SID, "undelivered", "30006")
		if !strings.Contains(result, "number marked unable to take texts; fallback started") {
			t.Errorf("30006 report applied as %q, want the fallback", result)
		}
		if c := h.contact(landline); !strings.Contains(c.SMSBlocked, "error 30006") {
			t.Errorf("contact blocked for %q, want error 30006", c.SMSBlocked)
		}
		mails := box.waitFor(landlineMail, 1)
		if mails[0].Subject != "Sorry we missed your call - Acme Plumbing" {
			t.Errorf("fallback email subject = %q, want %q", mails[0].Subject, "Sorry we missed your call - Acme Plumbing")
		}
		if !strings.Contains(mails[0].Body, "Sorry we missed your call!") {
			t.Errorf("lead got email %q, want the text back as the next step", mails[0].Body)
		}
		tasks := h.tasksFor(landline)
		if len(tasks) != 1 {
			t.Fatalf("got %d tasks, want one call-back task", len(tasks))
		}
		if !strings.Contains(tasks[0].Title, "can't receive texts") {
			t.Errorf("task title %q does not say the number can't receive texts", tasks[0].Title)
		}
		cannot := h.alerts(team.KindCannotText)
		if len(cannot) != 1 {
			t.Fatalf("got %d cannot-text alerts, want 1", len(cannot))
		}
		if cannot[0].Priority != team.High {
			t.Errorf("cannot-text alert priority = %s, want high", cannot[0].Priority)
		}

		attempts := len(createRequestsTo(h, landline))
		call := h.newCallSID()
		h.missedCall(call, landline)
		decided := h.waitDecided(call)
		if decided.TextBackReason != "cannot-text" {
			t.Errorf("missed call from a blocked number decided %q, want the fallback", decided.Decision)
		}
		if mails := box.waitFor(landlineMail, 2); len(mails) != 2 {
			t.Errorf("lead got %d emails, want a second one for the second call", len(mails))
		}
		if tasks := h.tasksFor(landline); len(tasks) != 2 {
			t.Errorf("got %d call-back tasks, want one per missed chance", len(tasks))
		}
		h.settle()
		if n := len(createRequestsTo(h, landline)); n != attempts {
			t.Errorf("%d send attempts to a number that cannot take texts, want none", n-attempts)
		}

		h.fake.Fail(rejectTo(notMobile, 21614))
		first := h.newCallSID()
		h.missedCall(first, notMobile)
		h.waitDecided(first)
		waitFor(t, "the number marked unable to take texts by error 21614", func() bool {
			return h.contact(notMobile).SMSBlocked != ""
		})
		if c := h.contact(notMobile); !strings.Contains(c.SMSBlocked, "error 21614") {
			t.Errorf("contact blocked for %q, want error 21614", c.SMSBlocked)
		}
		if mails := box.waitFor(notMobileMail, 1); !strings.Contains(mails[0].Body, "Sorry we missed your call!") {
			t.Errorf("lead got email %q, want the text back as the next step", mails[0].Body)
		}
		waitFor(t, "a call-back task after error 21614", func() bool { return len(h.tasksFor(notMobile)) == 1 })
		if cannot := h.alerts(team.KindCannotText); len(cannot) != 2 {
			t.Errorf("got %d cannot-text alerts, want one per lead", len(cannot))
		}
		for _, mail := range []email{box.to(landlineMail)[0], box.to(notMobileMail)[0]} {
			if strings.Contains(mail.Body, msgtemplate.OptOutSuffix) {
				t.Errorf("the fallback email carries the SMS line %q: %q", msgtemplate.OptOutSuffix, mail.Body)
			}
		}
	})
}

// An unreachable handset (30003) schedules the same text again 30 minutes later, at most twice.
func TestUnreachableRetries(t *testing.T) {
	// The app's clock runs 31 minutes behind River's, so a retry the app schedules 30 minutes
	// ahead is due at once and the test need not wait.
	behind := func() time.Time { return time.Now().Add(-31 * time.Minute) }
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		s := store.DefaultSettings()
		h := newHarnessWith(t, d, harnessOptions{settings: &s, clock: behind})
		original := h.storedText(h.textBackTo(caller).SID)
		for n := 1; n <= 3; n++ {
			sent := h.waitSentTo(caller, n)
			result := h.report(sent[n-1].SID, "undelivered", "30003")
			if n == 3 {
				if strings.Contains(result, "retry") {
					t.Errorf("third 30003 report applied as %q, want no third retry", result)
				}
				break
			}
			if !strings.Contains(result, "retry "+string(rune('0'+n))+" queued") {
				t.Errorf("30003 report %d applied as %q, want retry %d queued", n, result, n)
			}
		}
		h.settle()
		var retries []store.Message
		for _, m := range h.messagesWith(caller) {
			if m.Details.RetryOf != 0 {
				retries = append(retries, m)
			}
		}
		if len(retries) != 2 {
			t.Fatalf("got %d retries, want 2", len(retries))
		}
		for i, m := range retries {
			if m.Details.RetryOf != int64(original.ID) {
				t.Errorf("retry %d resends text %d, want text %d", i+1, m.Details.RetryOf, original.ID)
			}
			if m.Details.Retry != i+1 {
				t.Errorf("retry %d is numbered %d", i+1, m.Details.Retry)
			}
			if m.Body != original.Body {
				t.Errorf("retry %d body %q, want the original %q", i+1, m.Body, original.Body)
			}
			var scheduled time.Time
			for _, j := range h.jobs("deliver_message") {
				if int64(j.Args["message_id"].(float64)) == int64(m.ID) {
					scheduled = j.ScheduledAt
				}
			}
			if delay := scheduled.Sub(m.CreatedAt); delay < 30*time.Minute-2*time.Second || delay > 30*time.Minute+2*time.Second {
				t.Errorf("retry %d scheduled %s after it was queued, want 30 minutes", i+1, delay)
			}
		}
		if sent := h.sentTo(caller); len(sent) != 3 {
			t.Errorf("caller got %d texts, want the text back and two retries", len(sent))
		}
	})
}

// A text filtered by the carrier (30007) alerts the team, since resending would be filtered too.
func TestFilteredTextAlerts(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		sid := h.textBackTo(caller).SID
		if result := h.report(sid, "undelivered", "30007"); !strings.HasSuffix(result, "; team alerted") {
			t.Errorf("30007 report applied as %q, want the team alerted and no retry", result)
		}
		delivery := h.alerts(team.KindDelivery)
		if len(delivery) != 1 {
			t.Fatalf("got %d delivery alerts, want 1", len(delivery))
		}
		if delivery[0].Priority != team.High {
			t.Errorf("delivery alert priority = %s, want high", delivery[0].Priority)
		}
		texts := h.waitSentTo(staffPhone, 1)
		if !strings.HasPrefix(texts[0].Body, "URGENT Acme Plumbing: A text to (202) 555-0143 was not delivered") {
			t.Errorf("team member got %q, want an urgent note that the text was filtered", texts[0].Body)
		}
		if sent := h.sentTo(caller); len(sent) != 1 {
			t.Errorf("caller got %d texts, want no resend after 30007", len(sent))
		}
	})
}

// A delivery report can reach textback before the provider's response to the send request does.
// The report must still be applied once the text is recorded.
func TestReportBeforeSendAnswer(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		h.fake.Fail(func(int, url.Values) *twiliotest.Fault {
			return &twiliotest.Fault{Delay: time.Second}
		})
		call := h.newCallSID()
		h.missedCall(call, caller)
		waitFor(t, "the fake to accept the text back", func() bool { return len(h.sentTo(caller)) == 1 })
		sid := h.sentTo(caller)[0].SID
		result := h.report(sid, "undelivered", "30006")
		waitFor(t, "the text back recorded as sent", func() bool {
			msgs := h.messagesWith(caller)
			return len(msgs) == 1 && msgs[0].ProviderMessageID == sid
		})
		h.settle()
		if c := h.contact(caller); c.SMSBlocked == "" {
			t.Errorf("a delivery report that overtook its send was dropped (result %q)", result)
		}
	})
}
