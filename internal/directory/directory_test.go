package directory_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/store"
)

// countingSource serves one number and counts reads.
type countingSource struct {
	reads  atomic.Int64
	number store.Number
}

func (c *countingSource) GetNumberByE164(_ context.Context, e164 string) (store.Number, error) {
	c.reads.Add(1)
	if e164 != c.number.E164 {
		return store.Number{}, store.ErrNotFound
	}
	return c.number, nil
}

func (c *countingSource) GetNumber(context.Context, store.NumberID) (store.Number, error) {
	c.reads.Add(1)
	return c.number, nil
}

func (c *countingSource) GetBusiness(_ context.Context, id store.BusinessID) (store.Business, error) {
	c.reads.Add(1)
	return store.Business{ID: id, Slug: "acme"}, nil
}

func (c *countingSource) GetProvider(context.Context, store.ProviderID) (store.Provider, error) {
	c.reads.Add(1)
	return store.Provider{}, errors.New("database unreachable")
}

func (c *countingSource) ListProvidersByAccountSID(context.Context, string) ([]store.Provider, error) {
	c.reads.Add(1)
	return nil, nil
}

func TestCachesUntilInvalidated(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{number: store.Number{ID: 1, BusinessID: 7, E164: "+13125550199"}}
	d := directory.New(nil)
	for range 3 {
		n, b, err := d.Route(ctx, src, "+13125550199")
		if err != nil || n.ID != 1 || b.ID != 7 {
			t.Fatalf("route = %+v, %+v, %v", n, b, err)
		}
	}
	if got := src.reads.Load(); got != 2 {
		t.Errorf("three routes read the source %d times, want 2 (number and business once)", got)
	}
	d.Invalidate()
	if _, _, err := d.Route(ctx, src, "+13125550199"); err != nil {
		t.Fatal(err)
	}
	if got := src.reads.Load(); got != 4 {
		t.Errorf("route after invalidation read %d times in all, want 4", got)
	}
}

func TestCachesNotFound(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{}
	d := directory.New(nil)
	for range 3 {
		if _, err := d.NumberByE164(ctx, src, "+19999999999"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown number gave %v, want ErrNotFound", err)
		}
	}
	if got := src.reads.Load(); got != 1 {
		t.Errorf("unknown number read %d times, want 1", got)
	}
}

func TestDoesNotCacheFailures(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{}
	d := directory.New(nil)
	for range 2 {
		if _, err := d.Provider(ctx, src, 1); err == nil {
			t.Fatal("failing source gave no error")
		}
	}
	if got := src.reads.Load(); got != 2 {
		t.Errorf("failing read tried %d times, want 2 (no caching of errors)", got)
	}
}

func TestEntriesExpire(t *testing.T) {
	ctx := context.Background()
	src := &countingSource{number: store.Number{ID: 1, E164: "+13125550199"}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := directory.New(func() time.Time { return now })
	_, _ = d.NumberByE164(ctx, src, "+13125550199")
	now = now.Add(directory.MaxAge + time.Second)
	_, _ = d.NumberByE164(ctx, src, "+13125550199")
	if got := src.reads.Load(); got != 2 {
		t.Errorf("expired entry read %d times, want 2", got)
	}
}
