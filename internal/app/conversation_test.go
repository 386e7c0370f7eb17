package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
	"github.com/textback/textback/internal/team"
)

// Team members and a second business number used by the conversation tests.
const (
	staffPhone  = "+13125550101"
	staffPhone2 = "+13125550102"
	staffEmail  = "dana@example.com"
	staffEmail2 = "sam@example.com"
	otherNumber = "+17735550150"
)

var (
	dana = store.Staff{Name: "Dana", Phone: staffPhone, Email: staffEmail}
	sam  = store.Staff{Name: "Sam", Phone: staffPhone2, Email: staffEmail2}
)

// leadNumber returns a distinct lead's number for row i (i < 50).
func leadNumber(i int) string { return fmt.Sprintf("+1202555%04d", 150+i) }

// teamSettings returns the default settings with the team, alerted by text only, with no alert
// on every missed call and no escalation, so that each test turns on what it checks.
func teamSettings(members ...store.Staff) store.Settings {
	s := store.DefaultSettings()
	s.Team = members
	s.Alerts.Email = false
	s.Alerts.MissedCalls = false
	s.Alerts.EscalateAfter = 0
	return s
}

// live returns harness options with the settings and the wall clock. Alert windows, escalations
// and delivery jobs are scheduled by the app's clock but run by River's, so tests of timed work
// need the two to agree.
func live(s store.Settings) harnessOptions {
	return harnessOptions{settings: &s, clock: time.Now}
}

