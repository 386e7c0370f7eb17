package bookbot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/bookreply"
	"github.com/textback/textback/internal/store"
)

// chat is the bot at work on one inbound text, inside the transaction that applies it.
type chat struct {
	bot       *Bot
	tx        *store.Tx
	t         Text
	state     store.BookingBot
	calendars []store.Calendar
	now       time.Time
	// loc is the zone in which replies are read: the zone of the bot's calendars when they share
	// one, else the business's.
	loc *time.Location
}

func newChat(b *Bot, tx *store.Tx, t Text, calendars []store.Calendar, now time.Time) *chat {
	c := &chat{bot: b, tx: tx, t: t, state: t.Conversation.Bot, calendars: calendars, now: now,
		loc: t.Business.Location()}
	if zone := calendars[0].TimeZone; zone != "" && zone != t.Business.TimeZone {
		shared := true
		for _, cal := range calendars {
			shared = shared && cal.TimeZone == zone
		}
		if loc, err := calendars[0].Location(); shared && err == nil {
			c.loc = loc
		}
	}
	if !c.asking() && now.Sub(c.state.AskedAt) >= questionLife {
		// A new start: the count of the bot's texts is per booking conversation.
		c.state.Sent, c.state.Unclear = 0, 0
	}
	return c
}

// action does what the bot decided for the text and returns a note for the record.
type action func(ctx context.Context) (string, error)

// plan decides what the bot does with the text, without changing anything, or returns nil when
// the text is not the bot's: an answer to its question comes first, then a request to cancel,
// move or make a booking, then a qualifying answer that starts booking.
func (c *chat) plan(ctx context.Context) (action, error) {
	body, received := c.t.Message.Body, c.t.Message.CreatedAt
	if c.asking() {
		r := bookreply.Read(body, bookreply.Context{
			Question: c.question(), Offered: c.offeredStarts(), Location: c.loc, Received: received,
		})
		if r.Kind != bookreply.Other {
			return func(ctx context.Context) (string, error) { return c.answer(ctx, r) }, nil
		}
	}
	intent, want := bookreply.ReadIntent(body, c.loc, received)
	if intent == bookreply.Cancel || intent == bookreply.Reschedule {
		upcoming, found, err := c.upcoming(ctx)
		if err != nil {
			return nil, err
		}
		switch {
		case found && intent == bookreply.Cancel:
			return func(ctx context.Context) (string, error) { return c.cancel(ctx, upcoming) }, nil
		case found:
			return func(ctx context.Context) (string, error) { return c.reschedule(ctx, upcoming, want) }, nil
		case intent == bookreply.Cancel:
			// Nothing to cancel: a person reads it.
			return nil, nil
		}
	}
	if intent == bookreply.Book && want != (bookreply.Want{}) {
		// "See you tomorrow at 3" from a lead booked then is about that booking: people read it.
		upcoming, found, err := c.upcoming(ctx)
		if err != nil {
			return nil, err
		}
		if found && want.Matches(upcoming.Start, c.loc) {
			return nil, nil
		}
	}
	starts := c.t.Answer != "" && slices.Contains(c.t.Business.Settings.Booking.StartOnAnswers, c.t.Answer)
	if intent != bookreply.NoIntent || starts {
		return func(ctx context.Context) (string, error) { return c.start(ctx, want) }, nil
	}
	return nil, nil
}

// asking reports whether the bot waits for an answer to a question it asked recently.
func (c *chat) asking() bool {
	return c.state.Question != "" && len(c.state.Offers) > 0 && c.now.Sub(c.state.AskedAt) < questionLife
}

func (c *chat) question() bookreply.Question {
	if c.state.Question == store.BotAskedYesNo {
		return bookreply.AskYesNo
	}
	return bookreply.AskSlots
}

func (c *chat) offeredStarts() []time.Time {
	out := make([]time.Time, len(c.state.Offers))
	for i, o := range c.state.Offers {
		out[i] = o.Start
	}
	return out
}

