package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestAPIKeyLifecycle(t *testing.T) {
	start := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	storetest.EachWithClock(t, start, func(t *testing.T, s *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		k, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: b.ID, Name: "crm", Prefix: "tbk_aaaa2222", SecretHash: "h1"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetAPIKeyByHash(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != k.ID || got.BusinessID != b.ID || got.Revoked() || !got.LastUsedAt.IsZero() {
			t.Errorf("key read back as %+v", got)
		}
		if _, err := s.GetAPIKeyByHash(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown hash gave %v, want ErrNotFound", err)
		}

		if err := s.TouchAPIKey(ctx, k.ID, time.Minute); err != nil {
			t.Fatal(err)
		}
		clock.Advance(30 * time.Second)
		if err := s.TouchAPIKey(ctx, k.ID, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAPIKeyByHash(ctx, "h1")
		if !got.LastUsedAt.Equal(start) {
			t.Errorf("last used = %v, want %v: a use within a minute must not be written", got.LastUsedAt, start)
		}
		clock.Advance(time.Minute)
		if err := s.TouchAPIKey(ctx, k.ID, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAPIKeyByHash(ctx, "h1")
		if !got.LastUsedAt.Equal(start.Add(90 * time.Second)) {
			t.Errorf("last used = %v, want %v", got.LastUsedAt, start.Add(90*time.Second))
		}

		keys, err := s.ListAPIKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || keys[0].BusinessSlug != b.Slug {
			t.Errorf("list = %+v, want one key of %s", keys, b.Slug)
		}
		if ok, err := s.RevokeAPIKey(ctx, "tbk_aaaa2222"); err != nil || !ok {
			t.Fatalf("revoke = %v, %v; want true", ok, err)
		}
		if ok, err := s.RevokeAPIKey(ctx, "tbk_aaaa2222"); err != nil || ok {
			t.Errorf("second revoke = %v, %v; want false", ok, err)
		}
		got, _ = s.GetAPIKeyByHash(ctx, "h1")
		if !got.Revoked() {
			t.Error("revoked key reads as live")
		}
	})
}

func TestAPIKeyScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, b, _ := seed(t, s)
		if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{Prefix: "tbk_bbbb2222", SecretHash: "h"}); err == nil {
			t.Error("key without business or agency was stored")
		}
		if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: b.ID, AgencyID: 7, Prefix: "tbk_bbbb3333", SecretHash: "h"}); err == nil {
			t.Error("key with both business and agency was stored")
		}
		agency, err := s.InsertAPIKey(ctx, store.NewAPIKey{AgencyID: 7, Prefix: "tbk_cccc2222", SecretHash: "a"})
		if err != nil {
			t.Fatalf("agency key without an agencies table: %v", err)
		}
		if agency.AgencyID != 7 || agency.BusinessID != 0 {
			t.Errorf("agency key stored as %+v", agency)
		}
		if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{BusinessID: b.ID, Prefix: "tbk_cccc2222", SecretHash: "b"}); err == nil {
			t.Error("second key with the same prefix was stored")
		}
	})
}