// eachDatabaseAtOnce runs fn once per database, as eachDatabase does, with the databases in
// parallel to keep the package's run time down.
func eachDatabaseAtOnce(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// conversationOf returns the business's conversation with the contact.
func (h *harness) conversationOf(c store.Contact) store.Conversation {
	h.t.Helper()
	conv, err := h.store.EnsureConversation(context.Background(), c.BusinessID, c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return conv
}

// messagesWith returns every stored text of the conversation with the number, oldest first.
func (h *harness) messagesWith(e164 string) []store.Message {
	h.t.Helper()
	msgs, err := h.store.ListConversationMessages(context.Background(), h.conversationOf(h.contact(e164)).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return msgs
}

// heldTo returns the held texts to the number.
func (h *harness) heldTo(e164 string) []store.Message {
	var out []store.Message
	for _, m := range h.messagesWith(e164) {
		if m.Direction == store.Outbound && m.Status == store.StatusHeld {
			out = append(out, m)
		}
	}
	return out
}

// alerts returns the business's alerts of the kind, oldest first.
func (h *harness) alerts(kind string) []store.Alert {
	h.t.Helper()
	list, err := h.store.ListAlerts(context.Background(), h.business().ID, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.Alert
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Kind == kind {
			out = append(out, list[i])
		}
	}
	return out
}

// tasksFor returns the business's tasks about the number.
func (h *harness) tasksFor(e164 string) []store.Task {
	h.t.Helper()
	list, err := h.store.ListTasks(context.Background(), h.business().ID, "", 100)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.Task
	for _, task := range list {
		if task.ContactE164 == e164 {
			out = append(out, task)
		}
	}
	return out
}

// Inbound texts are filed into the contact's one conversation, counted unread, and applied once
// however often the provider delivers them.
func TestInboundFiled(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		call := h.newCallSID()
		h.missedCall(call, caller)
		h.waitSentTo(caller, 1)

		sid := h.newMessageSID()
		first := h.textTo(sid, caller, businessNumber, "Is this Acme? My sink is leaking")
		if !strings.Contains(first, "team alerted") {
			t.Errorf("first text applied as %q, want a reply that alerts the team", first)
		}
		again := h.textTo(sid, caller, businessNumber, "Is this Acme? My sink is leaking")
		if again != first {
			t.Errorf("re-delivered text recorded %q, want the first result %q", again, first)
		}
		h.textFrom(caller, "Kitchen sink, under the counter")
		h.waitSentTo(staffPhone, 1)

		msgs := h.messagesWith(caller)
		var inbound []string
		outbound := 0
		for _, m := range msgs {
			if m.Direction == store.Inbound {
				inbound = append(inbound, m.Body)
			} else {
				outbound++
			}
		}
		if len(inbound) != 2 {
			t.Errorf("conversation has inbound texts %q, want the two distinct texts once each", inbound)
		}
		if outbound != 1 {
			t.Errorf("conversation has %d outbound texts, want the text back in the same conversation", outbound)
		}
		if conv := h.conversationOf(h.contact(caller)); conv.Unread != 2 {
			t.Errorf("conversation unread = %d, want 2", conv.Unread)
		}
		replies := h.alerts(team.KindReply)
		if len(replies) != 1 {
			t.Fatalf("got %d reply alerts, want 1 grouping both texts", len(replies))
		}
		if replies[0].Occurrences != 2 {
			t.Errorf("reply alert has %d occurrences, want 2: the re-delivered text must not count", replies[0].Occurrences)
		}
		if sent := h.sentTo(staffPhone); len(sent) != 1 {
			t.Errorf("team member got %d alert texts, want 1: %q", len(sent), bodies(sent))
		}
	})
}

// Every opt-out row of the reading table opts the contact out with exactly one confirmation, and a
// second STOP sends nothing. Sentences that only contain an opt-out word do not opt out.
func TestOptOutWords(t *testing.T) {
	optOuts := []string{"STOP", " stop ", "Stop.", "STOP!!", "stop 😡", "StopAll", "STOP ALL", "unsubscribe", "Cancel",
		"END", "quit", "optout", "revoke", "Stop please", "Please stop texting me", "Stop. Thank you",
		"please don't text me anymore", "take me off your list"}
	ordinary := []string{"Can you stop by at 3 tomorrow?", "We need to stop the leak before Friday", "Cancel my appointment",
		"end of the driveway, blue house"}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		for i, body := range optOuts {
			from := leadNumber(i)
			result := h.textFrom(from, body)
			if !strings.Contains(result, "opted out; confirmation queued") {
				t.Errorf("%q applied as %q, want an opt-out with a confirmation", body, result)
			}
			if c := h.contact(from); !c.OptedOut() {
				t.Errorf("%q did not opt the contact out", body)
			}
		}
		waitFor(t, "every opt-out confirmation", func() bool {
			for i := range optOuts {
				if len(h.sentTo(leadNumber(i))) == 0 {
					return false
				}
			}
			return true
		})
		for i, body := range optOuts {
			if result := h.textFrom(leadNumber(i), "STOP"); result != "opt-out repeated; nothing sent" {
				t.Errorf("second STOP after %q applied as %q, want nothing sent", body, result)
			}
		}
		for i, body := range ordinary {
			from := leadNumber(len(optOuts) + i)
			result := h.textFrom(from, body)
			if !strings.HasPrefix(result, "reply") {
				t.Errorf("%q applied as %q, want an ordinary reply", body, result)
			}
			c := h.contact(from)
			if c.OptedOut() {
				t.Errorf("%q opted the contact out", body)
			}
			if c.ReviewReason != "" {
				t.Errorf("%q put the contact under review: %q", body, c.ReviewReason)
			}
		}
		h.settle()
		for i, body := range optOuts {
			sent := h.sentTo(leadNumber(i))
			if len(sent) != 1 {
				t.Errorf("%q got %d texts, want exactly one confirmation: %q", body, len(sent), bodies(sent))
				continue
			}
			want := "You're unsubscribed from Acme Plumbing texts and won't get more. Reply START to resubscribe."
			if sent[0].Body != want {
				t.Errorf("%q got %q, want the opt-out confirmation %q", body, sent[0].Body, want)
			}
		}
		for i, body := range ordinary {
			if sent := h.sentTo(leadNumber(len(optOuts) + i)); len(sent) != 0 {
				t.Errorf("%q got texts %q, want none", body, bodies(sent))
			}
		}
	})
}

