package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/bookbot"
	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

var chicago = func() *time.Location {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return loc
}()

// bookingStart is when the booking tests begin: Monday 2026-03-16 at 07:30 in Chicago (CDT), so
// that the repairs calendar's next free slots are Mon 9:00, 10:00 and 11:00 AM.
var bookingStart = time.Date(2026, 3, 16, 7, 30, 0, 0, chicago)

// shiftClock is a clock that runs with the wall clock from a chosen start, and that a test can
// move forward, as when a hold lapses.
type shiftClock struct{ offset atomic.Int64 }

func newShiftClock(start time.Time) *shiftClock {
	c := &shiftClock{}
	c.offset.Store(int64(time.Until(start)))
	return c
}

func (c *shiftClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *shiftClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// bookingSettings returns settings with Dana on the team, alerted by text, and the booking bot on.
func bookingSettings() store.Settings {
	s := teamSettings(dana)
	s.Booking.Enabled = true
	// The tests' clocks sit in the past, where follow-ups would fall due at once.
	s.FollowUps = []store.FollowUpStep{}
	return s
}

// bookingHarness starts a harness with the settings at clock and gives the business the repairs
// calendar: 1-hour slots from 9:00 to 17:00 on weekdays in Chicago, at 1 Main St.
func bookingHarness(t *testing.T, d store.Dialect, settings store.Settings, clock *shiftClock) *harness {
	t.Helper()
	h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clock.now})
	h.addCalendar(30 * 24 * time.Hour)
	return h
}

// addCalendar adds the repairs calendar with the horizon.
func (h *harness) addCalendar(horizon time.Duration) store.Calendar {
	h.t.Helper()
	var week hours.Week
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []hours.Range{{Start: 9 * 60, End: 17 * 60}}
	}
	cal, err := h.store.UpsertCalendar(context.Background(), store.Calendar{
		BusinessID: h.business().ID, Slug: "repairs", Name: "Repairs", TimeZone: "America/Chicago", Hours: week,
		SlotLength: time.Hour, MinNotice: time.Hour, Horizon: horizon, Address: "1 Main St, Chicago, IL",
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return cal
}

// bookingsOf returns the bookings and holds of the contact with the number, by start.
func (h *harness) bookingsOf(e164 string) []store.Booking {
	h.t.Helper()
	c := h.contact(e164)
	list, err := h.store.ListContactBookings(context.Background(), c.BusinessID, c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return list
}

// booked returns the contact's bookings in state booked.
func (h *harness) booked(e164 string) []store.Booking {
	var out []store.Booking
	for _, b := range h.bookingsOf(e164) {
		if b.State == store.BookingBooked {
			out = append(out, b)
		}
	}
	return out
}

// liveHolds returns the contact's holds that have not lapsed at now.
func (h *harness) liveHolds(e164 string, now time.Time) []store.Booking {
	var out []store.Booking
	for _, b := range h.bookingsOf(e164) {
		if b.State == store.BookingHeld && b.Live(now) {
			out = append(out, b)
		}
	}
	return out
}

// at returns the instant of a wall-clock time in Chicago in March 2026.
func at(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, chicago) }

// wantText fails the test unless text contains every part.
func wantText(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s %q does not contain %q", what, text, p)
		}
	}
}

