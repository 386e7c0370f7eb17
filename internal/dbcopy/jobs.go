package dbcopy

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/store"
)

// WaitingStates are the states of the River jobs that have not finished, which Run re-creates.
// Jobs that completed, were cancelled or were discarded stay behind.
var WaitingStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// jobPageSize is how many jobs are read from the source at once.
const jobPageSize = 1000

// encodedArgs re-inserts a job under its original kind with its original encoded arguments,
// without needing the Go type that produced them.
type encodedArgs struct {
	kind string
	args json.RawMessage
}

func (a encodedArgs) Kind() string { return a.kind }

func (a encodedArgs) MarshalJSON() ([]byte, error) { return a.args, nil }

// copyJobs re-creates in the target every source job that had not finished.
//
// River's insert sets a job's kind, arguments, queue, priority, max attempts, tags and metadata,
// but it cannot set the state, attempt count, errors or unique key of a job. One UPDATE per job
// then restores those, so that a retrying job keeps its attempts and a unique job still blocks
// duplicates. A job that was running when textback stopped was interrupted: it becomes
// available again, keeping the attempt it used.
func copyJobs(
	ctx context.Context, src *store.Store, srcTx *sql.Tx, dst *store.Store, dstTx pgx.Tx, log *slog.Logger,
) (JobReport, error) {
	report := JobReport{ByState: map[rivertype.JobState]int64{}}
	reader, err := river.NewClient(riversqlite.New(src.DB()), &river.Config{Logger: log})
	if err != nil {
		return report, fmt.Errorf("create job reader for %s: %w", src.Target(), err)
	}
	writer, err := river.NewClient(riverpgxv5.New(dst.Pool()), &river.Config{Logger: log})
	if err != nil {
		return report, fmt.Errorf("create job writer for %s: %w", dst.Target(), err)
	}
	params := river.NewJobListParams().States(WaitingStates...).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(jobPageSize)
	for {
		page, err := reader.JobListTx(ctx, srcTx, params)
		if err != nil {
			return report, fmt.Errorf("list waiting jobs in %s: %w", src.Target(), err)
		}
		for _, job := range page.Jobs {
			state, err := copyJob(ctx, writer, dstTx, job)
			if err != nil {
				return report, err
			}
			report.Source++
			report.ByState[state]++
		}
		if len(page.Jobs) < jobPageSize {
			break
		}
		params = params.After(page.LastCursor)
	}
	log.Info("jobs copied", slog.Int64("jobs", report.Source))
	return report, nil
}

// copyJob inserts one job in the target and returns the state it was given there.
func copyJob(ctx context.Context, writer *river.Client[pgx.Tx], tx pgx.Tx, job *rivertype.JobRow) (rivertype.JobState, error) {
	tags := job.Tags
	if tags == nil {
		tags = []string{}
	}

	res, err := writer.InsertTx(ctx, tx, encodedArgs{kind: job.Kind, args: job.EncodedArgs}, &river.InsertOpts{
		MaxAttempts: job.MaxAttempts,
		Metadata:    job.Metadata,
		Priority:    job.Priority,
		Queue:       job.Queue,
		ScheduledAt: job.ScheduledAt,
		Tags:        tags,
	})
	if err != nil {
		return "", fmt.Errorf("re-create %s job %d: %w", job.Kind, job.ID, err)
	}

	state := job.State
	if state == rivertype.JobStateRunning {
		state = rivertype.JobStateAvailable
	}
	errs := make([]string, len(job.Errors))
	for i, e := range job.Errors {
		encoded, err := json.Marshal(e)
		if err != nil {
			return "", fmt.Errorf("re-create %s job %d: encode error %d: %w", job.Kind, job.ID, i, err)
		}
		errs[i] = string(encoded)
	}

	var (
		uniqueKey    []byte
		uniqueStates *int32
	)
	if len(job.UniqueKey) > 0 {
		mask := int32(uniqueStatesMask(job.UniqueStates))
		uniqueKey, uniqueStates = job.UniqueKey, &mask
	}
	// unique_states is a bit(8) column. Casting an integer to it keeps the low 8 bits, which is
	// the conversion River's own insert uses.
	_, err = tx.Exec(ctx, `UPDATE river_job SET
			state = CAST(CAST($2 AS text) AS river_job_state),
			attempt = $3,
			attempted_at = $4,
			errors = CAST(CAST($5 AS text[]) AS jsonb[]),
			created_at = $6,
			scheduled_at = $7,
			unique_key = $8,
			unique_states = CAST(CAST($9 AS integer) AS bit(8))
		WHERE id = $1`,
		res.Job.ID, string(state), job.Attempt, optionalTime(job.AttemptedAt), nilIfEmpty(errs),
		job.CreatedAt.UTC(), job.ScheduledAt.UTC(), uniqueKey, uniqueStates)
	if err != nil {
		return "", fmt.Errorf("restore state of %s job %d as job %d: %w", job.Kind, job.ID, res.Job.ID, err)
	}
	return state, nil
}

// countTargetJobs counts the target's jobs by state.
func countTargetJobs(ctx context.Context, tx pgx.Tx) (map[rivertype.JobState]int64, error) {
	rows, err := tx.Query(ctx, "SELECT CAST(state AS text), count(*) FROM river_job GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("count jobs in the target: %w", err)
	}
	out := map[rivertype.JobState]int64{}
	var (
		state string
		n     int64
	)
	_, err = pgx.ForEachRow(rows, []any{&state, &n}, func() error {
		out[rivertype.JobState(state)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count jobs in the target: %w", err)
	}
	return out, nil
}

// uniqueStateBits are the bits of River's unique_states mask, from available in the lowest bit
// to scheduled in the highest. River keeps the same table in its rivershared/uniquestates
// package, which is meant for River's own use.
var uniqueStateBits = map[rivertype.JobState]byte{
	rivertype.JobStateAvailable: 1 << 0,
	rivertype.JobStateCancelled: 1 << 1,
	rivertype.JobStateCompleted: 1 << 2,
	rivertype.JobStateDiscarded: 1 << 3,
	rivertype.JobStatePending:   1 << 4,
	rivertype.JobStateRetryable: 1 << 5,
	rivertype.JobStateRunning:   1 << 6,
	rivertype.JobStateScheduled: 1 << 7,
}

func uniqueStatesMask(states []rivertype.JobState) byte {
	var mask byte
	for _, s := range states {
		mask |= uniqueStateBits[s]
	}
	return mask
}

func optionalTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	utc := t.UTC()
	return &utc
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
