package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// Settings are a business's conversation settings: keywords, its qualifying question, its team
// and how the team is alerted. They are stored as one JSON document on the business, so that new
// settings need no migration; Defaults fills what a stored document leaves out.
type Settings struct {
	// HelpText answers HELP and INFO. It may use {business}.
	HelpText string `json:"help_text,omitempty"`
	// OptOutReply confirms an opt-out, and OptInReply a return; both may use {business}.
	OptOutReply string    `json:"opt_out_reply,omitempty"`
	OptInReply  string    `json:"opt_in_reply,omitempty"`
	Qualifier   Qualifier `json:"qualifier,omitempty"`
	// Keywords is never omitted: an empty list means the business turned every keyword off,
	// while a missing one means the defaults.
	Keywords []Keyword `json:"keywords"`
	Team     []Staff   `json:"team,omitempty"`
	Alerts   Alerting  `json:"alerts"`
	// ManualPause is how long automation stays quiet in a conversation after a person replies.
	ManualPause Duration `json:"manual_pause,omitempty"`
	// Limits caps automated texts to one contact.
	Limits Limits `json:"limits"`
	// EmailFallback emails a lead whose number cannot take texts, when an address is known.
	EmailFallback bool `json:"email_fallback"`
	// LookupLineType asks the provider whether a caller's number is a landline before the first
	// text, where the provider can tell.
	LookupLineType bool `json:"lookup_line_type"`
	// FollowUps are the texts sent after a text back that got no reply. A missing list means the
	// defaults; an empty one sends none.
	FollowUps []FollowUpStep `json:"follow_ups"`
	// QuietHours narrows the window in the recipient's local time when automated texts may go;
	// zero values mean 08:00 to 21:00.
	QuietHours QuietHours `json:"quiet_hours"`
	// AI holds the AI reply mode, the model and the knowledge base; the zero value is off.
	AI AISettings `json:"ai"`
	// IVR is the phone menu that answers calls; nil answers calls without one.
	IVR *IVR `json:"ivr,omitempty"`
	// Booking configures booking by text and the texts about every booking.
	Booking BookingSettings `json:"booking"`
}

// BookingSettings configure the booking bot, which offers a lead free slots by text and books the one
// they choose, and the confirmations, reminders and cancellation notices that every booking gets,
// whether made by text or on the booking page.
type BookingSettings struct {
	// Enabled turns the bot on. The texts about bookings go out whether or not it is on.
	Enabled bool `json:"enabled"`
	// Calendars are the slugs of the calendars the bot offers; empty means all of the business's.
	Calendars []string `json:"calendars,omitempty"`
	// Slots is how many slots the bot offers at a time; DefaultBookingSlots when zero.
	Slots int `json:"slots,omitempty"`
	// MaxMessages is how many texts the bot may write in one conversation before it hands the
	// conversation to a person; DefaultBookingMaxMessages when zero.
	MaxMessages int `json:"max_messages,omitempty"`
	// ReplyDelay is how long the bot waits before it answers, so that a person can answer first.
	// When a person answers meanwhile, the bot stands down. Zero answers at once.
	ReplyDelay Duration `json:"reply_delay,omitempty"`
	// Reminders are how long before a booking each reminder goes. A missing list means
	// DefaultBookingReminders; an empty one sends none.
	Reminders []Duration `json:"reminders"`
	// StartOnAnswers are values of the qualifying question's answers after which the bot offers
	// slots, such as "residential".
	StartOnAnswers []string `json:"start_on_answers,omitempty"`
	// ConfirmationTemplate confirms a new or moved booking, ReminderTemplate reminds of one, and
	// CancellationTemplate confirms a cancellation. Each may use msgtemplate.BookingFields.
	ConfirmationTemplate string `json:"confirmation_template,omitempty"`
	ReminderTemplate     string `json:"reminder_template,omitempty"`
	CancellationTemplate string `json:"cancellation_template,omitempty"`
}