// A lead who asks to book is offered the next three free slots with their date, time and zone,
// held for them. Their pick books the slot and gets one confirmation with the address, and a
// retried webhook books and sends nothing more.
func TestBookingOfferPickConfirm(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		h := bookingHarness(t, d, bookingSettings(), clock)

		result := h.textFrom(caller, "Hi, can I book an appointment?")
		wantText(t, "result", result, "booking bot: offered Mon Mar 16, 9:00 AM CDT; Mon Mar 16, 10:00 AM CDT; "+
			"Mon Mar 16, 11:00 AM CDT")
		sent := h.waitSentTo(caller, 1)
		wantText(t, "offer", sent[0].Body, "Here are the next times we have:\n1) Mon Mar 16, 9:00 AM CDT\n"+
			"2) Mon Mar 16, 10:00 AM CDT\n3) Mon Mar 16, 11:00 AM CDT\nReply 1, 2 or 3, or tell us a day and time.")
		if holds := h.liveHolds(caller, clock.now()); len(holds) != 3 {
			t.Fatalf("lead holds %d slots, want the 3 offered", len(holds))
		}
		if alerts := h.alerts(team.KindReply); len(alerts) != 0 {
			t.Errorf("the team was alerted about a text the bot answered: %+v", alerts)
		}

		sid := h.newMessageSID()
		result = h.textTo(sid, caller, businessNumber, "#2")
		wantText(t, "result", result, "booked Mon Mar 16, 10:00 AM CDT")
		sent = h.waitSentTo(caller, 2)
		wantText(t, "confirmation", sent[1].Body,
			"You're booked with Acme Plumbing for Mon Mar 16, 10:00 AM CDT at 1 Main St, Chicago, IL.")

		booked := h.booked(caller)
		if len(booked) != 1 || !booked[0].Start.Equal(at(16, 10)) || booked[0].Source != store.BookingSourceSMS {
			t.Fatalf("bookings %+v, want one by text at 10:00", booked)
		}
		if holds := h.liveHolds(caller, clock.now()); len(holds) != 0 {
			t.Errorf("lead still holds %d slots after booking", len(holds))
		}

		// Twilio delivers the same text again.
		h.textTo(sid, caller, businessNumber, "#2")
		if sent := h.waitSentTo(caller, 2); len(sent) != 2 {
			t.Errorf("lead got %d texts, want the offer and one confirmation: %q", len(sent), bodies(sent))
		}
		if booked := h.booked(caller); len(booked) != 1 {
			t.Errorf("%d bookings after a retried webhook, want 1", len(booked))
		}
	})
}

// A time in free text books that slot when it is free, and a bare time proposes the next free
// slot at that time.
func TestBookingFreeTextTime(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		h := bookingHarness(t, d, bookingSettings(), clock)

		// "tomorrow at 3pm", sent on Monday: Tuesday 3:00 PM is free, so it is booked at once.
		result := h.textFrom(caller, "Can you come tomorrow at 3pm?")
		wantText(t, "result", result, "booked Tue Mar 17, 3:00 PM CDT (the time asked for is free)")
		sent := h.waitSentTo(caller, 1)
		wantText(t, "confirmation", sent[0].Body, "You're booked with Acme Plumbing for Tue Mar 17, 3:00 PM CDT")
		// A word about that booking is for people, not a request for another.
		if result := h.textFrom(caller, "Great, see you tomorrow at 3"); strings.Contains(result, "booking bot") {
			t.Errorf("text about the booking applied as %q, want it left to people", result)
		}

		other := leadNumber(1)
		h.textFrom(other, "BOOK")
		h.waitSentTo(other, 1)
		result = h.textFrom(other, "3 pm")
		wantText(t, "result", result, "offered Mon Mar 16, 3:00 PM CDT")
		sent = h.waitSentTo(other, 2)
		wantText(t, "proposal", sent[1].Body, "The next time we have at 3:00 PM is Mon Mar 16, 3:00 PM CDT. "+
			"Does that work? Reply YES or NO")
		result = h.textFrom(other, "Yes please")
		wantText(t, "result", result, "booked Mon Mar 16, 3:00 PM CDT")
		sent = h.waitSentTo(other, 3)
		wantText(t, "confirmation", sent[2].Body, "for Mon Mar 16, 3:00 PM CDT")
	})
}

// "none of those" offers the slots after the ones offered, and "later next week" those from next
// Monday.
func TestBookingNoneOfThose(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		h := bookingHarness(t, d, bookingSettings(), clock)

		h.textFrom(caller, "book")
		h.waitSentTo(caller, 1)
		result := h.textFrom(caller, "None of those work")
		wantText(t, "result", result, "offered Mon Mar 16, 12:00 PM CDT; Mon Mar 16, 1:00 PM CDT; Mon Mar 16, 2:00 PM CDT")
		sent := h.waitSentTo(caller, 2)
		wantText(t, "second offer", sent[1].Body, "Here are other times we have:\n1) Mon Mar 16, 12:00 PM CDT")
		if holds := h.liveHolds(caller, clock.now()); len(holds) != 3 || !holds[0].Start.Equal(at(16, 12)) {
			t.Errorf("lead holds %+v, want the 3 new slots only", holds)
		}

		result = h.textFrom(caller, "later next week")
		wantText(t, "result", result, "offered Mon Mar 23, 9:00 AM CDT; Mon Mar 23, 10:00 AM CDT")
		h.waitSentTo(caller, 3)
		result = h.textFrom(caller, "the second one")
		wantText(t, "result", result, "booked Mon Mar 23, 10:00 AM CDT")
	})
}

