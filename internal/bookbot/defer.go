package bookbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/store"
)

// deferReply schedules the bot's answer to the text after delay.
func (b *Bot) deferReply(ctx context.Context, tx *store.Tx, t Text, delay time.Duration) error {
	opts := ReplyArgs{}.InsertOpts()
	opts.ScheduledAt = b.wallTime(t.Message.CreatedAt.Add(delay))
	args := ReplyArgs{BusinessID: int64(t.Business.ID), MessageID: int64(t.Message.ID), Answer: t.Answer}
	if _, err := b.queue.InsertTx(ctx, tx, args, &opts); err != nil {
		return fmt.Errorf("schedule booking bot's answer to text %d: %w", t.Message.ID, err)
	}
	return nil
}

// ReplyArgs is the job that answers a lead's text once the business's reply delay has passed.
type ReplyArgs struct {
	BusinessID int64 `json:"business_id"`
	MessageID  int64 `json:"message_id"`
	// Answer is the qualifying answer the text gave, or "".
	Answer string `json:"answer,omitempty"`
}

// Kind names the job in River.
func (ReplyArgs) Kind() string { return "booking_bot_reply" }

// InsertOpts makes one job per text.
func (ReplyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type replyWorker struct {
	river.WorkerDefaults[ReplyArgs]
	bot *Bot
}

func (w *replyWorker) Work(ctx context.Context, job *river.Job[ReplyArgs]) error {
	return w.bot.replyLater(ctx, job.Args)
}

// replyLater answers a text after the reply delay, unless a person answered the lead meanwhile:
// then the bot stands down.
func (b *Bot) replyLater(ctx context.Context, args ReplyArgs) error {
	return b.store.InTx(ctx, func(tx *store.Tx) error {
		msg, err := tx.GetMessage(ctx, store.MessageID(args.MessageID))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.LockContact(ctx, msg.ContactID); err != nil {
			return err
		}
		t := Text{Message: msg, Answer: args.Answer}
		if t.Business, err = b.dir.Business(ctx, tx, msg.BusinessID); err != nil {
			return err
		}
		// River may run a job a few seconds before it is due; the lead's delay is kept exactly.
		if wait := msg.CreatedAt.Add(time.Duration(t.Business.Settings.Booking.ReplyDelay)).Sub(b.clock()); wait > 0 {
			return river.JobSnooze(wait)
		}
		if t.Number, err = b.dir.Number(ctx, tx, msg.NumberID); err != nil {
			return err
		}
		if t.Contact, err = tx.GetContact(ctx, msg.BusinessID, msg.ContactID); err != nil {
			return err
		}
		if t.Conversation, err = tx.GetConversation(ctx, msg.BusinessID, msg.ConversationID); err != nil {
			return err
		}
		log := b.log.With(slog.Int64("business_id", int64(msg.BusinessID)), slog.Int64("contact_id", int64(msg.ContactID)),
			slog.Int64("message_id", int64(msg.ID)))
		if !t.Conversation.LastHumanReplyAt.Before(msg.CreatedAt) {
			log.Info("booking bot stands down: a person answered the lead")
			return nil
		}
		outcome, note, err := b.handle(ctx, tx, t, true)
		if err != nil || outcome != Handled {
			return err
		}
		log.Info("booking bot answered after the reply delay", slog.String("result", note))
		// The bot answered, so the alert about the text needs no escalation.
		return b.team.Answered(ctx, tx, msg.BusinessID, msg.ContactID)
	})
}