// Booking defaults.
const (
	// DefaultBookingSlots is how many slots the bot offers at a time: few enough to read in one
	// text, enough that one of them usually suits.
	DefaultBookingSlots = 3
	// DefaultBookingMaxMessages bounds the bot's texts in one conversation. A lead who is offered
	// slots, asks for other days twice, is told a slot was just taken and books uses about six.
	DefaultBookingMaxMessages = 10

	DefaultBookingConfirmation = "You're booked with {business} for {time}[ at {address}]. Reply RESCHEDULE to " +
		"change the time, or CANCEL APPOINTMENT to cancel."
	DefaultBookingReminder = "Reminder: your appointment with {business} is {time}[ at {address}]. Reply " +
		"RESCHEDULE to change the time, or CANCEL APPOINTMENT to cancel."
	DefaultBookingCancellation = "Your appointment with {business} for {time} is cancelled. Reply BOOK any time " +
		"to book again."
)

// DefaultBookingReminders are the reminders of a business that configured none: a day before the
// appointment and two hours before it.
func DefaultBookingReminders() []Duration {
	return []Duration{Duration(24 * time.Hour), Duration(2 * time.Hour)}
}

// withDefaults fills the zero fields of b from the booking defaults.
func (b BookingSettings) withDefaults() BookingSettings {
	if b.Slots <= 0 {
		b.Slots = DefaultBookingSlots
	}
	if b.MaxMessages <= 0 {
		b.MaxMessages = DefaultBookingMaxMessages
	}
	if b.Reminders == nil {
		b.Reminders = DefaultBookingReminders()
	}
	if b.ConfirmationTemplate == "" {
		b.ConfirmationTemplate = DefaultBookingConfirmation
	}
	if b.ReminderTemplate == "" {
		b.ReminderTemplate = DefaultBookingReminder
	}
	if b.CancellationTemplate == "" {
		b.CancellationTemplate = DefaultBookingCancellation
	}
	return b
}

// BooksCalendar reports whether the bot offers the calendar with slug.
func (b BookingSettings) BooksCalendar(slug string) bool {
	if len(b.Calendars) == 0 {
		return true
	}
	for _, s := range b.Calendars {
		if s == slug {
			return true
		}
	}
	return false
}

// FollowUpStep is one follow-up: sent Delay after the missed call, rendered from Template.
type FollowUpStep struct {
	Delay    Duration `json:"delay"`
	Template string   `json:"template"`
}

// QuietHours is when automated texts may go, in minutes after the recipient's local midnight.
type QuietHours struct {
	Start int `json:"start,omitempty"`
	End   int `json:"end,omitempty"`
	// HoldInstantReplies applies the window to the text back and keyword replies too. Off by default:
	// those answer the person's own call or text at once, with the after-hours template at night.
	HoldInstantReplies bool `json:"instant_replies,omitempty"`
}

// Qualifier is the question the text back asks and the answers stored on the contact.
type Qualifier struct {
	Question string            `json:"question,omitempty"`
	Answers  []QualifierAnswer `json:"answers,omitempty"`
}

// QualifierAnswer is one answer and the words that select it.
type QualifierAnswer struct {
	Value string   `json:"value"`
	Words []string `json:"words,omitempty"`
}

// Keyword is a word a lead can text and what textback does then.
type Keyword struct {
	Word    string   `json:"word"`
	Aliases []string `json:"aliases,omitempty"`
	// Reply is a template sent back; empty sends nothing.
	Reply string `json:"reply,omitempty"`
	// Alert is the priority of the team alert ("normal" or "high"); empty alerts nobody.
	Alert string `json:"alert,omitempty"`
	// Task is the title of a call-back task to create; empty creates none.
	Task string `json:"task,omitempty"`
	// Tag is added to the contact; empty adds none.
	Tag string `json:"tag,omitempty"`
}

// Staff is a team member who receives alerts. The order of the team is the escalation order.
type Staff struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"` // E.164; alerts by text go here
	Email string `json:"email,omitempty"`
}

// Alerting says how the team hears of leads.
type Alerting struct {
	SMS     bool `json:"sms"`   // text the first team member, then the next on escalation
	Email   bool `json:"email"` // email every team member with an address
	Webhook struct {
		URL    string `json:"url,omitempty"`
		Secret string `json:"secret,omitempty"`
	} `json:"webhook"`
	// MissedCalls alerts on missed calls too, not only on replies and keywords.
	MissedCalls bool `json:"missed_calls"`
	// EscalateAfter is how long an alert waits for a person to answer the lead before the next
	// team member is alerted; zero never escalates.
	EscalateAfter Duration `json:"escalate_after,omitempty"`
	// AggregateWindow groups alerts about one contact: within it, more events update the first
	// alert instead of sending new ones.
	AggregateWindow Duration `json:"aggregate_window,omitempty"`
}

