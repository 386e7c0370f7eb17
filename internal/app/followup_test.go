package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/broadcast"
	"github.com/textback/textback/internal/cli"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/provider/twilio/twiliotest"
	"github.com/textback/textback/internal/store"
)

// Callers of the quiet-hours tests. The harness's caller is a Washington, D.C. number, where no
// state rule applies.
const (
	// floridaCaller is a Miami number. Florida's rule ends automated texts at 20:00.
	floridaCaller    = "+13055550143"
	losAngelesCaller = "+12135550143"
)

// followUpSettings returns the default settings with steps as the business's follow-ups.
func followUpSettings(steps ...store.FollowUpStep) store.Settings {
	s := store.DefaultSettings()
	s.FollowUps = steps
	return s
}

// followUpStep returns a step sent delay after the missed call.
func followUpStep(delay time.Duration, template string) store.FollowUpStep {
	return store.FollowUpStep{Delay: store.Duration(delay), Template: template}
}

// addContact creates the business's contact with the number before any call, with its own time
// zone unless zone is "".
func (h *harness) addContact(e164, zone string) store.Contact {
	h.t.Helper()
	ctx := context.Background()
	b := h.business()
	c, err := h.store.UpsertContact(ctx, b.ID, e164)
	if err != nil {
		h.t.Fatal(err)
	}
	if zone == "" {
		return c
	}
	if err := h.store.SetContactTimeZone(ctx, b.ID, c.ID, zone); err != nil {
		h.t.Fatal(err)
	}
	return h.contact(e164)
}

