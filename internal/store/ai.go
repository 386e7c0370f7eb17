package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// AIExample is an intent a person set on a lead's message.
type AIExample struct {
	ID         int64
	BusinessID BusinessID
	MessageID  MessageID
	Body       string
	Intent     string
	// Note is the person's remark, such as why an answer was wrong.
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// MaxAIExamples is how many of a business's newest corrections the assistant reads per message.
const MaxAIExamples = 200

// AddAIExample stores a correction.
func (o ops) AddAIExample(ctx context.Context, ex AIExample) (AIExample, error) {
	row, err := o.q.InsertAIExample(ctx, dbsqlc.InsertAIExampleParams{
		BusinessID: int64(ex.BusinessID), MessageID: nullInt(int64(ex.MessageID)), Body: ex.Body, Intent: ex.Intent,
		Note: ex.Note, CreatedBy: ex.CreatedBy, CreatedAt: o.Now(),
	})
	if err != nil {
		return AIExample{}, fmt.Errorf("add correction to business %d: %w", ex.BusinessID, err)
	}
	return aiExampleFromRow(row), nil
}

// ListAIExamples returns a business's newest corrections, at most MaxAIExamples, newest first.
func (o ops) ListAIExamples(ctx context.Context, business BusinessID) ([]AIExample, error) {
	rows, err := o.q.ListAIExamples(ctx, dbsqlc.ListAIExamplesParams{BusinessID: int64(business), MaxRows: MaxAIExamples})
	if err != nil {
		return nil, fmt.Errorf("list corrections of business %d: %w", business, err)
	}
	out := make([]AIExample, len(rows))
	for i, r := range rows {
		out[i] = aiExampleFromRow(r)
	}
	return out, nil
}

func aiExampleFromRow(r dbsqlc.AiExample) AIExample {
	return AIExample{ID: r.ID, BusinessID: BusinessID(r.BusinessID), MessageID: MessageID(r.MessageID.Int64),
		Body: r.Body, Intent: r.Intent, Note: r.Note, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// AIDraftState is where a drafted reply stands.
type AIDraftState string

const (
	DraftPending   AIDraftState = "pending"   // waiting for a person
	DraftApproved  AIDraftState = "approved"  // sent as message MessageID
	DraftDiscarded AIDraftState = "discarded" // a person chose not to send it
)

// AIDraft is a reply the assistant drafted for a person to approve.
type AIDraft struct {
	ID         int64
	BusinessID BusinessID
	ContactID  ContactID
	InboundID  MessageID
	NumberID   NumberID
	Body       string
	Details    AIDetails
	State      AIDraftState
	DecidedBy  string
	MessageID  MessageID
	CreatedAt  time.Time
}

// AddAIDraft stores a draft. A second draft for the same inbound message is not stored, and
// the first is returned with inserted false.
func (o ops) AddAIDraft(ctx context.Context, d AIDraft) (AIDraft, bool, error) {
	details, err := json.Marshal(d.Details)
	if err != nil {
		return AIDraft{}, false, fmt.Errorf("add draft for message %d: %w", d.InboundID, err)
	}
	row, err := o.q.InsertAIDraft(ctx, dbsqlc.InsertAIDraftParams{
		BusinessID: int64(d.BusinessID), ContactID: int64(d.ContactID), InboundID: int64(d.InboundID),
		NumberID: nullInt(int64(d.NumberID)), Body: d.Body, Details: string(details), CreatedAt: o.Now(),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return AIDraft{}, false, nil
	}
	if err != nil {
		return AIDraft{}, false, fmt.Errorf("add draft for message %d: %w", d.InboundID, err)
	}
	out, err := aiDraftFromRow(row)
	return out, true, err
}

// GetAIDraft returns a business's draft, or an error wrapping ErrNotFound.
func (o ops) GetAIDraft(ctx context.Context, business BusinessID, id int64) (AIDraft, error) {
	row, err := o.q.GetAIDraft(ctx, dbsqlc.GetAIDraftParams{BusinessID: int64(business), ID: id})
	if err != nil {
		return AIDraft{}, notFound(err, "get draft %d", id)
	}
	return aiDraftFromRow(row)
}

// ListPendingAIDrafts returns the drafts for a contact that wait for a person, oldest first.
func (o ops) ListPendingAIDrafts(ctx context.Context, business BusinessID, contact ContactID) ([]AIDraft, error) {
	rows, err := o.q.ListPendingAIDrafts(ctx, dbsqlc.ListPendingAIDraftsParams{
		BusinessID: int64(business), ContactID: int64(contact),
	})
	if err != nil {
		return nil, fmt.Errorf("list drafts of contact %d: %w", contact, err)
	}
	out := make([]AIDraft, 0, len(rows))
	for _, r := range rows {
		d, err := aiDraftFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// DecideAIDraft records a person's decision on a pending draft. It returns false when the draft
// was decided before.
func (o ops) DecideAIDraft(ctx context.Context, business BusinessID, id int64, state AIDraftState, by string, sent MessageID) (bool, error) {
	n, err := o.q.DecideAIDraft(ctx, dbsqlc.DecideAIDraftParams{
		BusinessID: int64(business), ID: id, State: string(state), DecidedBy: by, MessageID: nullInt(int64(sent)),
		DecidedAt: nullTime(o.Now()),
	})
	if err != nil {
		return false, fmt.Errorf("decide draft %d: %w", id, err)
	}
	return n == 1, nil
}

func aiDraftFromRow(r dbsqlc.AiDraft) (AIDraft, error) {
	d := AIDraft{ID: r.ID, BusinessID: BusinessID(r.BusinessID), ContactID: ContactID(r.ContactID),
		InboundID: MessageID(r.InboundID), NumberID: NumberID(r.NumberID.Int64), Body: r.Body,
		State: AIDraftState(r.State), DecidedBy: r.DecidedBy, MessageID: MessageID(r.MessageID.Int64),
		CreatedAt: r.CreatedAt.UTC()}
	if err := json.Unmarshal([]byte(r.Details), &d.Details); err != nil {
		return AIDraft{}, fmt.Errorf("read details of draft %d: %w", r.ID, err)
	}
	return d, nil
}
