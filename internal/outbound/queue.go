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
	// TemplateName names the setting the body came from, such as "text_back".
	TemplateName string
	Details      store.MessageDetails
	// IdempotencyKey makes queuing the same text twice return the first one. Required.
	IdempotencyKey string
}

// Queue checks req and stores the message in tx: queued with a delivery job when every check
// passes, held with the first failing check's reason otherwise. A second request with the same
// idempotency key returns the stored message and queues nothing.
func (s *Sender) Queue(ctx context.Context, tx *store.Tx, req Request) (store.Message, error) {
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
	body := segment.Normalize(strings.TrimSpace(req.Body))
	details := req.Details
	now := s.clock()
	counts, err := tx.CountOutbound(ctx, req.BusinessID, contact.ID, now.Add(-time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		return store.Message{}, err
	}
	if counts.Reached == 0 && body != "" && !msgtemplate.HasOptOutWording(body) {
		body += " " + msgtemplate.OptOutSuffix
		details.OptOut = true
	}
	count := segment.Count(body)
	checks := s.checks(contact, counts, body, count)
	details.Checks = checks
	status, hold := store.StatusQueued, ""
	if failed := firstFailed(checks); failed != nil {
		status, hold = store.StatusHeld, failed.Detail
	}
	msg, inserted, err := tx.InsertMessage(ctx, store.Message{
		BusinessID:     req.BusinessID,
		ContactID:      contact.ID,
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
		TemplateName:   req.TemplateName,
		Details:        details,
		IdempotencyKey: req.IdempotencyKey,
	})
	if err != nil || !inserted {
		return msg, err
	}
	attrs := []any{
		slog.Int64("business_id", int64(req.BusinessID)), slog.Int64("contact_id", int64(contact.ID)),
		slog.Int64("message_id", int64(msg.ID)), slog.String("purpose", string(req.Purpose)),
	}
	if status == store.StatusHeld {
		s.log.Info("text held", append(attrs, slog.String("reason", hold))...)
		return msg, nil
	}
	var opts *river.InsertOpts
	if s.lane.Enabled() {
		o := DeliverArgs{}.InsertOpts()
		o.ScheduledAt = time.Now().Add(jobs.FastLaneGrace)
		opts = &o
	}
	job, err := s.queue.InsertTx(ctx, tx, DeliverArgs{MessageID: int64(msg.ID)}, opts)
	if err != nil {
		return store.Message{}, fmt.Errorf("queue text %d: %w", msg.ID, err)
	}
	if s.lane.Enabled() {
		tx.AfterCommit(func() {
			s.lane.Go(DeliverArgs{}.Kind(), func(ctx context.Context) error {
				return s.deliverNow(ctx, msg.ID, job)
			})
		})
	}
	s.log.Info("text queued", append(attrs, slog.Int("segments", count.Segments))...)
	return msg, nil
}

// checks runs the queue-time checks on the outbound path, in order, recording every result.
func (s *Sender) checks(contact store.Contact, counts store.OutboundCounts, body string, count segment.Result) []store.Check {
	checks := recipientChecks(contact)
	hour, day := counts.LastHour, counts.LastDay
	rate := store.Check{Name: "rate_limit", Passed: true,
		Detail: fmt.Sprintf("%d in the last hour (limit %d), %d in 24 h (limit %d)", hour, s.limits.PerHour, day, s.limits.PerDay)}
	if hour >= s.limits.PerHour || day >= s.limits.PerDay {
		rate.Passed = false
		rate.Detail = "per-contact limit reached: " + rate.Detail
	}
	length := store.Check{Name: "length", Passed: true,
		Detail: fmt.Sprintf("%d segments, %s", count.Segments, count.Encoding)}
	switch {
	case body == "":
		length.Passed, length.Detail = false, "empty text"
	case count.Segments > MaxSegments:
		length.Passed = false
		length.Detail = fmt.Sprintf("text too long: %d segments, the limit is %d", count.Segments, MaxSegments)
	}
	return append(checks, rate, length)
}

// recipientChecks are the checks about the recipient, run at queue time and again just before
// sending, because a contact can opt out or turn out to be a landline in between.
func recipientChecks(contact store.Contact) []store.Check {
	recipient := store.Check{Name: "recipient", Passed: true, Detail: contact.E164}
	if _, err := phone.Parse(contact.E164, "US"); err != nil {
		recipient.Passed, recipient.Detail = false, "invalid recipient number "+contact.E164
	}
	optOut := store.Check{Name: "opt_out", Passed: true, Detail: "not opted out"}
	if contact.OptedOut() {
		optOut.Passed = false
		optOut.Detail = "recipient opted out at " + contact.OptedOutAt.Format(time.RFC3339)
	}
	capable := store.Check{Name: "sms_capable", Passed: true, Detail: "no delivery block"}
	if contact.SMSBlocked != "" {
		capable.Passed = false
		capable.Detail = "number cannot receive texts: " + contact.SMSBlocked
	}
	return []store.Check{recipient, optOut, capable}
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
