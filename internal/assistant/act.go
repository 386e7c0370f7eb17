package assistant

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// Fixed replies. None names a price, a time or a slot: those come only from the knowledge and
// the booking engine.
const (
	replyHandOff  = "Thanks for your message. Someone from %s will follow up with you shortly."
	replyUrgent   = "Thanks, we've flagged this as urgent. Someone from %s will call you as soon as possible."
	replyCallBack = "Thanks. Someone from %s will call you back."
	replyBookLink = "You can pick a time here: %s. Or reply with a day and time that suit you and we'll confirm."
	replyChange   = "Thanks. Someone from %s will follow up about your appointment."
)

// act records the outcome in tx: alerts and tasks for the team, and the reply, sent or drafted.
// It does nothing when the contact opted out or a person answered since the message came in.
func (s *Service) act(ctx context.Context, tx *store.Tx, business store.Business, msg store.Message, out Outcome) error {
	if err := tx.LockContact(ctx, msg.ContactID); err != nil {
		return err
	}
	contact, err := tx.GetContact(ctx, business.ID, msg.ContactID)
	if err != nil {
		return err
	}
	conv, err := tx.EnsureConversation(ctx, business.ID, msg.ContactID)
	if err != nil {
		return err
	}
	if contact.OptedOut() || contact.ReviewReason != "" || conv.LastHumanReplyAt.After(msg.CreatedAt) {
		return nil
	}
	who := contact.E164
	body, alert := s.plan(business, out)
	if alert.Kind != "" {
		alert.BusinessID, alert.ContactID, alert.At = business.ID, contact.ID, msg.CreatedAt
		alert.Detail = fmt.Sprintf("%q (%s)", msg.Body, alert.Detail)
		alert.Summary += " " + who
		alert.DedupeKey = fmt.Sprintf("ai:%d", msg.ID)
		if _, err := s.team.Raise(ctx, tx, alert); err != nil {
			return err
		}
		out.Details.Actions = append(out.Details.Actions, "team alerted: "+alert.Kind)
	}
	if alert.Kind == team.KindUrgent || alert.Kind == team.KindCallBack {
		title := map[string]string{team.KindUrgent: "Urgent call-back", team.KindCallBack: "Call back"}[alert.Kind]
		if _, _, err := s.team.Task(ctx, tx, store.NewTask{
			BusinessID: business.ID, ContactID: contact.ID, Title: title + ": " + who, Priority: alert.Priority,
			Source: "AI intent " + string(out.Intent), DedupeKey: fmt.Sprintf("ai-task:%d", msg.ID), DueAt: msg.CreatedAt,
		}); err != nil {
			return err
		}
		out.Details.Actions = append(out.Details.Actions, "task created: "+title)
	}
	if body == "" {
		return nil
	}
	return s.deliver(ctx, tx, business, msg, body, out)
}

// plan chooses the reply and the team alert for an outcome.
func (s *Service) plan(business store.Business, out Outcome) (string, team.Event) {
	name := business.Name
	switch {
	case out.Details.ModelError != "":
		return fmt.Sprintf(replyHandOff, name), team.Event{Kind: team.KindReply, Priority: team.Normal,
			Summary: "AI could not read a text from", Detail: "model failed: " + out.Details.ModelError}
	case out.Intent == IntentUrgent:
		return fmt.Sprintf(replyUrgent, name), team.Event{Kind: team.KindUrgent, Priority: team.High,
			Summary: "Urgent text from", Detail: "AI read it as urgent"}
	case out.Intent == IntentCallBack:
		return fmt.Sprintf(replyCallBack, name), team.Event{Kind: team.KindCallBack, Priority: team.Normal,
			Summary: "Call-back asked by", Detail: "AI read it as a call-back request"}
	case out.Intent == IntentBook && business.BookingURL != "":
		return fmt.Sprintf(replyBookLink, business.BookingURL), team.Event{}
	case out.Intent == IntentBook, out.Intent == IntentReschedule, out.Intent == IntentCancel:
		return fmt.Sprintf(replyChange, name), team.Event{Kind: team.KindReply, Priority: team.Normal,
			Summary: "Appointment request (" + string(out.Intent) + ") from", Detail: "AI read it as " + string(out.Intent)}
	case out.Intent == IntentQuestion && out.Answer != "":
		return out.Answer, team.Event{}
	case out.Intent == IntentQuestion:
		return fmt.Sprintf(replyHandOff, name), team.Event{Kind: team.KindReply, Priority: team.Normal,
			Summary: "Question the knowledge cannot answer from", Detail: out.HandOff}
	case out.Intent == IntentOptOut:
		return "", team.Event{Kind: team.KindReview, Priority: team.High,
			Summary: "Possible opt-out, not acted on, from", Detail: "AI read it as opt-out; check and opt out by hand"}
	}
	// Answers to the qualifying question and everything else reach the team through the
	// conversation's own alert.
	return "", team.Event{}
}