// STOPs that arrive together, including one delivered twice at once, opt the contact out with one
// confirmation.
func TestConcurrentStops(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		repeated := h.newMessageSID()
		sids := []string{repeated, repeated, h.newMessageSID(), h.newMessageSID(), h.newMessageSID()}
		var wg sync.WaitGroup
		for _, sid := range sids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.mustPost("sms", h.smsForm(sid, caller, businessNumber, "STOP"))
			}()
		}
		wg.Wait()

		for _, sid := range sids {
			h.waitApplied("sms:" + sid)
		}
		sent := h.waitSentTo(caller, 1)
		if len(sent) != 1 {
			t.Errorf("concurrent STOPs sent %d texts, want one confirmation: %q", len(sent), bodies(sent))
		}

		inbound := 0
		for _, m := range h.messagesWith(caller) {
			if m.Direction == store.Inbound {
				inbound++
			}
		}
		if inbound != 4 {
			t.Errorf("stored %d inbound texts, want 4 distinct ones", inbound)
		}
		if alerts := h.alerts(team.KindOptedOut); len(alerts) != 1 {
			t.Errorf("got %d opt-out alerts, want 1", len(alerts))
		}
	})
}

// A text that may be an opt-out ("S T O P") holds automation for the contact until a person looks,
// and alerts the team at high priority.
func TestPossibleOptOutHeld(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		result := h.textFrom(caller, "S T O P")
		if !strings.HasPrefix(result, "held for review") {
			t.Errorf("%q applied as %q, want a hold for review", "S T O P", result)
		}
		c := h.contact(caller)
		if c.OptedOut() {
			t.Error("a possible opt-out opted the contact out; only a person may decide")
		}
		if c.ReviewReason == "" {
			t.Error("contact has no review reason after a possible opt-out")
		}
		reviews := h.alerts(team.KindReview)
		if len(reviews) != 1 {
			t.Fatalf("got %d review alerts, want 1", len(reviews))
		}
		if reviews[0].Priority != team.High {
			t.Errorf("review alert priority = %s, want high", reviews[0].Priority)
		}
		alertText := h.waitSentTo(staffPhone, 1)
		if !strings.HasPrefix(alertText[0].Body, "URGENT ") {
			t.Errorf("team member got %q, want a text marked URGENT", alertText[0].Body)
		}
		if !strings.Contains(alertText[0].Body, "may want to opt out") {
			t.Errorf("team member got %q, want a text about a possible opt-out", alertText[0].Body)
		}

		call := h.newCallSID()
		h.missedCall(call, caller)
		decided := h.waitDecided(call)
		if decided.TextBackReason != "held" {
			t.Errorf("missed call decided %q, want the text back held", decided.Decision)
		}
		if !strings.Contains(decided.Decision, "review") {
			t.Errorf("missed call decided %q, want the review named as the reason", decided.Decision)
		}
		if result := h.textFrom(caller, "URGENT"); !strings.Contains(result, "reply held: automated texts wait for a person to review") {
			t.Errorf("URGENT applied as %q, want its reply held for review", result)
		}
		h.settle()
		if sent := h.sentTo(caller); len(sent) != 0 {
			t.Errorf("contact under review got texts %q, want none", bodies(sent))
		}
	})
}

