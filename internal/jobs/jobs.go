// Package jobs runs textback's durable work on River, on the same database as the rest of the
// data: SQLite through River's SQLite driver, PostgreSQL through its pgx driver.
//
// Jobs are inserted in the same transaction as the rows that justify them, so a webhook is never
// stored without the job that processes it, nor the job without the webhook. On PostgreSQL the
// transaction is a database/sql one, so inserts go through a second, insert-only River client on
// River's database/sql driver, while the client that works jobs uses pgx and LISTEN/NOTIFY.
//
// The hot path does not wait for the queue to poll: a webhook and its text are also handed to a
// bounded in-process fast lane as soon as their transaction commits (see FastLane). The queue
// itself works the jobs the fast lane could not finish, the jobs scheduled for later, and the
// jobs of a process that died, so its poll settings trade a little of that latency for far less
// database work than River's millisecond-level tuning would cost on SQLite.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/store"
)

const (
	// FetchCooldown is the least time between two fetches of available jobs.
	FetchCooldown = 20 * time.Millisecond
	// PollInterval is how often an idle queue looks for due jobs. On SQLite, where there is no
	// LISTEN/NOTIFY, it bounds the delay of a job nobody else woke the queue for; River adds up
	// to 10% of jitter.
	PollInterval = 100 * time.Millisecond
	// PostgresPollInterval is the fallback poll on PostgreSQL, where LISTEN/NOTIFY wakes the
	// queue as soon as a job commits.
	PostgresPollInterval = time.Second
	// JobTimeout bounds one attempt of any job. Provider calls have their own shorter timeouts.
	JobTimeout = 45 * time.Second
	// RescueAfter is when a job left running by a dead process is retried. It must exceed
	// JobTimeout so that a slow but live attempt is never run twice at once.
	RescueAfter = 90 * time.Second
	// MaxWorkers is how many jobs one process works at once. Most jobs wait on a provider's API,
	// not on the CPU, so the number is well above the core count.
	MaxWorkers = 100
)

// Inserter adds jobs inside a store transaction, where they become visible when it commits, and
// deletes jobs whose work was done another way.
type Inserter interface {
	// InsertTx adds a job in tx and returns its id. A unique job that already exists is not
	// added again; its id is returned.
	InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error)
	// DeleteTx deletes a job in tx unless it is running or gone, which is not an error.
	DeleteTx(ctx context.Context, tx *store.Tx, id int64) error
	// Delete deletes a job unless it is running or gone, which is not an error.
	Delete(ctx context.Context, id int64) error
}

// Queue is the job queue of one process: it inserts jobs and, once started, works them.
type Queue struct {
	insert     *river.Client[*sql.Tx]
	start      func(context.Context) error
	stop       func(context.Context) error
	stopCancel func(context.Context) error
	log        *slog.Logger
}

// Options configures New.
type Options struct {
	Logger *slog.Logger
	// Workers holds every job kind this process works. Nil makes an insert-only queue.
	Workers *river.Workers
	// PeriodicJobs run on one process of those sharing the database (the elected leader).
	PeriodicJobs []*river.PeriodicJob
	// TestOnly shortens River's internal intervals for tests.
	TestOnly bool
}

// New builds the queue for s. It does not start working jobs; call Start.
func New(s *store.Store, opts Options) (*Queue, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	q := &Queue{log: opts.Logger}
	cfg := &river.Config{
		FetchCooldown:        FetchCooldown,
		FetchPollInterval:    PollInterval,
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueAfter,
		Logger:               riverLogger(opts.Logger),
		Workers:              opts.Workers,
		PeriodicJobs:         opts.PeriodicJobs,
		TestOnly:             opts.TestOnly,
	}
	if opts.Workers != nil {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: MaxWorkers}}
	}
	switch s.Dialect() {
	case store.SQLite:
		client, err := river.NewClient(riversqlite.New(s.DB()), cfg)
		if err != nil {
			return nil, fmt.Errorf("create job queue: %w", err)
		}
		q.insert = client
		q.start, q.stop, q.stopCancel = client.Start, client.Stop, client.StopAndCancel
	case store.Postgres:
		insertCfg := *cfg
		insertCfg.Queues = nil
		insertCfg.PeriodicJobs = nil
		inserter, err := river.NewClient(riverdatabasesql.New(s.DB()), &insertCfg)
		if err != nil {
			return nil, fmt.Errorf("create job inserter: %w", err)
		}
		q.insert = inserter
		pgCfg := *cfg
		pgCfg.FetchPollInterval = PostgresPollInterval
		worker, err := river.NewClient[pgx.Tx](riverpgxv5.New(s.Pool()), &pgCfg)
		if err != nil {
			return nil, fmt.Errorf("create job queue: %w", err)
		}
		q.start, q.stop, q.stopCancel = worker.Start, worker.Stop, worker.StopAndCancel
	default:
		return nil, fmt.Errorf("create job queue: unsupported database %q", s.Dialect())
	}
	return q, nil
}

