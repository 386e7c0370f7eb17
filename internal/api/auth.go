package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/textback/textback/internal/apikey"
	"github.com/textback/textback/internal/store"
)

// touchEvery is how often a key's last use is written: often enough to tell a key in use from
// an abandoned one, rarely enough that requests do not each write.
const touchEvery = time.Minute

type contextKey int

const (
	businessKey contextKey = iota
	apiKeyKey
)

// businessOf returns the business of the request's key, or 0 before authentication.
func businessOf(ctx context.Context) store.BusinessID {
	id, _ := ctx.Value(businessKey).(store.BusinessID)
	return id
}

// keyOf returns the request's key.
func keyOf(ctx context.Context) store.APIKey {
	k, _ := ctx.Value(apiKeyKey).(store.APIKey)
	return k
}

// authenticate accepts requests with a live key in "Authorization: Bearer <key>" and puts the
// key and its business in the request's context. Every other request gets 401, with the same
// message whether the key is missing, malformed, unknown or revoked.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := bearer(r.Header.Get("Authorization"))
		if !ok || !apikey.WellFormed(secret) {
			unauthorized(w)
			return
		}
		key, err := a.store.GetAPIKeyByHash(r.Context(), apikey.Hash(secret))
		if errors.Is(err, store.ErrNotFound) || (err == nil && key.Revoked()) {
			unauthorized(w)
			return
		}
		if err != nil {
			a.internalError(w, r, err)
			return
		}
		if key.BusinessID == 0 {
			// NOTE: an agency key reaches every business whose agency_id matches its own, but
			// requests cannot yet name one of those businesses, so such keys are rejected.
			writeError(w, http.StatusForbidden, codeForbidden,
				"agency keys cannot call the API yet: create a key for the business with textback apikey create")
			return
		}
		if !a.limits.allow(key.ID) {
			w.Header().Set("Retry-After", strconv.Itoa(a.limits.retryAfterSeconds()))
			writeError(w, http.StatusTooManyRequests, codeRateLimited, "too many requests with this key: retry after the time in Retry-After")
			return
		}
		if err := a.store.TouchAPIKey(r.Context(), key.ID, touchEvery); err != nil {
			a.log.Warn("record api key use failed", slog.String("key", key.Prefix), slog.String("error", err.Error()))
		}
		ctx := context.WithValue(r.Context(), businessKey, key.BusinessID)
		ctx = context.WithValue(ctx, apiKeyKey, key)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="textback"`)
	writeError(w, http.StatusUnauthorized, codeUnauthorized,
		"missing, invalid or revoked API key: send Authorization: Bearer <key> with a key from textback apikey create")
}

// RateLimit is how many requests one key may make: Rate per second on average, in bursts of up
// to Burst.
type RateLimit struct {
	Rate  float64
	Burst int
}

// DefaultRateLimit allows a CRM to sync steadily and to page through a business quickly, and
// keeps one runaway client from taking the database from the webhooks that must not wait.
var DefaultRateLimit = RateLimit{Rate: 10, Burst: 50}

// keyLimits keeps a token bucket per key. Keys are few (a handful per business), so the map is
// never pruned.
type keyLimits struct {
	limit RateLimit
	mu    sync.Mutex
	keys  map[store.APIKeyID]*rate.Limiter
}

func newKeyLimits(limit RateLimit) *keyLimits {
	return &keyLimits{limit: limit, keys: map[store.APIKeyID]*rate.Limiter{}}
}

func (l *keyLimits) allow(id store.APIKeyID) bool {
	l.mu.Lock()
	limiter, ok := l.keys[id]
	if !ok {
		limiter = rate.NewLimiter(rate.Limit(l.limit.Rate), l.limit.Burst)
		l.keys[id] = limiter
	}
	l.mu.Unlock()
	return limiter.Allow()
}

// retryAfterSeconds is the time one token takes to come back, rounded up to whole seconds.
func (l *keyLimits) retryAfterSeconds() int {
	if l.limit.Rate >= 1 {
		return 1
	}
	return int(1/l.limit.Rate + 0.999)
}
