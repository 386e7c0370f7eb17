// Package provider defines the contract between textback's core and the telephony providers it
// speaks to. An adapter turns a provider's webhooks into the events below, renders the call
// instructions the provider expects, sends texts, and says which of its values are secrets.
//
// The contract covers only what every provider shares. Abilities that only some providers have
// are small optional interfaces (MessageFinder) that callers find by type assertion.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind names a provider adapter.
type Kind string

// Account is one provider account as configured by the operator.
type Account struct {
	ID         int64
	Name       string
	Kind       Kind
	AccountSID string // the provider's account id; for Twilio "AC" and 32 hex digits
	AuthToken  string // the secret that signs webhooks and authenticates API calls
	APIBaseURL string // where API requests go; empty means the provider's public API
	// PublicKey verifies webhooks of providers that sign with a key pair, such as Telnyx's
	// base64 Ed25519 key; empty for providers that sign with AuthToken.
	PublicKey string
}

// Route names one webhook endpoint of an adapter, as in /webhooks/<provider>/<route>.
type Route string

// Webhook is one HTTP request received from a provider, kept as it arrived.
type Webhook struct {
	Route      Route
	URL        string // the public URL the provider called, including the raw query string
	Header     http.Header
	Body       []byte
	ReceivedAt time.Time
}

// EventType says what a parsed webhook reports.
type EventType string

const (
	CallIncoming     EventType = "call.incoming"      // a new inbound call wants instructions
	CallDialEnded    EventType = "call.dial_ended"    // the forwarded leg ended (answered or not)
	CallStatus       EventType = "call.status"        // a status callback for the caller's leg
	CallMachine      EventType = "call.machine"       // answering-machine detection finished on the forwarded leg
	CallScreened     EventType = "call.screened"      // the person on the forwarded leg answered the screening prompt
	CallScreenPrompt EventType = "call.screen_prompt" // the forwarded leg was picked up and hears the screening prompt
	MessageInbound   EventType = "message.inbound"    // a text from a contact to a business number
	MessageStatus    EventType = "message.status"     // a delivery report for a text we sent
)

// Events of calls that a phone menu answers. Their State carries the menu step.
const (
	CallMenuInput     EventType = "call.menu_input"      // the caller pressed a key or spoke at a menu, or did nothing
	CallMenuDialEnded EventType = "call.menu_dial_ended" // the numbers that a menu rang stopped ringing or hung up
	CallVoicemail     EventType = "call.voicemail"       // the caller finished a voicemail, or left none
	CallRecording     EventType = "call.recording"       // the provider stored a voicemail's recording
	CallTranscription EventType = "call.transcription"   // the provider transcribed a voicemail's recording
)

// Event is a webhook parsed into textback's terms. Fields that a given event type does not carry
// are empty. Raw provider values (statuses, error codes) are kept as sent, never collapsed.
type Event struct {
	// Key identifies the event for deduplication: a retried or duplicated delivery of the same
	// event has the same key, and a different event has a different one.
	Key        string
	Type       EventType
	AccountSID string
	CallID     string // the caller's leg; for events about the forwarded leg, its parent call
	LegID      string // the forwarded leg, when the event is about it
	// LegOnly marks an event that the forwarded leg reported by itself, without the caller's
	// details, so it can complete a call the caller's leg recorded but never start one.
	LegOnly bool
	From    string // caller id exactly as sent (may be "Anonymous" or empty)
	// To is the business number that was called or texted. On forwarded-leg events it is set
	// only when the adapter could recover it from its callback URL.
	To string
	// ForwardedFrom is the number that forwarded the call to us, when the provider says so.
	ForwardedFrom string
	Status        string // raw call status or message status
	DialStatus    string // raw outcome of the forwarded leg
	DialDuration  int    // seconds the forwarded leg was connected
	AnsweredBy    string // raw answering-machine detection result
	Digits        string // keys pressed at the screening prompt
	MessageID     string
	Body          string
	ErrorCode     string
	OccurredAt    time.Time // zero when the provider does not say
	// Speech is what the caller said at a menu, as the provider transcribed it.
	Speech string
	// RecordingID, RecordingURL and RecordingDuration (in seconds) describe a voicemail recording.
	RecordingID       string
	RecordingURL      string
	RecordingDuration int
	// Transcript is the provider's transcript of a voicemail recording.
	Transcript string
	// State is the query string that textback put in a menu callback URL, encoded, such as
	// "menu=main&step=2". It is empty for other events.
	State string
}

