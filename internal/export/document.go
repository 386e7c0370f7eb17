package export

import (
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// Document is the whole export as Write lays it out, for programs that read it back.
type Document struct {
	Format        string         `json:"format"`
	ExportedAt    time.Time      `json:"exported_at"`
	Business      Business       `json:"business"`
	Numbers       []Number       `json:"numbers"`
	Calendars     []Calendar     `json:"calendars"`
	Contacts      []Contact      `json:"contacts"`
	Conversations []Conversation `json:"conversations"`
	Calls         []Call         `json:"calls"`
	Messages      []Message      `json:"messages"`
	Sequences     []Sequence     `json:"follow_up_sequences"`
	Tasks         []Task         `json:"tasks"`
	Alerts        []Alert        `json:"alerts"`
	Bookings      []Booking      `json:"bookings"`
}

// Business is the exported business with its settings.
type Business struct {
	ID         int64      `json:"id"`
	Slug       string     `json:"slug"`
	Name       string     `json:"name"`
	TimeZone   string     `json:"time_zone"`
	Region     string     `json:"region"`
	RepName    string     `json:"rep_name"`
	BookingURL string     `json:"booking_url"`
	Hours      hours.Week `json:"hours"` // {"mon": "08:00-18:00", "sun": "closed", ...}
	TextBack   TextBack   `json:"text_back"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TextBack is the business's reply to missed calls.
type TextBack struct {
	Enabled            bool   `json:"enabled"`
	WindowSeconds      int64  `json:"window_seconds"`
	Template           string `json:"template"`
	AfterHoursTemplate string `json:"after_hours_template"`
	MissedCallMessage  string `json:"missed_call_message"`
	ScreenPrompt       string `json:"screen_prompt"`
}

// Provider names the provider account of a number, call or text. It never carries credentials.
type Provider struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Number is one of the business's phone numbers.
type Number struct {
	ID          int64     `json:"id"`
	E164        string    `json:"e164"`
	Provider    *Provider `json:"provider"`
	Mode        string    `json:"mode"`
	ForwardTo   string    `json:"forward_to"`
	RingSeconds int       `json:"ring_seconds"`
	AnswerCheck string    `json:"answer_check"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Contact is a person who called or texted the business.
type Contact struct {
	ID             int64      `json:"id"`
	E164           string     `json:"e164"`
	FirstName      string     `json:"first_name"`
	LastName       string     `json:"last_name"`
	OptedOutAt     *time.Time `json:"opted_out_at"`
	SMSBlocked     string     `json:"sms_blocked"`
	SMSBlockedAt   *time.Time `json:"sms_blocked_at"`
	LastTextBackAt *time.Time `json:"last_text_back_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Call is one inbound call and the decision made about it. Ids of numbers and contacts refer to
// the Numbers and Contacts of the same document; null means none.
type Call struct {
	ID             int64     `json:"id"`
	NumberID       *int64    `json:"number_id"`
	ContactID      *int64    `json:"contact_id"`
	Provider       *Provider `json:"provider"`
	ProviderCallID string    `json:"provider_call_id"`
	FromRaw        string    `json:"from_raw"` // the caller id exactly as the provider sent it
	To             string    `json:"to"`
	ForwardedFrom  string    `json:"forwarded_from"`
	Handling       string    `json:"handling"`
	AnswerCheck    string    `json:"answer_check"`
	CallStatus     string    `json:"call_status"`
	DialStatus     string    `json:"dial_status"`
	DialSeconds    int       `json:"dial_duration_seconds"`
	AnsweredBy     string    `json:"answered_by"`
	// ScreenDigits is null when no screening result arrived, and "" when one arrived empty.
	ScreenDigits   *string    `json:"screen_digits"`
	DialEndedAt    *time.Time `json:"dial_ended_at"`
	EndedAt        *time.Time `json:"ended_at"`
	Outcome        string     `json:"outcome"`
	OutcomeReason  string     `json:"outcome_reason"`
	TextBack       string     `json:"text_back"`
	TextBackReason string     `json:"text_back_reason"`
	Decision       string     `json:"decision"`
	DecidedAt      *time.Time `json:"decided_at"`
	StartedAt      time.Time  `json:"started_at"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Voicemails are the messages that the caller left in the business's phone menu.
	Voicemails []Voicemail `json:"voicemails,omitempty"`
}

// Voicemail is a message that a caller left in the phone menu. The provider keeps the recording.
type Voicemail struct {
	RecordingURL     string     `json:"recording_url"`
	RecordingStatus  string     `json:"recording_status"`
	DurationSeconds  int        `json:"duration_seconds"`
	Transcript       string     `json:"transcript"`
	TranscriptStatus string     `json:"transcript_status"`
	AlertedAt        *time.Time `json:"alerted_at"`
	CreatedAt        time.Time  `json:"created_at"`
}

func voicemailOf(v store.Voicemail) Voicemail {
	return Voicemail{
		RecordingURL: v.RecordingURL, RecordingStatus: v.RecordingStatus, DurationSeconds: int(v.Duration / time.Second),
		Transcript: v.Transcript, TranscriptStatus: v.TranscriptStatus, AlertedAt: utc(v.AlertedAt),
		CreatedAt: v.CreatedAt.UTC(),
	}
}

// Details records why an automated text exists and what it was made of.
type Details struct {
	Trigger        string            `json:"trigger"`  // its cause, such as "missed call CA12 (no-answer)"
	Template       string            `json:"template"` // the template text before rendering
	Values         map[string]string `json:"values"`   // the values filled into the template
	Checks         []Check           `json:"checks"`   // the outbound path's checks, in order
	OptOutAppended bool              `json:"opt_out_appended"`
}

// Check is one check on the outbound path and its result.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// Message is one text, in either direction.
type Message struct {
	ID                int64      `json:"id"`
	ContactID         *int64     `json:"contact_id"`
	NumberID          *int64     `json:"number_id"`
	CallID            *int64     `json:"call_id"`
	Provider          *Provider  `json:"provider"`
	Direction         string     `json:"direction"`
	From              string     `json:"from"`
	To                string     `json:"to"`
	Body              string     `json:"body"`
	Encoding          string     `json:"encoding"`
	Segments          int        `json:"segments"`
	Status            string     `json:"status"`
	ProviderMessageID string     `json:"provider_message_id"`
	ProviderStatus    string     `json:"provider_status"`
	ErrorCode         string     `json:"error_code"`
	ErrorMessage      string     `json:"error_message"`
	HoldReason        string     `json:"hold_reason"`
	Purpose           string     `json:"purpose"`
	Template          string     `json:"template"`
	Details           Details    `json:"details"`
	Attempts          int        `json:"attempts"`
	SendingSince      *time.Time `json:"sending_since"`
	SentAt            *time.Time `json:"sent_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// Calendar is one of the business's booking calendars. It never carries the feed token, which
// grants access to the calendar's feed.
type Calendar struct {
	ID                  int64      `json:"id"`
	Slug                string     `json:"slug"`
	Name                string     `json:"name"`
	TimeZone            string     `json:"time_zone"`
	Hours               hours.Week `json:"hours"`
	SlotSeconds         int64      `json:"slot_seconds"`
	BufferBeforeSeconds int64      `json:"buffer_before_seconds"`
	BufferAfterSeconds  int64      `json:"buffer_after_seconds"`
	MinNoticeSeconds    int64      `json:"min_notice_seconds"`
	HorizonSeconds      int64      `json:"horizon_seconds"`
	MaxPerDay           int        `json:"max_per_day"` // 0 means no limit
	Closures            []Closure  `json:"closures"`
	Address             string     `json:"address"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// Closure is a run of local dates, both included, on which a calendar takes no bookings.
type Closure struct {
	From  string `json:"from"` // 2006-01-02
	To    string `json:"to"`
	Label string `json:"label"`
}

// Booking is a slot held for or booked by a contact, in any state. Ids of calendars and contacts
// refer to the Calendars and Contacts of the same document.
type Booking struct {
	ID            int64      `json:"id"`
	CalendarID    int64      `json:"calendar_id"`
	ContactID     int64      `json:"contact_id"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        time.Time  `json:"ends_at"`
	State         string     `json:"state"` // held, booked, cancelled or expired
	HoldExpiresAt *time.Time `json:"hold_expires_at"`
	Source        string     `json:"source"` // sms or page
	Name          string     `json:"name"`
	Email         string     `json:"email"`
	Notes         string     `json:"notes"`
	ReplacesID    *int64     `json:"replaces_id"` // the booking this one rescheduled
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
}

func businessOf(b store.Business) Business {
	return Business{
		ID: int64(b.ID), Slug: b.Slug, Name: b.Name, TimeZone: b.TimeZone, Region: b.Region, RepName: b.RepName,
		BookingURL: b.BookingURL, Hours: b.Hours,
		TextBack: TextBack{
			Enabled:            b.TextBack.Enabled,
			WindowSeconds:      int64(b.TextBack.Window / time.Second),
			Template:           b.TextBack.Template,
			AfterHoursTemplate: b.TextBack.AfterHoursTemplate,
			MissedCallMessage:  b.TextBack.MissedCallMessage,
			ScreenPrompt:       b.TextBack.ScreenPrompt,
		},
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
	}
}

func numberOf(n store.Number, p store.Provider) Number {
	return Number{
		ID: int64(n.ID), E164: n.E164, Provider: providerOf(p), Mode: string(n.Mode), ForwardTo: n.ForwardTo,
		RingSeconds: n.RingSeconds, AnswerCheck: string(n.AnswerCheck),
		CreatedAt: n.CreatedAt.UTC(), UpdatedAt: n.UpdatedAt.UTC(),
	}
}

func contactOf(c store.Contact) Contact {
	return Contact{
		ID: int64(c.ID), E164: c.E164, FirstName: c.FirstName, LastName: c.LastName,
		OptedOutAt: utc(c.OptedOutAt), SMSBlocked: c.SMSBlocked, SMSBlockedAt: utc(c.SMSBlockedAt),
		LastTextBackAt: utc(c.LastTextBackAt), CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

func callOf(c store.Call, p store.Provider) Call {
	out := Call{
		ID: int64(c.ID), NumberID: id(int64(c.NumberID)), ContactID: id(int64(c.ContactID)), Provider: providerOf(p),
		ProviderCallID: c.ProviderCallID, FromRaw: c.FromRaw, To: c.To, ForwardedFrom: c.ForwardedFrom,
		Handling: string(c.Handling), AnswerCheck: string(c.AnswerCheck), CallStatus: c.CallStatus,
		DialStatus: c.DialStatus, DialSeconds: c.DialDuration, AnsweredBy: c.AnsweredBy,
		DialEndedAt: utc(c.DialEndedAt), EndedAt: utc(c.EndedAt), Outcome: string(c.Outcome),
		OutcomeReason: c.OutcomeReason, TextBack: string(c.TextBack), TextBackReason: c.TextBackReason,
		Decision: c.Decision, DecidedAt: utc(c.DecidedAt), StartedAt: c.StartedAt.UTC(),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	if c.ScreenAnswered {
		digits := c.ScreenDigits
		out.ScreenDigits = &digits
	}
	return out
}

func messageOf(m store.Message, p store.Provider) Message {
	return Message{
		ID: int64(m.ID), ContactID: id(int64(m.ContactID)), NumberID: id(int64(m.NumberID)), CallID: id(int64(m.CallID)),
		Provider: providerOf(p), Direction: string(m.Direction), From: m.From, To: m.To, Body: m.Body,
		Encoding: m.Encoding, Segments: m.Segments, Status: string(m.Status), ProviderMessageID: m.ProviderMessageID,
		ProviderStatus: m.ProviderStatus, ErrorCode: m.ErrorCode, ErrorMessage: m.ErrorMessage,
		HoldReason: m.HoldReason, Purpose: string(m.Purpose), Template: m.TemplateName, Details: detailsOf(m.Details),
		Attempts: m.Attempts, SendingSince: utc(m.SendingSince), SentAt: utc(m.SentAt),
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func calendarOf(c store.Calendar) Calendar {
	out := Calendar{
		ID: int64(c.ID), Slug: c.Slug, Name: c.Name, TimeZone: c.TimeZone, Hours: c.Hours,
		SlotSeconds: seconds(c.SlotLength), BufferBeforeSeconds: seconds(c.BufferBefore),
		BufferAfterSeconds: seconds(c.BufferAfter), MinNoticeSeconds: seconds(c.MinNotice),
		HorizonSeconds: seconds(c.Horizon), MaxPerDay: c.MaxPerDay, Closures: make([]Closure, len(c.Closures)),
		Address: c.Address, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
	for i, cl := range c.Closures {
		out.Closures[i] = Closure{From: cl.From, To: cl.To, Label: cl.Label}
	}
	return out
}

func bookingOf(b store.Booking) Booking {
	return Booking{
		ID: int64(b.ID), CalendarID: int64(b.CalendarID), ContactID: int64(b.ContactID),
		StartsAt: b.Start.UTC(), EndsAt: b.End.UTC(), State: string(b.State), HoldExpiresAt: utc(b.HoldExpiresAt),
		Source: string(b.Source), Name: b.Name, Email: b.Email, Notes: b.Notes, ReplacesID: id(int64(b.ReplacesID)),
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(), CancelledAt: utc(b.CancelledAt),
	}
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func detailsOf(d store.MessageDetails) Details {
	out := Details{
		Trigger: d.Trigger, Template: d.Template, Values: d.Values, Checks: make([]Check, len(d.Checks)),
		OptOutAppended: d.OptOut,
	}
	if out.Values == nil {
		out.Values = map[string]string{}
	}
	for i, c := range d.Checks {
		out.Checks[i] = Check{Name: c.Name, Passed: c.Passed, Detail: c.Detail}
	}
	return out
}

// providerOf returns the provider's name and kind, or nil for a row with no provider.
func providerOf(p store.Provider) *Provider {
	if p.ID == 0 {
		return nil
	}
	return &Provider{Name: p.Name, Kind: string(p.Kind)}
}

// id returns a pointer to a row id, or nil for 0 (no row), so that it is written as null.
func id(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

// Conversation is the state of the business's text conversation with one contact.
type Conversation struct {
	ID                    int64      `json:"id"`
	ContactID             int64      `json:"contact_id"`
	Awaiting              string     `json:"awaiting"`
	Unread                int        `json:"unread"`
	LastMessageAt         *time.Time `json:"last_message_at"`
	LastInboundAt         *time.Time `json:"last_inbound_at"`
	LastHumanReplyAt      *time.Time `json:"last_human_reply_at"`
	AutomationPausedUntil *time.Time `json:"automation_paused_until"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

// Task is a call-back task for the business's team.
type Task struct {
	ID        int64      `json:"id"`
	ContactID *int64     `json:"contact_id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Owner     string     `json:"owner"`
	Priority  string     `json:"priority"`
	State     string     `json:"state"`
	Source    string     `json:"source"`
	DueAt     time.Time  `json:"due_at"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Alert is a team alert with every attempt to deliver it.
type Alert struct {
	ID              int64           `json:"id"`
	ContactID       *int64          `json:"contact_id"`
	Kind            string          `json:"kind"`
	Priority        string          `json:"priority"`
	Summary         string          `json:"summary"`
	Detail          string          `json:"detail"`
	Occurrences     int             `json:"occurrences"`
	FirstAt         time.Time       `json:"first_at"`
	LastAt          time.Time       `json:"last_at"`
	UpdatesSent     int             `json:"updates_sent"`
	EscalationLevel int             `json:"escalation_level"`
	ResolvedAt      *time.Time      `json:"resolved_at"`
	CreatedAt       time.Time       `json:"created_at"`
	Deliveries      []AlertDelivery `json:"deliveries"`
}

// AlertDelivery is one attempt to deliver an alert to a team member.
type AlertDelivery struct {
	Channel   string    `json:"channel"`
	Target    string    `json:"target"`
	Purpose   string    `json:"purpose"`
	Status    string    `json:"status"`
	Error     string    `json:"error"`
	MessageID *int64    `json:"message_id"`
	CreatedAt time.Time `json:"created_at"`
}

// Sequence is the follow-ups started after one text back.
type Sequence struct {
	ID         int64      `json:"id"`
	ContactID  int64      `json:"contact_id"`
	CallID     *int64     `json:"call_id"`
	State      string     `json:"state"`
	StopReason string     `json:"stop_reason"`
	StepsSent  int        `json:"steps_sent"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at"`
}

func conversationOf(c store.Conversation) Conversation {
	return Conversation{
		ID: int64(c.ID), ContactID: int64(c.ContactID), Awaiting: c.Awaiting, Unread: c.Unread,
		LastMessageAt: utc(c.LastMessageAt), LastInboundAt: utc(c.LastInboundAt),
		LastHumanReplyAt: utc(c.LastHumanReplyAt), AutomationPausedUntil: utc(c.AutomationPausedUntil),
		CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

func taskOf(t store.Task) Task {
	return Task{
		ID: int64(t.ID), ContactID: id(int64(t.ContactID)), Kind: t.Kind, Title: t.Title, Owner: t.Owner,
		Priority: t.Priority, State: t.State, Source: t.Source, DueAt: t.DueAt.UTC(), DoneAt: utc(t.DoneAt),
		CreatedAt: t.CreatedAt.UTC(),
	}
}

func alertOf(a store.Alert, deliveries []store.AlertDelivery) Alert {
	out := Alert{
		ID: int64(a.ID), ContactID: id(int64(a.ContactID)), Kind: a.Kind, Priority: a.Priority,
		Summary: a.Summary, Detail: a.Detail, Occurrences: a.Occurrences, FirstAt: a.FirstAt.UTC(),
		LastAt: a.LastAt.UTC(), UpdatesSent: a.UpdatesSent, EscalationLevel: a.EscalationLevel,
		ResolvedAt: utc(a.ResolvedAt), CreatedAt: a.CreatedAt.UTC(), Deliveries: []AlertDelivery{},
	}
	for _, d := range deliveries {
		out.Deliveries = append(out.Deliveries, AlertDelivery{
			Channel: d.Channel, Target: d.Target, Purpose: d.Purpose, Status: d.Status, Error: d.Error,
			MessageID: id(int64(d.MessageID)), CreatedAt: d.CreatedAt.UTC(),
		})
	}
	return out
}

func sequenceOf(s store.Sequence) Sequence {
	return Sequence{
		ID: int64(s.ID), ContactID: int64(s.ContactID), CallID: id(int64(s.CallID)), State: s.State,
		StopReason: s.StopReason, StepsSent: s.StepsSent, StartedAt: s.StartedAt.UTC(), EndedAt: utc(s.EndedAt),
	}
}
