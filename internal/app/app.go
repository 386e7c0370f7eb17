// Package app assembles textback's components and runs them: the store, the job queue, the
// provider adapters, the call flow, the outbound path and the HTTP server. It starts them in
// order, unwinds what started when a step fails, and stops them in reverse within a time budget.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/alertsend"
	"github.com/textback/textback/internal/api"
	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/bookbot"
	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/bookingpage"
	"github.com/textback/textback/internal/broadcast"
	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/conversation"
	"github.com/textback/textback/internal/dashboard"
	"github.com/textback/textback/internal/deliverylog"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/metrics"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/provider/providers"
	"github.com/textback/textback/internal/ratelimit"
	"github.com/textback/textback/internal/retention"
	"github.com/textback/textback/internal/server"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
	"github.com/textback/textback/internal/webhook"
)

// StopBudget is how long a stopping process waits for requests and jobs in flight.
const StopBudget = 20 * time.Second

// providerTimeout bounds one request to a provider's API, including connecting.
const providerTimeout = 20 * time.Second

// fastLaneSize bounds the webhooks and texts handed to the fast lane and not yet finished. It
// guards memory (a few kilobytes each); beyond it, work waits for its job, seconds later.
const fastLaneSize = 1024

// fastLaneWorkers bounds how many of them run at once. Work that runs waits for the database,
// where a webhook being acknowledged queues behind it. With all 1,024 running, a burst of 1,000
// missed calls took seconds to acknowledge. Two instances at 200 calls a second on PostgreSQL
// then let webhooks reach the 10 s handling deadline. docs/reliability.md has the figures.
const fastLaneWorkers = 128

// Limits on public endpoints, per client address. A provider sends no rejected webhooks unless its
// credentials are wrong, and a load balancer checks health a few times a second at most, so the
// limits only hold back floods: forged or misaddressed webhooks and health-check storms.
const (
	rejectedPerSecond = 10
	rejectedBurst     = 100
	healthPerSecond   = 5
	healthBurst       = 20
)

// Options are the dependencies tests replace.
type Options struct {
	Logger *slog.Logger
	Clock  func() time.Time // defaults to time.Now
	// Transport carries requests to provider APIs; defaults to http.DefaultTransport.
	Transport http.RoundTripper
	// listener, when set, is the open listener the HTTP server serves on.
	listener net.Listener
	// NoDemo skips creating the demo business on an empty database.
	NoDemo bool
	// ResultWait overrides how long a call waits for a late answering-machine or screening result.
	ResultWait time.Duration
	// WebhookRetry overrides how outbound webhook deliveries are retried.
	WebhookRetry hooks.RetryPolicy
}

// App is one running textback process.
type App struct {
	cfg    config.Config
	log    *slog.Logger
	store  *store.Store
	queue  *jobs.Queue
	lane   *jobs.FastLane
	bus    *broadcast.Bus
	dash   *dashboard.Dashboard
	server *server.Server
	// bookings is the process's booking service, whose changes send the texts about bookings.
	bookings *booking.Service
	ready    atomic.Bool
}