// answer acts on a reading of the text as an answer to the bot's question.
func (c *chat) answer(ctx context.Context, r bookreply.Reading) (string, error) {
	switch r.Kind {
	case bookreply.Choose:
		return c.choose(ctx, c.state.Offers[r.Slot], r.Why)
	case bookreply.Reject:
		spec := c.sameKind(offerSpec{skip: []time.Time{c.state.Offers[r.Slot].Start}})
		return c.offer(ctx, spec, "No problem. ", headingOthers)
	case bookreply.More:
		spec := c.sameKind(offerSpec{skip: c.offeredStarts(), after: c.afterOffered()})
		if !r.After.IsZero() {
			spec.after = startOfDay(r.After, c.loc)
		}
		return c.offerOr(ctx, spec, "", headingOthers)
	case bookreply.Request:
		return c.request(ctx, r.Want, c.sameKind(offerSpec{}))
	case bookreply.Unclear:
		return c.unclear(ctx, r.Why)
	}
	return "", fmt.Errorf("booking bot: unexpected reading %q", r.Kind)
}

// afterOffered returns the moment after the latest slot offered, from which "none of those"
// looks for others.
func (c *chat) afterOffered() time.Time {
	var last time.Time
	for _, o := range c.state.Offers {
		if o.Start.After(last) {
			last = o.Start
		}
	}
	if last.IsZero() {
		return last
	}
	return last.Add(time.Second)
}

// sameKind returns spec for the booking the question was about: a move keeps to the calendar of
// the booking being moved.
func (c *chat) sameKind(spec offerSpec) offerSpec {
	if c.state.Moving != 0 && len(c.state.Offers) > 0 {
		spec.calendarID = c.state.Offers[0].CalendarID
	}
	return spec
}

// start begins booking: it offers the next free slots, or those of the day and time the text
// names, and books a slot at once when the text names one that is free.
func (c *chat) start(ctx context.Context, want bookreply.Want) (string, error) {
	c.state.Moving = 0
	if c.t.Conversation.Awaiting != "" {
		// The lead moved on from the qualifying question.
		if err := c.tx.SetConversationAwaiting(ctx, c.t.Conversation.ID, ""); err != nil {
			return "", err
		}
	}
	if want == (bookreply.Want{}) {
		return c.offer(ctx, offerSpec{}, "", headingNext)
	}
	return c.request(ctx, want, offerSpec{})
}

// request answers a day or time the lead asked for: it books a named slot that is free, proposes
// the next free slot at a time of day, and offers the slots of a day.
func (c *chat) request(ctx context.Context, want bookreply.Want, spec offerSpec) (string, error) {
	switch {
	case want.Exact():
		one := spec
		one.want, one.count = want, 1
		offers, err := c.find(ctx, one)
		if err != nil {
			return "", err
		}
		if len(offers) == 1 {
			return c.choose(ctx, botOffer(offers[0]), "the time asked for is free")
		}
		day := spec
		day.want = bookreply.Want{From: want.From, To: want.To}
		return c.offerOr(ctx, day, "Sorry, "+phrase(want)+" is not available. ", headingDay(day.want))
	case want.HasTime && !want.HasDate():
		spec.want, spec.count = want, 1
		return c.offerOr(ctx, spec, "", headingAt(want))
	}
	spec.want = want
	return c.offerOr(ctx, spec, "", headingDay(want))
}

// offerOr offers the slots that spec finds, or the next free slots after them when it finds none.
func (c *chat) offerOr(ctx context.Context, spec offerSpec, intro string, h heading) (string, error) {
	offers, err := c.find(ctx, spec)
	if err != nil {
		return "", err
	}
	if len(offers) > 0 {
		return c.send(ctx, offers, intro, h)
	}
	intro += "Sorry, we have nothing open " + on(spec.want) + ". "
	next := offerSpec{calendarID: spec.calendarID, skip: spec.skip, after: spec.after}
	if spec.want.HasDate() {
		next.after = later(next.after, startOfDay(spec.want.To, c.loc))
	}
	return c.offer(ctx, next, intro, headingNext)
}

