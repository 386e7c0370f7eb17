package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store/dbsqlc"
)

// Outcome says whether a person took a call.
type Outcome string

const (
	OutcomePending  Outcome = "pending"  // not decided yet
	OutcomeMissed   Outcome = "missed"   // nobody at the business took the call
	OutcomeAnswered Outcome = "answered" // a person at the business took the call
)

// Handling says what textback told the provider to do with a call.
type Handling string

const (
	HandlingDial       Handling = "dial"       // rang the business's phone
	HandlingNoDial     Handling = "no-dial"    // rang nobody: the call was missed on arrival
	HandlingUnrouted   Handling = "unrouted"   // the number has no business; the call was refused
	HandlingUnobserved Handling = "unobserved" // the first webhook seen was a status callback
)

// TextBack says what happened to the text back of a missed call.
type TextBack string

const (
	TextBackNone    TextBack = ""        // not decided, or the call was answered
	TextBackQueued  TextBack = "queued"  // a text back was queued for sending
	TextBackSkipped TextBack = "skipped" // no text back: see the reason
)

// Call is one inbound call to a business number and the decision made about it.
type Call struct {
	ID             CallID
	BusinessID     BusinessID
	NumberID       NumberID
	ProviderID     ProviderID
	ProviderCallID string
	ContactID      ContactID
	FromRaw        string // the caller id exactly as the provider sent it
	To             string
	ForwardedFrom  string
	Handling       Handling
	AnswerCheck    provider.AnswerCheck
	CallStatus     string // the provider's last status of the caller's leg
	DialStatus     string // the provider's outcome of the forwarded leg
	DialDuration   int
	AnsweredBy     string
	ScreenDigits   string
	ScreenAnswered bool // a screening result arrived (possibly with no digits)
	DialEndedAt    time.Time
	EndedAt        time.Time
	Outcome        Outcome
	OutcomeReason  string
	TextBack       TextBack
	TextBackReason string
	// Decision is the decision record in words, such as "missed (no-answer after 18 s): texted".
	Decision     string
	DecidedAt    time.Time
	StartedAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	BusinessSlug string // filled by the listing queries only
}

// NewCall is the first record of a call.
type NewCall struct {
	BusinessID     BusinessID
	NumberID       NumberID
	ProviderID     ProviderID
	ProviderCallID string
	FromRaw        string
	To             string
	ForwardedFrom  string
	Handling       Handling
	AnswerCheck    provider.AnswerCheck
	StartedAt      time.Time
}