// A reply the bot cannot read gets one question again; a second one hands the conversation to a
// person, who is alerted, and the bot then leaves the lead's texts to people.
func TestBookingAskOnceThenHandOver(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		h := bookingHarness(t, d, bookingSettings(), clock)

		h.textFrom(caller, "BOOK")
		h.waitSentTo(caller, 1)
		result := h.textFrom(caller, "12")
		wantText(t, "result", result, "asked again")
		sent := h.waitSentTo(caller, 2)
		wantText(t, "question", sent[1].Body, "Sorry, we didn't catch which time you'd like. Reply 1 for Mon Mar 16, "+
			"9:00 AM CDT, 2 for Mon Mar 16, 10:00 AM CDT or 3 for Mon Mar 16, 11:00 AM CDT, or tell us a day and time.")

		result = h.textFrom(caller, "either is ok")
		wantText(t, "result", result, "handed to a person")
		sent = h.waitSentTo(caller, 3)
		wantText(t, "hand-over", sent[2].Body, "Someone from Acme Plumbing will text you shortly to find a time.")
		handOffs := h.alerts(team.KindHandOff)
		if len(handOffs) != 1 {
			t.Fatalf("got %d hand-off alerts, want 1", len(handOffs))
		}
		wantText(t, "alert", handOffs[0].Summary, "wants to book")
		if holds := h.liveHolds(caller, clock.now()); len(holds) != 0 {
			t.Errorf("lead still holds %d slots after the hand-over", len(holds))
		}
		staff := h.waitSentTo(staffPhone, 1)
		wantText(t, "staff alert", staff[0].Body, "wants to book")

		// The bot stays out: the next text goes to the team as any reply does.
		result = h.textFrom(caller, "2")
		if strings.Contains(result, "booking bot") || !strings.Contains(result, "team alerted") {
			t.Errorf("text after the hand-over applied as %q, want a team alert", result)
		}
		if booked := h.booked(caller); len(booked) != 0 {
			t.Errorf("bookings after the hand-over: %+v", booked)
		}
	})
}

// A lead moves their booking by text, then cancels it: each change gets one text, and the slots
// are freed.
func TestBookingRescheduleAndCancel(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		h := bookingHarness(t, d, bookingSettings(), clock)

		h.textFrom(caller, "BOOK")
		h.waitSentTo(caller, 1)
		h.textFrom(caller, "1")
		h.waitSentTo(caller, 2)
		first := h.booked(caller)
		if len(first) != 1 || !first[0].Start.Equal(at(16, 9)) {
			t.Fatalf("bookings %+v, want one at 9:00", first)
		}

		result := h.textFrom(caller, "Need to reschedule")
		wantText(t, "result", result, "offered Mon Mar 16, 10:00 AM CDT; Mon Mar 16, 11:00 AM CDT; Mon Mar 16, 12:00 PM CDT")
		sent := h.waitSentTo(caller, 3)
		wantText(t, "offer", sent[2].Body, "Sure. Here are other times we have:")
		result = h.textFrom(caller, "tmrw 11am")
		wantText(t, "result", result, "moved booking")
		sent = h.waitSentTo(caller, 4)
		wantText(t, "confirmation", sent[3].Body, "You're booked with Acme Plumbing for Tue Mar 17, 11:00 AM CDT")
		moved := h.booked(caller)
		if len(moved) != 1 || !moved[0].Start.Equal(at(17, 11)) || moved[0].ReplacesID != first[0].ID {
			t.Fatalf("bookings %+v, want one at Tue 11:00 that replaces the first", moved)
		}

		result = h.textFrom(caller, "Please cancel my appointment")
		wantText(t, "result", result, fmt.Sprintf("cancelled booking %d", moved[0].ID))
		sent = h.waitSentTo(caller, 5)
		wantText(t, "notice", sent[4].Body, "Your appointment with Acme Plumbing for Tue Mar 17, 11:00 AM CDT is cancelled.")
		if booked := h.booked(caller); len(booked) != 0 {
			t.Errorf("bookings left after cancelling: %+v", booked)
		}
		cal, err := h.store.GetCalendarBySlug(context.Background(), h.business().ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}
		live, err := h.store.ListLiveBookings(context.Background(), cal.ID, at(16, 0), at(24, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 0 {
			t.Errorf("slots still taken after cancelling: %+v", live)
		}
	})
}

