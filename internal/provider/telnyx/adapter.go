// Package telnyx implements textback's provider contract for Telnyx. It verifies Telnyx's
// Ed25519-signed webhooks, reads three kinds of them (TeXML voice webhooks, Call Control events
// and messaging events), renders TeXML, and sends texts through the Messaging API v2.
//
// Telnyx webhooks name no account that textback stores, so AccountSIDOf always returns "".
// BusinessNumberOf returns the business number a webhook concerns instead, so that the caller can
// find the account through it.
//
// The adapter does not implement provider.MessageFinder. Telnyx's Messaging API v2 retrieves a
// text only by the id that the send returned (GET /v2/messages/{id}) and offers no list of sent
// texts to search (checked in Telnyx's Go SDK, whose MessageService has Get, Send and Schedule but
// no List). A send whose outcome is provider.Unknown, such as one whose connection dropped after
// the request was written, can therefore be retried without a check, and the contact may receive
// the text twice.
//
// See https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks,
// https://developers.telnyx.com/docs/voice/programmable-voice/texml-fundamentals and
// https://developers.telnyx.com/docs/voice/programmable-voice/voice-api-webhooks.
package telnyx

import (
	"net/http"
	"time"

	"github.com/textback/textback/internal/provider"
)

// ProviderKind is the provider.Kind of this adapter.
const ProviderKind provider.Kind = "telnyx"

// DefaultAPIBaseURL is the API base URL for accounts without an APIBaseURL.
const DefaultAPIBaseURL = "https://api.telnyx.com"

// Options configures an Adapter.
type Options struct {
	// HTTPClient sends API requests. Send fails without one. Its Timeout bounds each API call.
	HTTPClient *http.Client
	// Clock returns the current time. Nil means time.Now. Verify compares webhook timestamps with
	// it, and Send turns Retry-After dates into delays with it.
	Clock func() time.Time
}

// Adapter is the Telnyx provider adapter. It keeps no per-account state and is safe for
// concurrent use.
type Adapter struct {
	client *http.Client
	clock  func() time.Time
}

var (
	_ provider.Adapter        = (*Adapter)(nil)
	_ provider.ErrorDescriber = (*Adapter)(nil)
)

// New returns an Adapter configured by opts.
func New(opts Options) *Adapter {
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	return &Adapter{client: opts.HTTPClient, clock: clock}
}

// Kind returns ProviderKind.
func (a *Adapter) Kind() provider.Kind { return ProviderKind }

// Secrets returns the account's API key, or nothing when it is empty. The public key that
// verifies webhooks is not a secret.
func (a *Adapter) Secrets(acct provider.Account) []string {
	if acct.AuthToken == "" {
		return nil
	}
	return []string{acct.AuthToken}
}

// AccountSIDOf returns "", because no Telnyx webhook names an account that textback stores:
// messaging and Call Control webhooks carry none, and the AccountSid of TeXML webhooks is Telnyx's
// own user id. Use BusinessNumberOf to find the account.
func (a *Adapter) AccountSIDOf(provider.Webhook) string { return "" }

// BusinessNumberOf returns the business number the webhook concerns, through which the server
// finds the account to verify it with.
func (a *Adapter) BusinessNumberOf(w provider.Webhook) string { return BusinessNumberOf(w) }

var _ provider.NumberIdentifier = (*Adapter)(nil)