// deliver sends body at once in the auto mode, or stores it as a draft in the suggest mode.
func (s *Service) deliver(ctx context.Context, tx *store.Tx, business store.Business, msg store.Message, body string, out Outcome) error {
	details := out.Details
	if business.Settings.AI.Mode == store.AISuggest {
		details.Actions = append(details.Actions, "reply drafted for approval")
		if _, _, err := tx.AddAIDraft(ctx, store.AIDraft{BusinessID: business.ID, ContactID: msg.ContactID,
			InboundID: msg.ID, NumberID: msg.NumberID, Body: body, Details: details}); err != nil {
			return err
		}
		_, err := s.team.Raise(ctx, tx, team.Event{BusinessID: business.ID, ContactID: msg.ContactID, Kind: team.KindReply,
			Priority: team.Normal, Summary: "AI reply drafted; approve it in the inbox", Detail: fmt.Sprintf("%q", body),
			At: msg.CreatedAt, DedupeKey: fmt.Sprintf("ai-draft:%d", msg.ID)})
		return err
	}
	details.Actions = append(details.Actions, "reply queued")
	_, err := s.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: business.ID, ContactID: msg.ContactID, NumberID: msg.NumberID, Body: body,
		Purpose: store.PurposeAIReply, TemplateName: "ai " + string(out.Intent),
		Details:        store.MessageDetails{Trigger: fmt.Sprintf("text %d %q", msg.ID, msg.Body), AI: &details},
		IdempotencyKey: fmt.Sprintf("ai-reply:%d", msg.ID),
	})
	return err
}

// ErrDraftDecided means a person approved or discarded the draft before.
var ErrDraftDecided = errors.New("draft decided already")

// Approve sends a pending draft as written, on behalf of by, and records the decision.
func (s *Service) Approve(ctx context.Context, tx *store.Tx, business store.Business, id int64, by string) (store.Message, error) {
	d, err := tx.GetAIDraft(ctx, business.ID, id)
	if err != nil {
		return store.Message{}, err
	}
	if d.State != store.DraftPending {
		return store.Message{}, fmt.Errorf("approve draft %d: it is %s: %w", id, d.State, ErrDraftDecided)
	}
	details := d.Details
	details.Actions = append(details.Actions, "approved by "+by)
	m, err := s.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: business.ID, ContactID: d.ContactID, NumberID: d.NumberID, Body: d.Body,
		Purpose: store.PurposeAIReply, TemplateName: "ai " + strings.TrimSpace(details.Intent),
		Details:        store.MessageDetails{Trigger: fmt.Sprintf("draft %d approved by %s", d.ID, by), AI: &details},
		IdempotencyKey: fmt.Sprintf("ai-reply:%d", d.InboundID),
	})
	if err != nil {
		return store.Message{}, err
	}
	if _, err := tx.DecideAIDraft(ctx, business.ID, id, store.DraftApproved, by, m.ID); err != nil {
		return store.Message{}, err
	}
	return m, nil
}
