// Package team keeps a business's people informed and gives them work: it raises alerts about
// leads and delivers them by text, email and signed webhook, escalates an alert down the team
// when nobody answers the lead in time, creates call-back tasks, and falls back to email when a
// lead's number cannot take texts.
//
// Alerts about one contact and of one kind are grouped: within the business's window, later events
// add to the first alert, and a single update is sent when the window closes ("called 4 times in
// 5 minutes"), so that a caller who rings four times pages nobody four times. External calls
// (email, webhooks) happen in jobs after the transaction that raised the alert commits; texts to
// staff go through the outbound path like every other text.
package team

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/alertsend"
	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// Alert kinds.
const (
	KindMissedCall = "missed_call" // a call went unanswered
	KindReply      = "reply"       // a lead replied
	KindUrgent     = "urgent"      // a lead said it is urgent
	KindCallBack   = "call_back"   // a lead asked for a call
	KindKeyword    = "keyword"     // a business keyword asked for an alert
	KindCannotText = "cannot_text" // a lead's number cannot take texts
	KindOptedOut   = "opted_out"   // a lead opted out
	KindReview     = "review"      // a lead sent something that may be an opt-out
	KindDelivery   = "delivery"    // texts are being filtered or blocked: someone must fix the sender
	KindSetup      = "setup"       // the phone setup needs attention, such as a forwarding loop
	KindHandOff    = "hand_off"    // the booking bot could not tell what a lead wants; a person takes over
)

// Priorities.
const (
	Normal = "normal"
	High   = "high"
)

// Service raises and delivers alerts, creates tasks and runs the fallback.
type Service struct {
	store  *store.Store
	queue  jobs.Inserter
	sender *outbound.Sender
	mailer *alertsend.Mailer
	client *http.Client
	dir    *directory.Directory
	log    *slog.Logger
	clock  func() time.Time
	events *hooks.Emitter
}

// Options configures New.
type Options struct {
	Store  *store.Store
	Queue  jobs.Inserter
	Sender *outbound.Sender
	// Mailer sends email; nil means no SMTP server is configured and email is skipped.
	Mailer *alertsend.Mailer
	// Client posts webhooks; nil uses a client with a 10 s timeout.
	Client    *http.Client
	Directory *directory.Directory
	Logger    *slog.Logger
	Clock     func() time.Time
	// Events records task.created for outbound webhooks; nil records nothing.
	Events *hooks.Emitter
}

// New returns a Service and registers nothing; call Register for its jobs.
func New(opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(opts.Clock)
	}
	return &Service{
		store: opts.Store, queue: opts.Queue, sender: opts.Sender, mailer: opts.Mailer, client: opts.Client,
		dir: opts.Directory, log: opts.Logger, clock: opts.Clock, events: opts.Events,
	}
}

// Register adds the service's workers.
func Register(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &deliverWorker{s: s})
	river.AddWorker(workers, &escalateWorker{s: s})
	river.AddWorker(workers, &updateWorker{s: s})
	river.AddWorker(workers, &emailLeadWorker{s: s})
}