// reminderJob returns the reminder job of the booking sent before its start, or fails the test.
func (h *harness) reminderJob(id store.BookingID, before time.Duration) riverJob {
	h.t.Helper()
	for _, j := range h.jobs(bookbot.ReminderArgs{}.Kind()) {
		if int64(j.Args["booking_id"].(float64)) == int64(id) && int64(j.Args["before"].(float64)) == int64(before/time.Second) {
			return j
		}
	}
	h.t.Fatalf("no reminder job %s before booking %d", before, id)
	return riverJob{}
}

// runNow makes a River job due now.
func (h *harness) runNow(id int64) {
	h.t.Helper()
	h.exec("UPDATE river_job SET scheduled_at = $1 WHERE id = $2", time.Now().Add(-time.Second).UTC(), id)
}

// A booking gets a reminder a day before through the outbound path; a cancelled one gets none.
func TestBookingReminders(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		// Sunday 07:00 in Chicago: Monday 9:00 and 10:00 are more than a day ahead.
		clock := newShiftClock(time.Date(2026, 3, 15, 7, 0, 0, 0, chicago))
		h := bookingHarness(t, d, bookingSettings(), clock)
		other := leadNumber(2)

		h.textFrom(caller, "BOOK")
		h.waitSentTo(caller, 1)
		h.textFrom(caller, "1")
		h.waitSentTo(caller, 2)
		h.textFrom(other, "BOOK")
		h.waitSentTo(other, 1)
		h.textFrom(other, "1")
		h.waitSentTo(other, 2)
		kept, dropped := h.booked(caller)[0], h.booked(other)[0]
		dayBefore, twoHours := h.reminderJob(kept.ID, 24*time.Hour), h.reminderJob(kept.ID, 2*time.Hour)
		if dayBefore.State != "scheduled" || twoHours.State != "scheduled" {
			t.Fatalf("reminder jobs %+v and %+v, want both scheduled", dayBefore, twoHours)
		}
		droppedJob := h.reminderJob(dropped.ID, 24*time.Hour)

		wantText(t, "result", h.textFrom(other, "cancel appointment"), "cancelled booking")
		h.waitSentTo(other, 3)

		// A day before the bookings.
		clock.advance(2 * time.Hour)
		h.runNow(dayBefore.ID)
		h.runNow(droppedJob.ID)
		sent := h.waitSentTo(caller, 3)
		wantText(t, "reminder", sent[2].Body, "Reminder: your appointment with Acme Plumbing is Mon Mar 16, 9:00 AM CDT "+
			"at 1 Main St, Chicago, IL.")
		waitFor(t, "the cancelled booking's reminder job", func() bool {
			for _, j := range h.jobs(bookbot.ReminderArgs{}.Kind()) {
				if j.ID == droppedJob.ID {
					return j.State == "completed"
				}
			}
			return false
		})
		h.settle()
		if sent := h.sentTo(other); len(sent) != 3 {
			t.Errorf("lead who cancelled got %d texts, want offer, confirmation and notice: %q", len(sent), bodies(sent))
		}
		for _, m := range h.messagesWith(other) {
			if m.Purpose == store.PurposeReminder {
				t.Errorf("reminder stored for a cancelled booking: %+v", m)
			}
		}
	})
}

// A reminder that waits for quiet hours is held when its booking is cancelled meanwhile.
func TestBookingReminderHeldAtSendTime(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(time.Date(2026, 3, 15, 7, 0, 0, 0, chicago))
		settings := bookingSettings()
		// Automated texts from noon: the reminder due Sunday at 9:00 waits.
		settings.QuietHours = store.QuietHours{Start: 12 * 60, End: 20 * 60}
		h := bookingHarness(t, d, settings, clock)

		h.textFrom(caller, "BOOK")
		h.waitSentTo(caller, 1)
		h.textFrom(caller, "1")
		h.waitSentTo(caller, 2)
		b := h.booked(caller)[0]
		clock.advance(2 * time.Hour)
		h.runNow(h.reminderJob(b.ID, 24*time.Hour).ID)
		reminder, job := h.waitQuietHold(caller, store.PurposeReminder)

		if _, changed, err := h.app.Bookings().Cancel(context.Background(), b.BusinessID, b.ID); err != nil || !changed {
			t.Fatalf("cancel: %v, %v", changed, err)
		}
		h.runNow(job.ID)
		waitFor(t, "the reminder held", func() bool {
			m, err := h.store.GetMessage(context.Background(), reminder.ID)
			return err == nil && m.Status == store.StatusHeld
		})
		m, _ := h.store.GetMessage(context.Background(), reminder.ID)
		if m.HoldReason != "the booking was cancelled or moved" {
			t.Errorf("reminder held because %q", m.HoldReason)
		}
		for _, s := range h.sentTo(caller) {
			if strings.HasPrefix(s.Body, "Reminder") {
				t.Errorf("reminder sent: %q", s.Body)
			}
		}
	})
}