// After an opt-out only the one confirmation and the help text (in reply to HELP) reach the
// contact. A text back, a keyword reply, a team member's reply, a text to another business number
// and a retry after a delivery error are all held or never queued.
func TestOptedOutGetsNothing(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		h.addNumber(otherNumber)
		first := h.newCallSID()
		h.missedCall(first, caller)
		textBack := h.waitSentTo(caller, 1)[0]
		if result := h.textFrom(caller, "STOP"); result != "opted out; confirmation queued" {
			t.Fatalf("STOP applied as %q", result)
		}
		h.waitSentTo(caller, 2)

		again := h.newCallSID()
		h.missedCall(again, caller)
		decided := h.waitDecided(again)
		if decided.TextBackReason != "opted-out" {
			t.Errorf("missed call after opt-out decided %q, want no text because the caller opted out", decided.Decision)
		}
		missed := h.alerts(team.KindMissedCall)
		if len(missed) != 1 {
			t.Fatalf("got %d missed-call alerts, want 1", len(missed))
		}
		if !strings.Contains(missed[0].Summary, "opted out") {
			t.Errorf("missed-call alert says %q, want it to say the caller opted out", missed[0].Summary)
		}

		if result := h.textFrom(caller, "URGENT"); result != "opted-out contact wrote; team alerted, nothing sent" {
			t.Errorf("URGENT after opt-out applied as %q, want the team alerted and nothing sent", result)
		}
		if result := h.textTo(h.newMessageSID(), caller, otherNumber, "URGENT"); !strings.Contains(result, "nothing sent") {
			t.Errorf("URGENT to the other number applied as %q, want nothing sent", result)
		}
		otherCall := h.newCallSID()
		h.missedCallTo(otherCall, caller, otherNumber)
		if decided := h.waitDecided(otherCall); decided.TextBackReason != "opted-out" {
			t.Errorf("missed call to the other number decided %q, want no text", decided.Decision)
		}

		h.waitSentTo(staffPhone, 1)
		relayed := h.textFrom(staffPhone, "Hi, this is Dana. Can I call you about the leak?")
		if !strings.Contains(relayed, "held: recipient opted out") {
			t.Errorf("team member's reply applied as %q, want it held because the lead opted out", relayed)
		}

		retried := h.report(textBack.SID, "undelivered", "30003")
		if !strings.Contains(retried, "retry 1 queued") {
			t.Errorf("unreachable-handset report applied as %q, want a retry that the opt-out then holds", retried)
		}
		for _, m := range h.heldTo(caller) {
			if !strings.Contains(m.HoldReason, "opted out") {
				t.Errorf("text %d (%s) held for %q, want the opt-out", m.ID, m.Purpose, m.HoldReason)
			}
		}
		if heldTexts := h.heldTo(caller); len(heldTexts) != 2 {
			t.Errorf("got %d held texts to the contact, want the team member's reply and the retry", len(heldTexts))
		}

		if result := h.textFrom(caller, "HELP"); result != "help text queued" {
			t.Errorf("HELP after opt-out applied as %q, want the help text", result)
		}
		sent := h.waitSentTo(caller, 3)
		if len(sent) != 3 {
			t.Fatalf("opted-out contact got %d texts, want the text back, one confirmation and the help text: %q",
				len(sent), bodies(sent))
		}
		if !strings.Contains(sent[1].Body, "unsubscribed") {
			t.Errorf("second text %q, want the opt-out confirmation", sent[1].Body)
		}
		if !strings.Contains(sent[2].Body, "reply with your question") {
			t.Errorf("third text %q, want the help text", sent[2].Body)
		}
	})
}

// START, UNSTOP and YES opt an opted-out contact back in with one confirmation, after which a
// missed call is texted back again.
func TestOptIn(t *testing.T) {
	words := []string{"START", "unstop", "Yes"}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		for i, word := range words {
			from := leadNumber(i)
			h.textFrom(from, "STOP")
			h.waitSentTo(from, 1)
			if result := h.textFrom(from, word); !strings.HasPrefix(result, "opted in") {
				t.Errorf("%s applied as %q, want an opt-in", word, result)
			}
			if c := h.contact(from); c.OptedOut() {
				t.Errorf("%s left the contact opted out", word)
			}
			if result := h.textFrom(from, word); strings.HasPrefix(result, "opted in") {
				t.Errorf("%s from a subscribed contact applied as %q, want no second opt-in", word, result)
			}
			h.waitSentTo(from, 2)
			call := h.newCallSID()
			h.missedCall(call, from)
			if decided := h.waitDecided(call); decided.TextBack != store.TextBackQueued {
				t.Errorf("missed call after %s decided %q, want a text back", word, decided.Decision)
			}
			sent := h.waitSentTo(from, 3)
			if len(sent) != 3 {
				t.Errorf("%s: got %d texts, want the two confirmations and the text back: %q", word, len(sent), bodies(sent))
				continue
			}
			if !strings.Contains(sent[1].Body, "You're subscribed again to Acme Plumbing texts") {
				t.Errorf("%s: second text %q, want the opt-in confirmation", word, sent[1].Body)
			}
			if !strings.Contains(sent[2].Body, "Sorry we missed your call") {
				t.Errorf("%s: third text %q, want the text back", word, sent[2].Body)
			}
		}
	})
}