// New opens and migrates the database and builds every component. It starts nothing.
func New(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	log := opts.Logger
	st, err := store.Open(ctx, cfg.DB, store.Options{Logger: log, Clock: opts.Clock})
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, store: st}
	if err := a.build(ctx, opts); err != nil {
		_ = st.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, opts Options) error {
	if err := Migrate(ctx, a.store, a.log); err != nil {
		return err
	}
	if !opts.NoDemo {
		if err := SeedDemo(ctx, a.store, a.log); err != nil {
			return err
		}
	}
	httpClient := &http.Client{
		Timeout:   providerTimeout,
		Transport: &deliverylog.Transport{Base: opts.Transport, Recorder: a.store, Log: a.log, Clock: opts.Clock},
	}
	registry := providers.New(providers.Options{
		HTTPClient: httpClient, Outbox: a.store, PublicURL: a.cfg.PublicURL, Logger: a.log, Clock: opts.Clock,
	})
	dir := directory.New(opts.Clock)
	a.bus = broadcast.New(a.store, a.log)
	a.bus.Subscribe(broadcast.TopicSettings, func(string) { dir.Invalidate() })
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	if prune := retention.Register(workers, a.store, a.cfg.Retention, opts.Clock, a.log); prune != nil {
		periodic = append(periodic, prune)
	}
	queue, err := jobs.New(a.store, jobs.Options{Logger: a.log, Workers: workers, PeriodicJobs: periodic})
	if err != nil {
		return err
	}
	a.queue = queue
	a.lane = jobs.NewFastLane(fastLaneSize, fastLaneWorkers, a.log)
	events := hooks.NewEmitter(queue, opts.Clock, opts.WebhookRetry)
	stats := metrics.New(jobs.NewLag(a.store), opts.Clock, a.log)
	hookPolicy := hooks.URLPolicy{AllowPrivate: a.cfg.WebhooksAllowPrivate}
	hooks.Register(workers, hooks.NewDeliverer(hooks.DelivererOptions{
		Store: a.store, Policy: hookPolicy, Retry: opts.WebhookRetry, Clock: opts.Clock, Logger: a.log,
	}))
	sender := outbound.New(outbound.Options{
		Store: a.store, Queue: queue, Adapters: registry, Logger: a.log, Clock: opts.Clock, FastLane: a.lane,
		Directory: dir, Events: events, Metrics: stats,
	})
	var mailer *alertsend.Mailer
	if a.cfg.SMTPURL != "" {
		smtp, err := alertsend.ParseSMTP(a.cfg.SMTPURL, a.cfg.SMTPFrom)
		if err != nil {
			return err
		}
		if mailer, err = alertsend.NewMailer(smtp); err != nil {
			return err
		}
	}
	teamService := team.New(team.Options{
		Store: a.store, Queue: queue, Sender: sender, Mailer: mailer, Directory: dir, Logger: a.log, Clock: opts.Clock,
		Client: &http.Client{Timeout: 10 * time.Second, Transport: opts.Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Events: events,
	})
	sender.SetUndeliverable(teamService.Undeliverable)
	followups := followup.New(followup.Options{Store: a.store, Queue: queue, Sender: sender, Directory: dir, Logger: a.log})
	// Bookings: the process's one booking service, shared by everything that books (texts, the
	// booking page and the REST API). Its OnChange queues, in each booking's own transaction, the
	// confirmation, reminders and cancellation notice that every booking gets, stops the lead's
	// follow-ups, and records the booking event for outbound webhooks.
	bot := bookbot.New(bookbot.Options{
		Store: a.store, Queue: queue, Sender: sender, Team: teamService, FollowUps: followups, Directory: dir,
		Logger: a.log, Clock: opts.Clock,
	})
	a.bookings = booking.New(a.store, booking.Options{
		OnChange: func(ctx context.Context, tx *store.Tx, b store.Booking, change booking.Change) error {
			if err := bot.OnChange(ctx, tx, b, change); err != nil {
				return err
			}
			return events.BookingChanged(ctx, tx, b, string(change))
		},
	})
	bot.SetBooking(a.bookings)
	sender.SetSendCheck(store.PurposeReminder, bot.CheckReminder)
	assistants := assistant.NewService(assistant.Options{
		Store: a.store, Queue: queue, Sender: sender, Team: teamService, Directory: dir, Logger: a.log,
		Client: &http.Client{Transport: opts.Transport},
	})
	// The booking bot reads a lead's text before the assistant, which answers only what the bot
	// left alone.
	engine := conversation.New(conversation.Options{
		Sender: sender, Team: teamService, Directory: dir, Adapters: registry, FollowUps: followups, Bot: bot,
		Logger: a.log, Clock: opts.Clock, Events: events, Metrics: stats, Assistant: assistants,
	})
	processor := callflow.New(callflow.Options{
		Store: a.store, Queue: queue, Sender: sender, Webhooks: registry, Logger: a.log, Clock: opts.Clock,
		ResultWait: opts.ResultWait, Directory: dir, Conversation: engine, Team: teamService,
		FollowUps: followups, Events: events,
	})
	outbound.Register(workers, sender)
	callflow.Register(workers, processor)
	team.Register(workers, teamService)
	followup.Register(workers, followups)
	bookbot.Register(workers, bot)
	assistant.Register(workers, assistants)
	pages, err := bookingpage.New(bookingpage.Options{
		Store: a.store, Booking: a.bookings, Logger: a.log, PublicURL: a.cfg.PublicURL, Clock: opts.Clock,
	})
	if err != nil {
		return err
	}
	hooks := webhook.New(webhook.Options{
		Store: a.store, Queue: queue, Registry: registry, PublicURL: a.cfg.PublicURL, Logger: a.log, Clock: opts.Clock,
		Processor: processor, FastLane: a.lane, Directory: dir, Metrics: stats,
		Rejections: ratelimit.New(rejectedPerSecond, rejectedBurst),
	})
	restAPI := api.New(api.Options{
		Store: a.store, Texts: sender, Bookings: a.bookings, Logger: a.log, Clock: opts.Clock, HookPolicy: hookPolicy,
	})
	if err := a.buildDashboard(opts, sender, engine, assistants); err != nil {
		return err
	}
	handler := server.Routes(server.Handlers{
		Webhooks: hooks, API: restAPI.Handler(), Metrics: a.metricsHandler(stats), Ready: a.checkReady,
		Feed:      booking.NewFeedHandler(a.store, a.log),
		Booking:   server.BookingHandlers{Page: pages.Page(), Submit: pages.Submit(), Assets: pages.Assets()},
		Dashboard: a.dash,
		Health:    ratelimit.New(healthPerSecond, healthBurst),
	}, a.log)
	a.server = server.New(a.cfg.Addr, handler, a.log)
	if opts.listener != nil {
		a.server.Adopt(opts.listener)
	}
	return nil
}

// metricsHandler returns the /metrics handler: behind --metrics-token when one is set, open when
// the server listens on a loopback address only, and absent otherwise, since metrics reveal
// traffic volumes.
func (a *App) metricsHandler(stats *metrics.Metrics) http.Handler {
	if a.cfg.MetricsToken != "" {
		return stats.Handler(a.cfg.MetricsToken)
	}
	if metrics.Loopback(a.cfg.Addr) {
		return stats.Handler("")
	}
	a.log.Warn("GET /metrics is off: set --metrics-token to serve it on a non-loopback address",
		slog.String("addr", a.cfg.Addr))
	return nil
}

// buildDashboard makes the dashboard, which sends manual replies through sender and engine and
// refreshes open pages on activity broadcasts.
func (a *App) buildDashboard(
	opts Options, sender *outbound.Sender, engine *conversation.Engine, drafts dashboard.DraftApprover,
) error {
	authService := auth.New(auth.Options{
		Store: a.store, SecureCookies: strings.HasPrefix(a.cfg.PublicURL, "https://"), Clock: opts.Clock, Logger: a.log,
	})
	dash, err := dashboard.New(dashboard.Options{
		Store: a.store, Auth: authService, Sender: sender, Conversation: engine, Drafts: drafts, Clock: opts.Clock,
		Logger: a.log,
		SettingsChanged: func(ctx context.Context, tx *store.Tx, b store.Business) error {
			return broadcast.Publish(ctx, tx, broadcast.TopicSettings, "dashboard "+b.Slug)
		},
	})
	if err != nil {
		return err
	}
	a.dash = dash
	a.bus.Subscribe(broadcast.TopicActivity, dash.Notify)
	return nil
}

// Migrate brings the store's schema and the job queue's tables up to date.
func Migrate(ctx context.Context, s *store.Store, log *slog.Logger) error {
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	return jobs.Migrate(ctx, s, log)
}

// Start starts the job queue, then the HTTP server. When the server cannot start, the queue is
// stopped again.
func (a *App) Start(ctx context.Context) error {
	if err := a.bus.Start(ctx); err != nil {
		return err
	}
	if err := a.queue.Start(ctx); err != nil {
		return errors.Join(err, a.bus.Stop(ctx))
	}
	a.lane.Start(ctx)
	if err := a.server.Start(ctx); err != nil {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), StopBudget)
		defer cancel()
		return errors.Join(err, a.queue.Stop(stopCtx), a.bus.Stop(stopCtx))
	}
	a.ready.Store(true)
	if err := a.checkProviders(ctx); err != nil {
		a.log.Error("not ready", slog.String("error", err.Error()))
	}
	return nil
}

