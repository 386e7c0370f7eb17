// Package resource turns store records into the JSON objects that the REST API returns and that
// outbound webhooks carry in their data field, so that both show a record the same way.
//
// Times are RFC 3339 in UTC. A time that has not happened is null, never the zero time. Ids are
// the database ids, unique within their kind.
package resource

import (
	"time"

	"github.com/textback/textback/internal/store"
)

// Contact is a person who called or texted the business.
type Contact struct {
	ID         int64      `json:"id"`
	Phone      string     `json:"phone"` // E.164
	Kind       string     `json:"kind"`  // lead or staff
	FirstName  string     `json:"first_name"`
	LastName   string     `json:"last_name"`
	Email      string     `json:"email"`
	Tags       []string   `json:"tags"`
	Qualifier  string     `json:"qualifier"`
	OptedOut   bool       `json:"opted_out"`
	OptedOutAt *time.Time `json:"opted_out_at"`
	// SMSBlocked is the reason texts cannot reach the number, such as a landline; empty when they can.
	SMSBlocked string    `json:"sms_blocked"`
	TimeZone   string    `json:"time_zone"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// NewContact returns the JSON form of c.
func NewContact(c store.Contact) Contact {
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	return Contact{
		ID: int64(c.ID), Phone: c.E164, Kind: string(c.Kind), FirstName: c.FirstName, LastName: c.LastName,
		Email: c.Email, Tags: tags, Qualifier: c.Qualifier, OptedOut: c.OptedOut(), OptedOutAt: optional(c.OptedOutAt),
		SMSBlocked: c.SMSBlocked, TimeZone: c.TimeZone, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

// Conversation is the thread of texts between the business and one contact.
type Conversation struct {
	ID                    int64      `json:"id"`
	ContactID             int64      `json:"contact_id"`
	Unread                int        `json:"unread"`
	LastMessageAt         *time.Time `json:"last_message_at"`
	LastInboundAt         *time.Time `json:"last_inbound_at"`
	LastHumanReplyAt      *time.Time `json:"last_human_reply_at"`
	AutomationPausedUntil *time.Time `json:"automation_paused_until"`
	CreatedAt             time.Time  `json:"created_at"`
}

// NewConversation returns the JSON form of c.
func NewConversation(c store.Conversation) Conversation {
	return Conversation{
		ID: int64(c.ID), ContactID: int64(c.ContactID), Unread: c.Unread, LastMessageAt: optional(c.LastMessageAt),
		LastInboundAt: optional(c.LastInboundAt), LastHumanReplyAt: optional(c.LastHumanReplyAt),
		AutomationPausedUntil: optional(c.AutomationPausedUntil), CreatedAt: c.CreatedAt,
	}
}

// Message is one text, in either direction.
type Message struct {
	ID             int64  `json:"id"`
	ConversationID *int64 `json:"conversation_id"`
	ContactID      *int64 `json:"contact_id"`
	CallID         *int64 `json:"call_id"`
	Direction      string `json:"direction"` // inbound or outbound
	From           string `json:"from"`
	To             string `json:"to"`
	Body           string `json:"body"`
	Status         string `json:"status"`
	// Purpose names the feature that sent an outbound text, such as text_back or api.
	Purpose   string `json:"purpose"`
	Automated bool   `json:"automated"`
	SentBy    string `json:"sent_by"`
	Segments  int    `json:"segments"`
	Encoding  string `json:"encoding"`
	// HoldReason is the detail of the outbound check that held the text back.
	HoldReason   string               `json:"hold_reason"`
	ErrorCode    string               `json:"error_code"`
	ErrorMessage string               `json:"error_message"`
	Details      store.MessageDetails `json:"details"`
	SentAt       *time.Time           `json:"sent_at"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
}

// NewMessage returns the JSON form of m.
func NewMessage(m store.Message) Message {
	return Message{
		ID: int64(m.ID), ConversationID: optionalID(int64(m.ConversationID)), ContactID: optionalID(int64(m.ContactID)),
		CallID: optionalID(int64(m.CallID)), Direction: string(m.Direction), From: m.From, To: m.To, Body: m.Body,
		Status: string(m.Status), Purpose: string(m.Purpose), Automated: m.Automated, SentBy: m.SentBy,
		Segments: m.Segments, Encoding: m.Encoding, HoldReason: m.HoldReason, ErrorCode: m.ErrorCode,
		ErrorMessage: m.ErrorMessage, Details: m.Details, SentAt: optional(m.SentAt), CreatedAt: m.CreatedAt,
		UpdatedAt: m.UpdatedAt,
	}
}

