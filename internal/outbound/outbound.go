// Package outbound is the one path every text takes on its way out, whatever feature produced
// it. Queue runs the checks (recipient, opt-out, whether the number can take texts, the
// per-contact rate limit, length) inside the caller's transaction and stores the message, either
// queued with a delivery job or held with the reason. Deliver, run by that job after commit,
// checks opt-out again, sends through the number's provider and records the result.
//
// A text is sent at most once. A sender claims a message before calling the provider; when an
// attempt ends without a clear answer (a timeout, a 5xx, a crash), the next attempt first asks
// the provider whether the text was accepted, where the provider can say.
package outbound

import (
	"context"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/metrics"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

const (
	// MaxSegments is the longest text the path sends. Twilio rejects bodies over 1,600
	// characters, which is 10 segments of 160.
	MaxSegments = 10
	// ClaimLease is how long a sender may hold a message before another may take it over. It
	// exceeds SendTimeout so that a slow but live send is never repeated.
	ClaimLease = 60 * time.Second
	// SendTimeout bounds one request to a provider.
	SendTimeout = 15 * time.Second
	// ClaimRecheck is how often a delivery job looks again at a message another sender holds.
	// A claim usually ends within SendTimeout, often sooner, so waiting the whole ClaimLease
	// would delay the text for nothing.
	ClaimRecheck = 5 * time.Second
	// RecordTimeout bounds how long a sender keeps trying to record an attempt's outcome while
	// the database is unreachable. It stays well below ClaimLease, so that no other sender takes
	// the message over meanwhile and sends it again.
	RecordTimeout = 15 * time.Second
)

// Limits caps automated texts per contact so that two automated systems can never text each
// other in a loop.
type Limits struct {
	PerHour int
	PerDay  int
}

// DefaultLimits allows a text back, a couple of replies and follow-ups, and nothing like a loop.
var DefaultLimits = Limits{PerHour: 5, PerDay: 15}

// Adapters finds the adapter for a provider kind and the public URL prefix of its webhooks.
type Adapters interface {
	Adapter(kind provider.Kind) (provider.Adapter, bool)
	// StatusCallback returns where the provider should report delivery of texts sent through
	// kind, or "" when it reports none.
	StatusCallback(kind provider.Kind) string
}

// Sender queues and delivers texts.
type Sender struct {
	store    *store.Store
	queue    jobs.Inserter
	adapters Adapters
	log      *slog.Logger
	clock    func() time.Time
	limits   Limits
	lane     *jobs.FastLane
	dir      *directory.Directory
	// undeliverable runs when a recipient turns out unable to take texts.
	undeliverable UndeliverableFunc
	events        *hooks.Emitter
	metrics       *metrics.Metrics
	// sendChecks run just before texts of their purpose are sent.
	sendChecks map[store.Purpose]SendCheckFunc
}

// SendCheckFunc runs just before a text is handed to the provider, each time, even after the text
// waited for quiet hours. A non-empty reason holds the text with that reason, as for a reminder
// of a booking that was cancelled or moved meanwhile.
type SendCheckFunc func(ctx context.Context, msg store.Message) (reason string, err error)

// SetSendCheck sets the check for texts of purpose. Call it before the sender is used.
func (s *Sender) SetSendCheck(purpose store.Purpose, fn SendCheckFunc) {
	if s.sendChecks == nil {
		s.sendChecks = map[store.Purpose]SendCheckFunc{}
	}
	s.sendChecks[purpose] = fn
}

// UndeliverableFunc runs after a text could not be delivered because its recipient cannot take
// texts (a landline, a dead number); the contact is already marked. It gives the lead the same
// next step another way and tells the team.
type UndeliverableFunc func(ctx context.Context, msg store.Message, reason string) error

// SetUndeliverable sets the fallback for recipients who cannot take texts. Call it before the
// sender is used.
func (s *Sender) SetUndeliverable(fn UndeliverableFunc) { s.undeliverable = fn }

// Options configures New.
type Options struct {
	Store    *store.Store
	Queue    jobs.Inserter
	Adapters Adapters
	Logger   *slog.Logger
	Clock    func() time.Time // defaults to time.Now
	Limits   Limits           // defaults to DefaultLimits
	// FastLane, when set, sends each queued text as soon as its transaction commits; the
	// delivery job then waits jobs.FastLaneGrace as a backstop.
	FastLane *jobs.FastLane
	// Directory caches numbers and provider accounts; nil makes a private cache.
	Directory *directory.Directory
	// Events records contact.opted_out when a provider reports an opt-out; nil records nothing.
	Events *hooks.Emitter
	// Metrics counts texts by status and times text backs; nil records nothing.
	Metrics *metrics.Metrics
}

// New returns a Sender.
func New(opts Options) *Sender {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(opts.Clock)
	}
	return &Sender{
		store: opts.Store, queue: opts.Queue, adapters: opts.Adapters,
		log: opts.Logger, clock: opts.Clock, limits: opts.Limits, lane: opts.FastLane, dir: opts.Directory,
		events: opts.Events, metrics: opts.Metrics,
	}
}