// choose books an offered slot, or moves the booking being moved to it.
func (c *chat) choose(ctx context.Context, o store.BotOffer, why string) (string, error) {
	label, err := c.label(ctx, o)
	if err != nil {
		return "", err
	}
	if !o.Start.After(c.now) {
		return c.offer(ctx, c.sameKind(offerSpec{}), "Sorry, "+label+" has passed. ", headingNext)
	}
	if c.state.Moving != 0 {
		return c.move(ctx, o, label, why)
	}
	req := booking.BookRequest{
		BusinessID: c.t.Business.ID, ContactID: c.t.Contact.ID, HoldID: o.HoldID, Source: store.BookingSourceSMS,
		Name: fullName(c.t.Contact), Email: c.t.Contact.Email,
		IdempotencyKey: c.key(), Alternatives: c.count(), Calendars: c.calendars,
	}
	if o.HoldID == 0 {
		cal, err := c.calendar(ctx, o.CalendarID)
		if err != nil {
			return "", err
		}
		req.Calendar, req.Start = cal, o.Start
	}
	booked, created, err := c.bot.booking.BookTx(ctx, c.tx, req)
	if errors.Is(err, store.ErrNotFound) && req.HoldID != 0 {
		// The hold was cancelled, so book the slot itself if it is still free.
		cal, calErr := c.calendar(ctx, o.CalendarID)
		if calErr != nil {
			return "", calErr
		}
		req.HoldID, req.Calendar, req.Start = 0, cal, o.Start
		booked, created, err = c.bot.booking.BookTx(ctx, c.tx, req)
	}
	if errors.Is(err, booking.ErrNotASlot) {
		return c.offer(ctx, offerSpec{}, "Sorry, "+label+" can no longer be booked. ", headingNext)
	}
	return c.booked(ctx, booked, created, err, label, why)
}

// move moves the booking being moved to an offered slot.
func (c *chat) move(ctx context.Context, o store.BotOffer, label, why string) (string, error) {
	// The lead's own holds would block the slot, so they go first, under the calendar's lock so
	// that nobody else takes the slot in between.
	if _, err := c.tx.LockCalendar(ctx, c.t.Business.ID, o.CalendarID); err != nil {
		return "", err
	}
	if _, err := c.tx.ReleaseHolds(ctx, c.t.Business.ID, c.t.Contact.ID); err != nil {
		return "", err
	}
	moved, created, err := c.bot.booking.RescheduleTx(ctx, c.tx, booking.RescheduleRequest{
		BusinessID: c.t.Business.ID, BookingID: c.state.Moving, Start: o.Start, IdempotencyKey: c.key(),
		Alternatives: c.count(),
	})
	if errors.Is(err, store.ErrNotFound) {
		// The booking is no longer booked, so this is a new booking.
		c.state.Moving = 0
		o.HoldID = 0
		return c.choose(ctx, o, why)
	}
	if errors.Is(err, booking.ErrNotASlot) {
		return c.offer(ctx, c.sameKind(offerSpec{}), "Sorry, "+label+" can no longer be booked. ", headingOthers)
	}
	return c.booked(ctx, moved, created, err, label, why)
}

// booked finishes a booking or a move: the confirmation is OnChange's, and a lost slot gets the
// alternatives that came with it.
func (c *chat) booked(ctx context.Context, b store.Booking, created bool, err error, label, why string) (string, error) {
	var taken *booking.TakenError
	if errors.As(err, &taken) {
		if len(taken.Alternatives) == 0 {
			return c.handOff(ctx, "Sorry, "+label+" was just taken, and we have no other times open to book by text "+
				"right now. ", "slot taken, no other free slots")
		}
		return c.send(ctx, taken.Alternatives, "Sorry, "+label+" was just taken. ", headingOthers)
	}
	if err != nil {
		return "", err
	}
	c.state = store.BookingBot{}
	if !created {
		return fmt.Sprintf("booking %d made before", b.ID), nil
	}
	if b.ReplacesID != 0 {
		return fmt.Sprintf("moved booking %d to %s (%s) as booking %d", b.ReplacesID, label, why, b.ID), nil
	}
	return fmt.Sprintf("booked %s (%s) as booking %d", label, why, b.ID), nil
}

