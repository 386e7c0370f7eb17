package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/textback/textback/internal/bookbot"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/reply"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// inbound is one inbound text being applied.
type inbound struct {
	business store.Business
	number   store.Number
	contact  store.Contact
	conv     store.Conversation
	msg      store.Message
	who      string // the sender's number for people
}

// Inbound files an inbound text and acts on it. It returns what it did, for the webhook's record.
func (e *Engine) Inbound(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	n, perr := phone.Parse(ev.To, "US")
	if perr != nil {
		return "not applied: " + ev.To + " is not a configured number", nil
	}
	number, business, err := e.dir.Route(ctx, tx, n.E164)
	if errors.Is(err, store.ErrNotFound) {
		return "not applied: " + ev.To + " is not a configured number", nil
	}
	if err != nil {
		return "", err
	}
	sender, why := phone.ClassifyCaller(ev.From, business.Region)
	if why != phone.Textable {
		// Short codes and the like text businesses too (verification codes, carrier notices):
		// keep the text, answer nothing.
		msg, _, err := e.store(ctx, tx, w, ev, business, number, 0, 0)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("stored as message %d; sender %q is %s, not answered", msg.ID, ev.From, why), nil
	}
	contact, err := tx.UpsertContact(ctx, business.ID, sender.E164)
	if err != nil {
		return "", err
	}
	if err := tx.LockContact(ctx, contact.ID); err != nil {
		return "", err
	}
	if contact, err = tx.GetContact(ctx, business.ID, contact.ID); err != nil {
		return "", err
	}
	conv, err := tx.EnsureConversation(ctx, business.ID, contact.ID)
	if err != nil {
		return "", err
	}
	msg, inserted, err := e.store(ctx, tx, w, ev, business, number, contact.ID, conv.ID)
	if err != nil || !inserted {
		return fmt.Sprintf("message %d stored before", msg.ID), err
	}
	if err := tx.NoteInbound(ctx, conv.ID, msg.CreatedAt); err != nil {
		return "", err
	}
	if err := e.events.MessageReceived(ctx, tx, msg); err != nil {
		return "", err
	}
	tx.AfterCommit(func() { e.metrics.TextStatus(store.StatusReceived) })
	in := inbound{business: business, number: number, contact: contact, conv: conv, msg: msg,
		who: phone.Format(contact.E164, business.Region)}
	e.log.Info("text received", slog.Int64("business_id", int64(business.ID)), slog.Int64("contact_id", int64(contact.ID)),
		slog.Int64("message_id", int64(msg.ID)), slog.String("message_sid", ev.MessageID))
	if _, _, isStaff := business.Settings.StaffByPhone(contact.E164); isStaff {
		// A team member's consent words apply to themselves; anything else goes to their lead.
		if reply.Classify(in.msg.Body, contact.OptedOut()).Compliance == reply.None {
			return e.relay(ctx, tx, in)
		}
	}
	return e.act(ctx, tx, in)
}

// store keeps the inbound text. It reports false when the provider delivered it before.
func (e *Engine) store(
	ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event, business store.Business, number store.Number,
	contact store.ContactID, conv store.ConversationID,
) (store.Message, bool, error) {
	return tx.InsertMessage(ctx, store.Message{
		BusinessID:        business.ID,
		ContactID:         contact,
		ConversationID:    conv,
		NumberID:          number.ID,
		ProviderID:        w.ProviderID,
		Direction:         store.Inbound,
		From:              ev.From,
		To:                number.E164,
		Body:              ev.Body,
		Status:            store.StatusReceived,
		ProviderMessageID: ev.MessageID,
		IdempotencyKey:    fmt.Sprintf("inbound:%d:%s", w.ProviderID, ev.MessageID),
	})
}

// act applies a lead's text: consent keywords first, then business keywords, then the answer
// to the qualifying question, then booking by text; any other reply alerts the team.
func (e *Engine) act(ctx context.Context, tx *store.Tx, in inbound) (string, error) {
	reading := reply.Classify(in.msg.Body, in.contact.OptedOut())
	stop := followup.StopReplied
	if reading.Compliance == reply.OptOut {
		stop = followup.StopOptedOut
	}
	if err := e.stopFollowUps(ctx, tx, in.business.ID, in.contact.ID, stop); err != nil {
		return "", err
	}
	switch reading.Compliance {
	case reply.OptOut:
		return e.optOut(ctx, tx, in, reading)
	case reply.OptIn:
		return e.optIn(ctx, tx, in, reading)
	case reply.Help:
		return e.help(ctx, tx, in)
	case reply.Review:
		return e.review(ctx, tx, in, reading)
	}
	if in.contact.OptedOut() {
		// An opted-out contact can still write; a person reads it, nothing answers it.
		_, err := e.team.Raise(ctx, tx, e.replyEvent(in))
		return "opted-out contact wrote; team alerted, nothing sent", err
	}
	if k, ok := matchKeyword(in.msg.Body, in.business.Settings.Keywords); ok {
		return e.keyword(ctx, tx, in, k)
	}
	result, qualified := "reply", ""
	if in.conv.Awaiting == store.AwaitingQualifier {
		if answer, ok := matchAnswer(in.msg.Body, in.business.Settings.Qualifier.Answers); ok {
			if err := tx.SetContactQualifier(ctx, in.business.ID, in.contact.ID, answer); err != nil {
				return "", err
			}
			if err := tx.SetConversationAwaiting(ctx, in.conv.ID, ""); err != nil {
				return "", err
			}
			in.conv.Awaiting = ""
			result, qualified = "qualifying answer "+answer, answer
		}
	}
	if e.bot != nil {
		outcome, note, err := e.bot.Handle(ctx, tx, bookbot.Text{
			Business: in.business, Number: in.number, Contact: in.contact, Conversation: in.conv, Message: in.msg,
			Answer: qualified,
		})
		if err != nil {
			return "", err
		}
		switch outcome {
		case bookbot.Handled:
			// The bot answered: nobody needs to be alerted about this text.
			return result + "; " + note, nil
		case bookbot.Deferred:
			result += "; " + note
		}
	}
	if _, err := e.team.Raise(ctx, tx, e.replyEvent(in)); err != nil {
		return "", err
	}
	result += "; team alerted"
	if e.assistant != nil && result == "reply; team alerted" {
		queued, err := e.assistant.Enqueue(ctx, tx, in.business, in.msg)
		if err != nil {
			return "", err
		}
		if queued {
			result += "; AI reply scheduled"
		}
	}
	return result, nil
}

func (e *Engine) replyEvent(in inbound) team.Event {
	return team.Event{
		BusinessID: in.business.ID, ContactID: in.contact.ID, Kind: team.KindReply, Priority: team.Normal,
		Summary: "Text from " + in.who, Detail: quote(in.msg.Body), At: in.msg.CreatedAt,
		DedupeKey: fmt.Sprintf("reply:%d", in.msg.ID),
	}
}

// quote shortens a text for an alert.
func quote(body string) string {
	const most = 300
	r := []rune(body)
	if len(r) > most {
		return "\"" + string(r[:most]) + "…\""
	}
	return "\"" + body + "\""
}
