package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

const hookSecret = "whsec_test_0001"

// alertSettings returns settings for a team of Dana and Sam alerted by text, email and the
// signed webhook at hookURL.
func alertSettings(hookURL string) store.Settings {
	s := teamSettings(dana, sam)
	s.Alerts.Email = true
	s.Alerts.Webhook.URL = hookURL
	s.Alerts.Webhook.Secret = hookSecret
	return s
}

// A lead's reply reaches the first team member by text, every team member by email, and the
// signed webhook.
func TestAlertChannels(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		box := startMailbox(t)
		hook := startHookReceiver(t, hookSecret)
		opts := live(alertSettings(hook.url))
		opts.smtpURL = box.url()
		h := newHarnessWith(t, d, opts)

		h.textFrom(caller, "Do you fix water heaters?")
		texts := h.waitSentTo(staffPhone, 1)
		if len(texts) != 1 {
			t.Fatalf("first team member got %d alert texts, want 1: %q", len(texts), bodies(texts))
		}
		for _, want := range []string{"Acme Plumbing: Text from (202) 555-0143", "\"Do you fix water heaters?\"",
			"Reply to this text to answer (202) 555-0143."} {
			if !strings.Contains(texts[0].Body, want) {
				t.Errorf("alert text %q does not contain %q", texts[0].Body, want)
			}
		}
		if texts[0].From != businessNumber {
			t.Errorf("alert text came from %s, want the business number so that a reply comes back", texts[0].From)
		}
		for _, address := range []string{staffEmail, staffEmail2} {
			mails := box.waitFor(address, 1)
			if len(mails) != 1 {
				t.Errorf("%s got %d alert emails, want 1", address, len(mails))
				continue
			}
			if !strings.Contains(mails[0].Subject, "Acme Plumbing: Text from (202) 555-0143") {
				t.Errorf("alert email to %s has subject %q", address, mails[0].Subject)
			}
			if !strings.Contains(mails[0].Body, "Do you fix water heaters?") {
				t.Errorf("alert email to %s does not quote the lead: %q", address, mails[0].Body)
			}
		}
		posted := hook.waitFor(1)
		if len(posted) != 1 {
			t.Fatalf("webhook got %d alerts, want 1", len(posted))
		}
		if posted[0].Kind != team.KindReply {
			t.Errorf("webhook alert kind = %q, want %q", posted[0].Kind, team.KindReply)
		}
		if posted[0].Contact != caller {
			t.Errorf("webhook alert contact = %q, want %s", posted[0].Contact, caller)
		}
		h.settle()
		if sent := h.sentTo(staffPhone2); len(sent) != 0 {
			t.Errorf("second team member got texts %q before any escalation, want none", bodies(sent))
		}
	})
}

// A caller who rings four times within the grouping window produces one alert and one update
// that counts the calls, on every channel.
func TestRepeatedCallsOneAlert(t *testing.T) {
	// The window must outlast four missed calls, which take well under a second here.
	const window = 4 * time.Second
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		hook := startHookReceiver(t, hookSecret)
		settings := alertSettings(hook.url)
		settings.Alerts.MissedCalls = true
		settings.Alerts.AggregateWindow = store.Duration(window)
		h := newHarnessWith(t, d, live(settings))

		for range 4 {
			call := h.newCallSID()
			h.missedCall(call, caller)
			h.waitDecided(call)
		}
		missed := h.alerts(team.KindMissedCall)
		if len(missed) != 1 {
			t.Fatalf("got %d missed-call alerts, want 1 for four calls", len(missed))
		}
		if missed[0].Occurrences != 4 {
			t.Errorf("missed-call alert has %d occurrences, want 4", missed[0].Occurrences)
		}
		texts := h.waitSentTo(staffPhone, 2)
		if len(texts) != 2 {
			t.Fatalf("team member got %d texts, want the alert and one update: %q", len(texts), bodies(texts))
		}
		if !strings.Contains(texts[1].Body, "Update: ") {
			t.Errorf("second alert text %q is not marked as an update", texts[1].Body)
		}
		if !strings.Contains(texts[1].Body, "4 times") {
			t.Errorf("update text %q does not say the caller rang 4 times", texts[1].Body)
		}
		posted := hook.waitFor(2)
		if len(posted) != 2 {
			t.Fatalf("webhook got %d alerts, want the alert and one update", len(posted))
		}
		if !strings.Contains(posted[1].Summary, "4 times") {
			t.Errorf("webhook update says %q, want 4 times", posted[1].Summary)
		}
		if sent := h.sentTo(caller); len(sent) != 1 {
			t.Errorf("caller got %d texts, want one text back for four calls", len(sent))
		}
	})
}

// An alert that no team member acts on escalates to the second team member.
func TestEscalation(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		settings := teamSettings(dana, sam)
		settings.Alerts.EscalateAfter = store.Duration(time.Second)
		h := newHarnessWith(t, d, live(settings))
		h.textFrom(caller, "Anyone there? Water everywhere")
		h.waitSentTo(staffPhone, 1)
		escalated := h.waitSentTo(staffPhone2, 1)
		if len(escalated) != 1 {
			t.Fatalf("second team member got %d texts, want one escalation: %q", len(escalated), bodies(escalated))
		}
		if !strings.Contains(escalated[0].Body, "No reply yet to (202) 555-0143: Text from (202) 555-0143") {
			t.Errorf("escalation text %q does not say the lead is still waiting", escalated[0].Body)
		}
		replies := h.alerts(team.KindReply)
		if len(replies) != 1 {
			t.Fatalf("got %d reply alerts, want 1", len(replies))
		}
		if replies[0].EscalationLevel != 1 {
			t.Errorf("reply alert at escalation level %d, want 1", replies[0].EscalationLevel)
		}
		if sent := h.sentTo(staffPhone); len(sent) != 1 {
			t.Errorf("first team member got %d texts, want only the first alert", len(sent))
		}
	})
}