// cancel cancels the lead's booking. OnChange sends the notice.
func (c *chat) cancel(ctx context.Context, upcoming store.Booking) (string, error) {
	if _, err := c.tx.ReleaseHolds(ctx, c.t.Business.ID, c.t.Contact.ID); err != nil {
		return "", err
	}
	_, changed, err := c.bot.booking.CancelTx(ctx, c.tx, c.t.Business.ID, upcoming.ID)
	if err != nil {
		return "", err
	}
	c.state = store.BookingBot{Sent: c.state.Sent}
	if !changed {
		return fmt.Sprintf("booking %d was cancelled before", upcoming.ID), nil
	}
	return fmt.Sprintf("cancelled booking %d", upcoming.ID), nil
}

// reschedule offers other slots of the calendar of the lead's booking, or moves it at once to a
// free slot that the text names.
func (c *chat) reschedule(ctx context.Context, upcoming store.Booking, want bookreply.Want) (string, error) {
	c.state.Moving = upcoming.ID
	spec := offerSpec{calendarID: upcoming.CalendarID, skip: []time.Time{upcoming.Start}}
	if want != (bookreply.Want{}) {
		return c.request(ctx, want, spec)
	}
	return c.offer(ctx, spec, "Sure. ", headingOthers)
}

// unclear asks again once, then hands the conversation to a person.
func (c *chat) unclear(ctx context.Context, why string) (string, error) {
	if c.state.Unclear >= 1 {
		return c.handOff(ctx, "", "could not tell twice: "+why)
	}
	c.state.Unclear++
	labels := make([]string, len(c.state.Offers))
	for i, o := range c.state.Offers {
		label, err := c.label(ctx, o)
		if err != nil {
			return "", err
		}
		labels[i] = label
	}
	if err := c.reply(ctx, askAgainText(labels), "could not tell: "+why); err != nil {
		return "", err
	}
	return "asked again: " + why, nil
}

// upcoming returns the lead's next booking that has not started.
func (c *chat) upcoming(ctx context.Context) (store.Booking, bool, error) {
	all, err := c.tx.ListContactBookings(ctx, c.t.Business.ID, c.t.Contact.ID)
	if err != nil {
		return store.Booking{}, false, err
	}
	for _, b := range all {
		if b.State == store.BookingBooked && b.Start.After(c.now) {
			return b, true, nil
		}
	}
	return store.Booking{}, false, nil
}

// key is the idempotency key of a booking made by the text: a retried delivery of the same text
// finds the booking instead of making another.
func (c *chat) key() string {
	return fmt.Sprintf("sms:%d:%s", c.t.Message.ProviderID, c.t.Message.ProviderMessageID)
}

// count is how many slots the bot offers at a time.
func (c *chat) count() int { return c.t.Business.Settings.Booking.Slots }

// calendar returns the business's calendar with id.
func (c *chat) calendar(ctx context.Context, id store.CalendarID) (store.Calendar, error) {
	for _, cal := range c.calendars {
		if cal.ID == id {
			return cal, nil
		}
	}
	return c.tx.GetCalendar(ctx, c.t.Business.ID, id)
}

// label writes an offered slot as the offer wrote it, in its calendar's zone.
func (c *chat) label(ctx context.Context, o store.BotOffer) (string, error) {
	cal, err := c.calendar(ctx, o.CalendarID)
	if err != nil {
		return "", err
	}
	slot, err := booking.SlotOf(cal, store.Booking{CalendarID: o.CalendarID, Start: o.Start, End: o.End})
	if err != nil {
		return "", err
	}
	return slot.Label(), nil
}

// botOffer returns what the bot keeps of an offer.
func botOffer(o booking.Offer) store.BotOffer {
	return store.BotOffer{HoldID: o.Hold.ID, CalendarID: o.Slot.CalendarID, Start: o.Slot.Start, End: o.Slot.End}
}

// fullName returns the contact's name as the business knows it, or "".
func fullName(c store.Contact) string {
	switch {
	case c.FirstName != "" && c.LastName != "":
		return c.FirstName + " " + c.LastName
	case c.FirstName != "":
		return c.FirstName
	}
	return c.LastName
}