// updateBusiness changes the stored business and broadcasts the change, so that every process
// reloads its settings.
func (h *harness) updateBusiness(change func(b *store.Business)) {
	h.t.Helper()
	ctx := context.Background()
	b := h.business()
	change(&b)
	err := h.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.UpsertBusiness(ctx, b); err != nil {
			return err
		}
		return broadcast.Publish(ctx, tx, broadcast.TopicSettings, b.Slug)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// sequencesOf returns the follow-up sequences of the contact with the number, oldest first.
func (h *harness) sequencesOf(e164 string) []store.Sequence {
	h.t.Helper()
	c := h.contact(e164)
	list, err := h.store.ListSequences(context.Background(), c.BusinessID, c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return list
}

// followUpsTo returns the stored follow-ups to the number, oldest first.
func (h *harness) followUpsTo(e164 string) []store.Message {
	var out []store.Message
	for _, m := range h.messagesWith(e164) {
		if m.Purpose == store.PurposeFollowUp {
			out = append(out, m)
		}
	}
	return out
}

// waitStepJobs waits until n follow-up step jobs exist and every one has completed, so that a
// step that must not send has had its turn.
func (h *harness) waitStepJobs(n int) {
	h.t.Helper()
	waitFor(h.t, fmt.Sprintf("%d completed follow-up jobs", n), func() bool {
		jobs := h.jobs(followup.StepArgs{}.Kind())
		if len(jobs) != n {
			return false
		}
		for _, j := range jobs {
			if j.State != "completed" {
				return false
			}
		}
		return true
	})
}

// waitQuietHold waits until a text of the purpose to the number waits for quiet hours to end:
// queued with the quiet_hours code and its delivery job snoozed for more than a minute. It
// returns the text and the job.
func (h *harness) waitQuietHold(e164 string, purpose store.Purpose) (store.Message, riverJob) {
	h.t.Helper()
	var (
		held store.Message
		job  riverJob
	)
	waitFor(h.t, "a "+string(purpose)+" to "+e164+" held for quiet hours", func() bool {
		held = store.Message{}
		for _, m := range h.messagesWith(e164) {
			if m.Purpose == purpose && m.Status == store.StatusQueued && m.ErrorCode == "quiet_hours" {
				held = m
			}
		}
		if held.ID == 0 {
			return false
		}
		for _, j := range h.jobs("deliver_message") {
			if id, ok := j.Args["message_id"].(float64); ok && int64(id) == int64(held.ID) {
				job = j
				return j.State == "scheduled" && time.Until(j.ScheduledAt) > time.Minute
			}
		}
		return false
	})
	return held, job
}

// waitTextsTo waits until the fake has accepted n texts for the number, then a little longer to
// catch extras, and returns every text for the number. Unlike waitSentTo it does not wait for
// other queued texts, which quiet hours may hold for hours.
func (h *harness) waitTextsTo(e164 string, n int) []twiliotest.Message {
	h.t.Helper()
	waitFor(h.t, fmt.Sprintf("%d texts to %s", n, e164), func() bool { return len(h.sentTo(e164)) >= n })
	time.Sleep(300 * time.Millisecond)
	return h.sentTo(e164)
}

// The steps go out in order, each once and with its template filled in, and the sequence ends
// done.
func TestFollowUpStepsInOrder(t *testing.T) {
	// River's scheduler (v0.51.2) runs every 5 s and makes jobs due within the next 5 s
	// available, so a job inserted more than 5 s before it is due runs at its moment. Each step
	// schedules the next when it runs, so the steps are 6 s apart: a step due sooner could wait
	// for the scheduler until the one after it is due too, and be skipped.
	settings := followUpSettings(
		followUpStep(6*time.Second, "First follow-up from {business}."),
		followUpStep(12*time.Second, "Second follow-up: {rep} can call you back."),
		followUpStep(18*time.Second, "Last follow-up. Book here: {booking_link}"),
	)
	want := []string{
		"First follow-up from Acme Plumbing.",
		"Second follow-up: Dana can call you back.",
		"Last follow-up. Book here: https://example.com/book/acme",
	}
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(settings))
		// The test runs on the wall clock, so the lead lives where it is midday now.
		h.addContact(caller, middayZone(time.Now()))

		h.missedCall(h.newCallSID(), caller)
		deadline := time.Now().Add(40 * time.Second)
		for len(h.sentTo(caller)) < 4 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		h.waitStepJobs(3)
		sent := h.sentTo(caller)
		if len(sent) != 4 {
			t.Fatalf("lead got %d texts, want the text back and 3 follow-ups: %q", len(sent), bodies(sent))
		}
		for i, body := range want {
			if got := sent[i+1].Body; got != body {
				t.Errorf("text %d = %q, want follow-up %d %q", i+2, got, i+1, body)
			}
		}

		seqs := h.sequencesOf(caller)
		if len(seqs) != 1 {
			t.Fatalf("contact has %d sequences, want 1", len(seqs))
		}
		if seqs[0].State != store.SequenceDone {
			t.Errorf("sequence state %q, want %q", seqs[0].State, store.SequenceDone)
		}
		if seqs[0].StepsSent != 3 {
			t.Errorf("sequence recorded %d steps sent, want 3", seqs[0].StepsSent)
		}
		if seqs[0].EndedAt.IsZero() {
			t.Error("finished sequence has no end time")
		}

		msgs := h.followUpsTo(caller)
		if len(msgs) != 3 {
			t.Fatalf("stored %d follow-ups, want 3", len(msgs))
		}
		for i, m := range msgs {
			if key := fmt.Sprintf("followup:%d:%d", seqs[0].ID, i); m.IdempotencyKey != key {
				t.Errorf("follow-up %d has idempotency key %q, want %q", i+1, m.IdempotencyKey, key)
			}
			if name := fmt.Sprintf("follow_up %d", i+1); m.TemplateName != name {
				t.Errorf("follow-up %d has template name %q, want %q", i+1, m.TemplateName, name)
			}
			if m.Status != store.StatusSent {
				t.Errorf("follow-up %d is %s, want sent", i+1, m.Status)
			}
		}
	})
}

