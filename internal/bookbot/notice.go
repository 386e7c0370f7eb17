package bookbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// reminderGap is how soon after a booking is made a reminder may go. A reminder due sooner adds
// nothing to the confirmation just sent, so it is skipped.
const reminderGap = time.Hour

// OnChange is the booking.ChangeFunc of the process's booking service. Inside the transaction
// that makes the change, it queues the confirmation of a new or moved booking and schedules its
// reminders, stops the lead's follow-ups, and queues the notice of a cancellation. It runs for
// every booking, by text or on the booking page, whether or not the bot is enabled.
func (b *Bot) OnChange(ctx context.Context, tx *store.Tx, bk store.Booking, change booking.Change) error {
	n, err := b.notice(ctx, tx, bk)
	if err != nil {
		return err
	}
	settings := n.business.Settings.Booking
	switch change {
	case booking.Booked, booking.Rescheduled:
		if b.followups != nil {
			if err := b.followups.Stop(ctx, tx, bk.BusinessID, bk.ContactID, followup.StopBooked); err != nil {
				return err
			}
		}
		if n.number.ID == 0 {
			b.log.Warn("booking not confirmed by text: the business has no number",
				slog.Int64("booking_id", int64(bk.ID)))
			return nil
		}
		if err := b.send(ctx, tx, n, store.PurposeBookingNotice, "booking confirmation", settings.ConfirmationTemplate,
			fmt.Sprintf("booking-confirmation:%d", bk.ID), fmt.Sprintf("booking %d %s", bk.ID, change)); err != nil {
			return err
		}
		return b.scheduleReminders(ctx, tx, bk, settings.Reminders)
	case booking.Cancelled:
		if n.number.ID == 0 {
			return nil
		}
		return b.send(ctx, tx, n, store.PurposeBookingNotice, "booking cancellation", settings.CancellationTemplate,
			fmt.Sprintf("booking-cancellation:%d", bk.ID), fmt.Sprintf("booking %d cancelled", bk.ID))
	}
	return nil
}

// notice is what a text about a booking is made of.
type notice struct {
	booking  store.Booking
	business store.Business
	calendar store.Calendar
	contact  store.Contact
	// number is the business number the text goes from, or the zero Number when it has none.
	number store.Number
	label  string
}

func (b *Bot) notice(ctx context.Context, tx *store.Tx, bk store.Booking) (notice, error) {
	n := notice{booking: bk}
	var err error
	if n.business, err = b.dir.Business(ctx, tx, bk.BusinessID); err != nil {
		return n, err
	}
	if n.calendar, err = tx.GetCalendar(ctx, bk.BusinessID, bk.CalendarID); err != nil {
		return n, err
	}
	if n.contact, err = tx.GetContact(ctx, bk.BusinessID, bk.ContactID); err != nil {
		return n, err
	}
	slot, err := booking.SlotOf(n.calendar, bk)
	if err != nil {
		return n, err
	}
	n.label = slot.Label()
	n.number, err = b.numberFor(ctx, tx, n.business, n.contact)
	return n, err
}

// numberFor returns the number to text the contact from: the one they last used, so that their
// thread stays in one place, or else the business's first number.
func (b *Bot) numberFor(ctx context.Context, tx *store.Tx, business store.Business, contact store.Contact) (store.Number, error) {
	id, err := tx.LatestNumberOfContact(ctx, business.ID, contact.ID)
	if err == nil {
		return b.dir.Number(ctx, tx, id)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Number{}, err
	}
	numbers, err := tx.ListNumbers(ctx, business.ID)
	if err != nil || len(numbers) == 0 {
		return store.Number{}, err
	}
	return numbers[0], nil
}