// EnsureCall returns the call with the provider's call id, creating it from c when missing.
func (o ops) EnsureCall(ctx context.Context, c NewCall) (Call, error) {
	o.noteActivity(c.BusinessID)
	row, err := o.q.InsertCall(ctx, dbsqlc.InsertCallParams{
		BusinessID:     int64(c.BusinessID),
		NumberID:       nullInt(int64(c.NumberID)),
		ProviderID:     int64(c.ProviderID),
		ProviderCallID: c.ProviderCallID,
		FromRaw:        c.FromRaw,
		ToNumber:       c.To,
		ForwardedFrom:  c.ForwardedFrom,
		Handling:       string(c.Handling),
		AnswerCheck:    string(c.AnswerCheck),
		StartedAt:      ts(c.StartedAt),
		CreatedAt:      o.Now(),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return o.GetCallByProviderID(ctx, c.ProviderID, c.ProviderCallID)
	}
	if err != nil {
		return Call{}, fmt.Errorf("insert call %s: %w", c.ProviderCallID, err)
	}
	return callFromRow(row), nil
}

// GetCallByProviderID returns the call with the provider's call id, or an error wrapping ErrNotFound.
func (o ops) GetCallByProviderID(ctx context.Context, p ProviderID, callID string) (Call, error) {
	row, err := o.q.GetCallByProviderCallID(ctx, dbsqlc.GetCallByProviderCallIDParams{
		ProviderID: int64(p), ProviderCallID: callID,
	})
	if err != nil {
		return Call{}, notFound(err, "get call %s", callID)
	}
	return callFromRow(row), nil
}

// GetCall returns the call with id, or an error wrapping ErrNotFound.
func (o ops) GetCall(ctx context.Context, id CallID) (Call, error) {
	row, err := o.q.GetCall(ctx, int64(id))
	if err != nil {
		return Call{}, notFound(err, "get call %d", id)
	}
	return callFromRow(row), nil
}

// LockCall takes the call's row lock until the transaction ends, so that webhooks about one
// call are applied one at a time. SQLite runs one write transaction at a time, so there it does
// nothing.
func (tx *Tx) LockCall(ctx context.Context, id CallID) error {
	if tx.dialect != Postgres {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, "SELECT id FROM calls WHERE id = $1 FOR UPDATE", int64(id)); err != nil {
		return fmt.Errorf("lock call %d: %w", id, err)
	}
	return nil
}

// SetCallStatus records the caller's leg status; ended is zero while the call goes on.
func (o ops) SetCallStatus(ctx context.Context, id CallID, status string, ended time.Time) error {
	err := o.q.SetCallStatus(ctx, dbsqlc.SetCallStatusParams{
		ID: int64(id), CallStatus: status, EndedAt: nullTime(ended), UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set status of call %d: %w", id, err)
	}
	return nil
}

// SetCallDialResult records how the forwarded leg ended.
func (o ops) SetCallDialResult(ctx context.Context, id CallID, status string, duration int, at time.Time) error {
	err := o.q.SetCallDialResult(ctx, dbsqlc.SetCallDialResultParams{
		ID: int64(id), DialStatus: status, DialDuration: int32(duration), DialEndedAt: nullTime(at),
	})
	if err != nil {
		return fmt.Errorf("set dial result of call %d: %w", id, err)
	}
	return nil
}

// SetCallAnsweredBy records the answering-machine detection result of the forwarded leg.
func (o ops) SetCallAnsweredBy(ctx context.Context, id CallID, answeredBy string) error {
	err := o.q.SetCallAnsweredBy(ctx, dbsqlc.SetCallAnsweredByParams{
		ID: int64(id), AnsweredBy: answeredBy, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set answering-machine result of call %d: %w", id, err)
	}
	return nil
}

// SetCallScreenDigits records the keys pressed at the screening prompt ("" for none).
func (o ops) SetCallScreenDigits(ctx context.Context, id CallID, digits string) error {
	err := o.q.SetCallScreenDigits(ctx, dbsqlc.SetCallScreenDigitsParams{
		ID: int64(id), ScreenDigits: sql.NullString{String: digits, Valid: true}, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set screening result of call %d: %w", id, err)
	}
	return nil
}

// DecideCall records the call's outcome unless one was recorded before, and reports whether
// this call of it did.
func (o ops) DecideCall(ctx context.Context, id CallID, outcome Outcome, reason, decision string) (bool, error) {
	n, err := o.q.DecideCall(ctx, dbsqlc.DecideCallParams{
		ID: int64(id), Outcome: string(outcome), OutcomeReason: reason, Decision: decision, DecidedAt: nullTime(o.Now()),
	})
	if err != nil {
		return false, fmt.Errorf("decide call %d: %w", id, err)
	}
	return n == 1, nil
}

// SetCallTextBack records what happened to the call's text back and the decision in words.
func (o ops) SetCallTextBack(
	ctx context.Context, id CallID, contact ContactID, result TextBack, reason, decision string,
) error {
	err := o.q.SetCallTextBack(ctx, dbsqlc.SetCallTextBackParams{
		ID:             int64(id),
		ContactID:      nullInt(int64(contact)),
		TextBack:       string(result),
		TextBackReason: reason,
		Decision:       decision,
		UpdatedAt:      o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set text back of call %d: %w", id, err)
	}
	return nil
}

// ListRecentCalls returns the latest calls, newest first, of one business or of all when
// business is 0.
func (o ops) ListRecentCalls(ctx context.Context, business BusinessID, limit int) ([]Call, error) {
	var out []Call
	if business == 0 {
		rows, err := o.q.ListRecentCalls(ctx, int32(limit))
		if err != nil {
			return nil, fmt.Errorf("list recent calls: %w", err)
		}
		for _, row := range rows {
			c := callFromRow(row.Call)
			c.BusinessSlug = row.BusinessSlug
			out = append(out, c)
		}
		return out, nil
	}
	rows, err := o.q.ListRecentCallsByBusiness(ctx, dbsqlc.ListRecentCallsByBusinessParams{
		BusinessID: int64(business), Limit: int32(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("list recent calls of business %d: %w", business, err)
	}
	for _, row := range rows {
		c := callFromRow(row.Call)
		c.BusinessSlug = row.BusinessSlug
		out = append(out, c)
	}
	return out, nil
}

func callFromRow(row dbsqlc.Call) Call {
	return Call{
		ID:             CallID(row.ID),
		BusinessID:     BusinessID(row.BusinessID),
		NumberID:       NumberID(row.NumberID.Int64),
		ProviderID:     ProviderID(row.ProviderID),
		ProviderCallID: row.ProviderCallID,
		ContactID:      ContactID(row.ContactID.Int64),
		FromRaw:        row.FromRaw,
		To:             row.ToNumber,
		ForwardedFrom:  row.ForwardedFrom,
		Handling:       Handling(row.Handling),
		AnswerCheck:    provider.AnswerCheck(row.AnswerCheck),
		CallStatus:     row.CallStatus,
		DialStatus:     row.DialStatus,
		DialDuration:   int(row.DialDuration),
		AnsweredBy:     row.AnsweredBy,
		ScreenDigits:   row.ScreenDigits.String,
		ScreenAnswered: row.ScreenDigits.Valid,
		DialEndedAt:    timeOf(row.DialEndedAt),
		EndedAt:        timeOf(row.EndedAt),
		Outcome:        Outcome(row.Outcome),
		OutcomeReason:  row.OutcomeReason,
		TextBack:       TextBack(row.TextBack),
		TextBackReason: row.TextBackReason,
		Decision:       row.Decision,
		DecidedAt:      timeOf(row.DecidedAt),
		StartedAt:      row.StartedAt.UTC(),
		CreatedAt:      row.CreatedAt.UTC(),
		UpdatedAt:      row.UpdatedAt.UTC(),
	}
}

// SetCallHandling records how textback handled the call, when a webhook that says so arrives
// after another created the call's record.
func (o ops) SetCallHandling(ctx context.Context, id CallID, h Handling, forwardedFrom string) error {
	err := o.q.SetCallHandling(ctx, dbsqlc.SetCallHandlingParams{
		ID: int64(id), Handling: string(h), ForwardedFrom: forwardedFrom, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("set handling of call %d: %w", id, err)
	}
	return nil
}