// Steps that are all overdue when their job runs, as after the server was down for hours, are not
// sent back to back: only the last one due goes out, and the ones before it are recorded as
// skipped.
func TestFollowUpStepsDueTogether(t *testing.T) {
	settings := followUpSettings(
		followUpStep(1*time.Hour, "First follow-up."),
		followUpStep(2*time.Hour, "Second follow-up."),
		followUpStep(3*time.Hour, "Last follow-up."),
	)
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(settings))
		h.addContact(caller, middayZone(time.Now()))
		h.missedCall(h.newCallSID(), caller)
		h.waitSentTo(caller, 1)
		waitFor(t, "the first follow-up's job", func() bool { return len(h.jobs(followup.StepArgs{}.Kind())) == 1 })

		// Move the sequence four hours into the past and make its pending job due now, as if the
		// server had been down since the call.
		seqs := h.sequencesOf(caller)
		if len(seqs) != 1 {
			t.Fatalf("contact has %d sequences, want 1", len(seqs))
		}
		h.exec("UPDATE sequences SET started_at = $1 WHERE id = $2",
			time.Now().Add(-4*time.Hour).UTC().Truncate(time.Microsecond), int64(seqs[0].ID))
		due := "UPDATE river_job SET state = 'available', scheduled_at = now() - interval '1 hour' WHERE kind = $1"
		if d == store.SQLite {
			due = "UPDATE river_job SET state = 'available', scheduled_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour') WHERE kind = $1"
		}
		h.exec(due, followup.StepArgs{}.Kind())

		h.waitSentTo(caller, 2)
		h.waitStepJobs(1)
		sent := h.sentTo(caller)
		if len(sent) != 2 || sent[1].Body != "Last follow-up." {
			t.Fatalf("lead got %q, want the text back and only the last follow-up", bodies(sent))
		}
		msgs := h.followUpsTo(caller)
		if len(msgs) != 1 || msgs[0].TemplateName != "follow_up 3" {
			t.Fatalf("stored follow-ups %v, want follow_up 3 alone", templateNames(msgs))
		}
		seqs = h.sequencesOf(caller)
		if seqs[0].State != store.SequenceDone {
			t.Errorf("sequence state %q, want %q", seqs[0].State, store.SequenceDone)
		}
		if seqs[0].StepsSent != 3 {
			t.Errorf("sequence recorded %d steps passed, want 3", seqs[0].StepsSent)
		}
	})
}

// templateNames returns the template name of each message.
func templateNames(msgs []store.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.TemplateName)
	}
	return out
}

// exec runs a statement on the harness's database, to set up a state the app cannot reach by
// itself in a test's time.
func (h *harness) exec(query string, args ...any) {
	h.t.Helper()
	if _, err := h.store.DB().ExecContext(context.Background(), query, args...); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
}

// A follow-up queued and waiting for quiet hours to end is held, never sent, once the follow-ups
// stop.
func TestFollowUpWaitingForQuietHoursHeldOnStop(t *testing.T) {
	night := time.Date(2026, 3, 11, 3, 30, 0, 0, time.UTC) // Tue 23:30 EDT
	settings := followUpSettings(followUpStep(time.Second, "Still need a plumber? Just reply."))
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clockAt(night)})
		h.addContact(caller, "")
		h.missedCall(h.newCallSID(), caller)
		h.waitQuietHold(caller, store.PurposeFollowUp)

		var stdout, stderr strings.Builder
		noEnv := func(string) (string, bool) { return "", false }
		code := cli.Main(context.Background(),
			[]string{"followups", "stop", "--db", h.db, "--business", "acme-plumbing", "--number", caller},
			cli.IO{Stdout: &stdout, Stderr: &stderr, Env: noEnv})
		if code != 0 {
			t.Fatalf("followups stop exited with %d: %s", code, stderr.String())
		}
		msgs := h.followUpsTo(caller)
		if len(msgs) != 1 {
			t.Fatalf("stored %d follow-ups, want 1", len(msgs))
		}
		if msgs[0].Status != store.StatusHeld {
			t.Errorf("follow-up is %s after the stop, want held", msgs[0].Status)
		}
		if !strings.HasPrefix(msgs[0].HoldReason, "follow-ups stopped: ") {
			t.Errorf("follow-up held for %q, want the stop named", msgs[0].HoldReason)
		}
		if sent := h.sentTo(caller); len(sent) != 1 {
			t.Errorf("lead got %q, want the text back only", bodies(sent))
		}
	})
}

