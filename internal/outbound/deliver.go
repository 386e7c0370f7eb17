package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/deliverylog"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/quiet"
	"github.com/textback/textback/internal/store"
)

// Register adds the delivery worker to workers.
func Register(workers *river.Workers, s *Sender) {
	river.AddWorker(workers, &deliverWorker{sender: s})
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	sender *Sender
}

func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 2 * SendTimeout }

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.sender.deliver(ctx, store.MessageID(job.Args.MessageID), job.Attempt >= job.MaxAttempts)
}

// deliverNow sends a message just queued, ahead of its delivery job, and deletes the job once the
// message has left the queue for good.
func (s *Sender) deliverNow(ctx context.Context, id store.MessageID, job int64) error {
	if err := s.deliver(ctx, id, false); err != nil {
		return err
	}
	m, err := s.store.GetMessage(ctx, id)
	if err != nil {
		return err
	}
	if m.Status == store.StatusQueued || m.Status == store.StatusSending {
		return nil
	}
	return s.queue.Delete(ctx, job)
}

// deliver sends one message. lastAttempt marks the message failed instead of leaving it queued
// when this attempt fails too.
func (s *Sender) deliver(ctx context.Context, id store.MessageID, lastAttempt bool) error {
	now := s.clock()
	msg, claimed, err := s.store.ClaimMessage(ctx, id, now.Add(-ClaimLease))
	if err != nil {
		return err
	}
	if !claimed {
		current, err := s.store.GetMessage(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			// The text was deleted after its job was queued, for example by a privacy deletion.
			s.log.Info("text gone, nothing to send", slog.Int64("message_id", int64(id)))
			return nil
		}
		if err != nil {
			return err
		}
		if current.Status == store.StatusSending {
			// Another sender holds the message. Look again soon: it releases the claim when its
			// attempt ends, and the claim expires after ClaimLease if that sender died.
			return river.JobSnooze(ClaimRecheck)
		}
		return nil
	}
	log := s.log.With(slog.Int64("business_id", int64(msg.BusinessID)), slog.Int64("contact_id", int64(msg.ContactID)),
		slog.Int64("message_id", int64(msg.ID)), slog.Int("attempt", msg.Attempts))
	contact, err := s.store.GetContact(ctx, msg.BusinessID, msg.ContactID)
	if err != nil {
		return s.requeue(ctx, msg, "", err)
	}
	var conv store.Conversation
	if msg.ConversationID != 0 {
		if conv, err = s.store.GetConversation(ctx, msg.BusinessID, msg.ConversationID); err != nil {
			return s.requeue(ctx, msg, "", err)
		}
	}
	pol := policies[msg.Purpose]
	if failed := firstFailed(recipientChecks(pol, contact, conv, s.clock())); failed != nil {
		log.Info("text held at send time", slog.String("reason", failed.Detail))
		return s.store.MarkMessageFinal(ctx, msg.ID, store.StatusHeld, "", "", failed.Detail)
	}
	if check := s.sendChecks[msg.Purpose]; check != nil {
		reason, err := check(ctx, msg)
		if err != nil {
			return s.requeue(ctx, msg, "", err)
		}
		if reason != "" {
			log.Info("text held at send time", slog.String("reason", reason))
			return s.store.MarkMessageFinal(ctx, msg.ID, store.StatusHeld, "", "", reason)
		}
	}
	if wait, done, err := s.quietHours(ctx, log, pol, msg, contact); err != nil || done {
		return err
	} else if wait > 0 {
		return river.JobSnooze(wait)
	}
	number, err := s.dir.Number(ctx, s.store, msg.NumberID)
	if err != nil {
		return s.requeue(ctx, msg, "", err)
	}
	prov, err := s.dir.Provider(ctx, s.store, number.ProviderID)
	if err != nil {
		return s.requeue(ctx, msg, "", err)
	}
	adapter, ok := s.adapters.Adapter(prov.Kind)
	if !ok {
		reason := fmt.Sprintf("provider %s has unsupported kind %q", prov.Name, prov.Kind)
		log.Error("text not sent", slog.String("error", reason))
		return s.store.MarkMessageFinal(ctx, msg.ID, store.StatusFailed, "", reason, "")
	}
	acct := prov.Account()
	req := provider.SendRequest{From: number.E164, To: msg.To, Body: msg.Body, StatusCallback: s.adapters.StatusCallback(prov.Kind)}
	ctx = deliverylog.WithSubject(ctx, prov.ID, msg.ID, adapter.Secrets(acct))
	if !pol.toStaff && contact.LineTypeCheckedAt.IsZero() {
		held, err := s.checkLineType(ctx, log, adapter, acct, msg, contact)
		if err != nil || held {
			return err
		}
		// The lookup may have taken seconds, so a STOP or a person's reply filed meanwhile must
		// still hold the text.
		if held, err := s.recheckRecipient(ctx, log, pol, msg); err != nil || held {
			return err
		}
	}

	if msg.Attempts > 1 {
		found, err := s.findSent(ctx, adapter, acct, req, msg.CreatedAt)
		if err != nil {
			return s.requeue(ctx, msg, "", fmt.Errorf("check whether text %d was already sent: %w", msg.ID, err))
		}
		if found != "" {
			log.Info("text found already accepted by provider", slog.String("message_sid", found))
			return s.markSent(ctx, msg, found, "found")
		}
	}

	sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	res, err := adapter.Send(sendCtx, acct, req)
	if err == nil {
		log.Info("text sent", slog.String("message_sid", res.MessageID), slog.String("provider", prov.Name))
		err := s.record(ctx, func(ctx context.Context) error {
			return s.markSent(ctx, msg, res.MessageID, res.Status)
		})
		if err != nil {
			// The claim expires and the text is sent again, unless the provider can report it.
			log.Error("text sent but not recorded", slog.String("message_sid", res.MessageID),
				slog.String("error", err.Error()))
		}
		return err
	}
	return s.sendFailed(ctx, log, msg, err, lastAttempt)
}

