// Package directory caches the settings every webhook and every text needs: numbers, their
// businesses, and provider accounts. Settings change rarely and are read on every request, so
// reading them from memory keeps the database free for calls and texts.
//
// The cache is dropped whole when a settings change is broadcast, and each entry also expires
// after MaxAge, which bounds staleness should a broadcast be lost. Unknown numbers and accounts
// are cached too, so that traffic to an unconfigured number does not reach the database each time.
package directory

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/textback/textback/internal/store"
)

// MaxAge is the longest an entry is served without being read again.
const MaxAge = 5 * time.Minute

// MaxEntries bounds the entries kept. Unknown numbers and accounts are cached too, so webhooks
// naming ever new ones, as a flood of forged requests does, would otherwise grow the cache without
// end. Past the bound, expired entries are dropped, and if none has expired, all are.
const MaxEntries = 100_000

// Source reads settings. Both *store.Store and *store.Tx are sources; code inside a transaction
// must pass its Tx, because on SQLite the transaction holds the only connection.
type Source interface {
	GetNumberByE164(ctx context.Context, e164 string) (store.Number, error)
	GetNumber(ctx context.Context, id store.NumberID) (store.Number, error)
	GetBusiness(ctx context.Context, id store.BusinessID) (store.Business, error)
	GetProvider(ctx context.Context, id store.ProviderID) (store.Provider, error)
	ListProvidersByAccountSID(ctx context.Context, accountSID string) ([]store.Provider, error)
}

// Directory is the cache. The zero value is not usable; call New.
type Directory struct {
	clock      func() time.Time
	maxEntries int

	mu         sync.Mutex
	generation uint64
	entries    map[key]entry
}

type key struct {
	kind string
	id   string
}

type entry struct {
	value   any
	err     error
	expires time.Time
}

// New returns an empty directory.
func New(clock func() time.Time) *Directory {
	if clock == nil {
		clock = time.Now
	}
	return &Directory{clock: clock, maxEntries: MaxEntries, entries: map[key]entry{}}
}

// Invalidate drops every entry. Loads that started before it do not store their results.
func (d *Directory) Invalidate() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.generation++
	d.entries = map[key]entry{}
}

// NumberByE164 returns the number, or an error wrapping store.ErrNotFound.
func (d *Directory) NumberByE164(ctx context.Context, src Source, e164 string) (store.Number, error) {
	return get(d, key{"number-e164", e164}, func() (store.Number, error) { return src.GetNumberByE164(ctx, e164) })
}

// Number returns the number with id.
func (d *Directory) Number(ctx context.Context, src Source, id store.NumberID) (store.Number, error) {
	return get(d, key{"number", itoa(int64(id))}, func() (store.Number, error) { return src.GetNumber(ctx, id) })
}

// Business returns the business with id.
func (d *Directory) Business(ctx context.Context, src Source, id store.BusinessID) (store.Business, error) {
	return get(d, key{"business", itoa(int64(id))}, func() (store.Business, error) { return src.GetBusiness(ctx, id) })
}

// Provider returns the provider account with id.
func (d *Directory) Provider(ctx context.Context, src Source, id store.ProviderID) (store.Provider, error) {
	return get(d, key{"provider", itoa(int64(id))}, func() (store.Provider, error) { return src.GetProvider(ctx, id) })
}

// Accounts returns the provider accounts with accountSID.
func (d *Directory) Accounts(ctx context.Context, src Source, accountSID string) ([]store.Provider, error) {
	return get(d, key{"accounts", accountSID}, func() ([]store.Provider, error) {
		return src.ListProvidersByAccountSID(ctx, accountSID)
	})
}

// Route returns the number with e164 and its business.
func (d *Directory) Route(ctx context.Context, src Source, e164 string) (store.Number, store.Business, error) {
	n, err := d.NumberByE164(ctx, src, e164)
	if err != nil {
		return store.Number{}, store.Business{}, err
	}
	b, err := d.Business(ctx, src, n.BusinessID)
	return n, b, err
}

// get returns the cached value of k, loading it when missing or expired. Only results and
// not-found errors are cached; other errors are returned and retried on the next call.
func get[T any](d *Directory, k key, load func() (T, error)) (T, error) {
	now := d.clock()
	d.mu.Lock()
	e, ok := d.entries[k]
	generation := d.generation
	d.mu.Unlock()
	if ok && now.Before(e.expires) {
		if e.err != nil {
			var zero T
			return zero, e.err
		}
		return e.value.(T), nil
	}
	v, err := load()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	d.mu.Lock()
	if d.generation == generation {
		if _, ok := d.entries[k]; !ok && len(d.entries) >= d.maxEntries {
			d.dropExpired(now)
		}
		d.entries[k] = entry{value: v, err: err, expires: now.Add(MaxAge)}
	}
	d.mu.Unlock()
	return v, err
}

// dropExpired removes the entries expired at now, or every entry when none has. Called with mu
// held.
func (d *Directory) dropExpired(now time.Time) {
	for k, e := range d.entries {
		if !now.Before(e.expires) {
			delete(d.entries, k)
		}
	}
	if len(d.entries) >= d.maxEntries {
		clear(d.entries)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
