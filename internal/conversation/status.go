package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// ErrNotSeen means a delivery report names a text that is not recorded as sent (yet). The webhook's
// job retries it for a while, then sets it aside: the report may be about a text another system
// sent from the same number.
var ErrNotSeen = errors.New("text not recorded as sent yet")

// deliveryStatuses maps providers' delivery statuses to textback's, with a rank: a report never
// moves a text back to a lower rank, so a late "sent" after "delivered" changes nothing, and the
// first final status stays. Statuses below "sent" describe the provider's own queue and are only
// kept as events.
var deliveryStatuses = map[string]struct {
	status store.MessageStatus
	rank   int
}{
	"sent":        {store.StatusSent, 1},
	"delivered":   {store.StatusDelivered, 2},
	"read":        {store.StatusDelivered, 2},
	"undelivered": {store.StatusUndelivered, 2},
	"failed":      {store.StatusFailed, 2},
	"canceled":    {store.StatusFailed, 2},
}

func rankOf(s store.MessageStatus) int {
	for _, v := range deliveryStatuses {
		if v.status == s {
			return v.rank
		}
	}
	return 0
}

// Status applies a delivery report to the text it describes. Every report is kept with its error
// code; the text's status only moves forward.
func (e *Engine) Status(ctx context.Context, tx *store.Tx, w store.Webhook, ev provider.Event) (string, error) {
	msg, err := tx.GetMessageByProviderID(ctx, w.ProviderID, ev.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		// A report can overtake the provider's answer to the send that recorded the text's id.
		return "", fmt.Errorf("delivery report for %s: %w", ev.MessageID, ErrNotSeen)
	}
	if err != nil {
		return "", err
	}
	info := e.describe(ctx, tx, w.ProviderID, ev.ErrorCode)
	if err := tx.AddMessageEvent(ctx, msg.ID, store.MessageEvent{
		Status: ev.Status, ErrorCode: ev.ErrorCode, Meaning: info.Meaning, ReceivedAt: w.ReceivedAt,
	}); err != nil {
		return "", err
	}
	next, known := deliveryStatuses[ev.Status]
	if !known || next.rank <= rankOf(msg.Status) {
		return fmt.Sprintf("report %q kept; text %d stays %s", ev.Status, msg.ID, msg.Status), nil
	}
	if err := tx.SetMessageStatus(ctx, msg.ID, next.status, ev.Status, ev.ErrorCode, info.Meaning); err != nil {
		return "", err
	}
	if err := e.events.MessageStatusChanged(ctx, tx, msg.ID); err != nil {
		return "", err
	}
	tx.AfterCommit(func() { e.metrics.TextStatus(next.status) })
	result := fmt.Sprintf("text %d %s", msg.ID, next.status)
	if ev.ErrorCode == "" || next.status == store.StatusDelivered || next.status == store.StatusSent {
		return result, nil
	}
	more, err := e.deliveryError(ctx, tx, msg, ev.ErrorCode, info)
	if err != nil {
		return "", err
	}
	return result + more, nil
}

// describe reads an error code through the provider's adapter.
func (e *Engine) describe(ctx context.Context, tx *store.Tx, p store.ProviderID, code string) provider.ErrorInfo {
	if code == "" {
		return provider.ErrorInfo{}
	}
	prov, err := e.dir.Provider(ctx, tx, p)
	if err != nil {
		return provider.ErrorInfo{Meaning: "error " + code}
	}
	adapter, ok := e.adapters.Adapter(prov.Kind)
	if !ok {
		return provider.ErrorInfo{Meaning: "error " + code}
	}
	if d, ok := adapter.(provider.ErrorDescriber); ok {
		return d.DescribeError(code)
	}
	return provider.ErrorInfo{Meaning: "error " + code}
}

// deliveryError acts on a failed delivery: it records what the error says about the recipient,
// falls back when they cannot take texts, alerts when the sender must be fixed, and sends the
// same text again when the error allows.
func (e *Engine) deliveryError(
	ctx context.Context, tx *store.Tx, msg store.Message, code string, info provider.ErrorInfo,
) (string, error) {
	now := e.clock()
	business, err := e.dir.Business(ctx, tx, msg.BusinessID)
	if err != nil {
		return "", err
	}
	switch info.Recipient {
	case provider.RecipientOptedOut:
		return "; recipient opted out at the provider", e.events.OptOut(ctx, tx, msg.BusinessID, msg.ContactID, "provider error "+code, now)
	case provider.RecipientCannotText, provider.RecipientInvalid:
		reason := info.Meaning + " (error " + code + ")"
		if err := tx.SetContactSMSBlocked(ctx, msg.BusinessID, msg.ContactID, reason, now); err != nil {
			return "", err
		}
		contact, err := tx.GetContact(ctx, msg.BusinessID, msg.ContactID)
		if err != nil || contact.Kind == store.KindStaff {
			return "; number marked unable to take texts", err
		}
		return "; number marked unable to take texts; fallback started",
			e.team.CannotText(ctx, tx, business, contact, reason, msg.Body, fmt.Sprintf("message:%d", msg.ID))
	}
	var notes string
	if info.AlertOperator {
		who := phone.Format(msg.To, business.Region)
		if _, err := e.team.Raise(ctx, tx, team.Event{
			BusinessID: msg.BusinessID, ContactID: msg.ContactID, Kind: team.KindDelivery, Priority: team.High,
			Summary: "A text to " + who + " was not delivered: " + info.Meaning,
			Detail:  "Error " + code + ". Texts from this number may keep failing until it is fixed.",
			At:      now, DedupeKey: fmt.Sprintf("delivery:%d:%s", msg.ID, code),
		}); err != nil {
			return "", err
		}
		notes += "; team alerted"
	}
	retried, err := e.retry(ctx, tx, msg, code, info, now)
	if err != nil {
		return "", err
	}
	return notes + retried, nil
}

// retry sends an automated lead text again after an error that allows it, at most info.Retries
// times in all and info.RetrySpacing apart.
func (e *Engine) retry(ctx context.Context, tx *store.Tx, msg store.Message, code string, info provider.ErrorInfo, now time.Time) (string, error) {
	if info.Retries == 0 || !msg.Automated || msg.Purpose == store.PurposeTeamAlert || msg.Details.Retry >= info.Retries {
		return "", nil
	}
	root := msg.ID
	if msg.Details.RetryOf != 0 {
		root = store.MessageID(msg.Details.RetryOf)
	}
	n := msg.Details.Retry + 1
	spacing := info.RetrySpacing
	if spacing <= 0 {
		spacing = time.Minute
	}
	details := msg.Details
	details.Checks, details.RetryOf, details.Retry = nil, int64(root), n
	details.Trigger = fmt.Sprintf("retry %d of text %d after error %s", n, root, code)
	m, err := e.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: msg.BusinessID, ContactID: msg.ContactID, NumberID: msg.NumberID, CallID: msg.CallID,
		Body: msg.Body, Purpose: msg.Purpose, TemplateName: msg.TemplateName, Details: details,
		IdempotencyKey: fmt.Sprintf("retry:%d:%d", root, n), NotBefore: now.Add(spacing),
	})
	if err != nil {
		return "", err
	}
	e.log.Info("text will be sent again", slog.Int64("message_id", int64(m.ID)), slog.Int("retry", n),
		slog.String("error_code", code))
	return fmt.Sprintf("; retry %d queued as text %d", n, m.ID), nil
}