// A send rejected with Twilio error 21610 opts the contact out; YES opts them back in with one
// confirmation, a second YES is an ordinary reply, and texts held meanwhile stay held.
func TestProviderOptOut(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		h.fake.Fail(rejectTo(caller, 21610))
		first := h.newCallSID()
		h.missedCall(first, caller)
		h.waitDecided(first)
		// NOTE: store.OptOutContact writes the opt-out and its source in two statements, and the
		// outbound path calls it outside a transaction, so the source can lag behind the opt-out.
		waitFor(t, "the contact opted out by error 21610", func() bool {
			c := h.contact(caller)
			return c.OptedOut() && c.OptOutSource != ""
		})
		if c := h.contact(caller); c.OptOutSource != "provider error 21610" {
			t.Errorf("opt-out source = %q, want the provider error", c.OptOutSource)
		}
		h.fake.Fail(nil)
		attempts := len(createRequestsTo(h, caller))

		again := h.newCallSID()
		h.missedCall(again, caller)
		if decided := h.waitDecided(again); decided.TextBackReason != "opted-out" {
			t.Errorf("missed call after error 21610 decided %q, want no text", decided.Decision)
		}
		h.waitSentTo(staffPhone, 1)
		if result := h.textFrom(staffPhone, "Dana here, I'll call you in 5"); !strings.Contains(result, "held") {
			t.Errorf("team member's reply applied as %q, want it held while the lead is opted out", result)
		}
		h.settle()
		if n := len(createRequestsTo(h, caller)); n != attempts {
			t.Errorf("%d send attempts to the opted-out contact after error 21610, want none", n-attempts)
		}

		if result := h.textFrom(caller, "YES"); result != "opted in (YES); confirmation queued" {
			t.Errorf("YES while opted out applied as %q, want an opt-in", result)
		}
		if result := h.textFrom(caller, "YES"); !strings.HasPrefix(result, "reply") {
			t.Errorf("YES from a subscribed contact applied as %q, want an ordinary reply", result)
		}
		sent := h.waitSentTo(caller, 1)
		if len(sent) != 1 {
			t.Fatalf("contact got %q, want only the opt-in confirmation", bodies(sent))
		}
		if !strings.Contains(sent[0].Body, "subscribed again") {
			t.Errorf("contact got %q, want the opt-in confirmation", sent[0].Body)
		}
		heldTexts := h.heldTo(caller)
		if len(heldTexts) != 1 {
			t.Fatalf("got %d held texts, want the team member's reply still held", len(heldTexts))
		}
		if heldTexts[0].Purpose != store.PurposeStaffReply {
			t.Errorf("held text is a %s, want the team member's reply", heldTexts[0].Purpose)
		}

		third := h.newCallSID()
		h.missedCall(third, caller)
		decided := h.waitDecided(third)
		if decided.TextBackReason == "window" {
			t.Errorf("a rejected text back kept the next one from going after the caller opted back in: %q", decided.Decision)
		}
		if decided.TextBack != store.TextBackQueued {
			t.Errorf("missed call after opting back in decided %q, want a text back", decided.Decision)
		}
	})
}

// HELP and INFO get the business's help text.
func TestHelpText(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(store.DefaultSettings()))
		for i, word := range []string{"HELP", "info", "help?"} {
			from := leadNumber(i)
			if result := h.textFrom(from, word); result != "help text queued" {
				t.Errorf("%s applied as %q, want the help text", word, result)
			}
			sent := h.waitSentTo(from, 1)
			if len(sent) != 1 {
				t.Errorf("%s got %d texts, want one", word, len(sent))
				continue
			}
			want := "Acme Plumbing: reply with your question and we'll get back to you. Reply STOP to opt out."
			if sent[0].Body != want {
				t.Errorf("%s got %q, want %q", word, sent[0].Body, want)
			}
		}
	})
}

