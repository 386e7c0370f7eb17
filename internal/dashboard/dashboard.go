// Package dashboard serves the web dashboard of textback: the inbox with live updates and manual
// replies, contacts, the call log with each call's decision record, the details of every
// automated text, settings, analytics and the delivery log. Pages are rendered on the server with
// html/template; a small embedded script adds live refresh and segment counts, and every page
// works without it.
//
// Every page of a business reads and writes through a store.Scope, so a user sees only the
// businesses their memberships give them, and an id from another business is a 404.
package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/conversation"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// Options configures New.
type Options struct {
	Store *store.Store
	Auth  *auth.Service
	// Sender queues manual replies through the outbound path, and Conversation pauses automation
	// after them. Without them replies are rejected.
	Sender       *outbound.Sender
	Conversation *conversation.Engine
	// Drafts sends the AI replies a person approves; nil rejects approvals.
	Drafts DraftApprover
	// SettingsChanged runs after a business's settings are saved, in the saving transaction, so
	// that caches on every instance are dropped; nil does nothing.
	SettingsChanged func(ctx context.Context, tx *store.Tx, business store.Business) error
	Clock           func() time.Time
	Logger          *slog.Logger
}

// Dashboard is the dashboard's HTTP handler. It is safe for concurrent use.
type Dashboard struct {
	store           *store.Store
	auth            *auth.Service
	sender          *outbound.Sender
	conv            *conversation.Engine
	drafts          DraftApprover
	settingsChanged func(ctx context.Context, tx *store.Tx, business store.Business) error
	clock           func() time.Time
	log             *slog.Logger
	views           *views
	hub             *hub
	mux             *http.ServeMux
	static          http.Handler
	stopOnce        sync.Once
}

// New returns a dashboard. Call Stop before stopping the HTTP server, so that open event streams
// end.
func New(opts Options) (*Dashboard, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	d := &Dashboard{
		store: opts.Store, auth: opts.Auth, sender: opts.Sender, conv: opts.Conversation, drafts: opts.Drafts,
		settingsChanged: opts.SettingsChanged, clock: opts.Clock, log: opts.Logger, views: v, hub: newHub(),
	}
	d.mux = d.routes()
	d.static = staticFiles()
	return d, nil
}

// ServeHTTP serves /login, /logout and everything under /dashboard/.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setHeaders(w)
	// The stylesheet and script sit under a path no slug can take (slugs have no underscore). They
	// are served before the route table, whose {slug} patterns would overlap a fixed segment.
	if strings.HasPrefix(r.URL.Path, staticPrefix) {
		d.static.ServeHTTP(w, r)
		return
	}
	d.mux.ServeHTTP(w, r)
}

// Notify takes a broadcast of store.ActivityTopic: its payload is the id of the business whose
// calls or texts changed, or "" when messages may have been missed.
func (d *Dashboard) Notify(payload string) { d.hub.notify(payload) }

// Stop ends every open event stream. It is safe to call twice.
func (d *Dashboard) Stop() { d.stopOnce.Do(d.hub.close) }

// routes lists every route with what it requires: "user" needs a session, "scope" a membership
// of the business in the path, "owner" a role that may edit settings; every POST checks the
// session's CSRF token.
func (d *Dashboard) routes() *http.ServeMux {
	mux := http.NewServeMux()
	// Public.
	mux.HandleFunc("GET /login", d.loginPage)
	mux.HandleFunc("POST /login", d.login)
	// user
	mux.Handle("POST /logout", d.user(d.logout))
	mux.Handle("GET /dashboard/{$}", d.user(d.home))
	// scope
	mux.Handle("GET /dashboard/{slug}/{$}", d.scoped(d.businessHome))
	mux.Handle("GET /dashboard/{slug}/inbox", d.scoped(d.inbox))
	mux.Handle("GET /dashboard/{slug}/events", d.scoped(d.events))
	mux.Handle("GET /dashboard/{slug}/conversations/{id}", d.scoped(d.conversation))
	mux.Handle("POST /dashboard/{slug}/conversations/{id}/reply", d.scoped(d.reply))
	mux.Handle("POST /dashboard/{slug}/conversations/{id}/assign", d.scoped(d.assign))
	mux.Handle("GET /dashboard/{slug}/contacts/{id}", d.scoped(d.contact))
	mux.Handle("GET /dashboard/{slug}/calls", d.scoped(d.calls))
	mux.Handle("GET /dashboard/{slug}/calls/{id}", d.scoped(d.call))
	mux.Handle("GET /dashboard/{slug}/messages/{id}", d.scoped(d.message))
	mux.Handle("POST /dashboard/{slug}/drafts/{id}/approve", d.scoped(d.approveDraft))
	mux.Handle("POST /dashboard/{slug}/drafts/{id}/discard", d.scoped(d.discardDraft))
	mux.Handle("POST /dashboard/{slug}/messages/{id}/correct", d.scoped(d.correctMessage))
	mux.Handle("GET /dashboard/{slug}/tasks", d.scoped(d.tasks))
	mux.Handle("POST /dashboard/{slug}/tasks/{id}/done", d.scoped(d.taskDone))
	mux.Handle("POST /dashboard/{slug}/segments", d.scoped(d.segments))
	mux.Handle("GET /dashboard/{slug}/analytics", d.scoped(d.analytics))
	mux.Handle("GET /dashboard/{slug}/deliveries", d.scoped(d.deliveries))
	// owner
	mux.Handle("GET /dashboard/{slug}/settings", d.scoped(d.owner(d.settings)))
	mux.Handle("POST /dashboard/{slug}/settings", d.scoped(d.owner(d.saveSettings)))
	mux.Handle("GET /dashboard/{slug}/knowledge", d.scoped(d.owner(d.knowledge)))
	mux.Handle("POST /dashboard/{slug}/knowledge", d.scoped(d.owner(d.saveKnowledge)))
	return mux
}
