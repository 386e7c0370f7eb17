package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// APIKeyID is a row of api_keys.
type APIKeyID int64

// APIKey is a key to the REST API. Only the SHA-256 of the key is stored, so a lost key cannot
// be shown again, only revoked and replaced.
type APIKey struct {
	ID APIKeyID
	// BusinessID is the business the key reaches; 0 for an agency key.
	BusinessID BusinessID
	// AgencyID is the agency whose businesses the key reaches; 0 for a business key. It refers
	// to the agencies table without a foreign key.
	AgencyID int64
	Name     string
	// Prefix is the first characters of the key, which identify it in listings and logs.
	Prefix string
	// SecretHash is the hex SHA-256 of the whole key.
	SecretHash string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
	// BusinessSlug is filled by ListAPIKeys only.
	BusinessSlug string
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// NewAPIKey describes a key to store. Exactly one of BusinessID and AgencyID is set.
type NewAPIKey struct {
	BusinessID BusinessID
	AgencyID   int64
	Name       string
	Prefix     string
	SecretHash string
}

// InsertAPIKey stores a key.
func (o ops) InsertAPIKey(ctx context.Context, k NewAPIKey) (APIKey, error) {
	if (k.BusinessID == 0) == (k.AgencyID == 0) {
		return APIKey{}, fmt.Errorf("insert api key %s: set exactly one of business and agency", k.Prefix)
	}
	row, err := o.q.InsertAPIKey(ctx, dbsqlc.InsertAPIKeyParams{
		BusinessID: nullInt(int64(k.BusinessID)), AgencyID: nullInt(k.AgencyID), Name: k.Name,
		Prefix: k.Prefix, SecretHash: k.SecretHash, CreatedAt: o.Now(),
	})
	if err != nil {
		return APIKey{}, fmt.Errorf("insert api key %s: %w", k.Prefix, err)
	}
	return apiKeyFromRow(row), nil
}

// GetAPIKeyByHash returns the key whose SHA-256 is hash, revoked or not, or an error wrapping
// ErrNotFound.
func (o ops) GetAPIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	row, err := o.q.GetAPIKeyByHash(ctx, hash)
	if err != nil {
		return APIKey{}, notFound(err, "get api key by hash")
	}
	return apiKeyFromRow(row), nil
}

// ListAPIKeys returns every key, revoked ones included, oldest first.
func (o ops) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := o.q.ListAPIKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	out := make([]APIKey, len(rows))
	for i, r := range rows {
		out[i] = apiKeyFromRow(dbsqlc.ApiKey{
			ID: r.ID, BusinessID: r.BusinessID, AgencyID: r.AgencyID, Name: r.Name, Prefix: r.Prefix,
			SecretHash: r.SecretHash, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt,
		})
		out[i].BusinessSlug = r.BusinessSlug
	}
	return out, nil
}

// RevokeAPIKey revokes the key with prefix and reports whether it was live.
func (o ops) RevokeAPIKey(ctx context.Context, prefix string) (bool, error) {
	n, err := o.q.RevokeAPIKey(ctx, dbsqlc.RevokeAPIKeyParams{Prefix: prefix, RevokedAt: nullTime(o.Now())})
	if err != nil {
		return false, fmt.Errorf("revoke api key %s: %w", prefix, err)
	}
	return n == 1, nil
}

// TouchAPIKey records that the key was used now, unless it was recorded less than every ago.
func (o ops) TouchAPIKey(ctx context.Context, id APIKeyID, every time.Duration) error {
	now := o.Now()
	err := o.q.TouchAPIKey(ctx, dbsqlc.TouchAPIKeyParams{
		ID: int64(id), Now: nullTime(now), StaleBefore: nullTime(now.Add(-every)),
	})
	if err != nil {
		return fmt.Errorf("record use of api key %d: %w", id, err)
	}
	return nil
}

func apiKeyFromRow(r dbsqlc.ApiKey) APIKey {
	return APIKey{
		ID: APIKeyID(r.ID), BusinessID: BusinessID(r.BusinessID.Int64), AgencyID: r.AgencyID.Int64, Name: r.Name,
		Prefix: r.Prefix, SecretHash: r.SecretHash, CreatedAt: r.CreatedAt.UTC(), LastUsedAt: timeOf(r.LastUsedAt),
		RevokedAt: timeOf(r.RevokedAt),
	}
}
