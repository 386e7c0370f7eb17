// Package webhook receives provider webhooks. A webhook is verified against the provider
// account's secret, parsed, stored with the job that will apply it in one transaction, and only
// then acknowledged, so an acknowledged webhook is never lost. A PBX report is verified against
// its business number's webhook secret instead. A retried or duplicated delivery is recognised
// by its event key, stored once, and answered exactly like the first.
package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/metrics"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/ratelimit"
	"github.com/textback/textback/internal/store"
)

const (
	// MaxBody is the largest webhook accepted. Provider webhooks are a few kilobytes; an inbound
	// text of ten segments with all of Twilio's fields stays far below it.
	MaxBody = 64 << 10
	// Deadline bounds the handling of one webhook. Twilio waits 15 s and Telnyx 2 s for an answer;
	// storing a webhook takes milliseconds, so a request near the limit means the database is stuck.
	Deadline = 10 * time.Second
)

// Registry finds the adapter serving a webhook path.
type Registry interface {
	Webhook(path string) (provider.Adapter, []provider.Kind, bool)
	WebhookBase(path string) string
}

// Handler serves POST /webhooks/{provider}/{route...}.
type Handler struct {
	store     *store.Store
	queue     jobs.Inserter
	registry  Registry
	publicURL string
	log       *slog.Logger
	clock     func() time.Time
	processor *callflow.Processor
	lane      *jobs.FastLane
	dir       *directory.Directory
	metrics   *metrics.Metrics
	rejects   *ratelimit.Limiter
}

// Options configures New.
type Options struct {
	Store    *store.Store
	Queue    jobs.Inserter
	Registry Registry
	// PublicURL is the base URL providers call; signatures are checked against it, never against
	// the Host or X-Forwarded-* headers of the request.
	PublicURL string
	Logger    *slog.Logger
	Clock     func() time.Time
	// Processor and FastLane, when both set, apply each new webhook as soon as it is stored;
	// its job then waits jobs.FastLaneGrace as a backstop.
	Processor *callflow.Processor
	FastLane  *jobs.FastLane
	// Directory caches numbers and accounts. Nil makes a private cache, whose entries are only
	// refreshed after directory.MaxAge.
	Directory *directory.Directory
	// Metrics counts stored webhooks; nil counts nothing.
	Metrics *metrics.Metrics
	// Rejections limits, per client address, the webhooks rejected before they were verified:
	// unknown paths, oversized bodies and failed signatures. A client past its limit gets 429 for
	// such requests and they are not logged one by one. A webhook that passes verification is
	// never limited. Nil sets no limit.
	Rejections *ratelimit.Limiter
}

// New returns a Handler.
func New(opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	h := &Handler{
		store: opts.Store, queue: opts.Queue, registry: opts.Registry,
		publicURL: strings.TrimRight(opts.PublicURL, "/"), log: opts.Logger, clock: opts.Clock,
		processor: opts.Processor, lane: opts.FastLane, dir: opts.Directory, metrics: opts.Metrics,
		rejects: opts.Rejections,
	}
	if h.dir == nil {
		h.dir = directory.New(opts.Clock)
	}
	return h
}