// URGENT, CALL and a business's own keyword run their actions: alert, task, tag and reply.
func TestKeywords(t *testing.T) {
	settings := teamSettings(dana)
	settings.Keywords = append(store.DefaultKeywords(), store.Keyword{
		Word: "QUOTE", Aliases: []string{"ESTIMATE"}, Alert: "normal", Task: "Send a quote", Tag: "quote",
		Reply: "Thanks! {rep} will send your quote. Book a visit: {booking_link}",
	})
	rows := []struct {
		body     string
		kind     string
		priority string
		task     string
		reply    string
	}{
		{"URGENT - basement flooding", team.KindUrgent, team.High, "Urgent call-back",
			"Thanks, we've flagged this as urgent. Someone will call you shortly."},
		{"call me", team.KindCallBack, team.Normal, "Call back", "Sure. What's a good time to call you?"},
		{"Estimate please", team.KindKeyword, team.Normal, "Send a quote",
			"Thanks! Dana will send your quote. Book a visit: https://example.com/book/acme"},
	}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(settings))
		for i, row := range rows {
			from := leadNumber(i)
			if result := h.textFrom(from, row.body); !strings.Contains(result, "task created; team alerted; reply queued") {
				t.Errorf("%q applied as %q, want a task, an alert and a reply", row.body, result)
			}
			sent := h.waitSentTo(from, 1)
			if len(sent) != 1 {
				t.Errorf("%q got %d texts, want the keyword's reply only: %q", row.body, len(sent), bodies(sent))
			} else if !strings.HasPrefix(sent[0].Body, row.reply) {
				t.Errorf("%q got %q, want the reply %q", row.body, sent[0].Body, row.reply)
			}
			tasks := h.tasksFor(from)
			if len(tasks) != 1 {
				t.Errorf("%q created %d tasks, want 1", row.body, len(tasks))
			} else {
				if !strings.HasPrefix(tasks[0].Title, row.task+": ") {
					t.Errorf("%q created task %q, want one titled %q", row.body, tasks[0].Title, row.task)
				}
				if tasks[0].Priority != row.priority {
					t.Errorf("%q created a task at %s priority, want %s", row.body, tasks[0].Priority, row.priority)
				}
				if tasks[0].Kind != store.TaskCallBack {
					t.Errorf("%q created a %s task, want a call-back task", row.body, tasks[0].Kind)
				}
				if tasks[0].State != "open" {
					t.Errorf("%q created a task in state %s, want open", row.body, tasks[0].State)
				}
			}
			alerts := h.alerts(row.kind)
			if len(alerts) != 1 {
				t.Errorf("%q raised %d %s alerts, want 1", row.body, len(alerts), row.kind)
			} else if alerts[0].Priority != row.priority {
				t.Errorf("%q raised a %s alert at %s priority, want %s", row.body, row.kind, alerts[0].Priority, row.priority)
			}
		}
		if tags := h.contact(leadNumber(2)).Tags; !slices.Equal(tags, []string{"quote"}) {
			t.Errorf("custom keyword tagged the contact %q, want [quote]", tags)
		}
		alertTexts := h.waitSentTo(staffPhone, len(rows))
		urgent := 0
		for _, m := range alertTexts {
			if strings.HasPrefix(m.Body, "URGENT Acme Plumbing: URGENT from ") {
				urgent++
			}
		}
		if urgent != 1 {
			t.Errorf("team member got alert texts %q, want one marked URGENT", bodies(alertTexts))
		}
	})
}

