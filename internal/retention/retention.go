// Package retention prunes old raw data: webhooks already applied, delivery log entries and
// sandbox texts. Those hold phone numbers and message bodies that the calls and messages
// themselves keep in a tidier form, so there is no reason to keep them forever. One process of
// those sharing a database runs the prune (River's elected leader), once an hour.
package retention

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/store"
)

// Default is how long raw data is kept.
const Default = 90 * 24 * time.Hour

// Interval is how often the prune runs.
const Interval = time.Hour

// PruneArgs is the periodic prune job.
type PruneArgs struct{}

// Kind names the job in River.
func (PruneArgs) Kind() string { return "prune" }

// InsertOpts keeps one prune job waiting at a time.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: Interval}}
}

type worker struct {
	river.WorkerDefaults[PruneArgs]
	store *store.Store
	keep  time.Duration
	clock func() time.Time
	log   *slog.Logger
}

func (w *worker) Timeout(*river.Job[PruneArgs]) time.Duration { return 10 * time.Minute }

func (w *worker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	cutoff := w.clock().Add(-w.keep)
	res, err := w.store.PruneBefore(ctx, cutoff)
	if err != nil {
		return err
	}
	if res != (store.PruneResult{}) {
		w.log.Info("old raw data pruned", slog.Time("before", cutoff), slog.Int64("webhooks", res.Webhooks),
			slog.Int64("delivery_log", res.Exchanges), slog.Int64("sandbox_texts", res.Sandbox),
			slog.Int64("webhook_events", res.HookEvents))
	}
	return nil
}

// Register adds the prune worker to workers and returns its periodic job, or registers nothing
// and returns nil when keep is zero (pruning turned off).
func Register(workers *river.Workers, s *store.Store, keep time.Duration, clock func() time.Time, log *slog.Logger) *river.PeriodicJob {
	if keep <= 0 {
		return nil
	}
	river.AddWorker(workers, &worker{store: s, keep: keep, clock: clock, log: log})
	return river.NewPeriodicJob(river.PeriodicInterval(Interval),
		func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
