// Package providers lists every provider adapter textback ships, in one place. Adding a provider
// means writing its adapter package and adding it to New.
package providers

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/pbx"
	"github.com/textback/textback/internal/provider/sandbox"
	"github.com/textback/textback/internal/provider/telnyx"
	"github.com/textback/textback/internal/provider/twilio"
)

// Registry finds adapters by provider kind and by the webhook path they serve.
type Registry struct {
	byKind    map[provider.Kind]provider.Adapter
	byPath    map[string]provider.Adapter
	pathKinds map[string][]provider.Kind
	statusOf  map[provider.Kind]string
	publicURL string
}

// Options configures New.
type Options struct {
	// HTTPClient carries every request to a provider's API.
	HTTPClient *http.Client
	// Outbox records the sandbox's texts.
	Outbox sandbox.Outbox
	// PublicURL is where providers reach textback, such as "https://hooks.example.com".
	PublicURL string
	Logger    *slog.Logger
	Clock     func() time.Time
}

// entry registers one adapter: the webhook path it serves, as in /webhooks/<path>/...
type entry struct {
	adapter provider.Adapter
	path    string
	// statusRoute is the route under path where the provider reports delivery of sent texts;
	// empty when it reports none.
	statusRoute string
}

// New returns the registry of all adapters.
func New(opts Options) *Registry {
	entries := []entry{
		{adapter: twilio.New(twilio.Options{HTTPClient: opts.HTTPClient, Clock: opts.Clock}), path: "twilio", statusRoute: "sms/status"},
		// The sandbox speaks Twilio's webhooks, so the simulator's requests take Twilio's path.
		{adapter: sandbox.New(opts.Outbox, opts.Logger, opts.Clock), path: "twilio"},
		{adapter: twilio.NewSignalWire(twilio.Options{HTTPClient: opts.HTTPClient, Clock: opts.Clock}), path: "signalwire",
			statusRoute: "sms/status"},
		{adapter: telnyx.New(telnyx.Options{HTTPClient: opts.HTTPClient, Clock: opts.Clock}), path: "telnyx",
			statusRoute: "messaging"},
		// A PBX reports calls for one business number, which texts back through its own provider.
		{adapter: pbx.New(), path: pbx.Path},
	}
	r := &Registry{
		byKind:    map[provider.Kind]provider.Adapter{},
		byPath:    map[string]provider.Adapter{},
		pathKinds: map[string][]provider.Kind{},
		statusOf:  map[provider.Kind]string{},
		publicURL: strings.TrimRight(opts.PublicURL, "/"),
	}
	for _, e := range entries {
		kind := e.adapter.Kind()
		r.byKind[kind] = e.adapter
		if _, ok := r.byPath[e.path]; !ok {
			r.byPath[e.path] = e.adapter
		}
		r.pathKinds[e.path] = append(r.pathKinds[e.path], kind)
		if e.statusRoute != "" {
			r.statusOf[kind] = r.WebhookBase(e.path) + "/" + e.statusRoute
		}
	}
	return r
}

// Adapter returns the adapter for kind.
func (r *Registry) Adapter(kind provider.Kind) (provider.Adapter, bool) {
	a, ok := r.byKind[kind]
	return a, ok
}

// Webhook returns the adapter that reads webhooks arriving under /webhooks/<path>/, and the
// provider kinds whose accounts may send them.
func (r *Registry) Webhook(path string) (provider.Adapter, []provider.Kind, bool) {
	a, ok := r.byPath[path]
	return a, r.pathKinds[path], ok
}

// WebhookBase returns the public URL prefix of the webhooks under path.
func (r *Registry) WebhookBase(path string) string {
	return r.publicURL + "/webhooks/" + path
}

// StatusCallback returns the URL where providers of kind report delivery, or "" for none.
func (r *Registry) StatusCallback(kind provider.Kind) string {
	return r.statusOf[kind]
}