// A team member's reply to an alert text reaches the lead from the business number, stops the
// alert's escalation and pauses automation, so that the lead's next keyword reply is held.
func TestStaffReplyRelayed(t *testing.T) {
	// Long enough for the team member to reply before the escalation is due.
	const escalateAfter = 3 * time.Second
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		settings := teamSettings(dana, sam)
		settings.Alerts.EscalateAfter = store.Duration(escalateAfter)
		h := newHarnessWith(t, d, live(settings))

		if result := h.textFrom(staffPhone, "Anything new?"); result != "team member's text had no lead to go to" {
			t.Errorf("team member's text before any alert applied as %q, want a notice", result)
		}
		notice := h.waitSentTo(staffPhone, 1)
		if !strings.Contains(notice[0].Body, "there is no lead to pass your text to") {
			t.Errorf("team member got %q, want the notice that no lead is waiting", notice[0].Body)
		}

		h.textFrom(caller, "Can someone call me about a leak?")
		h.waitSentTo(staffPhone, 2)
		reply := h.alerts(team.KindReply)[0]
		if result := h.textFrom(staffPhone, "Hi, this is Dana. I can come at 3pm."); result != "relayed to (202) 555-0143" {
			t.Errorf("team member's reply applied as %q, want it relayed to the lead", result)
		}
		sent := h.waitSentTo(caller, 1)
		if sent[0].From != businessNumber {
			t.Errorf("lead got the reply from %s, want the business number %s", sent[0].From, businessNumber)
		}
		if !strings.HasPrefix(sent[0].Body, "Hi, this is Dana. I can come at 3pm.") {
			t.Errorf("lead got %q, want the team member's words", sent[0].Body)
		}
		msgs := h.messagesWith(caller)
		last := msgs[len(msgs)-1]
		if last.Purpose != store.PurposeStaffReply {
			t.Errorf("relayed text stored as a %s, want a staff reply", last.Purpose)
		}
		if last.Automated {
			t.Error("relayed text stored as automated, want manual")
		}
		if last.SentBy != "staff Dana" {
			t.Errorf("relayed text sent by %q, want staff Dana", last.SentBy)
		}
		conv := h.conversationOf(h.contact(caller))
		if !conv.Paused(time.Now()) {
			t.Errorf("automation not paused after a person replied: paused until %v", conv.AutomationPausedUntil)
		}

		waitFor(t, "the escalation of the answered alert to run", func() bool {
			for _, j := range h.jobs("escalate_alert") {
				if int64(j.Args["alert_id"].(float64)) == int64(reply.ID) {
					return j.State == "completed"
				}
			}
			return false
		})
		answered, err := h.store.GetAlert(context.Background(), reply.ID)
		if err != nil {
			t.Fatal(err)
		}
		if answered.ResolvedAt.IsZero() {
			t.Error("alert still unresolved after a team member replied to the lead")
		}
		if answered.EscalationLevel != 0 {
			t.Errorf("answered alert escalated to level %d, want 0", answered.EscalationLevel)
		}
		h.settle()
		if sent := h.sentTo(staffPhone2); len(sent) != 0 {
			t.Errorf("second team member got %q after the lead was answered, want nothing", bodies(sent))
		}

		result := h.textFrom(caller, "URGENT")
		if !strings.Contains(result, "reply held: a person replied; automation is paused") {
			t.Errorf("URGENT after a team member's reply applied as %q, want its reply held by the pause", result)
		}
		if sent := h.sentTo(caller); len(sent) != 1 {
			t.Errorf("lead got %d texts, want only the team member's reply: %q", len(sent), bodies(sent))
		}
	})
}

// A team member who texts STOP to the business number is not relaying a reply: the word must not
// reach the lead of their last alert.
func TestStaffStopNotRelayed(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		h.textFrom(caller, "Do you work weekends?")
		h.waitSentTo(staffPhone, 1)
		result := h.textFrom(staffPhone, "STOP")
		h.settle()
		if sent := h.sentTo(caller); len(sent) != 0 {
			t.Errorf("a team member's STOP went to the lead as %q (result %q); it must apply to the team member", sent[0].Body, result)
		}
		if c := h.contact(staffPhone); !c.OptedOut() {
			t.Errorf("team member's STOP applied as %q, want their phone opted out of alert texts", result)
		}
	})
}

// A team member's reply reaches the lead from the number the lead texted, so that the lead's
// conversation stays on one number.
func TestRelayFromLeadsNumber(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		h.addNumber(otherNumber)
		h.textTo(h.newMessageSID(), caller, otherNumber, "Is the Evanston office open today?")
		h.waitSentTo(staffPhone, 1)
		h.textFrom(staffPhone, "Yes, until 5pm")
		sent := h.waitSentTo(caller, 1)
		if sent[0].From != otherNumber {
			t.Errorf("the relayed reply came from %s, not from %s, the number the lead texted", sent[0].From, otherNumber)
		}
	})
}
