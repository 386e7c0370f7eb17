// Package followup sends the short follow-ups after a text back that got no reply: by default one
// about three hours after the missed call and one a day after it. A sequence stops for good when
// the lead replies or opts out, a person answers them, or someone stops it by hand; a new missed
// call from the same contact does not start a second one while it runs.
//
// Each step is a River job scheduled for its moment, so pending follow-ups survive restarts, and
// its text carries the step's idempotency key, so a step fires once even when its job runs twice.
// Quiet hours are checked by the outbound path when a text is about to be sent, not here.
package followup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// Stop reasons.
const (
	StopReplied     = "the lead replied"
	StopOptedOut    = "the lead opted out"
	StopManualReply = "a person answered the lead"
	StopManual      = "stopped by hand"
	StopBooked      = "the lead booked"
)

// Service starts, runs and stops follow-up sequences.
type Service struct {
	store  *store.Store
	queue  jobs.Inserter
	sender *outbound.Sender
	dir    *directory.Directory
	log    *slog.Logger
}

// Options configures New.
type Options struct {
	Store     *store.Store
	Queue     jobs.Inserter
	Sender    *outbound.Sender
	Directory *directory.Directory
	Logger    *slog.Logger
}

// New returns a Service.
func New(opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(nil)
	}
	return &Service{store: opts.Store, queue: opts.Queue, sender: opts.Sender, dir: opts.Directory, log: opts.Logger}
}

// Register adds the step worker.
func Register(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &stepWorker{s: s})
}

// Start begins the business's follow-ups for a contact who was just texted back after call,
// unless a sequence already runs for them. It runs in tx, with the text back.
//
// The steps count from the call, or from now when the call was reported late (a PBX may report a
// call long after it ended), so that no follow-up is due as the text back goes out.
func (s *Service) Start(ctx context.Context, tx *store.Tx, business store.Business, contact store.ContactID, call store.Call) error {
	steps := business.Settings.FollowUps
	if len(steps) == 0 {
		return nil
	}
	from := call.StartedAt
	if now := tx.Now(); from.Before(now) && now.Sub(from) > lateReport {
		from = now
	}
	seq, started, err := tx.StartSequence(ctx, business.ID, contact, call.ID, call.NumberID, from)
	if err != nil || !started {
		return err
	}
	return s.schedule(ctx, tx, seq, 0, steps[0])
}

// lateReport is how long after a call its text back may start the follow-ups before they count
// from the text back instead.
const lateReport = 10 * time.Minute

// schedule inserts the job of step, due its delay after the sequence started. Each step schedules
// the next when it runs, so one job per sequence is pending at a time, and steps the business adds
// later are still reached.
func (s *Service) schedule(ctx context.Context, tx *store.Tx, seq store.Sequence, step int, def store.FollowUpStep) error {
	opts := StepArgs{}.InsertOpts()
	opts.ScheduledAt = seq.StartedAt.Add(time.Duration(def.Delay))
	if _, err := s.queue.InsertTx(ctx, tx, StepArgs{SequenceID: int64(seq.ID), Step: step}, &opts); err != nil {
		return fmt.Errorf("schedule follow-up %d of sequence %d: %w", step+1, seq.ID, err)
	}
	return nil
}

// Stop ends the contact's running sequence for good.
func (s *Service) Stop(ctx context.Context, tx *store.Tx, business store.BusinessID, contact store.ContactID, reason string) error {
	stopped, err := tx.StopSequences(ctx, business, contact, reason)
	if err == nil && stopped {
		s.log.Info("follow-ups stopped", slog.Int64("business_id", int64(business)), slog.Int64("contact_id", int64(contact)),
			slog.String("reason", reason))
	}
	return err
}

// StepArgs is the job that sends one follow-up.
type StepArgs struct {
	SequenceID int64 `json:"sequence_id"`
	Step       int   `json:"step"` // counted from 0
}

// Kind names the job in River.
func (StepArgs) Kind() string { return "follow_up" }