// The text back contains the business's qualifying question, and the reply's answer is stored on
// the contact.
func TestQualifyingQuestion(t *testing.T) {
	settings := teamSettings()
	settings.Qualifier = store.Qualifier{
		Question: "Is this for your home or for a company?",
		Answers: []store.QualifierAnswer{
			{Value: "residential", Words: []string{"residential", "home", "house"}},
			{Value: "commercial", Words: []string{"commercial", "company", "office"}},
		},
	}
	rows := []struct{ reply, want string }{
		{"residential", "residential"},
		{"Home", "residential"},
		{"it's for my office", "commercial"},
		{"not sure yet", ""},
	}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(settings))
		for i, row := range rows {
			from := leadNumber(i)
			call := h.newCallSID()
			h.missedCall(call, from)
			sent := h.waitSentTo(from, 1)
			if !strings.Contains(sent[0].Body, "Is this for your home or for a company?") {
				t.Errorf("text back %q does not ask the qualifying question", sent[0].Body)
			}
			if conv := h.conversationOf(h.contact(from)); conv.Awaiting != store.AwaitingQualifier {
				t.Errorf("conversation awaits %q after the question, want %q", conv.Awaiting, store.AwaitingQualifier)
			}
			h.textFrom(from, row.reply)
			if got := h.contact(from).Qualifier; got != row.want {
				t.Errorf("reply %q stored answer %q, want %q", row.reply, got, row.want)
			}
		}
		unasked := leadNumber(len(rows))
		h.textFrom(unasked, "home")
		if got := h.contact(unasked).Qualifier; got != "" {
			t.Errorf("reply to no question stored answer %q, want none", got)
		}
	})
}

// The sixth automated text to a contact in an hour is held with the limit as reason, while a team
// member's reply still goes.
func TestAutomatedTextLimit(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(teamSettings(dana)))
		call := h.newCallSID()
		h.missedCall(call, caller)
		h.waitSentTo(caller, 1)
		for i, body := range []string{"CALL", "URGENT", "call me", "URGENT"} {
			if result := h.textFrom(caller, body); !strings.HasSuffix(result, "reply queued") {
				t.Errorf("keyword %d (%s) applied as %q, want its reply queued", i+2, body, result)
			}
		}
		h.waitSentTo(caller, 5)

		sixth := h.textFrom(caller, "CALL")
		if !strings.Contains(sixth, "reply held: per-contact limit on automated texts reached") {
			t.Errorf("sixth automated text applied as %q, want it held by the per-contact limit", sixth)
		}

		h.waitSentTo(staffPhone, 1)
		if result := h.textFrom(staffPhone, "Dana here, calling you now"); result != "relayed to (202) 555-0143" {
			t.Errorf("team member's reply applied as %q, want it relayed", result)
		}
		sent := h.waitSentTo(caller, 6)
		if len(sent) != 6 {
			t.Fatalf("contact got %d texts, want five automated ones and the team member's reply: %q", len(sent), bodies(sent))
		}
		if !strings.HasPrefix(sent[5].Body, "Dana here, calling you now") {
			t.Errorf("last text %q, want the team member's reply", sent[5].Body)
		}
		heldTexts := h.heldTo(caller)
		if len(heldTexts) != 1 {
			t.Fatalf("got %d held texts, want the sixth keyword reply only", len(heldTexts))
		}
		if heldTexts[0].Purpose != store.PurposeKeywordReply {
			t.Errorf("held text is a %s, want the sixth keyword reply", heldTexts[0].Purpose)
		}
	})
}

// rejectTo returns a fault that rejects every text to the number with the Twilio error code.
func rejectTo(e164 string, code int) twiliotest.FaultFunc {
	return func(_ int, form url.Values) *twiliotest.Fault {
		if form.Get("To") == e164 {
			return &twiliotest.Fault{Code: code}
		}
		return nil
	}
}

// createRequestsTo returns the requests to create a text to the number, accepted or not.
func createRequestsTo(h *harness, e164 string) []twiliotest.Request {
	var out []twiliotest.Request
	for _, r := range h.fake.Requests() {
		if r.Method == http.MethodPost && r.Form.Get("To") == e164 {
			out = append(out, r)
		}
	}
	return out
}

// waitFor waits until cond holds, failing the test with what after the deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
