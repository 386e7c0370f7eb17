// Package bookbot books appointments by text. When a lead asks to book (a qualifying answer the
// business chose, BOOK, or words such as "can I book" or "come out tomorrow"), the bot offers the
// next free slots and holds them. It reads the lead's answer with bookreply, books the slot they
// chose, asks once when it cannot tell, and then hands the conversation to a person. A lead can
// also cancel or move their booking by text.
//
// The package also sends what every booking gets, whether made by text or on the booking page:
// the confirmation, the reminders and the notice of a cancellation. They are queued by OnChange,
// which booking.Service runs inside the transaction that makes the change, so that a booking and
// its texts commit together. Reminders are River jobs, and whether their booking still stands is
// checked again just before each is sent.
//
// Everything the bot does for one inbound text runs in the transaction that applies the text, so
// a retried webhook books nothing twice and sends nothing twice: the text is filed once, bookings
// carry the provider's message id as their idempotency key, and each answer is keyed by the text.
package bookbot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// questionLife is how long the bot reads replies as answers to its question. A reply days later
// is read as a new text, because the slots it offered have most likely gone.
const questionLife = 24 * time.Hour

// Bot runs booking by text and sends the texts about bookings. It is safe for concurrent use.
type Bot struct {
	store     *store.Store
	queue     jobs.Inserter
	sender    *outbound.Sender
	team      *team.Service
	followups *followup.Service
	dir       *directory.Directory
	log       *slog.Logger
	clock     func() time.Time
	booking   *booking.Service
}

// Options configures New.
type Options struct {
	Store  *store.Store
	Queue  jobs.Inserter
	Sender *outbound.Sender
	// Team hears of conversations the bot hands over.
	Team *team.Service
	// FollowUps stops a lead's follow-ups once they book; nil skips it.
	FollowUps *followup.Service
	Directory *directory.Directory
	Logger    *slog.Logger
	Clock     func() time.Time
}

// New returns a Bot. Call SetBooking before it is used.
func New(opts Options) *Bot {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(opts.Clock)
	}
	return &Bot{
		store: opts.Store, queue: opts.Queue, sender: opts.Sender, team: opts.Team, followups: opts.FollowUps,
		dir: opts.Directory, log: opts.Logger, clock: opts.Clock,
	}
}

// SetBooking sets the booking service the bot offers and books with. Its Options.OnChange must be
// the bot's OnChange, which is why it cannot be passed to New.
func (b *Bot) SetBooking(s *booking.Service) { b.booking = s }

// Register adds the bot's workers: reminders, and answers that wait for the business's reply delay.
func Register(workers *river.Workers, b *Bot) {
	river.AddWorker(workers, &reminderWorker{bot: b})
	river.AddWorker(workers, &replyWorker{bot: b})
}

// Text is an inbound text from a lead, as the conversation engine filed it.
type Text struct {
	Business     store.Business
	Number       store.Number
	Contact      store.Contact
	Conversation store.Conversation
	Message      store.Message
	// Answer is the value of the qualifying answer the text gave, or "".
	Answer string
}

// Outcome is the result of Handle for one text.
type Outcome int

const (
	// Ignored texts are not the bot's: the conversation engine goes on as it would without it.
	Ignored Outcome = iota
	// Handled texts were answered or acted on by the bot; the team is not alerted about them.
	Handled
	// Deferred texts get the bot's answer after the business's reply delay, unless a person
	// answers first. The team is alerted about them as about any reply.
	Deferred
)

// Handle acts on a lead's text inside tx, the transaction that files it, and returns what it did
// and a note for the webhook's record. The caller holds the contact's lock.
func (b *Bot) Handle(ctx context.Context, tx *store.Tx, t Text) (Outcome, string, error) {
	return b.handle(ctx, tx, t, false)
}

// handle is Handle; delayed is set when the business's reply delay has already passed.
func (b *Bot) handle(ctx context.Context, tx *store.Tx, t Text, delayed bool) (Outcome, string, error) {
	settings := t.Business.Settings.Booking
	if !settings.Enabled || b.booking == nil {
		return Ignored, "", nil
	}
	now := b.clock()
	state := t.Conversation.Bot
	switch {
	case state.LastMessageID >= t.Message.ID:
		return Handled, "booking bot acted on this text before", nil
	case t.Contact.OptedOut() || t.Contact.ReviewReason != "" || t.Contact.Kind == store.KindStaff:
		return Ignored, "", nil
	case t.Conversation.Paused(now):
		// A person is handling the conversation.
		return Ignored, "", nil
	case state.HandedOff(now):
		return Ignored, "", nil
	}
	calendars, err := b.calendars(ctx, tx, t.Business)
	if err != nil || len(calendars) == 0 {
		return Ignored, "", err
	}
	c := newChat(b, tx, t, calendars, now)
	act, err := c.plan(ctx)
	if err != nil || act == nil {
		return Ignored, "", err
	}
	if delay := time.Duration(settings.ReplyDelay); delay > 0 && !delayed {
		if err := b.deferReply(ctx, tx, t, delay); err != nil {
			return Ignored, "", err
		}
		return Deferred, fmt.Sprintf("booking bot answers in %s unless someone replies first", delay), nil
	}
	note, err := act(ctx)
	if err != nil {
		return Ignored, "", err
	}
	c.state.LastMessageID = t.Message.ID
	if err := tx.SetConversationBookingBot(ctx, t.Conversation.ID, c.state); err != nil {
		return Ignored, "", err
	}
	b.log.Info("booking bot answered", slog.Int64("business_id", int64(t.Business.ID)),
		slog.Int64("contact_id", int64(t.Contact.ID)), slog.Int64("message_id", int64(t.Message.ID)),
		slog.String("result", note))
	return Handled, "booking bot: " + note, nil
}

// calendars returns the business's calendars that the bot offers: those its settings name, or
// all of them, that have any hours.
func (b *Bot) calendars(ctx context.Context, tx *store.Tx, business store.Business) ([]store.Calendar, error) {
	all, err := tx.ListCalendars(ctx, business.ID)
	if err != nil {
		return nil, err
	}
	var out []store.Calendar
	for _, cal := range all {
		if cal.Bookable() && business.Settings.Booking.BooksCalendar(cal.Slug) {
			out = append(out, cal)
		}
	}
	return out, nil
}

// wallTime returns the wall-clock time at which River should run a job due at at by the bot's
// clock. River schedules by the wall clock; the two differ only when a test shifts the clock.
func (b *Bot) wallTime(at time.Time) time.Time {
	return time.Now().Add(at.Sub(b.clock()))
}