// InsertOpts makes one job per step.
func (StepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type stepWorker struct {
	river.WorkerDefaults[StepArgs]
	s *Service
}

func (w *stepWorker) Work(ctx context.Context, job *river.Job[StepArgs]) error {
	return w.s.step(ctx, store.SequenceID(job.Args.SequenceID), job.Args.Step)
}

// step queues one follow-up and schedules the next, unless the sequence has stopped or should
// stop now. When later steps are due as well, as after downtime, it sends only the last of them and
// skips the others, so a lead never gets two follow-ups back to back.
func (s *Service) step(ctx context.Context, id store.SequenceID, step int) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		seq, err := tx.GetSequence(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil || seq.State != store.SequenceActive {
			return err
		}
		if err := tx.LockContact(ctx, seq.ContactID); err != nil {
			return err
		}
		// Read the sequence again under the lock, since another step may have gone out meanwhile.
		// A step below StepsSent went out already, queued by a later step or an earlier run.
		seq, err = tx.GetSequence(ctx, id)
		if err != nil || seq.State != store.SequenceActive || step < seq.StepsSent {
			return err
		}
		business, err := s.dir.Business(ctx, tx, seq.BusinessID)
		if err != nil {
			return err
		}
		steps := business.Settings.FollowUps
		if step >= len(steps) {
			return tx.FinishSequence(ctx, seq.ID)
		}
		if reason, err := s.stopReason(ctx, tx, seq); err != nil || reason != "" {
			if err != nil {
				return err
			}
			return s.Stop(ctx, tx, seq.BusinessID, seq.ContactID, reason)
		}
		// Skip to the last step that is due, recording the ones passed over as skipped.
		due := step
		for due+1 < len(steps) && !seq.StartedAt.Add(time.Duration(steps[due+1].Delay)).After(tx.Now()) {
			due++
		}
		for skipped := seq.StepsSent; skipped < due; skipped++ {
			if _, err := tx.AdvanceSequence(ctx, seq.ID, skipped); err != nil {
				return err
			}
			s.log.Info("follow-up skipped, a later one is due too", slog.Int64("sequence_id", int64(seq.ID)),
				slog.Int("step", skipped+1))
		}
		if err := s.queueStep(ctx, tx, business, seq, due, steps[due]); err != nil {
			return err
		}
		if due == len(steps)-1 {
			return tx.FinishSequence(ctx, seq.ID)
		}
		return s.schedule(ctx, tx, seq, due+1, steps[due+1])
	})
}

// stopReason returns why a sequence must stop now, or "". The events that stop it also stop it
// when they happen; this catches any that slipped by, such as a reply filed by another process.
func (s *Service) stopReason(ctx context.Context, tx *store.Tx, seq store.Sequence) (string, error) {
	contact, err := tx.GetContact(ctx, seq.BusinessID, seq.ContactID)
	if err != nil {
		return "", err
	}
	if contact.OptedOut() {
		return StopOptedOut, nil
	}
	conv, err := tx.EnsureConversation(ctx, seq.BusinessID, seq.ContactID)
	if err != nil {
		return "", err
	}
	switch {
	case conv.LastInboundAt.After(seq.StartedAt):
		return StopReplied, nil
	case conv.LastHumanReplyAt.After(seq.StartedAt):
		return StopManualReply, nil
	}
	return "", nil
}

func (s *Service) queueStep(
	ctx context.Context, tx *store.Tx, business store.Business, seq store.Sequence, step int, def store.FollowUpStep,
) error {
	t, err := msgtemplate.Parse(def.Template, msgtemplate.AllFields())
	if err != nil {
		return fmt.Errorf("render follow-up %d of business %s: %w", step+1, business.Slug, err)
	}
	contact, err := tx.GetContact(ctx, seq.BusinessID, seq.ContactID)
	if err != nil {
		return err
	}
	values := map[string]string{
		msgtemplate.FieldFirstName: contact.FirstName, msgtemplate.FieldBusiness: business.Name,
		msgtemplate.FieldRep: business.RepName, msgtemplate.FieldBookingLink: business.BookingURL,
	}
	msg, err := s.sender.Queue(ctx, tx, outbound.Request{
		BusinessID: seq.BusinessID, ContactID: seq.ContactID, NumberID: seq.NumberID, CallID: seq.CallID,
		Body: t.Render(values), Purpose: store.PurposeFollowUp, TemplateName: fmt.Sprintf("follow_up %d", step+1),
		Details: store.MessageDetails{
			Trigger:  fmt.Sprintf("follow-up %d of %d after missed call %d, no reply", step+1, len(business.Settings.FollowUps), seq.CallID),
			Template: def.Template, Values: values,
		},
		IdempotencyKey: fmt.Sprintf("followup:%d:%d", seq.ID, step),
	})
	if err != nil {
		return err
	}
	if _, err := tx.AdvanceSequence(ctx, seq.ID, step); err != nil {
		return err
	}
	s.log.Info("follow-up queued", slog.Int64("business_id", int64(seq.BusinessID)), slog.Int64("contact_id", int64(seq.ContactID)),
		slog.Int64("message_id", int64(msg.ID)), slog.Int("step", step+1), slog.String("status", string(msg.Status)))
	return nil
}