// findSent asks the provider whether an earlier attempt's text was accepted. Adapters that cannot
// look texts up return "" and the text is sent again.
func (s *Sender) findSent(
	ctx context.Context, adapter provider.Adapter, acct provider.Account, req provider.SendRequest, since time.Time,
) (string, error) {
	finder, ok := adapter.(provider.MessageFinder)
	if !ok {
		return "", nil
	}
	lookupCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	return finder.FindSent(lookupCtx, acct, req, since.Add(-time.Minute))
}

// sendFailed records a failed send and tells River what to do next: retry after the provider's
// Retry-After, retry with backoff, or stop.
func (s *Sender) sendFailed(ctx context.Context, log *slog.Logger, msg store.Message, err error, lastAttempt bool) error {
	var sendErr *provider.SendError
	if !errors.As(err, &sendErr) {
		sendErr = &provider.SendError{Kind: provider.Unknown, Err: err}
	}
	log = log.With(slog.String("error_code", sendErr.Code), slog.String("error", sendErr.Error()),
		slog.String("to", msg.To))
	if sendErr.Kind == provider.Permanent || lastAttempt {
		status := store.StatusFailed
		if err := s.store.MarkMessageFinal(ctx, msg.ID, status, sendErr.Code, sendErr.Error(), ""); err != nil {
			return err
		}
		s.metrics.TextStatus(status)
		if err := s.applyRecipientState(ctx, msg, sendErr); err != nil {
			return err
		}
		if msg.Purpose == store.PurposeTextBack {
			// The text back never reached the caller, so it must not keep the next one from going.
			if err := s.store.ReleaseTextBackWindow(ctx, msg.BusinessID, msg.ContactID); err != nil {
				return err
			}
		}
		if sendErr.Recipient == provider.RecipientOptedOut {
			log.Info("text rejected: recipient opted out at the provider")
		} else {
			log.Warn("text failed")
		}
		return nil
	}
	err = s.record(ctx, func(ctx context.Context) error {
		return s.store.MarkMessageQueued(ctx, msg.ID, sendErr.Code, sendErr.Error())
	})
	if err != nil {
		return err
	}
	log.Warn("text send failed, will retry", slog.String("kind", string(sendErr.Kind)))
	if sendErr.RetryAfter > 0 {
		return river.JobSnooze(sendErr.RetryAfter)
	}
	return sendErr
}

