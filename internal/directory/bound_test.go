package directory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
)

// unknownSource knows no number.
type unknownSource struct{ reads int }

func (s *unknownSource) GetNumberByE164(context.Context, string) (store.Number, error) {
	s.reads++
	return store.Number{}, store.ErrNotFound
}
func (s *unknownSource) GetNumber(context.Context, store.NumberID) (store.Number, error) {
	return store.Number{}, store.ErrNotFound
}
func (s *unknownSource) GetBusiness(context.Context, store.BusinessID) (store.Business, error) {
	return store.Business{}, store.ErrNotFound
}
func (s *unknownSource) GetProvider(context.Context, store.ProviderID) (store.Provider, error) {
	return store.Provider{}, store.ErrNotFound
}
func (s *unknownSource) ListProvidersByAccountSID(context.Context, string) ([]store.Provider, error) {
	return nil, nil
}

// Lookups of ever new unknown numbers never keep more than the bound, expired entries go first,
// and a cleared cache still answers from the source.
func TestEntriesBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
	d := New(func() time.Time { return now })
	d.maxEntries = 10
	src := &unknownSource{}
	for i := range 95 {
		if _, err := d.NumberByE164(ctx, src, fmt.Sprintf("+1312555%04d", i)); err == nil {
			t.Fatal("unknown number found")
		}
		if len(d.entries) > d.maxEntries {
			t.Fatalf("%d entries after %d lookups, want at most %d", len(d.entries), i+1, d.maxEntries)
		}
	}
	if src.reads != 95 {
		t.Errorf("%d reads of the source, want one per new number (95)", src.reads)
	}

	d.entries = map[key]entry{}
	for i := range 5 {
		_, _ = d.NumberByE164(ctx, src, fmt.Sprintf("+1312666%04d", i))
	}
	now = now.Add(MaxAge)
	for i := range 6 {
		_, _ = d.NumberByE164(ctx, src, fmt.Sprintf("+1312777%04d", i))
	}
	if n := len(d.entries); n != 6 {
		t.Errorf("%d entries, want the 6 fresh ones after the 5 expired were dropped", n)
	}
}