// Migrate creates or upgrades River's tables. It runs apart from the store's own migrations, as
// River requires.
func Migrate(ctx context.Context, s *store.Store, log *slog.Logger) error {
	var (
		res *rivermigrate.MigrateResult
		err error
	)
	switch s.Dialect() {
	case store.SQLite:
		m, merr := rivermigrate.New(riversqlite.New(s.DB()), &rivermigrate.Config{Logger: riverLogger(log)})
		if merr != nil {
			return fmt.Errorf("migrate job queue: %w", merr)
		}
		res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	default:
		m, merr := rivermigrate.New(riverpgxv5.New(s.Pool()), &rivermigrate.Config{Logger: riverLogger(log)})
		if merr != nil {
			return fmt.Errorf("migrate job queue: %w", merr)
		}
		res, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	for _, v := range res.Versions {
		log.Info("job queue migration applied", slog.Int("version", v.Version), slog.Duration("duration", v.Duration))
	}
	return nil
}

// InsertTx adds a job in tx and returns its id.
func (q *Queue) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) (int64, error) {
	res, err := q.insert.InsertTx(ctx, tx.SQL(), args, opts)
	if err != nil {
		return 0, fmt.Errorf("insert %s job: %w", args.Kind(), err)
	}
	return res.Job.ID, nil
}

// DeleteTx deletes the job in tx unless it is running or gone.
func (q *Queue) DeleteTx(ctx context.Context, tx *store.Tx, id int64) error {
	_, err := q.insert.JobDeleteTx(ctx, tx.SQL(), id)
	return ignoreGone(id, err)
}

// Delete deletes the job unless it is running or gone.
func (q *Queue) Delete(ctx context.Context, id int64) error {
	_, err := q.insert.JobDelete(ctx, id)
	return ignoreGone(id, err)
}

func ignoreGone(id int64, err error) error {
	if err == nil || errors.Is(err, rivertype.ErrJobRunning) || errors.Is(err, rivertype.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("delete job %d: %w", id, err)
}

// Start begins working jobs. It fails on an insert-only queue.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	return nil
}

// cancelBudget is how long Stop waits for cancelled jobs after its own budget ran out.
const cancelBudget = 5 * time.Second

// Stop waits for running jobs to finish until ctx ends, then cancels those still running and
// waits up to cancelBudget more. A cancelled job is retried by the next process to run. Stop is
// safe before Start and when called twice.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.stop(ctx)
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop job queue: %w", err)
	}
	q.log.Warn("job queue stop timed out, cancelling running jobs")
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelBudget)
	defer cancel()
	if err := q.stopCancel(cancelCtx); err != nil {
		return fmt.Errorf("stop job queue: %w", err)
	}
	return nil
}

// riverLogger gives River the process logger one level quieter: River reports routine events
// (leadership, queue maintenance) at Info, which belong at Debug for an operator.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(&quieterHandler{inner: log.Handler()}).With(slog.String("component", "river"))
}

type quieterHandler struct{ inner slog.Handler }

func (h *quieterHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, lower(level))
}

func (h *quieterHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = lower(r.Level)
	return h.inner.Handle(ctx, r)
}

func (h *quieterHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &quieterHandler{inner: h.inner.WithAttrs(attrs)}
}

func (h *quieterHandler) WithGroup(name string) slog.Handler {
	return &quieterHandler{inner: h.inner.WithGroup(name)}
}

func lower(level slog.Level) slog.Level {
	if level == slog.LevelInfo {
		return slog.LevelDebug
	}
	return level
}
