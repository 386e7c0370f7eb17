package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

// relay forwards a team member's text to the lead of the alert they were last texted about, from
// the business number, as a manual reply: automation in that conversation pauses and the lead's
// alerts stop escalating.
func (e *Engine) relay(ctx context.Context, tx *store.Tx, in inbound) (string, error) {
	staff, _, _ := in.business.Settings.StaffByPhone(in.contact.E164)
	if in.contact.Kind != store.KindStaff {
		if err := tx.SetContactKind(ctx, in.business.ID, in.contact.ID, store.KindStaff); err != nil {
			return "", err
		}
	}
	alert, err := tx.LatestSMSAlertTo(ctx, in.business.ID, in.contact.E164)
	if errors.Is(err, store.ErrNotFound) {
		_, err := e.sender.Queue(ctx, tx, outbound.Request{
			BusinessID: in.business.ID, ContactID: in.contact.ID, NumberID: in.number.ID,
			Body:           "textback: there is no lead to pass your text to. Replies to an alert go to that alert's lead.",
			Purpose:        store.PurposeStaffNotice,
			IdempotencyKey: fmt.Sprintf("relay-none:%d", in.msg.ID),
		})
		return "team member's text had no lead to go to", err
	}
	if err != nil {
		return "", err
	}
	lead, err := tx.GetContact(ctx, in.business.ID, alert.ContactID)
	if err != nil {
		return "", err
	}
	// The reply goes out from the number the lead last used, so their thread stays in one place.
	from := in.number.ID
	if n, err := tx.LatestNumberOfContact(ctx, in.business.ID, lead.ID); err == nil {
		from = n
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	m, err := e.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: in.business.ID, ContactID: lead.ID, NumberID: from, Body: in.msg.Body,
		Purpose: store.PurposeStaffReply, SentBy: "staff " + staff.Name,
		Details:        store.MessageDetails{Trigger: fmt.Sprintf("reply by %s to alert %d", staff.Name, alert.ID)},
		IdempotencyKey: fmt.Sprintf("relay:%d", in.msg.ID),
	})
	if err != nil {
		return "", err
	}
	if m.Status == store.StatusHeld {
		// The team member tried to answer, so the alert is handled; but nothing reached the lead,
		// so automation does not pause for it.
		if err := e.team.Answered(ctx, tx, in.business.ID, lead.ID); err != nil {
			return "", err
		}
		return fmt.Sprintf("relayed to %s but held: %s", phone.Format(lead.E164, in.business.Region), m.HoldReason), nil
	}
	if err := e.HumanReplied(ctx, tx, in.business, lead.ID, in.msg.CreatedAt); err != nil {
		return "", err
	}
	e.log.Info("team member's reply relayed", slog.Int64("business_id", int64(in.business.ID)),
		slog.Int64("contact_id", int64(lead.ID)), slog.Int64("message_id", int64(m.ID)))
	return "relayed to " + phone.Format(lead.E164, in.business.Region), nil
}

// HumanReplied records that a person answered a lead at t: automation in the conversation pauses
// for the business's pause, and the lead's alerts stop escalating.
func (e *Engine) HumanReplied(ctx context.Context, tx *store.Tx, business store.Business, lead store.ContactID, t time.Time) error {
	conv, err := tx.EnsureConversation(ctx, business.ID, lead)
	if err != nil {
		return err
	}
	if err := tx.NoteHumanReply(ctx, conv.ID, t, t.Add(time.Duration(business.Settings.ManualPause))); err != nil {
		return err
	}
	if err := e.stopFollowUps(ctx, tx, business.ID, lead, followup.StopManualReply); err != nil {
		return err
	}
	return e.team.Answered(ctx, tx, business.ID, lead)
}
