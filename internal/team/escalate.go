package team

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/store"
)

// EscalateArgs is the job that alerts the next team member when nobody has answered the lead.
type EscalateArgs struct {
	AlertID int64 `json:"alert_id"`
	// Level is the escalation level the alert must still be at; a job from an older level does
	// nothing.
	Level int `json:"level"`
}

// Kind names the job in River.
func (EscalateArgs) Kind() string { return "escalate_alert" }

type escalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	s *Service
}

func (w *escalateWorker) Work(ctx context.Context, job *river.Job[EscalateArgs]) error {
	return w.s.escalate(ctx, job.Args)
}

func (s *Service) escalate(ctx context.Context, args EscalateArgs) error {
	alert, err := s.store.GetAlert(ctx, store.AlertID(args.AlertID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || !alert.ResolvedAt.IsZero() {
		return err
	}
	business, err := s.dir.Business(ctx, s.store, alert.BusinessID)
	if err != nil {
		return err
	}
	next := args.Level + 1
	if next >= len(business.Settings.Team) {
		return nil
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		moved, err := tx.EscalateAlert(ctx, alert.ID, args.Level)
		if err != nil || !moved {
			return err
		}
		if err := s.insert(ctx, tx, DeliverArgs{AlertID: args.AlertID, Purpose: PurposeEscalation, Level: next}, time.Time{}); err != nil {
			return err
		}
		if after := time.Duration(business.Settings.Alerts.EscalateAfter); after > 0 && next+1 < len(business.Settings.Team) {
			return s.insert(ctx, tx, EscalateArgs{AlertID: args.AlertID, Level: next}, s.clock().Add(after))
		}
		return nil
	})
}

// UpdateArgs is the job that, when an alert's grouping window closes, sends its one update if
// more happened meanwhile.
type UpdateArgs struct {
	AlertID int64 `json:"alert_id"`
}

// Kind names the job in River.
func (UpdateArgs) Kind() string { return "alert_update" }

type updateWorker struct {
	river.WorkerDefaults[UpdateArgs]
	s *Service
}

func (w *updateWorker) Work(ctx context.Context, job *river.Job[UpdateArgs]) error {
	alert, err := w.s.store.GetAlert(ctx, store.AlertID(job.Args.AlertID))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || alert.Occurrences < 2 {
		return err
	}
	return w.s.store.InTx(ctx, func(tx *store.Tx) error {
		claimed, err := tx.ClaimAlertUpdate(ctx, alert.ID)
		if err != nil || !claimed {
			return err
		}
		return w.s.insert(ctx, tx, DeliverArgs{AlertID: job.Args.AlertID, Purpose: PurposeUpdate}, time.Time{})
	})
}
