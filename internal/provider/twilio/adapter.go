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
	flavor flavor
}

// flavor is what differs between Twilio and the platforms that speak its API.
type flavor struct {
	kind provider.Kind
	// headers carry the signature, in the order they are tried.
	headers []string
	// apiPrefix precedes /2010-04-01 in API paths.
	apiPrefix string
	// defaultBase is the API host of accounts without an APIBaseURL; empty makes one required.
	defaultBase string
	// signingKey returns the key that signs the account's webhooks.
	signingKey func(acct provider.Account) string
}

// twilioFlavor is Twilio itself: webhooks signed with the auth token.
var twilioFlavor = flavor{
	kind: ProviderKind, headers: []string{signatureHeader}, defaultBase: DefaultAPIBaseURL,
	signingKey: func(acct provider.Account) string { return acct.AuthToken },
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
	return &Adapter{client: opts.HTTPClient, clock: clock, flavor: twilioFlavor}
}

// Kind returns ProviderKind, or SignalWireKind for the SignalWire configuration.
func (a *Adapter) Kind() provider.Kind { return a.flavor.kind }

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
	key := a.flavor.signingKey(acct)
	if key == "" {
		return fmt.Errorf("verify %s %s webhook for account %q: signing key is empty, so no signature can match: %w",
			a.flavor.kind, w.Route, acct.AccountSID, provider.ErrSignature)
	}
	var header string
	for _, name := range a.flavor.headers {
		if header = w.Header.Get(name); header != "" {
			break
		}
	}
	if header == "" {
		return fmt.Errorf("verify %s %s webhook for account %q: missing %s header: %w",
			a.flavor.kind, w.Route, acct.AccountSID, a.flavor.headers[0], provider.ErrSignature)
	}

	if _, ok := bodyHashOf(w.URL); ok {
		if !checkSignedBody(key, w.URL, w.Body, header) {
			return fmt.Errorf("verify twilio %s webhook for account %q: signature or body hash does not match: %w",
				w.Route, acct.AccountSID, provider.ErrSignature)
		}
		return nil
	}

	form, err := parseFormBody(w.Body)
	if err != nil {
		return fmt.Errorf("verify twilio %s webhook for account %q: %w", w.Route, acct.AccountSID, err)
	}
	if !checkSignature(key, w.URL, form, header) {
		return fmt.Errorf("verify twilio %s webhook for account %q: signature does not match: %w",
			w.Route, acct.AccountSID, provider.ErrSignature)
	}
	return nil
}