// CallPlan says how textback wants an inbound call handled. Adapters render it in their markup.
type CallPlan struct {
	// Dial is the number to ring; empty means do not ring anyone (the call counts as missed).
	Dial        string
	RingSeconds int
	// Say is spoken to the caller when nobody is rung, before hanging up.
	Say string
	// AnswerCheck decides how a completed forwarded leg is told apart from a voicemail box.
	AnswerCheck AnswerCheck
	// ScreenPrompt is spoken to the person who picks up when AnswerCheck is AnswerCheckScreen.
	ScreenPrompt string
	// CallbackBase is the public URL prefix of this adapter's webhooks, such as
	// "https://hooks.example.com/webhooks/twilio".
	CallbackBase string
	CallID       string
	CallerID     string // the caller id to present on the forwarded leg
	// Number is the business number the caller dialled. Adapters put it in the callback URLs of
	// the forwarded leg, whose own webhooks name the rung phone instead.
	Number string
}

// AnswerCheck is how textback learns whether a person, not a voicemail box, took a forwarded call.
type AnswerCheck string

const (
	AnswerCheckNone    AnswerCheck = "none"    // a completed forwarded leg counts as answered
	AnswerCheckMachine AnswerCheck = "machine" // the provider's answering-machine detection decides
	AnswerCheckScreen  AnswerCheck = "screen"  // the person who picks up must press 1 to take the call
)

// Response is what a webhook handler writes back to the provider.
type Response struct {
	ContentType string
	Body        []byte
}

// SendRequest is one text to send.
type SendRequest struct {
	From string // E.164 business number
	To   string // E.164 recipient
	Body string
	// StatusCallback is where the provider should report delivery; empty for none.
	StatusCallback string
}

// SendResult is the provider's acceptance of a text.
type SendResult struct {
	MessageID string
	Status    string // raw status, such as "queued"
}

// Adapter is the contract every provider implements. Implementations must be safe for
// concurrent use and keep no per-account state beyond what Account carries.
type Adapter interface {
	Kind() Kind
	// AccountSIDOf returns the account id a webhook claims to come from, so that the caller can
	// load the secret to verify it with. It returns "" when the webhook names none.
	AccountSIDOf(w Webhook) string
	// Verify checks the webhook's signature against acct's secret. It returns an error wrapping
	// ErrSignature when the signature is missing or wrong.
	Verify(acct Account, w Webhook) error
	// Parse turns a verified webhook into an event. It returns an error wrapping ErrMalformed
	// when required fields are missing or unreadable, and ErrUnknownRoute for routes it does not
	// serve.
	Parse(w Webhook) (Event, error)
	// RespondCall renders the instructions for an inbound call.
	RespondCall(plan CallPlan) (Response, error)
	// RespondEvent renders the answer to any other webhook: for voice webhooks the markup that
	// continues the call, for the rest an empty acknowledgement.
	RespondEvent(ev Event, plan CallPlan) (Response, error)
	// Send sends one text. Failures are *SendError values.
	Send(ctx context.Context, acct Account, req SendRequest) (SendResult, error)
	// Secrets lists the values of acct that must never appear in logs or the delivery log.
	Secrets(acct Account) []string
}

// NumberIdentifier is implemented by adapters whose webhooks name no account (Telnyx's). It
// returns the business's own E.164 number that the webhook concerns, or "" when it names none,
// and the server finds the account through that number.
type NumberIdentifier interface {
	BusinessNumberOf(w Webhook) string
}

// MessageFinder is implemented by adapters that can look up texts already accepted by the
// provider. The outbound path uses it before it retries a send whose outcome is unknown, so that
// a timeout or a crash between the request and its answer never sends a text twice.
type MessageFinder interface {
	// FindSent returns the id of a text from req.From to req.To with req.Body that the provider
	// accepted at or after since, or "" when there is none.
	FindSent(ctx context.Context, acct Account, req SendRequest, since time.Time) (string, error)
}

// ErrorInfo is what textback does about a provider's delivery error code.
type ErrorInfo struct {
	Meaning       string         // a short human-readable reason, fit for a message record or an alert
	Recipient     RecipientState // what the error says about the recipient
	Retries       int            // how many times the same text may be sent again after this error
	RetrySpacing  time.Duration  // the least time between those retries (zero: the queue's backoff)
	AlertOperator bool           // a person must act, such as fixing a registration or credentials
	PauseSender   bool           // nothing should leave the sending number until an operator fixes it
}