// A reply, an opt-out, a team member's reply or a stop by hand after the first follow-up ends
// the sequence for good: the second step is never queued.
func TestFollowUpStops(t *testing.T) {
	steps := []store.FollowUpStep{
		followUpStep(1*time.Second, "Still need a plumber? Just reply."),
		// Far enough after the first that the stop always comes before it.
		followUpStep(10*time.Second, "Last note from {business}."),
	}
	staffSettings := teamSettings(dana)
	staffSettings.Alerts.MissedCalls = true
	staffSettings.FollowUps = steps

	cases := []struct {
		name     string
		settings store.Settings
		stop     func(t *testing.T, h *harness)
		reason   string
		// texts is how many texts the lead gets in all.
		texts int
	}{
		{
			name:     "reply",
			settings: followUpSettings(steps...),
			stop: func(t *testing.T, h *harness) {
				h.textFrom(caller, "Yes, can someone come Friday?")
			},
			reason: followup.StopReplied,
			texts:  2,
		},
		{
			name:     "opt-out",
			settings: followUpSettings(steps...),
			stop: func(t *testing.T, h *harness) {
				h.textFrom(caller, "STOP")
			},
			reason: followup.StopOptedOut,
			texts:  3, // and the opt-out confirmation
		},
		{
			name:     "team member reply",
			settings: staffSettings,
			stop: func(t *testing.T, h *harness) {
				h.waitSentTo(staffPhone, 1)
				if result := h.textFrom(staffPhone, "Dana here, I can come by Friday"); result != "relayed to (202) 555-0143" {
					t.Errorf("team member's reply applied as %q, want it relayed", result)
				}
			},
			reason: followup.StopManualReply,
			texts:  3, // and the team member's reply
		},
		{
			name:     "by hand",
			settings: followUpSettings(steps...),
			stop: func(t *testing.T, h *harness) {
				var stdout, stderr strings.Builder
				noEnv := func(string) (string, bool) { return "", false }
				code := cli.Main(context.Background(),
					[]string{"followups", "stop", "--db", h.db, "--business", "acme-plumbing", "--number", caller},
					cli.IO{Stdout: &stdout, Stderr: &stderr, Env: noEnv})
				if code != 0 {
					t.Fatalf("followups stop exited with %d: %s", code, stderr.String())
				}
				if !strings.Contains(stdout.String(), "follow-ups to "+caller+" stopped") {
					t.Errorf("followups stop printed %q", stdout.String())
				}
			},
			reason: followup.StopManual,
			texts:  2,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
				h := newHarnessWith(t, d, live(c.settings))
				h.addContact(caller, middayZone(time.Now()))
				h.missedCall(h.newCallSID(), caller)
				first := h.waitSentTo(caller, 2)
				if got := first[1].Body; got != "Still need a plumber? Just reply." {
					t.Fatalf("second text %q, want the first follow-up", got)
				}

				c.stop(t, h)
				h.waitStepJobs(2)
				sent := h.waitSentTo(caller, c.texts)
				if len(sent) != c.texts {
					t.Errorf("lead got %d texts, want %d: %q", len(sent), c.texts, bodies(sent))
				}
				for _, m := range h.followUpsTo(caller) {
					if m.TemplateName != "follow_up 1" {
						t.Errorf("%s stored after the stop (%s, %q)", m.TemplateName, m.Status, m.Body)
					}
				}

				seqs := h.sequencesOf(caller)
				if len(seqs) != 1 {
					t.Fatalf("contact has %d sequences, want 1", len(seqs))
				}
				if seqs[0].State != store.SequenceStopped {
					t.Errorf("sequence state %q, want %q", seqs[0].State, store.SequenceStopped)
				}
				if seqs[0].StopReason != c.reason {
					t.Errorf("stop reason %q, want %q", seqs[0].StopReason, c.reason)
				}
				if seqs[0].StepsSent != 1 {
					t.Errorf("sequence recorded %d steps sent, want 1", seqs[0].StepsSent)
				}
			})
		})
	}
}