// send queues a text about the booking, rendered from src.
func (b *Bot) send(ctx context.Context, tx *store.Tx, n notice, purpose store.Purpose, name, src, key, trigger string) error {
	values := map[string]string{
		msgtemplate.FieldFirstName: n.contact.FirstName, msgtemplate.FieldBusiness: n.business.Name,
		msgtemplate.FieldRep: n.business.RepName, msgtemplate.FieldTime: n.label,
		msgtemplate.FieldAddress: n.calendar.Address, msgtemplate.FieldCalendar: n.calendar.Name,
	}
	t, err := msgtemplate.Parse(src, msgtemplate.BookingFields())
	if err != nil {
		return fmt.Errorf("render %s of business %s: %w", name, n.business.Slug, err)
	}
	_, err = b.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: n.business.ID, ContactID: n.contact.ID, NumberID: n.number.ID, Body: t.Render(values),
		Purpose: purpose, TemplateName: name,
		Details: store.MessageDetails{
			Trigger: trigger, Template: src, Values: values, BookingID: int64(n.booking.ID),
		},
		IdempotencyKey: key,
	})
	return err
}

// scheduleReminders inserts a job for each reminder of the booking that is due at least
// reminderGap from now.
func (b *Bot) scheduleReminders(ctx context.Context, tx *store.Tx, bk store.Booking, reminders []store.Duration) error {
	now := b.clock()
	for _, before := range reminders {
		at := bk.Start.Add(-time.Duration(before))
		if at.Before(now.Add(reminderGap)) {
			continue
		}
		opts := ReminderArgs{}.InsertOpts()
		opts.ScheduledAt = b.wallTime(at)
		args := ReminderArgs{BusinessID: int64(bk.BusinessID), BookingID: int64(bk.ID),
			Before: int64(time.Duration(before) / time.Second)}
		if _, err := b.queue.InsertTx(ctx, tx, args, &opts); err != nil {
			return fmt.Errorf("schedule reminder of booking %d: %w", bk.ID, err)
		}
	}
	return nil
}

// ReminderArgs is the job that reminds a lead of a booking, Before seconds before it starts.
type ReminderArgs struct {
	BusinessID int64 `json:"business_id"`
	BookingID  int64 `json:"booking_id"`
	Before     int64 `json:"before"`
}

// Kind names the job in River.
func (ReminderArgs) Kind() string { return "booking_reminder" }

// InsertOpts makes one job per reminder.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	bot *Bot
}

func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	return w.bot.remind(ctx, job.Args)
}

// remind queues a reminder of the booking, unless it was cancelled or moved, or has started.
// Quiet hours and whether the booking still stands are checked again when the text goes.
func (b *Bot) remind(ctx context.Context, args ReminderArgs) error {
	return b.store.InTx(ctx, func(tx *store.Tx) error {
		bk, err := tx.GetBooking(ctx, store.BusinessID(args.BusinessID), store.BookingID(args.BookingID))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if reason := standsNot(bk, b.clock()); reason != "" {
			b.log.Info("booking reminder not sent", slog.Int64("booking_id", args.BookingID),
				slog.String("reason", reason))
			return nil
		}
		n, err := b.notice(ctx, tx, bk)
		if err != nil || n.number.ID == 0 {
			return err
		}
		before := time.Duration(args.Before) * time.Second
		return b.send(ctx, tx, n, store.PurposeReminder, "booking reminder", n.business.Settings.Booking.ReminderTemplate,
			fmt.Sprintf("booking-reminder:%d:%d", bk.ID, args.Before),
			fmt.Sprintf("reminder %s before booking %d", before, bk.ID))
	})
}

// standsNot returns why a reminder of the booking must not go at now, or "".
func standsNot(bk store.Booking, now time.Time) string {
	switch {
	case bk.State == store.BookingCancelled:
		return "the booking was cancelled or moved"
	case bk.State != store.BookingBooked:
		return "the booking is not booked"
	case !bk.Start.After(now):
		return "the appointment has started"
	}
	return ""
}

// CheckReminder is the outbound path's send check for reminders: it holds a reminder whose
// booking was cancelled or moved, or has started, while it waited, such as for quiet hours.
func (b *Bot) CheckReminder(ctx context.Context, msg store.Message) (string, error) {
	if msg.Details.BookingID == 0 {
		return "", nil
	}
	bk, err := b.store.GetBooking(ctx, msg.BusinessID, store.BookingID(msg.Details.BookingID))
	if errors.Is(err, store.ErrNotFound) {
		return "the booking no longer exists", nil
	}
	if err != nil {
		return "", err
	}
	return standsNot(bk, b.clock()), nil
}