// applyRecipientState records what a permanent failure says about the recipient, so that
// nothing is sent to them again until that changes, and hands a recipient who cannot take texts
// to the fallback.
func (s *Sender) applyRecipientState(ctx context.Context, msg store.Message, e *provider.SendError) error {
	return s.ApplyRecipientState(ctx, msg, e.Recipient, "error "+e.Code)
}

// ApplyRecipientState records what a provider said about a text's recipient (in a send error or
// a delivery report): an opt-out, or a number that cannot take texts, which goes to the fallback.
func (s *Sender) ApplyRecipientState(ctx context.Context, msg store.Message, state provider.RecipientState, why string) error {
	now := s.clock()
	switch state {
	case provider.RecipientOptedOut:
		return s.optOut(ctx, msg, "provider "+why, now)
	case provider.RecipientCannotText:
		return s.blockAndFallBack(ctx, msg, "cannot receive texts ("+why+")")
	case provider.RecipientInvalid:
		return s.blockAndFallBack(ctx, msg, "invalid number ("+why+")")
	}
	return nil
}

// blockAndFallBack marks the contact's number as unable to take texts and runs the fallback.
func (s *Sender) blockAndFallBack(ctx context.Context, msg store.Message, reason string) error {
	if err := s.store.SetContactSMSBlocked(ctx, msg.BusinessID, msg.ContactID, reason, s.clock()); err != nil {
		return err
	}
	if s.undeliverable == nil || !policies[msg.Purpose].automated && msg.Purpose != store.PurposeStaffReply {
		return nil
	}
	return s.undeliverable(ctx, msg, reason)
}

// checkLineType asks the provider once per contact, when the business wants it, whether the
// number is a landline, and holds the text and runs the fallback when it is.
func (s *Sender) checkLineType(
	ctx context.Context, log *slog.Logger, adapter provider.Adapter, acct provider.Account,
	msg store.Message, contact store.Contact,
) (bool, error) {
	looker, ok := adapter.(provider.LineTypeLooker)
	if !ok || !contact.LineTypeCheckedAt.IsZero() {
		return false, nil
	}
	business, err := s.dir.Business(ctx, s.store, msg.BusinessID)
	if err != nil || !business.Settings.LookupLineType {
		return false, err
	}
	lookupCtx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	lineType, err := looker.LookupLineType(lookupCtx, acct, contact.E164)
	if err != nil {
		// A failed lookup must not cost the lead their text: send it, and look up next time.
		log.Warn("line type lookup failed; sending anyway", slog.String("error", err.Error()))
		return false, nil
	}
	if err := s.store.SetContactLineType(ctx, msg.BusinessID, contact.ID, string(lineType), s.clock()); err != nil {
		return false, err
	}
	if lineType.CanText() {
		return false, nil
	}
	reason := "the number is a " + string(lineType) + " line (provider lookup)"
	log.Info("text held: number cannot take texts", slog.String("line_type", string(lineType)))
	if err := s.store.MarkMessageFinal(ctx, msg.ID, store.StatusHeld, "", "", reason); err != nil {
		return true, err
	}
	return true, s.blockAndFallBack(ctx, msg, reason)
}

// recheckRecipient reads the contact and conversation again and holds the text when a recipient
// check fails now. It reports whether the text was held.
func (s *Sender) recheckRecipient(ctx context.Context, log *slog.Logger, pol policy, msg store.Message) (bool, error) {
	contact, err := s.store.GetContact(ctx, msg.BusinessID, msg.ContactID)
	if err != nil {
		return false, s.requeue(ctx, msg, "", err)
	}
	var conv store.Conversation
	if msg.ConversationID != 0 {
		if conv, err = s.store.GetConversation(ctx, msg.BusinessID, msg.ConversationID); err != nil {
			return false, s.requeue(ctx, msg, "", err)
		}
	}
	failed := firstFailed(recipientChecks(pol, contact, conv, s.clock()))
	if failed == nil {
		return false, nil
	}
	log.Info("text held at send time", slog.String("reason", failed.Detail))
	return true, s.store.MarkMessageFinal(ctx, msg.ID, store.StatusHeld, "", "", failed.Detail)
}