// A second missed call from a contact whose follow-ups are running gets its own text back but
// no second sequence, so each step still goes out once.
func TestFollowUpOneSequencePerContact(t *testing.T) {
	settings := followUpSettings(
		followUpStep(3*time.Second, "Still need a plumber?"),
		followUpStep(5*time.Second, "Last note from {business}."),
	)
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, live(settings))
		// A one-second text-back window lets the second call reach the start of a sequence.
		h.updateBusiness(func(b *store.Business) { b.TextBack.Window = time.Second })
		h.addContact(caller, middayZone(time.Now()))

		h.missedCall(h.newCallSID(), caller)
		h.waitSentTo(caller, 1)
		time.Sleep(1100 * time.Millisecond)
		second := h.newCallSID()
		h.missedCall(second, caller)
		if call := h.waitDecided(second); call.TextBack != store.TextBackQueued {
			t.Fatalf("second call not texted back: %s", call.Decision)
		}

		h.waitSentTo(caller, 4)
		h.waitStepJobs(2)
		sent := h.sentTo(caller)
		if len(sent) != 4 {
			t.Errorf("lead got %d texts, want 2 text backs and 2 follow-ups: %q", len(sent), bodies(sent))
		}
		msgs := h.followUpsTo(caller)
		if len(msgs) != 2 {
			t.Errorf("stored %d follow-ups, want 2", len(msgs))
		}
		for i, m := range msgs {
			if name := fmt.Sprintf("follow_up %d", i+1); m.TemplateName != name {
				t.Errorf("follow-up %d is %q, want %q", i+1, m.TemplateName, name)
			}
		}
		seqs := h.sequencesOf(caller)
		if len(seqs) != 1 {
			t.Fatalf("contact has %d sequences, want 1", len(seqs))
		}
		if seqs[0].State != store.SequenceDone {
			t.Errorf("sequence state %q, want %q", seqs[0].State, store.SequenceDone)
		}
	})
}