// Limits caps automated texts to one contact, so that two automated systems cannot text each
// other in a loop.
type Limits struct {
	PerHour int `json:"per_hour,omitempty"`
	PerDay  int `json:"per_day,omitempty"`
}

// Duration is a time.Duration written as "15m" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1h30m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a string such as "15m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("read duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("read duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// Default texts and settings.
const (
	DefaultHelpText    = "{business}: reply with your question and we'll get back to you. Reply STOP to opt out."
	DefaultOptOutReply = "You're unsubscribed from {business} texts and won't get more. Reply START to resubscribe."
	DefaultOptInReply  = "You're subscribed again to {business} texts. Reply STOP to opt out."
)

// DefaultFollowUps are the follow-ups of a business that configured none: one about three hours
// after the missed call and one a day after it. Each reads well without a booking link.
func DefaultFollowUps() []FollowUpStep {
	return []FollowUpStep{
		{Delay: Duration(3 * time.Hour), Template: "Hi again from {business}. We're sorry we missed you earlier. " +
			"Reply here with what you need and we'll get back to you.[ Or book a time: {booking_link}]"},
		{Delay: Duration(24 * time.Hour), Template: "Last note from {business}: if you still need help, just reply " +
			"to this text.[ You can also book here: {booking_link}]"},
	}
}

// DefaultKeywords are the keywords every business has unless it redefines them.
func DefaultKeywords() []Keyword {
	return []Keyword{
		{Word: "URGENT", Alert: "high", Task: "Urgent call-back",
			Reply: "Thanks, we've flagged this as urgent. Someone will call you shortly."},
		{Word: "CALL", Aliases: []string{"CALL ME", "CALLBACK"}, Alert: "normal", Task: "Call back",
			Reply: "Sure. What's a good time to call you?"},
	}
}

// DefaultSettings returns the settings of a business that configured none.
func DefaultSettings() Settings {
	return Settings{
		HelpText:    DefaultHelpText,
		OptOutReply: DefaultOptOutReply,
		OptInReply:  DefaultOptInReply,
		Keywords:    DefaultKeywords(),
		Alerts: Alerting{
			SMS: true, Email: true, MissedCalls: true,
			EscalateAfter:   Duration(15 * time.Minute),
			AggregateWindow: Duration(5 * time.Minute),
		},
		ManualPause:   Duration(12 * time.Hour),
		Limits:        Limits{PerHour: 5, PerDay: 15},
		EmailFallback: true,
		FollowUps:     DefaultFollowUps(),
		Booking:       BookingSettings{}.withDefaults(),
	}
}

// withDefaults fills the zero fields of s from DefaultSettings. Booleans cannot be told apart
// from false, so a stored document always carries them.
func (s Settings) withDefaults() Settings {
	d := DefaultSettings()
	if s.HelpText == "" {
		s.HelpText = d.HelpText
	}
	if s.OptOutReply == "" {
		s.OptOutReply = d.OptOutReply
	}
	if s.OptInReply == "" {
		s.OptInReply = d.OptInReply
	}
	if s.Keywords == nil {
		s.Keywords = d.Keywords
	}
	if s.FollowUps == nil {
		s.FollowUps = d.FollowUps
	}
	if s.ManualPause == 0 {
		s.ManualPause = d.ManualPause
	}
	if s.Limits.PerHour == 0 {
		s.Limits.PerHour = d.Limits.PerHour
	}
	if s.Limits.PerDay == 0 {
		s.Limits.PerDay = d.Limits.PerDay
	}
	if s.Alerts.AggregateWindow == 0 {
		s.Alerts.AggregateWindow = d.Alerts.AggregateWindow
	}
	s.Booking = s.Booking.withDefaults()
	return s
}

// StaffByPhone returns the team member with the phone number, if any.
func (s Settings) StaffByPhone(e164 string) (Staff, int, bool) {
	for i, m := range s.Team {
		if m.Phone != "" && m.Phone == e164 {
			return m, i, true
		}
	}
	return Staff{}, 0, false
}

// KeepApplyOnly returns s with the settings that only textback apply changes, such as the phone
// menu, taken from current. The dashboard and the REST API edit the rest of a business's settings
// and save them with this, so that a save there never drops what the file declared.
func (s Settings) KeepApplyOnly(current Settings) Settings {
	s.IVR = current.IVR
	return s
}
