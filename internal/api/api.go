// Package api is textback's JSON REST API under /api/v1, for CRMs and other systems of a
// business.
//
// Every request carries an API key ("Authorization: Bearer tbk_..."), and the key decides the
// business: every query names that business, so an id of another business gets a 404 response exactly
// like an id that does not exist. Errors are JSON objects with a stable code and a message.
// Bodies are JSON, limited in size, with unknown fields rejected. Each key has its own rate limit.
//
// The OpenAPI document at /api/v1/openapi.json describes every operation; a test sends a request
// to each and checks requests and responses against it.
//
// NOTE: rate limits are kept per process, so with several instances behind a load balancer a key
// may make that many requests to each.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// Body size limits. JSON for a text or a contact is a few hundred bytes; settings with a long
// keyword list and follow-ups stay well under 64 KiB.
const (
	maxBody         = 16 << 10
	maxSettingsBody = 256 << 10
)

// Texts queues outbound texts; *outbound.Sender is one.
type Texts interface {
	Queue(ctx context.Context, tx *store.Tx, req outbound.Request) (store.Message, error)
}

// Bookings cancels bookings; *booking.Service is one.
type Bookings interface {
	Cancel(ctx context.Context, business store.BusinessID, id store.BookingID) (store.Booking, bool, error)
}

// Options configures New.
type Options struct {
	Store    *store.Store
	Texts    Texts
	Bookings Bookings
	// HookPolicy decides which webhook URLs a business may register.
	HookPolicy hooks.URLPolicy
	Logger     *slog.Logger
	Clock      func() time.Time // defaults to time.Now
	// RateLimit is the limit of each key; DefaultRateLimit when zero.
	RateLimit RateLimit
}

// API serves /api/v1.
type API struct {
	store    *store.Store
	texts    Texts
	bookings Bookings
	// hookPolicy decides which webhook URLs a business may register.
	hookPolicy hooks.URLPolicy
	log        *slog.Logger
	clock      func() time.Time
	limits     *keyLimits
}

// New returns the API.
func New(opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.RateLimit == (RateLimit{}) {
		opts.RateLimit = DefaultRateLimit
	}
	return &API{store: opts.Store, texts: opts.Texts, bookings: opts.Bookings, hookPolicy: opts.HookPolicy, log: opts.Logger, clock: opts.Clock, limits: newKeyLimits(opts.RateLimit)}
}

// Handler returns the handler of every path under /api/v1/.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	public := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, h) }
	// Every other route needs an API key, which names the business the request reaches.
	keyed := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, a.authenticate(h)) }

	public("GET /api/v1/openapi.json", serveOpenAPI)

	keyed("GET /api/v1/contacts", a.listContacts)
	keyed("GET /api/v1/contacts/{id}", a.getContact)
	keyed("PATCH /api/v1/contacts/{id}", a.updateContact)
	keyed("GET /api/v1/conversations", a.listConversations)
	keyed("GET /api/v1/conversations/{id}", a.getConversation)
	keyed("GET /api/v1/messages", a.listMessages)
	keyed("POST /api/v1/messages", a.sendMessage)
	keyed("GET /api/v1/messages/{id}", a.getMessage)
	keyed("GET /api/v1/calls", a.listCalls)
	keyed("GET /api/v1/calls/{id}", a.getCall)
	keyed("GET /api/v1/tasks", a.listTasks)
	keyed("POST /api/v1/tasks/{id}/done", a.completeTask)
	keyed("GET /api/v1/bookings", a.listBookings)
	keyed("GET /api/v1/bookings/{id}", a.getBooking)
	keyed("POST /api/v1/bookings/{id}/cancel", a.cancelBooking)
	keyed("GET /api/v1/settings", a.getSettings)
	keyed("PUT /api/v1/settings", a.updateSettings)
	keyed("GET /api/v1/webhooks", a.listWebhooks)
	keyed("POST /api/v1/webhooks", a.createWebhook)
	keyed("GET /api/v1/webhooks/{id}", a.getWebhook)
	keyed("DELETE /api/v1/webhooks/{id}", a.deleteWebhook)
	keyed("GET /api/v1/webhooks/{id}/deliveries", a.listWebhookDeliveries)

	// Paths above with another method get a JSON 405 here, and unknown paths a JSON 404.
	for _, path := range []string{
		"/api/v1/openapi.json", "/api/v1/contacts", "/api/v1/contacts/{id}", "/api/v1/conversations",
		"/api/v1/conversations/{id}", "/api/v1/messages", "/api/v1/messages/{id}", "/api/v1/calls",
		"/api/v1/calls/{id}", "/api/v1/tasks", "/api/v1/tasks/{id}/done", "/api/v1/bookings", "/api/v1/bookings/{id}",
		"/api/v1/bookings/{id}/cancel", "/api/v1/settings", "/api/v1/webhooks", "/api/v1/webhooks/{id}",
		"/api/v1/webhooks/{id}/deliveries",
	} {
		mux.HandleFunc(path, methodNotAllowed)
	}
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeNotFound, "no such API path: see /api/v1/openapi.json")
	})
	return mux
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed,
		r.Method+" is not allowed on "+r.URL.Path+": see /api/v1/openapi.json")
}
