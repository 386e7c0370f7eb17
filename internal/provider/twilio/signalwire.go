package twilio

import (
	"context"
	"time"

	"github.com/textback/textback/internal/provider"
)

// SignalWireKind is the provider.Kind of SignalWire accounts.
const SignalWireKind provider.Kind = "signalwire"

// SignalWire is the Twilio adapter configured for SignalWire's compatibility API (LaML and the
// 2010-04-01 REST API under /api/laml), which follows Twilio's webhooks, markup and Messages
// API. The differences:
//
//   - API requests go to the project's own space, such as https://example.signalwire.com, so an
//     account must set APIBaseURL; AccountSID is the project id and AuthToken its API token.
//   - Webhooks carry X-SignalWire-Signature (X-Twilio-Signature is accepted too), computed like
//     Twilio's but with the project's signing key, which an account keeps in PublicKey; without
//     one, the API token is tried, as older projects sign with it.
//   - Line-type lookups use a different API and are not offered.
//
// See https://developer.signalwire.com/guides/webhook-security.
type SignalWire struct {
	core *Adapter
}

var (
	_ provider.Adapter        = (*SignalWire)(nil)
	_ provider.MessageFinder  = (*SignalWire)(nil)
	_ provider.ErrorDescriber = (*SignalWire)(nil)
)

// NewSignalWire returns the SignalWire configuration of the adapter.
func NewSignalWire(opts Options) *SignalWire {
	a := New(opts)
	a.flavor = flavor{
		kind:      SignalWireKind,
		headers:   []string{"X-SignalWire-Signature", signatureHeader},
		apiPrefix: "/api/laml",
		signingKey: func(acct provider.Account) string {
			if acct.PublicKey != "" {
				return acct.PublicKey
			}
			return acct.AuthToken
		},
	}
	return &SignalWire{core: a}
}

// Kind returns SignalWireKind.
func (s *SignalWire) Kind() provider.Kind { return SignalWireKind }

// AccountSIDOf returns the project id the webhook names.
func (s *SignalWire) AccountSIDOf(w provider.Webhook) string { return s.core.AccountSIDOf(w) }

// Verify checks the webhook's signature with the project's signing key.
func (s *SignalWire) Verify(acct provider.Account, w provider.Webhook) error {
	return s.core.Verify(acct, w)
}

// Parse reads a webhook; SignalWire sends Twilio's fields.
func (s *SignalWire) Parse(w provider.Webhook) (provider.Event, error) { return s.core.Parse(w) }

// RespondCall renders LaML, which is TwiML.
func (s *SignalWire) RespondCall(plan provider.CallPlan) (provider.Response, error) {
	return s.core.RespondCall(plan)
}

// RespondEvent renders LaML, which is TwiML.
func (s *SignalWire) RespondEvent(ev provider.Event, plan provider.CallPlan) (provider.Response, error) {
	return s.core.RespondEvent(ev, plan)
}

// Send sends a text through the space's compatibility Messages API.
func (s *SignalWire) Send(ctx context.Context, acct provider.Account, req provider.SendRequest) (provider.SendResult, error) {
	return s.core.Send(ctx, acct, req)
}

// FindSent looks a text up through the space's compatibility Messages API.
func (s *SignalWire) FindSent(ctx context.Context, acct provider.Account, req provider.SendRequest, since time.Time) (string, error) {
	return s.core.FindSent(ctx, acct, req, since)
}

// DescribeError reads SignalWire's error codes, which follow Twilio's.
func (s *SignalWire) DescribeError(code string) provider.ErrorInfo { return s.core.DescribeError(code) }

// Secrets returns the API token and the signing key.
func (s *SignalWire) Secrets(acct provider.Account) []string {
	out := s.core.Secrets(acct)
	if acct.PublicKey != "" {
		out = append(out, acct.PublicKey)
	}
	return out
}