// ErrorDescriber is implemented by adapters that can explain their provider's error codes.
type ErrorDescriber interface {
	// DescribeError returns what textback does about one of the provider's error codes, such as
	// the ErrorCode of a delivery report.
	DescribeError(code string) ErrorInfo
}

// LineTypeLooker is implemented by adapters that can say whether a number is a mobile, a landline
// or another kind of line.
type LineTypeLooker interface {
	// LookupLineType returns the line type of e164: one of the LineType constants. Failures are
	// errors; an answer the provider does not know is LineUnknown.
	LookupLineType(ctx context.Context, acct Account, e164 string) (LineType, error)
}

// LineType is the kind of line behind a phone number, as a provider's number lookup reports it.
type LineType string

const (
	LineMobile   LineType = "mobile"    // a mobile phone
	LineLandline LineType = "landline"  // a fixed line, which cannot take texts
	LineVoIP     LineType = "voip"      // an internet phone service, fixed or not
	LineTollFree LineType = "toll_free" // a toll-free number
	LineUnknown  LineType = "unknown"   // the provider could not tell, or reported another kind
)

// CanText reports whether texts to a line of this type can be delivered: false only for landlines.
func (t LineType) CanText() bool {
	return t != LineLandline
}

var (
	// ErrSignature means a webhook's signature is missing or does not match.
	ErrSignature = errors.New("invalid webhook signature")
	// ErrMalformed means a webhook could not be read.
	ErrMalformed = errors.New("malformed webhook")
	// ErrUnknownRoute means an adapter does not serve the requested webhook route.
	ErrUnknownRoute = errors.New("unknown webhook route")
)

// SendErrorKind tells the outbound path what to do after a failed send.
type SendErrorKind string

const (
	// Retryable failures may succeed later: 5xx answers, 429, timeouts and network errors.
	Retryable SendErrorKind = "retryable"
	// Permanent failures will fail again with the same request, such as an invalid number.
	Permanent SendErrorKind = "permanent"
	// Unknown failures left the outcome unknown: the request may have reached the provider.
	// They are retried only after checking that the text was not accepted.
	Unknown SendErrorKind = "unknown"
)

// SendError is a failed send, classified for retries and for what it says about the recipient.
type SendError struct {
	Kind       SendErrorKind
	HTTPStatus int    // 0 when no answer arrived
	Code       string // the provider's error code, such as "21610"
	Message    string
	RetryAfter time.Duration // the provider's Retry-After, when it sent one
	Recipient  RecipientState
	Err        error
}

// RecipientState is what a send failure says about the recipient.
type RecipientState string

const (
	RecipientUnchanged  RecipientState = ""            // nothing is learned about the recipient
	RecipientOptedOut   RecipientState = "opted_out"   // the recipient has unsubscribed (Twilio 21610)
	RecipientCannotText RecipientState = "cannot_text" // a landline or a number that cannot take texts
	RecipientInvalid    RecipientState = "invalid"     // not a valid destination number
)

func (e *SendError) Error() string {
	msg := fmt.Sprintf("send failed (%s", e.Kind)
	if e.HTTPStatus != 0 {
		msg += fmt.Sprintf(", http %d", e.HTTPStatus)
	}
	if e.Code != "" {
		msg += ", code " + e.Code
	}
	msg += ")"
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SendError) Unwrap() error { return e.Err }

// Clean returns the event with every text field made safe to store: invalid UTF-8 becomes U+FFFD
// and NUL characters are removed, because PostgreSQL rejects both in text columns. Without this, a
// text such as "STOP" followed by a NUL could never be stored, and so never applied.
func (e Event) Clean() Event {
	for _, field := range []*string{
		&e.Key, &e.AccountSID, &e.CallID, &e.LegID, &e.From, &e.To, &e.ForwardedFrom, &e.Status, &e.DialStatus,
		&e.AnsweredBy, &e.Digits, &e.MessageID, &e.Body, &e.ErrorCode, &e.Speech, &e.RecordingID, &e.RecordingURL,
		&e.Transcript, &e.State,
	} {
		*field = CleanText(*field)
	}
	return e
}

// CleanText returns s as valid UTF-8 without NUL characters.
func CleanText(s string) string {
	if utf8.ValidString(s) && !strings.Contains(s, "\x00") {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