// ServeHTTP handles one webhook.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), Deadline)
	defer cancel()
	path, route := r.PathValue("provider"), r.PathValue("route")
	log := h.log.With(slog.String("route", path+"/"+route))
	adapter, kinds, ok := h.registry.Webhook(path)
	if !ok {
		h.reject(w, r, log, http.StatusNotFound, "unknown provider "+path)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.reject(w, r, log, http.StatusRequestEntityTooLarge, "webhook body too large")
			return
		}
		h.reject(w, r, log, http.StatusBadRequest, "could not read webhook body")
		return
	}
	wh := provider.Webhook{
		Route: provider.Route(route), URL: h.publicURL + requestURI(r), Header: r.Header.Clone(),
		Body: body, ReceivedAt: h.clock(),
	}
	var prov store.Provider
	if routed, ok := adapter.(NumberRouted); ok {
		prov, wh, err = h.authenticateNumber(ctx, adapter, routed, wh)
	} else {
		prov, err = h.authenticate(ctx, adapter, kinds, wh)
	}
	if errors.Is(err, errUnknownToken) {
		h.reject(w, r, log, http.StatusNotFound, "not found: "+err.Error())
		return
	}
	if err != nil {
		// The URL is what the signature was checked against: when it differs from the one set in
		// the provider's console, --public-url or the proxy in front is the cause.
		log = log.With(slog.String("signed_url", wh.URL))
		h.reject(w, r, log, http.StatusForbidden, "forbidden: "+err.Error())
		return
	}
	ev, parseErr := adapter.Parse(wh)
	ev = ev.Clean()
	if parseErr != nil {
		ev = provider.Event{Key: "unreadable:" + route + ":" + digest(body)}
	}
	stored := store.Webhook{
		ProviderID: prov.ID, Route: path + "/" + route, EventKey: ev.Key, URL: wh.URL,
		Header: keptHeaders(wh.Header), Body: body, ReceivedAt: wh.ReceivedAt,
	}
	id, jobID, inserted, err := h.save(ctx, stored)
	if err != nil {
		log.Error("webhook not stored", slog.String("error", err.Error()))
		http.Error(w, "could not store webhook, retry later", http.StatusServiceUnavailable)
		return
	}
	kind := string(ev.Type)
	if parseErr != nil {
		kind = "unreadable"
	}
	h.metrics.WebhookReceived(path, kind)
	if parseErr != nil {
		log.Warn("unreadable webhook kept", slog.String("error", parseErr.Error()))
		http.Error(w, parseErr.Error(), http.StatusBadRequest)
		return
	}
	log.Info("webhook received", slog.String("provider", prov.Name), slog.String("event", string(ev.Type)),
		slog.String("call_sid", ev.CallID), slog.String("message_sid", ev.MessageID), slog.Bool("duplicate", !inserted))
	at := h.firstReceived(ctx, prov, ev, wh.ReceivedAt, inserted)
	resp, err := h.respond(ctx, adapter, path, prov, ev, at)
	if err != nil {
		log.Error("webhook answer not rendered", slog.String("error", err.Error()))
		http.Error(w, "could not render answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", resp.ContentType)
	_, _ = w.Write(resp.Body)
	if inserted && h.fastLane() {
		h.lane.Go(callflow.ProcessWebhookArgs{}.Kind(), func(ctx context.Context) error {
			return h.processor.ProcessNow(ctx, id, jobID)
		})
	}
}

// reject responds to a webhook that failed before verification with status and message, and logs
// it. A client past the rejection limit gets 429 instead, and nothing is logged.
func (h *Handler) reject(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, message string) {
	if h.rejects != nil && !h.rejects.Allow(ratelimit.ClientAddress(r)) {
		w.Header().Set("Retry-After", strconv.Itoa(h.rejects.RetryAfter()))
		http.Error(w, "too many rejected webhooks from this address, retry later", http.StatusTooManyRequests)
		return
	}
	log.Warn("webhook rejected", slog.Int("status", status), slog.String("error", message),
		slog.String("client", ratelimit.ClientAddress(r)))
	http.Error(w, message, status)
}

func (h *Handler) fastLane() bool { return h.processor != nil && h.lane.Enabled() }

// authenticate finds the provider account the webhook claims to come from and checks its
// signature. It fails closed: no account, no secret or a wrong signature all reject the webhook.
func (h *Handler) authenticate(
	ctx context.Context, adapter provider.Adapter, kinds []provider.Kind, wh provider.Webhook,
) (store.Provider, error) {
	sid := adapter.AccountSIDOf(wh)
	var candidates []store.Provider
	var err error
	switch identifier, byNumber := adapter.(provider.NumberIdentifier); {
	case sid != "":
		candidates, err = h.dir.Accounts(ctx, h.store, sid)
	case byNumber:
		// The webhook names no account, only the business number: its account verifies it.
		candidates, sid, err = h.accountOfNumber(ctx, identifier.BusinessNumberOf(wh))
	default:
		return store.Provider{}, errors.New("webhook names no account")
	}
	if err != nil {
		return store.Provider{}, err
	}
	known := false
	for _, p := range candidates {
		if !slices.Contains(kinds, p.Kind) {
			continue
		}
		known = true
		if adapter.Verify(p.Account(), wh) == nil {
			return p, nil
		}
	}
	if !known {
		return store.Provider{}, errors.New("no provider account " + sid + " is configured")
	}
	return store.Provider{}, provider.ErrSignature
}

// accountOfNumber returns the provider account of a configured business number, and a label for
// messages.
func (h *Handler) accountOfNumber(ctx context.Context, raw string) ([]store.Provider, string, error) {
	n, err := phone.Parse(raw, "US")
	if err != nil {
		return nil, "", errors.New("webhook names no business number")
	}
	number, err := h.dir.NumberByE164(ctx, h.store, n.E164)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errors.New("number " + n.E164 + " is not configured")
	}
	if err != nil {
		return nil, "", err
	}
	p, err := h.dir.Provider(ctx, h.store, number.ProviderID)
	if err != nil {
		return nil, "", err
	}
	return []store.Provider{p}, "of number " + n.E164, nil
}

