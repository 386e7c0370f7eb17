package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// storeInbound files an inbound text under the business it was sent to and the contact who sent it.
func (p *Processor) storeInbound(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	number, business, err := p.route(ctx, tx, ev.To)
	if errors.Is(err, store.ErrNotFound) {
		return "not applied: " + ev.To + " is not a configured number", nil
	}
	if err != nil {
		return "", err
	}
	var contactID store.ContactID
	if sender, why := phone.ClassifyCaller(ev.From, business.Region); why == phone.Textable {
		contact, err := tx.UpsertContact(ctx, business.ID, sender.E164)
		if err != nil {
			return "", err
		}
		contactID = contact.ID
	}
	msg, inserted, err := tx.InsertMessage(ctx, store.Message{
		BusinessID:     business.ID,
		ContactID:      contactID,
		NumberID:       number.ID,
		ProviderID:     w.ProviderID,
		Direction:      store.Inbound,
		From:           ev.From,
		To:             number.E164,
		Body:           ev.Body,
		Status:         store.StatusReceived,
		IdempotencyKey: fmt.Sprintf("inbound:%d:%s", w.ProviderID, ev.MessageID),
	})
	if err != nil {
		return "", err
	}
	if inserted {
		p.log.Info("text received", slog.Int64("business_id", int64(business.ID)),
			slog.Int64("contact_id", int64(contactID)), slog.Int64("message_id", int64(msg.ID)),
			slog.String("message_sid", ev.MessageID))
	}
	return fmt.Sprintf("stored as message %d", msg.ID), nil
}