// A follow-up that falls due outside the recipient's allowed hours waits for the next allowed
// moment, read in the contact's zone, else the number's, and narrowed by the state's rule. The
// app's clock lies in the past, so each follow-up falls due at once.
func TestFollowUpQuietHours(t *testing.T) {
	// lead is one recipient of a case and what must happen to their follow-up.
	type lead struct {
		number string
		zone   string // the contact's own zone, or ""
		// next is when the follow-up may go, or zero when it goes at once.
		next   time.Time
		reason string
	}
	cases := []struct {
		name  string
		now   time.Time // the app's clock at the missed calls
		leads []lead
	}{
		{
			name: "night",
			now:  time.Date(2026, 3, 11, 3, 30, 0, 0, time.UTC), // Tue 23:30 EDT
			leads: []lead{{
				number: caller,
				next:   time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC), // Wed 08:00 EDT
				reason: "23:30 in America/New_York is after 21:00",
			}},
		},
		{
			name: "before DST starts",
			now:  time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), // Sun 01:30 EST
			leads: []lead{{
				number: caller,
				// 08:00 EDT, 5.5 hours later. Reading 08:00 in standard time would give 13:00 UTC.
				next:   time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC),
				reason: "01:30 in America/New_York is before 08:00",
			}},
		},
		{
			name: "before DST ends",
			now:  time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), // Sun 00:30 EDT
			leads: []lead{{
				number: caller,
				// 08:00 EST, 8.5 hours later. Reading 08:00 in daylight time would give 12:00 UTC.
				next:   time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC),
				reason: "00:30 in America/New_York is before 08:00",
			}},
		},
		{
			name: "Florida and Washington at 20:30",
			now:  time.Date(2026, 6, 11, 0, 30, 0, 0, time.UTC), // Wed 20:30 EDT
			leads: []lead{
				{
					number: floridaCaller,
					next:   time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC), // Thu 08:00 EDT
					reason: "20:30 in America/New_York is after 20:00 (FL rule)",
				},
				{number: caller},
			},
		},
		{
			name: "contact zone before number zone",
			now:  time.Date(2026, 6, 10, 13, 0, 0, 0, time.UTC), // 09:00 EDT, 06:00 PDT
			leads: []lead{
				{
					number: caller,
					zone:   "America/Los_Angeles",
					next:   time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC), // 08:00 PDT
					reason: "06:00 in America/Los_Angeles is before 08:00",
				},
				{number: losAngelesCaller, zone: "America/New_York"},
			},
		},
	}
	settings := followUpSettings(followUpStep(time.Second, "Still need a plumber? Just reply."))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
				clock := clockAt(c.now)
				h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clock})
				for _, l := range c.leads {
					h.addContact(l.number, l.zone)
					h.missedCall(h.newCallSID(), l.number)
				}

				for _, l := range c.leads {
					if !l.next.IsZero() {
						continue
					}
					sent := h.waitTextsTo(l.number, 2)
					if len(sent) != 2 {
						t.Fatalf("%s got %d texts, want the text back and the follow-up: %q", l.number, len(sent), bodies(sent))
					}
					msgs := h.followUpsTo(l.number)
					if len(msgs) != 1 {
						t.Fatalf("stored %d follow-ups to %s, want 1", len(msgs), l.number)
					}
					if msgs[0].ErrorCode != "" {
						t.Errorf("follow-up to %s waited (%s: %s), want it sent at once", l.number, msgs[0].ErrorCode,
							msgs[0].ErrorMessage)
					}
				}

				for _, l := range c.leads {
					if l.next.IsZero() {
						continue
					}
					held, job := h.waitQuietHold(l.number, store.PurposeFollowUp)
					// River snoozes by the wall clock, so the job's time in the app's clock is
					// shifted by the clock's offset.
					due := job.ScheduledAt.Add(clock().Sub(time.Now()))
					if diff := due.Sub(l.next); diff < -2*time.Second || diff > 2*time.Second {
						t.Errorf("follow-up to %s snoozed until %s, want %s", l.number, due.UTC().Format(time.RFC3339),
							l.next.Format(time.RFC3339))
					}
					if !strings.Contains(held.ErrorMessage, l.reason) {
						t.Errorf("reason for holding the follow-up to %s is %q, want it to contain %q", l.number,
							held.ErrorMessage, l.reason)
					}
					if sent := h.sentTo(l.number); len(sent) != 1 {
						t.Errorf("%s got %d texts, want the text back only: %q", l.number, len(sent), bodies(sent))
					}
				}
			})
		})
	}
}

// A follow-up held a few seconds before 08:00 goes out once 08:00 has passed in the recipient's
// zone.
func TestFollowUpSentWhenQuietHoursEnd(t *testing.T) {
	morning := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC) // 08:00 EDT
	settings := followUpSettings(followUpStep(time.Second, "Still need a plumber? Just reply."))
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		// Starting the harness and the first queue poll take a few seconds of the 15.
		clock := clockAt(morning.Add(-15 * time.Second))
		h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clock})
		h.addContact(caller, "")
		h.missedCall(h.newCallSID(), caller)

		waitFor(t, "the follow-up held for quiet hours", func() bool {
			msgs := h.followUpsTo(caller)
			return len(msgs) == 1 && msgs[0].ErrorCode == "quiet_hours"
		})
		if now := clock(); !now.Before(morning) {
			t.Fatalf("follow-up first held at %s, after 08:00, so the test shows nothing", now.Format(time.RFC3339))
		}

		deadline := time.Now().Add(30 * time.Second)
		for len(h.sentTo(caller)) < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("follow-up not sent by %s", clock().Format(time.RFC3339))
			}
			time.Sleep(20 * time.Millisecond)
		}
		h.settle()
		offset := clock().Sub(time.Now())
		var requests []time.Time
		for _, r := range createRequestsTo(h, caller) {
			requests = append(requests, r.Received.Add(offset))
		}
		if len(requests) != 2 {
			t.Fatalf("provider got %d requests for the lead, want 2", len(requests))
		}
		if sentAt := requests[1]; sentAt.Before(morning) || sentAt.After(morning.Add(15*time.Second)) {
			t.Errorf("follow-up sent at %s, want just after 08:00 EDT (%s)", sentAt.UTC().Format(time.RFC3339Nano),
				morning.Format(time.RFC3339))
		}
	})
}