// With a reply delay, the bot answers only when no person answered the lead first.
func TestBookingReplyDelay(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		settings := bookingSettings()
		settings.Booking.ReplyDelay = store.Duration(8 * time.Second)
		h := bookingHarness(t, d, settings, clock)

		result := h.textFrom(caller, "can I book for tomorrow?")
		wantText(t, "result", result, "booking bot answers in 8s unless someone replies first", "team alerted")
		h.waitSentTo(staffPhone, 1)
		wantText(t, "relay", h.textFrom(staffPhone, "Hi, this is Dana. I can come tomorrow at 2, ok?"), "relayed")

		other := leadNumber(3)
		wantText(t, "result", h.textFrom(other, "BOOK"), "booking bot answers in 8s")

		deadline := time.Now().Add(20 * time.Second)
		for len(h.sentTo(other)) < 1 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		sent := h.waitSentTo(other, 1)
		wantText(t, "offer", sent[0].Body, "Here are the next times we have:")
		waitFor(t, "both delayed answers run", func() bool {
			jobs := h.jobs(bookbot.ReplyArgs{}.Kind())
			return len(jobs) == 2 && jobs[0].State == "completed" && jobs[1].State == "completed"
		})
		h.settle()
		sent = h.sentTo(caller)
		if len(sent) != 1 || !strings.HasPrefix(sent[0].Body, "Hi, this is Dana") {
			t.Errorf("lead answered by a person got %q, want only the person's text", bodies(sent))
		}
		if holds := h.bookingsOf(caller); len(holds) != 0 {
			t.Errorf("the bot held slots after a person answered: %+v", holds)
		}
	})
}

// A qualifying answer the business chose starts booking.
func TestBookingStartsOnAnswer(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		clock := newShiftClock(bookingStart)
		settings := bookingSettings()
		settings.Qualifier = store.Qualifier{
			Question: "Is this for your home or for a company?",
			Answers: []store.QualifierAnswer{
				{Value: "residential", Words: []string{"home", "house"}},
				{Value: "commercial", Words: []string{"company", "office"}},
			},
		}
		settings.Booking.StartOnAnswers = []string{"residential"}
		h := bookingHarness(t, d, settings, clock)

		h.missedCall(h.newCallSID(), caller)
		h.waitSentTo(caller, 1)
		result := h.textFrom(caller, "Home")
		wantText(t, "result", result, "qualifying answer residential; booking bot: offered Mon Mar 16, 9:00 AM CDT")
		h.waitSentTo(caller, 2)

		other := leadNumber(4)
		h.missedCall(h.newCallSID(), other)
		h.waitSentTo(other, 1)
		result = h.textFrom(other, "office")
		if strings.Contains(result, "booking bot") {
			t.Errorf("answer not chosen to start booking applied as %q", result)
		}
	})
}

// A booking made on the booking page gets the same confirmation and stops the lead's follow-ups.
func TestBookingFromPageConfirmed(t *testing.T) {
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		// A Monday more than a month ahead: River runs jobs by the wall clock, so the follow-up
		// below stays scheduled until the lead books.
		ahead := time.Now().In(chicago).AddDate(0, 1, 0)
		for ahead.Weekday() != time.Monday {
			ahead = ahead.AddDate(0, 0, 1)
		}
		start := time.Date(ahead.Year(), ahead.Month(), ahead.Day(), 7, 30, 0, 0, chicago)
		slot := time.Date(ahead.Year(), ahead.Month(), ahead.Day()+1, 14, 0, 0, 0, chicago)
		clock := newShiftClock(start)
		settings := bookingSettings()
		settings.Booking.Enabled = false // the texts about bookings go whether or not the bot is on
		settings.FollowUps = []store.FollowUpStep{{Delay: store.Duration(20 * time.Hour), Template: "Still need us?"}}
		h := bookingHarness(t, d, settings, clock)
		cal, err := h.store.GetCalendarBySlug(context.Background(), h.business().ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}
		h.missedCall(h.newCallSID(), caller)
		h.waitSentTo(caller, 1)
		if seqs := h.sequencesOf(caller); len(seqs) != 1 || seqs[0].State != store.SequenceActive {
			t.Fatalf("sequences %+v, want one running", seqs)
		}

		lead := h.contact(caller)
		b, created, err := h.app.Bookings().Book(context.Background(), booking.BookRequest{
			BusinessID: lead.BusinessID, ContactID: lead.ID, Calendar: cal, Start: slot,
			Source: store.BookingSourcePage, Name: "Pat Lee", IdempotencyKey: "page:form-1",
		})
		if err != nil || !created || !b.Start.Equal(slot) {
			t.Fatalf("book: %+v, %v, %v", b, created, err)
		}
		sent := h.waitSentTo(caller, 2)
		wantText(t, "confirmation", sent[1].Body, "You're booked with Acme Plumbing for "+
			slot.Format(booking.LabelLayout))
		seqs := h.sequencesOf(caller)
		if len(seqs) != 1 || seqs[0].State == store.SequenceActive || seqs[0].StopReason != followup.StopBooked {
			t.Errorf("sequences %+v, want the running one stopped because the lead booked", seqs)
		}
		if _, created, err := h.app.Bookings().Book(context.Background(), booking.BookRequest{
			BusinessID: lead.BusinessID, ContactID: lead.ID, Calendar: cal, Start: slot,
			Source: store.BookingSourcePage, Name: "Pat Lee", IdempotencyKey: "page:form-1",
		}); err != nil || created {
			t.Errorf("repeated page booking: created %v, %v", created, err)
		}
		h.settle()
		if sent := h.sentTo(caller); len(sent) != 2 {
			t.Errorf("lead got %q, want the text back and one confirmation", bodies(sent))
		}
	})
}

