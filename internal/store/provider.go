package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store/dbsqlc"
)

// Provider is a stored provider account.
type Provider struct {
	ID         ProviderID
	Name       string
	Kind       provider.Kind
	AccountSID string
	AuthToken  string
	APIBaseURL string
	// PublicKey verifies webhooks of providers that sign with a key pair (Telnyx's Ed25519).
	PublicKey string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Account returns the provider in the form adapters take.
func (p Provider) Account() provider.Account {
	return provider.Account{
		ID:         int64(p.ID),
		Name:       p.Name,
		Kind:       p.Kind,
		AccountSID: p.AccountSID,
		AuthToken:  p.AuthToken,
		APIBaseURL: p.APIBaseURL,
		PublicKey:  p.PublicKey,
	}
}

// UpsertProvider creates the provider with p's name or updates it.
func (o ops) UpsertProvider(ctx context.Context, p Provider) (Provider, error) {
	row, err := o.q.UpsertProvider(ctx, dbsqlc.UpsertProviderParams{
		Name:       p.Name,
		Kind:       string(p.Kind),
		AccountSid: p.AccountSID,
		AuthToken:  p.AuthToken,
		ApiBaseUrl: p.APIBaseURL,
		PublicKey:  p.PublicKey,
		CreatedAt:  o.Now(),
	})
	if err != nil {
		return Provider{}, fmt.Errorf("upsert provider %s: %w", p.Name, err)
	}
	return providerFromRow(row), nil
}

// GetProvider returns the provider with id, or an error wrapping ErrNotFound.
func (o ops) GetProvider(ctx context.Context, id ProviderID) (Provider, error) {
	row, err := o.q.GetProvider(ctx, int64(id))
	if err != nil {
		return Provider{}, notFound(err, "get provider %d", id)
	}
	return providerFromRow(row), nil
}

// GetProviderByName returns the provider named name, or an error wrapping ErrNotFound.
func (o ops) GetProviderByName(ctx context.Context, name string) (Provider, error) {
	row, err := o.q.GetProviderByName(ctx, name)
	if err != nil {
		return Provider{}, notFound(err, "get provider %q", name)
	}
	return providerFromRow(row), nil
}

// ListProvidersByAccountSID returns the providers configured with accountSID, of any kind.
func (o ops) ListProvidersByAccountSID(ctx context.Context, accountSID string) ([]Provider, error) {
	rows, err := o.q.ListProvidersByAccountSID(ctx, accountSID)
	if err != nil {
		return nil, fmt.Errorf("list providers for account %s: %w", accountSID, err)
	}
	out := make([]Provider, len(rows))
	for i, row := range rows {
		out[i] = providerFromRow(row)
	}
	return out, nil
}

// ListProviders returns every provider ordered by name.
func (o ops) ListProviders(ctx context.Context) ([]Provider, error) {
	rows, err := o.q.ListProviders(ctx)
	if err != nil {
		return nil, fmt.Errorf("list providers: %w", err)
	}
	out := make([]Provider, len(rows))
	for i, row := range rows {
		out[i] = providerFromRow(row)
	}
	return out, nil
}

func providerFromRow(row dbsqlc.Provider) Provider {
	return Provider{
		ID:         ProviderID(row.ID),
		Name:       row.Name,
		Kind:       provider.Kind(row.Kind),
		AccountSID: row.AccountSid,
		AuthToken:  row.AuthToken,
		APIBaseURL: row.ApiBaseUrl,
		PublicKey:  row.PublicKey,
		CreatedAt:  row.CreatedAt.UTC(),
		UpdatedAt:  row.UpdatedAt.UTC(),
	}
}