// Call is one inbound call with its decision record.
type Call struct {
	ID            int64  `json:"id"`
	ContactID     *int64 `json:"contact_id"`
	From          string `json:"from"` // the caller id as the provider sent it
	To            string `json:"to"`
	ForwardedFrom string `json:"forwarded_from"`
	Handling      string `json:"handling"`
	CallStatus    string `json:"call_status"`
	DialStatus    string `json:"dial_status"`
	DialDuration  int    `json:"dial_duration"` // seconds
	AnsweredBy    string `json:"answered_by"`
	// Outcome is pending, missed or answered; OutcomeReason gives the reason.
	Outcome       string `json:"outcome"`
	OutcomeReason string `json:"outcome_reason"`
	// TextBack is queued, skipped or empty; TextBackReason gives the reason.
	TextBack       string `json:"text_back"`
	TextBackReason string `json:"text_back_reason"`
	// Decision is the decision record in words.
	Decision  string     `json:"decision"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"`
	DecidedAt *time.Time `json:"decided_at"`
}

// NewCall returns the JSON form of c.
func NewCall(c store.Call) Call {
	return Call{
		ID: int64(c.ID), ContactID: optionalID(int64(c.ContactID)), From: c.FromRaw, To: c.To,
		ForwardedFrom: c.ForwardedFrom, Handling: string(c.Handling), CallStatus: c.CallStatus, DialStatus: c.DialStatus,
		DialDuration: c.DialDuration, AnsweredBy: c.AnsweredBy, Outcome: string(c.Outcome), OutcomeReason: c.OutcomeReason,
		TextBack: string(c.TextBack), TextBackReason: c.TextBackReason, Decision: c.Decision, StartedAt: c.StartedAt,
		EndedAt: optional(c.EndedAt), DecidedAt: optional(c.DecidedAt),
	}
}

// Task is something a person at the business should do, such as calling a lead back.
type Task struct {
	ID        int64      `json:"id"`
	ContactID *int64     `json:"contact_id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Owner     string     `json:"owner"`
	Priority  string     `json:"priority"` // normal or high
	State     string     `json:"state"`    // open or done
	Source    string     `json:"source"`
	DueAt     time.Time  `json:"due_at"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// NewTask returns the JSON form of t.
func NewTask(t store.Task) Task {
	return Task{
		ID: int64(t.ID), ContactID: optionalID(int64(t.ContactID)), Kind: t.Kind, Title: t.Title, Owner: t.Owner,
		Priority: t.Priority, State: t.State, Source: t.Source, DueAt: t.DueAt, DoneAt: optional(t.DoneAt),
		CreatedAt: t.CreatedAt,
	}
}

// Booking is a slot of a calendar held for, or booked by, a contact.
type Booking struct {
	ID            int64      `json:"id"`
	CalendarID    int64      `json:"calendar_id"`
	ContactID     int64      `json:"contact_id"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        time.Time  `json:"ends_at"`
	State         string     `json:"state"`  // held, booked, cancelled or expired
	Source        string     `json:"source"` // sms or page
	Name          string     `json:"name"`
	Email         string     `json:"email"`
	Notes         string     `json:"notes"`
	HoldExpiresAt *time.Time `json:"hold_expires_at"`
	ReplacesID    *int64     `json:"replaces_id"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
}

// NewBooking returns the JSON form of b.
func NewBooking(b store.Booking) Booking {
	return Booking{
		ID: int64(b.ID), CalendarID: int64(b.CalendarID), ContactID: int64(b.ContactID), StartsAt: b.Start,
		EndsAt: b.End, State: string(b.State), Source: string(b.Source), Name: b.Name, Email: b.Email, Notes: b.Notes,
		HoldExpiresAt: optional(b.HoldExpiresAt), ReplacesID: optionalID(int64(b.ReplacesID)), CreatedAt: b.CreatedAt,
		UpdatedAt: b.UpdatedAt, CancelledAt: optional(b.CancelledAt),
	}
}

// optional returns nil for the zero time, which JSON shows as null.
func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	utc := t.UTC()
	return &utc
}

// optionalID returns nil for the id 0, which means no row.
func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