// Fifty leads who were offered the same slots, and whose holds lapsed, answer for the first one
// at the same moment: exactly one books it, and every other lead is told it was just taken and
// offered other slots, held for them alone.
func TestBookingRaceForOneSlot(t *testing.T) {
	const leads = 50
	eachDatabaseAtOnce(t, func(t *testing.T, d store.Dialect) {
		// Saturday at midnight: the offers do not change while the clock moves through the morning.
		clock := newShiftClock(time.Date(2026, 3, 14, 0, 0, 0, 0, chicago))
		settings := bookingSettings()
		h := newHarnessWith(t, d, harnessOptions{settings: &settings, clock: clock.now})
		h.addCalendar(60 * 24 * time.Hour)

		for i := range leads {
			from := leadNumber(i)
			wantText(t, "result", h.textFrom(from, "book"), "offered Mon Mar 16, 9:00 AM CDT;")
			// The hold lapses before the next lead asks, so every lead is offered the same slots.
			clock.advance(booking.DefaultHoldFor + time.Second)
		}
		waitFor(t, "every lead's offer", func() bool { return len(h.fake.Sent()) >= leads })
		if holds := h.liveHolds(leadNumber(leads-1), clock.now()); len(holds) != 0 {
			t.Fatalf("the last lead's holds did not lapse: %+v", holds)
		}

		var wg sync.WaitGroup
		results := make([]string, leads)
		for i := range leads {
			wg.Go(func() { results[i] = h.textFrom(leadNumber(i), "1") })
		}
		wg.Wait()

		waitFor(t, "every lead's answer", func() bool { return len(h.fake.Sent()) >= 2*leads })
		h.settle()
		winners := 0
		heldBy := map[time.Time]string{}
		for i := range leads {
			from := leadNumber(i)
			sent := h.sentTo(from)
			if len(sent) != 2 {
				t.Errorf("lead %d got %d texts, want 2: %q", i, len(sent), bodies(sent))
				continue
			}
			if booked := h.booked(from); len(booked) == 1 {
				winners++
				if !booked[0].Start.Equal(at(16, 9)) {
					t.Errorf("lead %d booked %s, want 9:00", i, booked[0].Start)
				}
				wantText(t, "confirmation", sent[1].Body, "You're booked with Acme Plumbing for Mon Mar 16, 9:00 AM CDT")
				continue
			}
			wantText(t, "loser's text", sent[1].Body, "Sorry, Mon Mar 16, 9:00 AM CDT was just taken. Here are other times we have:")
			holds := h.liveHolds(from, clock.now())
			if len(holds) != 3 {
				t.Errorf("lead %d holds %d alternatives, want 3 (%s)", i, len(holds), results[i])
			}
			for _, hold := range holds {
				if other, ok := heldBy[hold.Start]; ok {
					t.Errorf("slot %s held by %s and %s", hold.Start, other, from)
				}
				heldBy[hold.Start] = from
			}
		}
		if winners != 1 {
			t.Errorf("%d leads booked the slot, want exactly 1", winners)
		}
	})
}