// requeue returns the message to the queue after an error that is not the provider's, and
// returns the error so that River retries.
func (s *Sender) requeue(ctx context.Context, msg store.Message, code string, cause error) error {
	err := s.record(ctx, func(ctx context.Context) error {
		return s.store.MarkMessageQueued(ctx, msg.ID, code, cause.Error())
	})
	if err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// record runs write, which records the outcome of a claimed attempt, until it succeeds or
// RecordTimeout passes. A database that is briefly unreachable then neither leaves the message
// claimed until ClaimLease ends nor, after a send, lets another attempt send it again. record
// keeps trying after ctx ends, because the outcome is already decided.
func (s *Sender) record(ctx context.Context, write func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RecordTimeout)
	defer cancel()
	wait := 50 * time.Millisecond
	for {
		err := write(ctx)
		if err == nil {
			return nil
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// quietHours checks, just before sending, whether the recipient's local time allows the text. When
// it does not, the message goes back to the queue with the reason and quietHours returns how long
// to wait; a recipient with no allowed moment at all is held for a person to fix, and done is
// true.
func (s *Sender) quietHours(
	ctx context.Context, log *slog.Logger, pol policy, msg store.Message, contact store.Contact,
) (wait time.Duration, done bool, err error) {
	if !pol.gated() && !pol.quiet {
		return 0, false, nil
	}
	business, err := s.dir.Business(ctx, s.store, msg.BusinessID)
	if err != nil {
		return 0, false, err
	}
	qh := business.Settings.QuietHours
	if !pol.quiet && !(pol.instant && qh.HoldInstantReplies) {
		return 0, false, nil
	}
	now := s.clock()
	sent, err := s.store.RecentAutomatedSent(ctx, msg.BusinessID, msg.ContactID, now.Add(-24*time.Hour), msg.ID)
	if err != nil {
		return 0, false, err
	}
	var oldest time.Time
	if len(sent) > 0 {
		oldest = sent[0]
	}
	d := quiet.Check(now,
		quiet.Recipient{E164: contact.E164, TimeZone: contact.TimeZone, Fallback: business.TimeZone},
		quiet.Policy{Business: quiet.Window{Start: qh.Start, End: qh.End}}, len(sent), oldest)
	if d.Allowed {
		return 0, false, nil
	}
	reason := "quiet hours: " + d.Reason
	if d.Next.IsZero() {
		log.Warn("text held: no allowed time for the recipient", slog.String("reason", d.Reason))
		return 0, true, s.store.MarkMessageFinal(ctx, msg.ID, store.StatusHeld, "", "", reason)
	}
	if err := s.store.MarkMessageQueued(ctx, msg.ID, "quiet_hours", reason); err != nil {
		return 0, false, err
	}
	log.Info("text waits for quiet hours to end", slog.Time("until", d.Next), slog.String("state", d.State))
	return max(d.Next.Sub(now), time.Second), false, nil
}

// optOut records that the provider rejected a text because its recipient opted out, with the
// contact.opted_out event when they had not opted out before, in one transaction.
func (s *Sender) optOut(ctx context.Context, msg store.Message, source string, at time.Time) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		return s.events.OptOut(ctx, tx, msg.BusinessID, msg.ContactID, source, at)
	})
}

// markSent records the provider's acceptance of msg, counts it, and for a text back observes the
// time since its call was decided missed.
func (s *Sender) markSent(ctx context.Context, msg store.Message, providerID, providerStatus string) error {
	if err := s.store.MarkMessageSent(ctx, msg.ID, providerID, providerStatus); err != nil {
		return err
	}
	s.metrics.TextStatus(store.StatusSent)
	if msg.Purpose != store.PurposeTextBack || msg.CallID == 0 {
		return nil
	}
	call, err := s.store.GetCall(ctx, msg.CallID)
	if err != nil {
		// The text is sent and recorded; only its timing is lost.
		s.log.Warn("text-back latency not measured", slog.Int64("message_id", int64(msg.ID)), slog.String("error", err.Error()))
		return nil
	}
	if !call.DecidedAt.IsZero() {
		s.metrics.TextBackAccepted(s.clock().Sub(call.DecidedAt))
	}
	return nil
}