// Addr returns the address the HTTP server listens on.
func (a *App) Addr() string { return a.server.Addr() }

// Store returns the app's store, for tests and commands that share the process.
func (a *App) Store() *store.Store { return a.store }

// Bookings returns the process's booking service. Bookings made, moved or cancelled through it
// get their confirmation, reminders and cancellation notice.
func (a *App) Bookings() *booking.Service { return a.bookings }

// Done yields when the HTTP server stops by itself, with its error.
func (a *App) Done() <-chan error { return a.server.Done() }

// Stop stops the server, then the queue, then closes the store. It is safe to call twice.
func (a *App) Stop(ctx context.Context) error {
	a.ready.Store(false)
	var errs []error
	a.dash.Stop()
	if err := a.server.Stop(ctx); err != nil {
		errs = append(errs, err)
	}
	a.lane.Stop(ctx)
	if err := a.queue.Stop(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := a.bus.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop broadcast bus: %w", err))
	}
	if err := a.store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	return errors.Join(errs...)
}

func (a *App) checkReady(ctx context.Context) error {
	if !a.ready.Load() {
		return errors.New("starting or stopping")
	}
	if err := a.store.DB().PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return a.checkProviders(ctx)
}

// checkProviders fails when a provider account has no auth token. Its webhooks would all be
// rejected, so every call to its numbers would go unanswered by textback without a sign.
func (a *App) checkProviders(ctx context.Context) error {
	providers, err := a.store.ListProviders(ctx)
	if err != nil {
		return err
	}
	for _, p := range providers {
		if p.AuthToken == "" {
			return fmt.Errorf("provider %s has no auth token, so its webhooks cannot be verified: "+
				"set auth_token and run textback apply", p.Name)
		}
	}
	return nil
}

// Run starts the app and runs it until ctx ends or the server fails, then stops it.
func Run(ctx context.Context, cfg config.Config, opts Options) error {
	// Listen first, so that a port in use is reported before the database is created or seeded.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	opts.listener = ln
	a, err := New(ctx, cfg, opts)
	if err != nil {
		_ = ln.Close()
		return err
	}
	if err := a.Start(ctx); err != nil {
		_ = ln.Close()
		_ = a.store.Close()
		return err
	}
	a.log.Info("textback ready", slog.String("addr", a.Addr()), slog.String("public_url", cfg.PublicURL))
	var serveErr error
	select {
	case <-ctx.Done():
		a.log.Info("shutting down")
	case serveErr = <-a.Done():
		a.log.Error("http server stopped", slog.Any("error", serveErr))
	}
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), StopBudget)
	defer cancel()
	return errors.Join(serveErr, a.Stop(stopCtx))
}
