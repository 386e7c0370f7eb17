package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// SequenceID identifies a row of sequences.
type SequenceID int64

// Sequence is the follow-ups after one missed call to one contact.
type Sequence struct {
	ID         SequenceID
	BusinessID BusinessID
	ContactID  ContactID
	CallID     CallID
	NumberID   NumberID
	State      string // "active", "stopped" or "done"
	StopReason string
	StepsSent  int
	StartedAt  time.Time
	EndedAt    time.Time
}

// Sequence states.
const (
	SequenceActive  = "active"
	SequenceStopped = "stopped"
	SequenceDone    = "done"
)

// StartSequence starts follow-ups for the contact unless a sequence is already running, and
// reports whether it started one.
func (o ops) StartSequence(ctx context.Context, business BusinessID, contact ContactID, call CallID, number NumberID, at time.Time) (Sequence, bool, error) {
	row, err := o.q.StartSequence(ctx, dbsqlc.StartSequenceParams{
		BusinessID: int64(business), ContactID: int64(contact), CallID: nullInt(int64(call)), NumberID: nullInt(int64(number)),
		StartedAt: ts(at),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Sequence{}, false, nil
	}
	if err != nil {
		return Sequence{}, false, fmt.Errorf("start follow-ups for contact %d: %w", contact, err)
	}
	return sequenceFromRow(row), true, nil
}

// GetSequence returns the sequence with id, or an error wrapping ErrNotFound.
func (o ops) GetSequence(ctx context.Context, id SequenceID) (Sequence, error) {
	row, err := o.q.GetSequence(ctx, int64(id))
	if err != nil {
		return Sequence{}, notFound(err, "get sequence %d", id)
	}
	return sequenceFromRow(row), nil
}

// StopSequences stops the contact's running sequence for good and holds the contact's follow-ups
// still waiting to be sent, such as one waiting for quiet hours to end, even when their sequence
// had finished. It reports whether a sequence ran or a follow-up was held.
func (o ops) StopSequences(ctx context.Context, business BusinessID, contact ContactID, reason string) (bool, error) {
	n, err := o.q.StopSequences(ctx, dbsqlc.StopSequencesParams{
		BusinessID: int64(business), ContactID: int64(contact), StopReason: reason, EndedAt: nullTime(o.Now()),
	})
	if err != nil {
		return false, fmt.Errorf("stop follow-ups for contact %d: %w", contact, err)
	}
	held, err := o.q.HoldQueuedFollowUps(ctx, dbsqlc.HoldQueuedFollowUpsParams{
		BusinessID: int64(business), ContactID: nullInt(int64(contact)), HoldReason: "follow-ups stopped: " + reason,
		UpdatedAt: o.Now(),
	})
	if err != nil {
		return false, fmt.Errorf("hold queued follow-ups for contact %d: %w", contact, err)
	}
	return n > 0 || held > 0, nil
}

// AdvanceSequence records that step (counted from 0) went out. It reports false when the step
// was recorded before or the sequence is no longer running.
func (o ops) AdvanceSequence(ctx context.Context, id SequenceID, step int) (bool, error) {
	n, err := o.q.AdvanceSequence(ctx, dbsqlc.AdvanceSequenceParams{
		ID: int64(id), Step: int32(step), NextStep: int32(step + 1), UpdatedAt: o.Now(),
	})
	if err != nil {
		return false, fmt.Errorf("advance sequence %d: %w", id, err)
	}
	return n == 1, nil
}

// FinishSequence marks a running sequence done after its last step.
func (o ops) FinishSequence(ctx context.Context, id SequenceID) error {
	if err := o.q.FinishSequence(ctx, dbsqlc.FinishSequenceParams{ID: int64(id), EndedAt: nullTime(o.Now())}); err != nil {
		return fmt.Errorf("finish sequence %d: %w", id, err)
	}
	return nil
}

// ListSequences returns a contact's sequences, oldest first.
func (o ops) ListSequences(ctx context.Context, business BusinessID, contact ContactID) ([]Sequence, error) {
	rows, err := o.q.ListSequences(ctx, dbsqlc.ListSequencesParams{BusinessID: int64(business), ContactID: int64(contact)})
	if err != nil {
		return nil, fmt.Errorf("list follow-ups of contact %d: %w", contact, err)
	}
	out := make([]Sequence, len(rows))
	for i, r := range rows {
		out[i] = sequenceFromRow(r)
	}
	return out, nil
}

func sequenceFromRow(r dbsqlc.Sequence) Sequence {
	return Sequence{
		ID: SequenceID(r.ID), BusinessID: BusinessID(r.BusinessID), ContactID: ContactID(r.ContactID),
		CallID: CallID(r.CallID.Int64), NumberID: NumberID(r.NumberID.Int64), State: r.State, StopReason: r.StopReason,
		StepsSent: int(r.StepsSent), StartedAt: r.StartedAt.UTC(), EndedAt: timeOf(r.EndedAt),
	}
}
