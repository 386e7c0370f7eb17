// Package sandbox is a provider for trying textback without any telephony account. It speaks
// Twilio's webhook format, so the simulator and any Twilio-shaped test traffic work unchanged, and
// it "sends" a text by recording it in the database and logging it. Nothing leaves the machine.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/provider/twilio"
	"github.com/textback/textback/internal/store"
)

// Kind is the provider.Kind of the sandbox.
const Kind provider.Kind = "sandbox"

// Outbox stores the texts the sandbox pretends to send.
type Outbox interface {
	InsertSandboxMessage(ctx context.Context, m store.SandboxMessage) error
	FindSandboxMessage(ctx context.Context, m store.SandboxMessage) (string, error)
}

// Adapter is the sandbox provider: Twilio's webhooks and markup, with sending recorded locally.
type Adapter struct {
	*twilio.Adapter
	outbox Outbox
	log    *slog.Logger
	clock  func() time.Time
}

var (
	_ provider.Adapter       = (*Adapter)(nil)
	_ provider.MessageFinder = (*Adapter)(nil)
)

// New returns a sandbox adapter that records texts in outbox.
func New(outbox Outbox, log *slog.Logger, clock func() time.Time) *Adapter {
	if clock == nil {
		clock = time.Now
	}
	return &Adapter{Adapter: twilio.New(twilio.Options{Clock: clock}), outbox: outbox, log: log, clock: clock}
}

// Kind returns Kind.
func (a *Adapter) Kind() provider.Kind { return Kind }

// Send records the text and reports it accepted.
func (a *Adapter) Send(ctx context.Context, acct provider.Account, req provider.SendRequest) (provider.SendResult, error) {
	sid, err := NewSID("SM")
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Retryable, Err: err}
	}
	err = a.outbox.InsertSandboxMessage(ctx, store.SandboxMessage{
		AccountSID: acct.AccountSID, SID: sid, From: req.From, To: req.To, Body: req.Body, CreatedAt: a.clock(),
	})
	if err != nil {
		return provider.SendResult{}, &provider.SendError{Kind: provider.Retryable, Err: err}
	}
	a.log.Info("sandbox text recorded", slog.String("message_sid", sid), slog.String("to", req.To),
		slog.String("from", req.From))
	return provider.SendResult{MessageID: sid, Status: "delivered"}, nil
}

// FindSent looks the text up among those recorded.
func (a *Adapter) FindSent(
	ctx context.Context, acct provider.Account, req provider.SendRequest, since time.Time,
) (string, error) {
	return a.outbox.FindSandboxMessage(ctx, store.SandboxMessage{
		AccountSID: acct.AccountSID, From: req.From, To: req.To, Body: req.Body, CreatedAt: since,
	})
}

// NewSID returns a random Twilio-shaped id with prefix, such as "AC" and 32 hex digits.
func NewSID(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate %s id: %w", prefix, err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// NewToken returns a random auth token of 32 hex digits for a sandbox account.
func NewToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate sandbox token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
