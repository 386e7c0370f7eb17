package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store/dbsqlc"
)

// NumberMode says how calls reach a business number.
type NumberMode string

const (
	// ModeDial: callers dial this number and textback rings the business's phone.
	ModeDial NumberMode = "dial"
	// ModeForwarded: the business's carrier forwards unanswered calls here, so every call that
	// arrives has already gone unanswered.
	ModeForwarded NumberMode = "forwarded"
)

// Number is a business phone number hosted at a provider.
type Number struct {
	ID          NumberID
	BusinessID  BusinessID
	ProviderID  ProviderID
	E164        string
	Mode        NumberMode
	ForwardTo   string // E.164 number rung in ModeDial
	RingSeconds int
	AnswerCheck provider.AnswerCheck
	// ProviderConfirmsOptOut means the provider answers STOP and START itself, so textback sends
	// no confirmation of its own and the person gets exactly one.
	ProviderConfirmsOptOut bool
	// WebhookToken names the number in the URL a PBX reports its calls to; empty when none does.
	WebhookToken string
	// WebhookSecret authenticates the PBX's reports: the HMAC key, or the bearer token.
	WebhookSecret string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// UpsertNumber creates the number or moves it to n's business and settings.
func (o ops) UpsertNumber(ctx context.Context, n Number) (Number, error) {
	row, err := o.q.UpsertNumber(ctx, dbsqlc.UpsertNumberParams{
		BusinessID:             int64(n.BusinessID),
		ProviderID:             int64(n.ProviderID),
		E164:                   n.E164,
		Mode:                   string(n.Mode),
		ForwardTo:              n.ForwardTo,
		RingSeconds:            int32(n.RingSeconds),
		AnswerCheck:            string(n.AnswerCheck),
		ProviderConfirmsOptOut: n.ProviderConfirmsOptOut,
		WebhookToken:           nullString(n.WebhookToken),
		WebhookSecret:          n.WebhookSecret,
		CreatedAt:              o.Now(),
	})
	if err != nil {
		return Number{}, fmt.Errorf("upsert number %s: %w", n.E164, err)
	}
	return numberFromRow(row), nil
}

// GetNumberByE164 returns the number, or an error wrapping ErrNotFound.
func (o ops) GetNumberByE164(ctx context.Context, e164 string) (Number, error) {
	row, err := o.q.GetNumberByE164(ctx, e164)
	if err != nil {
		return Number{}, notFound(err, "get number %s", e164)
	}
	return numberFromRow(row), nil
}

// GetNumber returns the number with id, or an error wrapping ErrNotFound.
func (o ops) GetNumber(ctx context.Context, id NumberID) (Number, error) {
	row, err := o.q.GetNumber(ctx, int64(id))
	if err != nil {
		return Number{}, notFound(err, "get number %d", id)
	}
	return numberFromRow(row), nil
}

// ListNumbers returns the business's numbers.
func (o ops) ListNumbers(ctx context.Context, business BusinessID) ([]Number, error) {
	rows, err := o.q.ListNumbersByBusiness(ctx, int64(business))
	if err != nil {
		return nil, fmt.Errorf("list numbers of business %d: %w", business, err)
	}
	out := make([]Number, len(rows))
	for i, row := range rows {
		out[i] = numberFromRow(row)
	}
	return out, nil
}

func numberFromRow(row dbsqlc.Number) Number {
	return Number{
		ID:                     NumberID(row.ID),
		BusinessID:             BusinessID(row.BusinessID),
		ProviderID:             ProviderID(row.ProviderID),
		E164:                   row.E164,
		Mode:                   NumberMode(row.Mode),
		ForwardTo:              row.ForwardTo,
		RingSeconds:            int(row.RingSeconds),
		AnswerCheck:            provider.AnswerCheck(row.AnswerCheck),
		ProviderConfirmsOptOut: row.ProviderConfirmsOptOut,
		WebhookToken:           row.WebhookToken.String,
		WebhookSecret:          row.WebhookSecret,
		CreatedAt:              row.CreatedAt.UTC(),
		UpdatedAt:              row.UpdatedAt.UTC(),
	}
}

// GetNumberByWebhookToken returns the number a PBX reports calls for under token, or an error
// wrapping ErrNotFound.
func (o ops) GetNumberByWebhookToken(ctx context.Context, token string) (Number, error) {
	row, err := o.q.GetNumberByWebhookToken(ctx, nullString(token))
	if err != nil {
		return Number{}, notFound(err, "get number by webhook token")
	}
	return numberFromRow(row), nil
}