// The text back to a caller at night goes at once with the after-hours template, which names
// when the business opens, unless the business applies quiet hours to instant replies.
func TestTextBackAtNight(t *testing.T) {
	// Tue 2026-03-10 23:00 in Chicago, 00:00 in Washington.
	night := time.Date(2026, 3, 11, 4, 0, 0, 0, time.UTC)
	weekdays := hours.Week{}
	for day := time.Monday; day <= time.Friday; day++ {
		weekdays[day] = []hours.Range{{Start: 8 * 60, End: 17 * 60}}
	}
	closed := "We're closed right now and open again tomorrow at 8:00 AM."

	for _, instantReplies := range []bool{false, true} {
		t.Run(fmt.Sprintf("instant_replies=%v", instantReplies), func(t *testing.T) {
			t.Parallel()
			settings := store.DefaultSettings()
			settings.FollowUps = []store.FollowUpStep{}
			settings.QuietHours.HoldInstantReplies = instantReplies
			eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
				clock := clockAt(night)
				h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clock})
				h.updateBusiness(func(b *store.Business) { b.Hours = weekdays })
				sid := h.newCallSID()
				h.missedCall(sid, caller)
				if call := h.waitDecided(sid); call.TextBack != store.TextBackQueued {
					t.Fatalf("call not texted back: %s", call.Decision)
				}

				if !instantReplies {
					sent := h.waitSentTo(caller, 1)
					if len(sent) != 1 {
						t.Fatalf("caller got %d texts, want 1", len(sent))
					}
					if !strings.Contains(sent[0].Body, closed) {
						t.Errorf("text back %q does not contain %q", sent[0].Body, closed)
					}
					return
				}

				held, job := h.waitQuietHold(caller, store.PurposeTextBack)
				if held.TemplateName != "after_hours" {
					t.Errorf("held text back uses %q, want after_hours", held.TemplateName)
				}
				want := time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC) // Wed 08:00 EDT in Washington
				due := job.ScheduledAt.Add(clock().Sub(time.Now()))
				if diff := due.Sub(want); diff < -2*time.Second || diff > 2*time.Second {
					t.Errorf("text back snoozed until %s, want %s", due.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
				}
				if sent := h.sentTo(caller); len(sent) != 0 {
					t.Errorf("caller got texts at night: %q", bodies(sent))
				}
			})
		})
	}
}

// A call reported long after it started, as a PBX may report it, starts its follow-ups from the
// text back, so that they are not all due as it goes out.
func TestFollowUpsCountFromLateReport(t *testing.T) {
	settings := followUpSettings(
		followUpStep(10*time.Minute, "First follow-up."),
		followUpStep(20*time.Minute, "Last follow-up."),
	)
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		h := newHarnessWith(t, d, harnessOptions{settings: &settings})
		h.withPBXToken()
		at := openHours.Add(-40 * time.Minute)
		if status, body := h.postPBXReport(pbxToken, pbxSecret, pbxReport("1773255851.10", caller, "missed", at)); status != 200 {
			t.Fatalf("status %d, want 200 (body %q)", status, body)
		}
		call := h.waitDecided("pbx:" + businessNumber + ":1773255851.10")
		if !call.StartedAt.Equal(at) {
			t.Fatalf("call started at %v, want the reported %v", call.StartedAt, at)
		}
		h.waitSentTo(caller, 1)
		seqs := h.sequencesOf(caller)
		if len(seqs) != 1 {
			t.Fatalf("contact has %d sequences, want 1", len(seqs))
		}
		if started := seqs[0].StartedAt; started.Sub(openHours) < 0 || started.Sub(openHours) > time.Minute {
			t.Errorf("follow-ups count from %v, want the text back's time, near %v", started, openHours)
		}
	})
}
