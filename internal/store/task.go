package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Task is something a person at the business should do, such as calling a lead back.
type Task struct {
	ID         TaskID
	BusinessID BusinessID
	ContactID  ContactID
	Kind       string // "call_back"
	Title      string
	Owner      string
	Priority   string // "normal" or "high"
	State      string // "open" or "done"
	Source     string // what created it, such as "keyword URGENT"
	DueAt      time.Time
	DoneAt     time.Time
	CreatedAt  time.Time
	// Filled by ListTasks only.
	ContactE164  string
	BusinessSlug string
}

// TaskCallBack is the kind of a call-back task.
const TaskCallBack = "call_back"

// NewTask describes a task to create. DedupeKey, when set, makes creating it twice create one.
type NewTask struct {
	BusinessID BusinessID
	ContactID  ContactID
	Kind       string
	Title      string
	Owner      string
	Priority   string
	Source     string
	DedupeKey  string
	DueAt      time.Time
}

// InsertTask creates a task and reports whether it is new.
func (o ops) InsertTask(ctx context.Context, t NewTask) (Task, bool, error) {
	row, err := o.q.InsertTask(ctx, dbsqlc.InsertTaskParams{
		BusinessID: int64(t.BusinessID), ContactID: nullInt(int64(t.ContactID)), Kind: t.Kind, Title: t.Title,
		Owner: t.Owner, Priority: t.Priority, Source: t.Source, DedupeKey: nullString(t.DedupeKey),
		DueAt: ts(t.DueAt), CreatedAt: o.Now(),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, false, nil
	}
	if err != nil {
		return Task{}, false, fmt.Errorf("create task %q for contact %d: %w", t.Title, t.ContactID, err)
	}
	return taskFromRow(row), true, nil
}

// ListTasks returns tasks by due time: of one business or all (business 0), in one state or all ("").
func (o ops) ListTasks(ctx context.Context, business BusinessID, state string, limit int) ([]Task, error) {
	rows, err := o.q.ListTasks(ctx, dbsqlc.ListTasksParams{BusinessID: int64(business), State: state, MaxRows: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	out := make([]Task, len(rows))
	for i, r := range rows {
		out[i] = taskFromRow(dbsqlc.Task{
			ID: r.ID, BusinessID: r.BusinessID, ContactID: r.ContactID, Kind: r.Kind, Title: r.Title, Owner: r.Owner,
			Priority: r.Priority, State: r.State, Source: r.Source, DueAt: r.DueAt, DoneAt: r.DoneAt, CreatedAt: r.CreatedAt,
		})
		out[i].ContactE164 = r.ContactE164.String
		out[i].BusinessSlug = r.BusinessSlug
	}
	return out, nil
}

// CompleteTask marks an open task done and reports whether it was open.
func (o ops) CompleteTask(ctx context.Context, business BusinessID, id TaskID) (bool, error) {
	n, err := o.q.CompleteTask(ctx, dbsqlc.CompleteTaskParams{BusinessID: int64(business), ID: int64(id), DoneAt: nullTime(o.Now())})
	if err != nil {
		return false, fmt.Errorf("complete task %d: %w", id, err)
	}
	return n == 1, nil
}

func taskFromRow(r dbsqlc.Task) Task {
	return Task{
		ID: TaskID(r.ID), BusinessID: BusinessID(r.BusinessID), ContactID: ContactID(r.ContactID.Int64), Kind: r.Kind,
		Title: r.Title, Owner: r.Owner, Priority: r.Priority, State: r.State, Source: r.Source,
		DueAt: r.DueAt.UTC(), DoneAt: timeOf(r.DoneAt), CreatedAt: r.CreatedAt.UTC(),
	}
}
