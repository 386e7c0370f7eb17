package team

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/store"
)

// Event is something the team should hear of.
type Event struct {
	BusinessID store.BusinessID
	ContactID  store.ContactID // 0 when the alert is about no lead
	Kind       string
	Priority   string
	Summary    string // one line
	Detail     string // the lead's words, what textback did
	At         time.Time
	// DedupeKey makes raising the same event twice, as a retried job does, raise it once.
	DedupeKey string
}

// Raise records ev in tx: as a new alert, delivered once tx commits, or as one more occurrence of
// the open alert about the same contact and kind, reported in that alert's single update.
func (s *Service) Raise(ctx context.Context, tx *store.Tx, ev Event) (store.Alert, error) {
	business, err := s.dir.Business(ctx, tx, ev.BusinessID)
	if err != nil {
		return store.Alert{}, err
	}
	if ev.ContactID != 0 {
		if err := tx.LockContact(ctx, ev.ContactID); err != nil {
			return store.Alert{}, err
		}
	}
	if ev.Priority == "" {
		ev.Priority = Normal
	}
	window := time.Duration(business.Settings.Alerts.AggregateWindow)
	alert, isNew, err := tx.RaiseAlert(ctx, store.NewAlert{
		BusinessID: ev.BusinessID, ContactID: ev.ContactID, Kind: ev.Kind, Priority: ev.Priority,
		Summary: ev.Summary, Detail: ev.Detail, At: ev.At, Window: window, DedupeKey: ev.DedupeKey,
	})
	if err != nil || !isNew {
		return alert, err
	}
	if err := s.insert(ctx, tx, DeliverArgs{AlertID: int64(alert.ID), Purpose: PurposeAlert}, time.Time{}); err != nil {
		return alert, err
	}
	if err := s.insert(ctx, tx, UpdateArgs{AlertID: int64(alert.ID)}, alert.WindowUntil); err != nil {
		return alert, err
	}
	escalate := time.Duration(business.Settings.Alerts.EscalateAfter)
	if escalate > 0 && ev.ContactID != 0 && len(business.Settings.Team) > 1 {
		if err := s.insert(ctx, tx, EscalateArgs{AlertID: int64(alert.ID), Level: 0}, ev.At.Add(escalate)); err != nil {
			return alert, err
		}
	}
	return alert, nil
}

// Answered records that a person answered the lead: their open alerts stop escalating.
func (s *Service) Answered(ctx context.Context, tx *store.Tx, business store.BusinessID, contact store.ContactID) error {
	return tx.ResolveContactAlerts(ctx, business, contact)
}

// Task creates a task unless one with the same dedupe key exists.
func (s *Service) Task(ctx context.Context, tx *store.Tx, t store.NewTask) (store.Task, bool, error) {
	if t.Kind == "" {
		t.Kind = store.TaskCallBack
	}
	if t.Priority == "" {
		t.Priority = Normal
	}
	if t.DueAt.IsZero() {
		t.DueAt = s.clock()
	}
	task, created, err := tx.InsertTask(ctx, t)
	if err != nil || !created {
		return task, created, err
	}
	return task, created, s.events.TaskCreated(ctx, tx, task)
}

func (s *Service) insert(ctx context.Context, tx *store.Tx, args river.JobArgs, at time.Time) error {
	opts := &river.InsertOpts{
		MaxAttempts: 8,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateCompleted,
		}},
	}
	if !at.IsZero() {
		opts.ScheduledAt = at
	}
	if _, err := s.queue.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("schedule %s: %w", args.Kind(), err)
	}
	return nil
}
