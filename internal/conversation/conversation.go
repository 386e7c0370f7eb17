// Package conversation runs the SMS conversation after a text back: it files each inbound text
// under its contact, applies consent keywords (STOP, START, HELP) at once, runs the business's
// keywords, its qualifying question and booking by text, relays a team member's reply to the lead, and applies
// delivery reports to the texts textback sent.
//
// Everything here runs inside the transaction that marks the webhook applied, so a retried
// webhook changes nothing: texts carry idempotency keys derived from the inbound message.
package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/bookbot"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/metrics"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// Adapters finds a provider's adapter, to read its error codes.
type Adapters interface {
	Adapter(kind provider.Kind) (provider.Adapter, bool)
}

// Engine applies inbound texts and delivery reports. It is safe for concurrent use.
type Engine struct {
	sender    *outbound.Sender
	team      *team.Service
	dir       *directory.Directory
	adapters  Adapters
	followups *followup.Service
	bot       *bookbot.Bot
	events    *hooks.Emitter
	metrics   *metrics.Metrics
	assistant Assistant
	log       *slog.Logger
	clock     func() time.Time
}

// Options configures New.
type Options struct {
	Sender    *outbound.Sender
	Team      *team.Service
	Directory *directory.Directory
	Adapters  Adapters
	// FollowUps stops a lead's follow-ups when they reply or a person answers them; nil skips it.
	FollowUps *followup.Service
	// Bot books appointments by text, when the business turned it on; nil leaves booking to people.
	Bot *bookbot.Bot
	// Events records message.received, message.status and contact.opted_out for outbound
	// webhooks; nil records nothing.
	Events *hooks.Emitter
	// Metrics counts texts received and delivery reports; nil counts nothing.
	Metrics *metrics.Metrics
	// Assistant answers free-text replies for businesses with AI replies on; nil answers none.
	Assistant Assistant
	Logger    *slog.Logger
	Clock     func() time.Time
}

// Assistant schedules the AI answer to a lead's free-text message, in tx, and reports whether it
// did: it does nothing for a business with AI replies off.
type Assistant interface {
	Enqueue(ctx context.Context, tx *store.Tx, business store.Business, msg store.Message) (bool, error)
}

// New returns an Engine.
func New(opts Options) *Engine {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(opts.Clock)
	}
	return &Engine{
		sender: opts.Sender, team: opts.Team, dir: opts.Directory, adapters: opts.Adapters,
		followups: opts.FollowUps, bot: opts.Bot, events: opts.Events, metrics: opts.Metrics, assistant: opts.Assistant,
		log:   opts.Logger,
		clock: opts.Clock,
	}
}

// stopFollowUps ends the contact's follow-ups for good, when there is a follow-up service.
func (e *Engine) stopFollowUps(ctx context.Context, tx *store.Tx, business store.BusinessID, contact store.ContactID, reason string) error {
	if e.followups == nil {
		return nil
	}
	return e.followups.Stop(ctx, tx, business, contact, reason)
}
