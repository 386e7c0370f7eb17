// Package pbx implements textback's provider contract for a generic missed-call report that any
// phone system can send: Asterisk, FreePBX, FreeSWITCH, 3CX, a RingCentral webhook relay or a
// script that reads call detail records. The phone system handles its own calls and reports each
// one to textback once, after it ended. textback then texts the caller back through the business
// number's own provider, such as Twilio or the sandbox. This adapter never sends a text.
//
// # Request
//
// A PBX reports one call per request:
//
//	POST /webhooks/pbx/<number-token>
//	Content-Type: application/json
//	X-Textback-Timestamp: 1773255850
//	X-Textback-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//
//	{"call_id": "pbx-unique-id", "caller": "+12025550143", "called": "+13125550199",
//	 "outcome": "missed", "time": "2026-03-11T19:04:10Z", "ring_seconds": 18}
//
// The token in the path names one business number (store.Number.WebhookToken). It identifies the
// number but is not a secret: the number's webhook secret authenticates the request.
//
// Fields, all JSON strings except ring_seconds:
//
//	call_id       required  the PBX's unique id of the call, 1 to 128 bytes without control
//	                        characters; a report sent again with the same call_id is a duplicate
//	caller        required  the caller id as the PBX knows it, at most 128 bytes; "" or
//	                        "anonymous" is a withheld caller, which textback records but never
//	                        texts
//	called        optional  the business number the call reached, in any form phone.Parse reads
//	                        in the number's country; it must be the token's number
//	outcome       required  what happened to the call, from the table below (any letter case)
//	time          optional  when the call took place, RFC 3339; default: when textback received
//	                        the report. It chooses the business-hours or after-hours text
//	ring_seconds  optional  how long the call rang, a non-negative JSON integer
//
// Unknown fields are ignored. The body is read as JSON whatever the Content-Type header says,
// because some PBX HTTP functions cannot set it. Parse rejects these reports with an error that
// wraps provider.ErrMalformed and names the field, and the webhook handler responds with 400:
//
//   - a body over MaxBody bytes, or one that is not a JSON object;
//   - a missing required field, or a field of the wrong JSON type;
//   - an unknown outcome, an invalid time or a negative ring_seconds;
//   - a called number that is not the token's number.
//
// Outcomes:
//
//	outcome    meaning                                         DialStatus   decision
//	missed     nobody answered                                 no-answer    missed
//	no-answer  nobody answered                                 no-answer    missed
//	busy       the line or every extension was busy            busy         missed
//	failed     the call could not be put through               failed       missed
//	voicemail  the business's voicemail box took the call      voicemail    missed
//	answered   a person at the business took the call          completed    answered
//
// # Authentication
//
// Each number has its own webhook secret (store.Number.WebhookSecret). A request carries one of:
//
//   - X-Textback-Signature "v1=" and the lowercase hex HMAC-SHA256 of "<timestamp>.<raw body>"
//     keyed with the secret, and X-Textback-Timestamp, the signing time in Unix seconds, at most
//     five minutes from textback's clock. This is the scheme of textback's own alert webhooks.
//   - Authorization "Bearer <secret>".
//
// When X-Textback-Signature is present it decides, even if an Authorization header is also sent.
// A number without a secret accepts no report.
//
// # Response
//
// 200 with Content-Type application/json and {"status":"accepted"}, for a new report and for a
// duplicate alike. 400 for a malformed report, 403 for a failed authentication, 404 for an unknown
// token. docs/pbx.md shows how to send reports from common phone systems.
package pbx

import (
	"context"
	"fmt"
	"net/http"

	"github.com/textback/textback/internal/provider"
)

// Kind is the provider.Kind of this adapter. No provider account has this kind: reports are
// stored under the business number's own provider.
const Kind provider.Kind = "pbx"

// Path is the webhook path of this adapter, as in /webhooks/pbx/<number-token>.
const Path = "pbx"

// NumberHeader is the request header in which textback records the business number that the
// URL's token named on arrival. Parse checks "called" against it, both on arrival and when the
// stored report is applied later. The webhook handler replaces any value the client sent (see
// BindNumber).
const NumberHeader = "X-Textback-Pbx-Number"

// Adapter reads PBX call reports. It keeps no state and is safe for concurrent use.
type Adapter struct{}

var _ provider.Adapter = (*Adapter)(nil)

// New returns an Adapter.
func New() *Adapter { return &Adapter{} }

// Kind returns Kind.
func (a *Adapter) Kind() provider.Kind { return Kind }

// AccountSIDOf returns "", because a PBX report names a business number by the token in its URL,
// not a provider account. The webhook handler finds the number with NumberToken instead.
func (a *Adapter) AccountSIDOf(provider.Webhook) string { return "" }

// NumberToken returns the token that the report's URL names, which is its whole route, or "" when
// the route is empty or has more than one segment.
func (a *Adapter) NumberToken(w provider.Webhook) string {
	token, ok := tokenOf(w.Route)
	if !ok {
		return ""
	}
	return token
}

// BindNumber returns w with NumberHeader set to e164, the business number that the token names,
// replacing any value the client sent. w's own header is not changed.
func (a *Adapter) BindNumber(w provider.Webhook, e164 string) provider.Webhook {
	header := w.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	header.Set(NumberHeader, e164)
	w.Header = header
	return w
}

// Secrets returns the number's webhook secret, which Verify receives as acct.AuthToken.
func (a *Adapter) Secrets(acct provider.Account) []string {
	if acct.AuthToken == "" {
		return nil
	}
	return []string{acct.AuthToken}
}

// RespondCall returns an error, because a PBX reports a call after it ended and never requests
// call instructions.
func (a *Adapter) RespondCall(provider.CallPlan) (provider.Response, error) {
	return provider.Response{}, fmt.Errorf("pbx adapter: a PBX reports ended calls and never requests call instructions")
}

// acceptedBody is the response body for every stored report, new or duplicate.
const acceptedBody = `{"status":"accepted"}`

// RespondEvent returns {"status":"accepted"} as JSON, whatever the event.
func (a *Adapter) RespondEvent(provider.Event, provider.CallPlan) (provider.Response, error) {
	return provider.Response{ContentType: "application/json", Body: []byte(acceptedBody)}, nil
}

// Send returns a permanent *provider.SendError. Texts to callers go through the business number's
// own provider, which the outbound path finds from the number, so a send that reaches this
// adapter means a provider account was wrongly given kind "pbx".
func (a *Adapter) Send(context.Context, provider.Account, provider.SendRequest) (provider.SendResult, error) {
	return provider.SendResult{}, &provider.SendError{
		Kind: provider.Permanent,
		Message: "the pbx adapter cannot send texts: a text back goes through the number's own provider " +
			"(twilio, telnyx or sandbox), so give the number such a provider and no provider the kind pbx",
	}
}
