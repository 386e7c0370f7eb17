// Package callflow turns provider call webhooks into decisions: it answers inbound calls with a
// plan (ring the business, or not), applies each later webhook to the call's record, decides once
// whether the call was missed, and queues the text back through the outbound path.
//
// Webhooks about one call can arrive in any order and more than once. Each is applied in its own
// transaction holding the call's row lock, the decision is recorded by a conditional update that
// succeeds once, and the text back carries the call's id as its idempotency key, so duplicates
// and races change nothing. When a result the decision needs (answering-machine detection, the
// screening prompt) is late, a job decides at a deadline instead.
package callflow

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/conversation"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// Webhooks finds the adapter that reads the webhooks under a path.
type Webhooks interface {
	Webhook(path string) (provider.Adapter, []provider.Kind, bool)
}

// Processor applies stored webhooks. It is safe for concurrent use.
type Processor struct {
	store     *store.Store
	queue     jobs.Inserter
	sender    *outbound.Sender
	webhooks  Webhooks
	log       *slog.Logger
	clock     func() time.Time
	wait      time.Duration
	dir       *directory.Directory
	conv      *conversation.Engine
	team      *team.Service
	followups *followup.Service
	events    *hooks.Emitter
}

// Options configures New.
type Options struct {
	Store    *store.Store
	Queue    jobs.Inserter
	Sender   *outbound.Sender
	Webhooks Webhooks
	Logger   *slog.Logger
	Clock    func() time.Time // defaults to time.Now
	// ResultWait is how long to wait for a late answering-machine or screening result; zero
	// means DefaultResultWait.
	ResultWait time.Duration
	// Directory caches settings; nil makes a private cache.
	Directory *directory.Directory
	// Conversation applies inbound texts and delivery reports.
	Conversation *conversation.Engine
	// Team raises alerts and tasks about calls.
	Team *team.Service
	// FollowUps starts follow-ups after a text back; nil sends none.
	FollowUps *followup.Service
	// Events records call.missed for outbound webhooks; nil records nothing.
	Events *hooks.Emitter
}

// New returns a Processor.
func New(opts Options) *Processor {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(opts.Clock)
	}
	return &Processor{
		store: opts.Store, queue: opts.Queue, sender: opts.Sender, webhooks: opts.Webhooks,
		log: opts.Logger, clock: opts.Clock, wait: opts.ResultWait, dir: opts.Directory,
		conv: opts.Conversation, team: opts.Team, followups: opts.FollowUps, events: opts.Events,
	}
}

// Register adds the processor's workers to workers.
func Register(workers *river.Workers, p *Processor) {
	river.AddWorker(workers, &processWorker{p: p})
	river.AddWorker(workers, &decideWorker{p: p})
	river.AddWorker(workers, &voicemailAlertWorker{p: p})
}

// ProcessWebhookArgs is the job that applies one stored webhook.
type ProcessWebhookArgs struct {
	WebhookID int64 `json:"webhook_id"`
}

// Kind names the job in River.
func (ProcessWebhookArgs) Kind() string { return "process_webhook" }

// InsertOpts makes one job per webhook.
func (ProcessWebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DecideCallArgs is the job that decides a call whose facts were incomplete at their deadline.
type DecideCallArgs struct {
	CallID int64 `json:"call_id"`
	// Deadline is the deadline in Unix seconds for calls that a menu answered, whose deadline moves
	// with each step: each deadline gets its own job. It is zero for other calls, which keep one job.
	Deadline int64 `json:"deadline,omitempty"`
}

// Kind names the job in River.
func (DecideCallArgs) Kind() string { return "decide_call" }

// InsertOpts keeps at most one waiting decision job per call.
func (DecideCallArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 10,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}},
	}
}

type processWorker struct {
	river.WorkerDefaults[ProcessWebhookArgs]
	p *Processor
}

func (w *processWorker) Work(ctx context.Context, job *river.Job[ProcessWebhookArgs]) error {
	return w.p.Process(ctx, store.WebhookID(job.Args.WebhookID), job.Attempt)
}

type decideWorker struct {
	river.WorkerDefaults[DecideCallArgs]
	p *Processor
}

func (w *decideWorker) Work(ctx context.Context, job *river.Job[DecideCallArgs]) error {
	if job.Args.Deadline != 0 {
		return w.p.decideAtDeadline(ctx, store.CallID(job.Args.CallID))
	}
	return w.p.Decide(ctx, store.CallID(job.Args.CallID))
}

// SplitRoute divides a stored webhook route such as "twilio/voice/dial" into the adapter's path
// ("twilio") and the adapter's own route ("voice/dial").
func SplitRoute(stored string) (path string, route provider.Route) {
	path, rest, _ := strings.Cut(stored, "/")
	return path, provider.Route(rest)
}