// save stores the webhook and its processing job in one transaction. It reports false for a
// webhook stored before.
func (h *Handler) save(ctx context.Context, w store.Webhook) (id store.WebhookID, jobID int64, inserted bool, err error) {
	err = h.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, inserted, err = tx.InsertWebhook(ctx, w)
		if err != nil || !inserted {
			return err
		}
		var opts *river.InsertOpts
		if h.fastLane() {
			o := callflow.ProcessWebhookArgs{}.InsertOpts()
			o.ScheduledAt = time.Now().Add(jobs.FastLaneGrace)
			opts = &o
		}
		jobID, err = h.queue.InsertTx(ctx, tx, callflow.ProcessWebhookArgs{WebhookID: int64(id)}, opts)
		return err
	})
	return id, jobID, inserted, err
}

// respond renders the provider's answer. For calls it needs the business's plan, read from the
// number called or from the call already recorded; without either it answers with defaults.
func (h *Handler) respond(
	ctx context.Context, adapter provider.Adapter, path string, prov store.Provider, ev provider.Event, at time.Time,
) (provider.Response, error) {
	base := h.registry.WebhookBase(path)
	number, business, found := h.lookup(ctx, prov, ev)
	if renderer, ok := adapter.(provider.ScriptRenderer); ok && found && renderer.RendersScripts(ev) {
		if resp, ok, err := h.respondMenu(ctx, renderer, prov, ev, number, business, base, at); ok {
			return resp, err
		}
	}
	if ev.Type == provider.CallIncoming {
		if !found {
			return adapter.RespondCall(provider.CallPlan{Say: notInService, CallbackBase: base, CallID: ev.CallID})
		}
		plan, _ := callflow.Plan(business, number, ev, base)
		h.speakNoText(ctx, &plan, business, ev)
		return adapter.RespondCall(plan)
	}
	plan := provider.CallPlan{CallbackBase: base, CallID: ev.CallID}
	if found {
		plan, _ = callflow.Plan(business, number, ev, base)
		h.speakNoText(ctx, &plan, business, ev)
		if plan.ScreenPrompt == "" {
			plan.ScreenPrompt = genericScreenPrompt
		}
	} else {
		plan.ScreenPrompt = genericScreenPrompt
	}
	if ev.Type == provider.CallDialEnded && found && number.AnswerCheck == provider.AnswerCheckScreen &&
		h.screenDeclined(ctx, prov, ev) {
		// The forwarded leg "completed" because the person there hung up at the screening prompt;
		// the caller reached nobody and hears the missed-call message.
		ev.DialStatus = "no-answer"
	}
	return adapter.RespondEvent(ev, plan)
}

// speakNoText keeps the spoken message from promising a text that will not follow. A failed read
// keeps the usual message, because the caller should hear something either way.
func (h *Handler) speakNoText(ctx context.Context, plan *provider.CallPlan, b store.Business, ev provider.Event) {
	var contact store.Contact
	if caller, why := phone.ClassifyCaller(ev.From, b.Region); why == phone.Textable {
		c, err := h.store.GetContactByE164(ctx, b.ID, caller.E164)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.log.Warn("read caller for the spoken message", slog.String("error", err.Error()),
				slog.String("call_sid", ev.CallID))
			return
		}
		contact = c
	}
	callflow.SpeakNoText(plan, b, contact, h.clock())
}

// screenDeclined reports whether the call's screening prompt was answered with anything but 1,
// or not answered at all.
func (h *Handler) screenDeclined(ctx context.Context, prov store.Provider, ev provider.Event) bool {
	call, err := h.store.GetCallByProviderID(ctx, prov.ID, ev.CallID)
	if err != nil {
		return false
	}
	return !call.ScreenAnswered || call.ScreenDigits != "1"
}

const (
	notInService        = "The number you called is not in service."
	genericScreenPrompt = "Press 1 to take this call."
)

// lookup finds the business number of a call event: by the number called, or for events about
// the forwarded leg by the call already recorded.
func (h *Handler) lookup(ctx context.Context, prov store.Provider, ev provider.Event) (store.Number, store.Business, bool) {
	number, err := store.Number{}, store.ErrNotFound
	if n, perr := phone.Parse(ev.To, "US"); perr == nil {
		number, err = h.dir.NumberByE164(ctx, h.store, n.E164)
	}
	if err != nil && ev.CallID != "" {
		var call store.Call
		call, err = h.store.GetCallByProviderID(ctx, prov.ID, ev.CallID)
		if err == nil {
			number, err = h.dir.Number(ctx, h.store, call.NumberID)
		}
	}
	if err != nil {
		return store.Number{}, store.Business{}, false
	}
	business, err := h.dir.Business(ctx, h.store, number.BusinessID)
	return number, business, err == nil
}

// requestURI returns the request target exactly as the client sent it, so that a signature over
// the query string is checked against the same bytes the provider signed.
func requestURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// keptHeaders drops credentials and cookies before a webhook's headers are stored.
func keptHeaders(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range []string{"Authorization", "Cookie", "Proxy-Authorization"} {
		out.Del(name)
	}
	return out
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
