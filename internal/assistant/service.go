package assistant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/textback/textback/internal/directory"
	"github.com/textback/textback/internal/jobs"
	"github.com/textback/textback/internal/knowledge"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
)

// Service answers leads' free-text messages in a job, after the webhook's transaction, so that a
// model call never holds a database transaction open.
type Service struct {
	store  *store.Store
	queue  jobs.Inserter
	sender *outbound.Sender
	team   *team.Service
	dir    *directory.Directory
	client *http.Client
	log    *slog.Logger
}

// Options configures NewService.
type Options struct {
	Store  *store.Store
	Queue  jobs.Inserter
	Sender *outbound.Sender
	Team   *team.Service
	// Directory caches businesses; nil reads them from the store each time.
	Directory *directory.Directory
	// Client sends model requests; nil means a plain client. Each call has the business's timeout.
	Client *http.Client
	Logger *slog.Logger
}

// NewService returns a Service.
func NewService(opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Directory == nil {
		opts.Directory = directory.New(nil)
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	return &Service{store: opts.Store, queue: opts.Queue, sender: opts.Sender, team: opts.Team, dir: opts.Directory,
		client: opts.Client, log: opts.Logger}
}

// Register adds the reply worker.
func Register(workers *river.Workers, s *Service) {
	river.AddWorker(workers, &replyWorker{s: s})
}

// ReplyArgs is the job that answers one inbound message.
type ReplyArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind names the job in River.
func (ReplyArgs) Kind() string { return "ai_reply" }

// InsertOpts makes one job per message. A job that fails three times leaves the message to the
// team, which the conversation alerted when the message arrived.
func (ReplyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type replyWorker struct {
	river.WorkerDefaults[ReplyArgs]
	s *Service
}

func (w *replyWorker) Work(ctx context.Context, job *river.Job[ReplyArgs]) error {
	return w.s.Reply(ctx, store.MessageID(job.Args.MessageID))
}

// Enqueue schedules the answer to msg in tx, when the business has AI replies on.
func (s *Service) Enqueue(ctx context.Context, tx *store.Tx, business store.Business, msg store.Message) (bool, error) {
	if !business.Settings.AI.Enabled() {
		return false, nil
	}
	if _, err := s.queue.InsertTx(ctx, tx, ReplyArgs{MessageID: int64(msg.ID)}, nil); err != nil {
		return false, fmt.Errorf("schedule AI reply to message %d: %w", msg.ID, err)
	}
	return true, nil
}

// Reply understands an inbound message and acts on it as the business's mode says. The model, if
// any, is called before the transaction that records the result.
func (s *Service) Reply(ctx context.Context, id store.MessageID) error {
	msg, err := s.store.GetMessage(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	business, err := s.dir.Business(ctx, s.store, msg.BusinessID)
	if err != nil {
		return err
	}
	ai := business.Settings.AI
	if !ai.Enabled() || msg.Direction != store.Inbound || msg.ContactID == 0 {
		return nil
	}
	in, err := s.input(ctx, business, msg)
	if err != nil {
		return err
	}
	req := Request{Business: business.Name, Input: in, Knowledge: knowledge.Build(ai.Knowledge, business.Hours)}
	if ai.Model.Configured() {
		model, err := NewModel(ai.Model, s.client)
		if err != nil {
			// A bad model setting is the business's to fix; the local classifier still runs.
			s.log.Warn("AI model setting invalid", slog.Int64("business_id", int64(business.ID)), slog.Any("error", err))
		} else {
			req.Model = model
		}
	}
	out := Understand(ctx, req)
	out.Details.InboundID, out.Details.Mode = int64(msg.ID), ai.Mode
	if out.Details.ModelError != "" {
		s.log.Warn("AI model call failed; the team handles the message", slog.Int64("business_id", int64(business.ID)),
			slog.Int64("message_id", int64(msg.ID)), slog.String("error", out.Details.ModelError))
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		return s.act(ctx, tx, business, msg, out)
	})
}

// input reads what the classifiers need about msg's conversation.
func (s *Service) input(ctx context.Context, business store.Business, msg store.Message) (Input, error) {
	contact, err := s.store.GetContact(ctx, business.ID, msg.ContactID)
	if err != nil {
		return Input{}, err
	}
	conv, err := s.store.EnsureConversation(ctx, business.ID, msg.ContactID)
	if err != nil {
		return Input{}, err
	}
	rows, err := s.store.ListAIExamples(ctx, business.ID)
	if err != nil {
		return Input{}, err
	}
	examples := make([]Example, 0, len(rows))
	for _, r := range rows {
		if intent, ok := ParseIntent(r.Intent); ok {
			examples = append(examples, Example{ID: r.ID, Text: r.Body, Intent: intent})
		}
	}
	return Input{
		Text: msg.Body, OptedOut: contact.OptedOut(), Awaiting: conv.Awaiting == store.AwaitingQualifier,
		Answers: business.Settings.Qualifier.Answers, Services: business.Settings.AI.Knowledge.Services,
		Examples: examples,
	}, nil
}
