package outbound

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/segment"
	"github.com/textback/textback/internal/store"
)

// Request is one text to queue.
type Request struct {
	BusinessID store.BusinessID
	ContactID  store.ContactID
	NumberID   store.NumberID // the business number it is sent from
	CallID     store.CallID   // the call that caused it, if any
	Body       string
	Purpose    store.Purpose
	// SentBy names the person who wrote a manual text, such as "staff Dana".
	SentBy string
	// TemplateName names the setting the body came from, such as "text_back".
	TemplateName string
	Details      store.MessageDetails
	// IdempotencyKey makes queuing the same text twice return the first one. Required.
	IdempotencyKey string
	// NotBefore delays sending until then; zero sends at once.
	NotBefore time.Time
}

// Queue checks req and stores the message in tx: queued with a delivery job when every check
// passes, held with the first failing check's reason otherwise. A second request with the same
// idempotency key returns the stored message and queues nothing.
func (s *Sender) Queue(ctx context.Context, tx *store.Tx, req Request) (store.Message, error) {
	pol, ok := policies[req.Purpose]
	if !ok {
		return store.Message{}, fmt.Errorf("queue text for contact %d: unknown purpose %q", req.ContactID, req.Purpose)
	}
	if req.IdempotencyKey == "" {
		return store.Message{}, fmt.Errorf("queue text for contact %d: missing idempotency key", req.ContactID)
	}
	contact, err := tx.GetContact(ctx, req.BusinessID, req.ContactID)
	if err != nil {
		return store.Message{}, fmt.Errorf("queue text: %w", err)
	}
	number, err := s.dir.Number(ctx, tx, req.NumberID)
	if err != nil {
		return store.Message{}, fmt.Errorf("queue text to contact %d: %w", contact.ID, err)
	}
	business, err := s.dir.Business(ctx, tx, req.BusinessID)
	if err != nil {
		return store.Message{}, fmt.Errorf("queue text to contact %d: %w", contact.ID, err)
	}
	conv, err := tx.EnsureConversation(ctx, req.BusinessID, contact.ID)
	if err != nil {
		return store.Message{}, err
	}
	body := segment.Normalize(strings.TrimSpace(req.Body))
	details := req.Details
	now := s.clock()
	counts, err := tx.CountOutbound(ctx, req.BusinessID, contact.ID, now.Add(-time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		return store.Message{}, err
	}
	// Compliance replies say how to opt out or back in themselves; they never get the line.
	if !pol.toStaff && !pol.compliance && counts.Reached == 0 && body != "" && !msgtemplate.HasOptOutWording(body) {
		body += " " + msgtemplate.OptOutSuffix
		details.OptOut = true
	}
	count := segment.Count(body)
	checks := s.checks(pol, business.Settings.Limits, contact, conv, counts, body, count)
	details.Checks = checks
	status, hold := store.StatusQueued, ""
	if failed := firstFailed(checks); failed != nil {
		status, hold = store.StatusHeld, failed.Detail
	}
	msg, inserted, err := tx.InsertMessage(ctx, store.Message{
		BusinessID:     req.BusinessID,
		ContactID:      contact.ID,
		ConversationID: conv.ID,
		NumberID:       number.ID,
		ProviderID:     number.ProviderID,
		CallID:         req.CallID,
		Direction:      store.Outbound,
		From:           number.E164,
		To:             contact.E164,
		Body:           body,
		Encoding:       string(count.Encoding),
		Segments:       count.Segments,
		Status:         status,
		HoldReason:     hold,
		Purpose:        req.Purpose,
		Automated:      pol.automated,
		SentBy:         req.SentBy,
		TemplateName:   req.TemplateName,
		Details:        details,
		IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil || !inserted {
		return msg, err
	}
	tx.AfterCommit(func() { s.metrics.TextStatus(status) })
	attrs := []any{
		slog.Int64("business_id", int64(req.BusinessID)), slog.Int64("contact_id", int64(contact.ID)),
		slog.Int64("message_id", int64(msg.ID)), slog.String("purpose", string(req.Purpose)),
	}
	if status == store.StatusHeld {
		s.log.Info("text held", append(attrs, slog.String("reason", hold))...)
		return msg, nil
	}
	if err := tx.NoteOutbound(ctx, conv.ID, now); err != nil {
		return store.Message{}, err
	}
	if err := s.insertDelivery(ctx, tx, msg.ID, req.NotBefore); err != nil {
		return store.Message{}, err
	}
	s.log.Info("text queued", append(attrs, slog.Int("segments", count.Segments))...)
	return msg, nil
}

// insertDelivery adds the message's delivery job and, with a fast lane, hands the message to it
// once tx commits. A text delayed until notBefore skips the fast lane.
func (s *Sender) insertDelivery(ctx context.Context, tx *store.Tx, id store.MessageID, notBefore time.Time) error {
	fast := s.lane.Enabled() && notBefore.IsZero()
	var opts *river.InsertOpts
	switch {
	case fast:
		o := DeliverArgs{}.InsertOpts()
		o.ScheduledAt = time.Now().Add(jobs.FastLaneGrace)
		opts = &o
	case !notBefore.IsZero():
		o := DeliverArgs{}.InsertOpts()
		o.ScheduledAt = notBefore
		opts = &o
	}
	job, err := s.queue.InsertTx(ctx, tx, DeliverArgs{MessageID: int64(id)}, opts)
	if err != nil {
		return fmt.Errorf("queue text %d: %w", id, err)
	}
	if fast {
		tx.AfterCommit(func() {
			s.lane.Go(DeliverArgs{}.Kind(), func(ctx context.Context) error {
				return s.deliverNow(ctx, id, job)
			})
		})
	}
	return nil
}

// checks runs the queue-time checks on the outbound path, in order, recording every result.
func (s *Sender) checks(
	pol policy, limits store.Limits, contact store.Contact, conv store.Conversation, counts store.OutboundCounts,
	body string, count segment.Result,
) []store.Check {
	checks := recipientChecks(pol, contact, conv, s.clock())
	if pol.limited() {
		hour, day := counts.LastHour, counts.LastDay
		perHour, perDay := limits.PerHour, limits.PerDay
		if perHour <= 0 {
			perHour = DefaultLimits.PerHour
		}
		if perDay <= 0 {
			perDay = DefaultLimits.PerDay
		}
		rate := store.Check{Name: "rate_limit", Passed: true,
			Detail: fmt.Sprintf("%d automated in the last hour (limit %d), %d in 24 h (limit %d)", hour, perHour, day, perDay)}
		if hour >= perHour || day >= perDay {
			rate.Passed = false
			rate.Detail = "per-contact limit on automated texts reached: " + rate.Detail
		}
		checks = append(checks, rate)
	}
	length := store.Check{Name: "length", Passed: true,
		Detail: fmt.Sprintf("%s, %s", segmentWord(count.Segments), count.Encoding)}
	switch {
	case body == "":
		length.Passed, length.Detail = false, "empty text"
	case count.Segments > MaxSegments:
		length.Passed = false
		length.Detail = fmt.Sprintf("text too long: %d segments, the limit is %d", count.Segments, MaxSegments)
	}
	return append(checks, length)
}

// recipientChecks are the checks about the recipient and the conversation, run at queue time and
// again just before sending, because a contact can opt out or turn out to be a landline, and a
// person can take over the conversation, in between.
func recipientChecks(pol policy, contact store.Contact, conv store.Conversation, now time.Time) []store.Check {
	recipient := store.Check{Name: "recipient", Passed: true, Detail: contact.E164}
	if _, err := phone.Parse(contact.E164, "US"); err != nil {
		recipient.Passed, recipient.Detail = false, "invalid recipient number "+contact.E164
	}
	optOut := store.Check{Name: "opt_out", Passed: true, Detail: "not opted out"}
	if contact.OptedOut() {
		optOut.Detail = "recipient opted out at " + contact.OptedOutAt.Format(time.RFC3339)
		if pol.exemptOptOut {
			optOut.Detail += "; this reply to their own keyword is allowed"
		} else {
			optOut.Passed = false
		}
	}
	capable := store.Check{Name: "sms_capable", Passed: true, Detail: "no delivery block"}
	if contact.SMSBlocked != "" {
		capable.Passed = false
		capable.Detail = "number cannot receive texts: " + contact.SMSBlocked
	}
	checks := []store.Check{recipient, optOut, capable}
	if pol.gated() {
		review := store.Check{Name: "review", Passed: contact.ReviewReason == "", Detail: "no review pending"}
		if !review.Passed {
			review.Detail = "automated texts wait for a person to review the contact: " + contact.ReviewReason
		}
		checks = append(checks, review)
	}
	if pol.pausable() {
		pause := store.Check{Name: "manual_pause", Passed: !conv.Paused(now), Detail: "no person is handling the conversation"}
		if !pause.Passed {
			pause.Detail = "a person replied; automation is paused until " + conv.AutomationPausedUntil.Format(time.RFC3339)
		}
		checks = append(checks, pause)
	}
	return checks
}

func firstFailed(checks []store.Check) *store.Check {
	for i := range checks {
		if !checks[i].Passed {
			return &checks[i]
		}
	}
	return nil
}

// DeliverArgs is the job that sends one queued message.
type DeliverArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind names the job in River.
func (DeliverArgs) Kind() string { return "deliver_message" }

// deliverAttempts bounds retries. River backs off as attempt⁴ seconds, so eight attempts span
// about 80 minutes; a text back later than that has lost its point.
const deliverAttempts = 8

// InsertOpts makes one delivery job per message.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: deliverAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// segmentWord writes n with the word segment, such as "1 segment" or "3 segments".
func segmentWord(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}
