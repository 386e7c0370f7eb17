// Package dbcopy moves a whole textback installation from SQLite to an empty PostgreSQL
// database: every row of every table with its id, and the River jobs that had not finished.
//
// Run reads the source in one SQLite transaction and writes the target in one PostgreSQL
// transaction, so a failure at any step leaves the target as it was. Rows go through COPY, table
// by table in Tables order (parents before children), with each column converted to the type
// PostgreSQL declares for it. Each id sequence is then moved past the largest id SQLite ever
// handed out, so that new rows never reuse the id of a deleted one. Before committing, Run counts
// the rows of every table and the jobs on both sides and fails on any difference.
//
// textback must be stopped while Run runs. A process still working on the SQLite file would
// write rows and finish jobs after they were copied, and they would then run again on
// PostgreSQL.
package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/store"
)

// ErrTargetNotEmpty is returned when the PostgreSQL database already holds textback data.
var ErrTargetNotEmpty = errors.New("target database is not empty")

// ErrMismatch is returned when the counts of the copy differ from those of the source.
var ErrMismatch = errors.New("copy does not match the source")

// Options configures Run.
type Options struct {
	From   string // path of the SQLite file
	To     string // postgres:// or postgresql:// URL of the target database
	Logger *slog.Logger
}

// Report counts the rows and jobs on both sides of a Run. Source and Target counts are equal
// unless Run returned ErrMismatch.
type Report struct {
	From   string        // the SQLite file
	To     string        // the target URL without its password
	Tables []TableReport // in Tables order
	Jobs   JobReport
}

// TableReport counts the rows of one table.
type TableReport struct {
	Name   string
	Source int64
	Target int64
	// NextID is the id PostgreSQL gives the table's next new row.
	NextID int64
}

// JobReport counts the River jobs that were waiting to run.
type JobReport struct {
	Source int64
	Target int64
	// ByState counts the re-created jobs by their state in PostgreSQL. A job that was running
	// when textback stopped was interrupted, so it is counted as available.
	ByState map[rivertype.JobState]int64
}

// Run copies the SQLite installation at opts.From into the empty PostgreSQL database at
// opts.To. It migrates both databases first, and rejects the target before writing anything
// when it already holds textback data. On ErrMismatch the report shows the differing counts.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkSource(opts.From); err != nil {
		return Report{}, err
	}
	if !store.IsPostgres(opts.To) {
		return Report{}, fmt.Errorf("invalid target %q: use a postgres:// URL of an empty database", store.Redact(opts.To))
	}

	dst, err := store.Open(ctx, opts.To, store.Options{Logger: opts.Logger})
	if err != nil {
		return Report{}, err
	}
	defer dst.Close()
	// Checked before migrating, so that a rejected target is not even given a schema.
	if err := checkTargetEmpty(ctx, dst.Pool(), dst.Target()); err != nil {
		return Report{}, err
	}

	src, err := store.Open(ctx, opts.From, store.Options{Logger: opts.Logger})
	if err != nil {
		return Report{}, err
	}
	defer src.Close()

	for _, s := range []*store.Store{src, dst} {
		if err := s.Migrate(ctx); err != nil {
			return Report{}, err
		}
		if err := jobs.Migrate(ctx, s, opts.Logger); err != nil {
			return Report{}, err
		}
	}
	return copyAll(ctx, src, dst, opts.Logger)
}

// copyAll copies rows and jobs from src to dst in one transaction on each side, and checks the
// counts before committing.
func copyAll(ctx context.Context, src, dst *store.Store, log *slog.Logger) (Report, error) {
	report := Report{From: src.Target(), To: dst.Target()}
	// The store opens SQLite transactions with BEGIN IMMEDIATE, so the source cannot change
	// while it is read, even if a textback process was left running.
	srcTx, err := src.DB().BeginTx(ctx, nil)
	if err != nil {
		return report, fmt.Errorf("begin reading %s: %w", src.Target(), err)
	}
	defer func() { _ = srcTx.Rollback() }()
	dstTx, err := dst.Pool().Begin(ctx)
	if err != nil {
		return report, fmt.Errorf("begin writing %s: %w", dst.Target(), err)
	}
	defer func() { _ = dstTx.Rollback(context.WithoutCancel(ctx)) }()

	if err := checkTargetEmpty(ctx, dstTx, dst.Target()); err != nil {
		return report, err
	}
	if err := checkSourceTables(ctx, srcTx); err != nil {
		return report, err
	}
	for _, table := range Tables {
		tr, err := copyTable(ctx, srcTx, dstTx, table)
		if err != nil {
			return report, err
		}
		log.Info("table copied", slog.String("table", table), slog.Int64("rows", tr.Target))
		report.Tables = append(report.Tables, tr)
	}
	report.Jobs, err = copyJobs(ctx, src, srcTx, dst, dstTx, log)
	if err != nil {
		return report, err
	}
	if err := verify(ctx, srcTx, dstTx, &report); err != nil {
		return report, err
	}
	if err := dstTx.Commit(ctx); err != nil {
		return report, fmt.Errorf("commit copy into %s: %w", dst.Target(), err)
	}
	return report, nil
}

// verify recounts both sides inside their transactions and fails on any difference.
func verify(ctx context.Context, srcTx *sql.Tx, dstTx pgx.Tx, report *Report) error {
	var mismatches []error
	for i := range report.Tables {
		tr := &report.Tables[i]
		if err := srcTx.QueryRowContext(ctx, "SELECT count(*) FROM "+tr.Name).Scan(&tr.Source); err != nil {
			return fmt.Errorf("count rows of %s in the source: %w", tr.Name, err)
		}
		if err := dstTx.QueryRow(ctx, "SELECT count(*) FROM "+tr.Name).Scan(&tr.Target); err != nil {
			return fmt.Errorf("count rows of %s in the target: %w", tr.Name, err)
		}
		if tr.Source != tr.Target {
			mismatches = append(mismatches, fmt.Errorf("table %s: %d rows in the source, %d in the target", tr.Name, tr.Source, tr.Target))
		}
	}
	byState, err := countTargetJobs(ctx, dstTx)
	if err != nil {
		return err
	}
	var target int64
	for state, n := range byState {
		target += n
		if want := report.Jobs.ByState[state]; n != want {
			mismatches = append(mismatches, fmt.Errorf("jobs %s: %d re-created, %d in the target", state, want, n))
		}
	}
	for state, want := range report.Jobs.ByState {
		if _, ok := byState[state]; !ok && want != 0 {
			mismatches = append(mismatches, fmt.Errorf("jobs %s: %d re-created, 0 in the target", state, want))
		}
	}
	report.Jobs.Target = target
	if report.Jobs.Source != target {
		mismatches = append(mismatches, fmt.Errorf("jobs: %d waiting in the source, %d in the target", report.Jobs.Source, target))
	}
	if len(mismatches) > 0 {
		return fmt.Errorf("%w: %w", ErrMismatch, errors.Join(mismatches...))
	}
	return nil
}
