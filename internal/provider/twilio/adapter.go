// Package twilio implements textback's provider contract for Twilio Programmable Voice and
// Messaging: it verifies and parses Twilio's webhooks, renders TwiML, sends texts through the REST
// API version 2010-04-01, and looks up line types through Lookup v2.
package twilio

import (
	"fmt"
	"net/http"
	"time"

	"github.com/textback/textback/internal/provider"
)

// ProviderKind is the provider.Kind of this adapter.
const ProviderKind provider.Kind = "twilio"

// DefaultAPIBaseURL is the API base URL for accounts without an APIBaseURL.
const DefaultAPIBaseURL = "https://api.twilio.com"

// signatureHeader is the header that carries a webhook's signature.
const signatureHeader = "X-Twilio-Signature"

// Options configures an Adapter.
type Options struct {
	// HTTPClient sends API requests. Send, FindSent and LookupLineType fail without one. Its
	// Timeout bounds each API call.
	HTTPClient *http.Client
	// Clock returns the current time. Nil means time.Now. It turns Retry-After dates into delays.
	Clock func() time.Time
}

// Adapter is the Twilio provider adapter. It keeps no per-account state and is safe for
// concurrent use.
type Adapter struct {
	client *http.Client
	clock  func() time.Time
}

var (
	_ provider.Adapter        = (*Adapter)(nil)
	_ provider.MessageFinder  = (*Adapter)(nil)
	_ provider.ErrorDescriber = (*Adapter)(nil)
	_ provider.LineTypeLooker = (*Adapter)(nil)
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

// Secrets returns the account's auth token, or nothing when it is empty.
func (a *Adapter) Secrets(acct provider.Account) []string {
	if acct.AuthToken == "" {
		return nil
	}
	return []string{acct.AuthToken}
}

// AccountSIDOf returns the AccountSid parameter of the webhook, or "" when it has none. It reads
// the form leniently: a webhook whose other fields are unusable must still be verified, so that it
// can be kept and answered 400 instead of being refused as anonymous.
func (a *Adapter) AccountSIDOf(w provider.Webhook) string {
	form, err := parseFormBody(w.Body)
	if err != nil {
		return ""
	}
	sid := form.Get("AccountSid")
	if len(sid) > maxValueBytes {
		return ""
	}
	return sid
}

// Verify checks the webhook's X-Twilio-Signature against acct.AuthToken. Form-encoded webhooks are
// signed over Webhook.URL and the body parameters. Webhooks whose URL carries bodySHA256 are signed
// over the URL alone and the body must match that hash. It returns an error wrapping
// provider.ErrSignature when the token is empty or the header is missing or wrong, and one wrapping
// provider.ErrMalformed when the body cannot be read as a form.
func (a *Adapter) Verify(acct provider.Account, w provider.Webhook) error {
	if acct.AuthToken == "" {
		return fmt.Errorf("verify twilio %s webhook for account %q: auth token is empty, so no signature can match: %w",
			w.Route, acct.AccountSID, provider.ErrSignature)
	}
	header := w.Header.Get(signatureHeader)
	if header == "" {
		return fmt.Errorf("verify twilio %s webhook for account %q: missing %s header: %w",
			w.Route, acct.AccountSID, signatureHeader, provider.ErrSignature)
	}

	if _, ok := bodyHashOf(w.URL); ok {
		if !checkSignedBody(acct.AuthToken, w.URL, w.Body, header) {
			return fmt.Errorf("verify twilio %s webhook for account %q: signature or body hash does not match: %w",
				w.Route, acct.AccountSID, provider.ErrSignature)
		}
		return nil
	}

	form, err := parseFormBody(w.Body)
	if err != nil {
		return fmt.Errorf("verify twilio %s webhook for account %q: %w", w.Route, acct.AccountSID, err)
	}
	if !checkSignature(acct.AuthToken, w.URL, form, header) {
		return fmt.Errorf("verify twilio %s webhook for account %q: signature does not match: %w",
			w.Route, acct.AccountSID, provider.ErrSignature)
	}
	return nil
}
