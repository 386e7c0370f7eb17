// Package server is textback's HTTP surface. Routes lists every endpoint with the
// authentication it requires.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/textback/textback/internal/ratelimit"
)

// Handlers are the parts the routes dispatch to.
type Handlers struct {
	Webhooks http.Handler
	// API serves /api/v1/; nil leaves the API out.
	API http.Handler
	// Metrics serves /metrics in Prometheus's format, checking its own token; nil leaves it out.
	Metrics http.Handler
	// Ready reports whether the process can take traffic; /healthz answers 503 until it does.
	Ready func(ctx context.Context) error
	// Feed serves each calendar's iCalendar feed at /calendars/<feed token>.ics. A nil Feed
	// leaves the route out.
	Feed http.Handler
	// Booking serves the public booking pages.
	Booking BookingHandlers
	// Dashboard serves /login, /logout and /dashboard/; nil serves none of them.
	Dashboard http.Handler
	// Health limits health checks per client address, because each one reads the database.
	// Nil sets no limit.
	Health *ratelimit.Limiter
}

// BookingHandlers serve the booking pages at /book/<business slug>. A nil handler leaves its
// route out.
type BookingHandlers struct {
	// Page shows the form with the business's free slots.
	Page http.Handler
	// Submit books the slot that the form names.
	Submit http.Handler
	// Assets serves the pages' stylesheet under /book/assets/.
	Assets http.Handler
}

// contentSecurityPolicy lets pages load styles from textback itself and nothing else: no
// scripts, images, frames or fonts, and forms post only back to textback.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// Routes returns the server's handler.
func Routes(h Handlers, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	// Provider webhooks: authenticated by the provider's signature.
	mux.Handle("POST /webhooks/{provider}/{route...}", h.Webhooks)
	// PBX call reports: the token names a business number, and that number's webhook secret
	// authenticates the report, by an X-Textback-Signature HMAC or an Authorization bearer token.
	mux.Handle("POST /webhooks/pbx/{route}", withPathValue("provider", "pbx", h.Webhooks))
	// REST API: an API key per request, checked by the API itself; its OpenAPI document is public.
	if h.API != nil {
		mux.Handle("/api/v1/", h.API)
	}
	// Metrics: a bearer token when --metrics-token is set, else only on a loopback address.
	if h.Metrics != nil {
		mux.Handle("GET /metrics", h.Metrics)
	}
	// Health: public, reveals nothing.
	mux.HandleFunc("GET /healthz", health(h.Ready, h.Health))
	mux.HandleFunc("GET /{$}", index)
	// Calendar feeds: public, and the feed token in the path is the only credential.
	handleIf(mux, "GET /calendars/{file}", h.Feed)
	// Booking pages: public. Submit rejects cross-origin browser requests and forms without the
	// page's token, limits the size of the form, and rate-limits by client address and by phone
	// number.
	handleIf(mux, "GET /book/{business}", h.Booking.Page)
	handleIf(mux, "POST /book/{business}", h.Booking.Submit)
	handleIf(mux, "GET /book/assets/{file}", h.Booking.Assets)
	if h.Dashboard != nil {
		// Dashboard: user sessions; each route checks its own membership and CSRF token.
		mux.Handle("/dashboard/", h.Dashboard)
		mux.Handle("/login", h.Dashboard)
		mux.Handle("/logout", h.Dashboard)
	}
	return recoverPanics(securityHeaders(mux), log)
}

// handleIf registers handler for pattern unless it is nil.
func handleIf(mux *http.ServeMux, pattern string, handler http.Handler) {
	if handler != nil {
		mux.Handle(pattern, handler)
	}
}

// withPathValue sets the path wildcard name to value before next runs, so that a route with a
// fixed segment reaches a handler that reads the wildcard.
func withPathValue(name, value string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.SetPathValue(name, value)
		next.ServeHTTP(w, r)
	})
}

func health(ready func(context.Context) error, limit *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if limit != nil && !limit.Allow(ratelimit.ClientAddress(r)) {
			w.Header().Set("Retry-After", strconv.Itoa(limit.RetryAfter()))
			http.Error(w, "too many health checks from this address, retry later", http.StatusTooManyRequests)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintln(w, "ok")
	}
}

func index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintln(w, "textback is running. Point your provider's webhooks at /webhooks/twilio/voice; see the README.")
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

// recoverPanics answers 500 for a handler that panicked and logs the stack, so one bad request
// never takes the process down.
func recoverPanics(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("request handler panicked", slog.String("path", r.URL.Path),
					slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Server is an HTTP server that starts in the background and stops gracefully.
type Server struct {
	srv     *http.Server
	addr    string
	log     *slog.Logger
	stopped atomic.Bool
	done    chan error
	// ln is the listener Start serves on once it is open or adopted; started is set by Start.
	ln      net.Listener
	started bool
}

// New returns a server for handler on addr.
func New(addr string, handler http.Handler, log *slog.Logger) *Server {
	return &Server{
		srv: &http.Server{
			Addr:              addr,
			Handler:           handler,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    32 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		log:  log,
		done: make(chan error, 1),
	}
}
