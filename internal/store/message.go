package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Direction says which way a text went.
type Direction string

const (
	Outbound Direction = "outbound" // from the business to a contact
	Inbound  Direction = "inbound"  // from a contact to the business
)

// MessageStatus is where a text stands.
type MessageStatus string

const (
	StatusQueued      MessageStatus = "queued"      // waiting to be sent
	StatusSending     MessageStatus = "sending"     // handed to a sender; the outcome is not known yet
	StatusSent        MessageStatus = "sent"        // the provider accepted it
	StatusDelivered   MessageStatus = "delivered"   // the handset received it
	StatusUndelivered MessageStatus = "undelivered" // the carrier could not deliver it
	StatusFailed      MessageStatus = "failed"      // the provider rejected it
	StatusHeld        MessageStatus = "held"        // a check on the outbound path stopped it
	StatusReceived    MessageStatus = "received"    // an inbound text
)

// Purpose names the feature that produced an outbound text.
type Purpose string

const (
	PurposeTextBack      Purpose = "text_back"            // the answer to a missed call
	PurposeKeywordReply  Purpose = "keyword_reply"        // the reply a business keyword sends
	PurposeOptOutConfirm Purpose = "opt_out_confirmation" // the one text after an opt-out
	PurposeOptInConfirm  Purpose = "opt_in_confirmation"  // the text after a return
	PurposeHelp          Purpose = "help"                 // the answer to HELP or INFO
	PurposeStaffReply    Purpose = "staff_reply"          // a text a team member wrote
	PurposeTeamAlert     Purpose = "team_alert"           // an alert texted to a team member
	PurposeStaffNotice   Purpose = "staff_notice"         // an automatic answer to a team member
	PurposeFollowUp      Purpose = "follow_up"            // a follow-up after a text back without reply
	PurposeAPI           Purpose = "api"                  // a text another system sent through the REST API
	PurposeAIReply       Purpose = "ai_reply"             // an answer the assistant wrote to a lead's message
	PurposeBookingReply  Purpose = "booking_reply"        // the booking bot's answer: slots offered, a question
	PurposeBookingNotice Purpose = "booking_notice"       // a booking's confirmation, or its cancellation
	PurposeReminder      Purpose = "booking_reminder"     // a reminder of a booking, some time before it
)

// Check is one check on the outbound path and its result, kept with the message.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail,omitempty"`
}

// MessageDetails records why an automated text exists and what it was made of.
type MessageDetails struct {
	Trigger  string            `json:"trigger,omitempty"`  // what caused it, such as "missed call CA12 (no-answer)"
	Template string            `json:"template,omitempty"` // the template text before rendering
	Values   map[string]string `json:"values,omitempty"`   // the values filled into the template
	Checks   []Check           `json:"checks,omitempty"`
	OptOut   bool              `json:"opt_out_appended,omitempty"` // opt-out wording was added
	// BookingID is the booking the text is about, for booking notices and reminders.
	BookingID int64 `json:"booking_id,omitempty"`
	// RetryOf is the text this one sends again after a delivery error, and Retry its number.
	RetryOf int64 `json:"retry_of,omitempty"`
	Retry   int   `json:"retry,omitempty"`
	// AI is how an AI reply was made; nil for other texts.
	AI *AIDetails `json:"ai,omitempty"`
}

// Message is one text, in either direction.
type Message struct {
	ID                MessageID
	BusinessID        BusinessID
	ContactID         ContactID
	ConversationID    ConversationID
	NumberID          NumberID
	ProviderID        ProviderID
	CallID            CallID
	Direction         Direction
	From              string
	To                string
	Body              string
	Encoding          string
	Segments          int
	Status            MessageStatus
	ProviderMessageID string
	ProviderStatus    string
	ErrorCode         string
	ErrorMessage      string
	HoldReason        string
	Purpose           Purpose
	// Automated is false for texts a person wrote; only automated texts count toward the
	// per-contact limits and pause for a person's reply.
	Automated bool
	// SentBy names who wrote a manual text, such as "staff Dana".
	SentBy         string
	TemplateName   string
	Details        MessageDetails
	IdempotencyKey string
	Attempts       int
	SendingSince   time.Time
	SentAt         time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// InsertMessage stores m and returns it with its id. When another message already has m's
// idempotency key, it returns that message and inserted false.
func (o ops) InsertMessage(ctx context.Context, m Message) (Message, bool, error) {
	details, err := json.Marshal(m.Details)
	if err != nil {
		return Message{}, false, fmt.Errorf("insert message to %s: %w", m.To, err)
	}
	row, err := o.q.InsertMessage(ctx, dbsqlc.InsertMessageParams{
		BusinessID:        int64(m.BusinessID),
		ContactID:         nullInt(int64(m.ContactID)),
		NumberID:          nullInt(int64(m.NumberID)),
		ProviderID:        nullInt(int64(m.ProviderID)),
		CallID:            nullInt(int64(m.CallID)),
		Direction:         string(m.Direction),
		FromNumber:        m.From,
		ToNumber:          m.To,
		Body:              m.Body,
		Encoding:          m.Encoding,
		Segments:          int32(m.Segments),
		Status:            string(m.Status),
		HoldReason:        m.HoldReason,
		Purpose:           string(m.Purpose),
		Template:          m.TemplateName,
		Details:           string(details),
		IdempotencyKey:    nullString(m.IdempotencyKey),
		ConversationID:    nullInt(int64(m.ConversationID)),
		Automated:         m.Automated,
		SentBy:            m.SentBy,
		ProviderMessageID: nullString(m.ProviderMessageID),
		CreatedAt:         o.Now(),
	})
	if errors.Is(err, sql.ErrNoRows) && m.IdempotencyKey != "" {
		existing, err := o.q.GetMessageByIdempotencyKey(ctx, nullString(m.IdempotencyKey))
		if err != nil {
			return Message{}, false, notFound(err, "get message %q", m.IdempotencyKey)
		}
		out, err := messageFromRow(existing)
		return out, false, err
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("insert message to %s: %w", m.To, err)
	}
	o.noteActivity(m.BusinessID)
	out, err := messageFromRow(row)
	return out, true, err
}

// GetMessage returns the message with id, or an error wrapping ErrNotFound.
func (o ops) GetMessage(ctx context.Context, id MessageID) (Message, error) {
	row, err := o.q.GetMessage(ctx, int64(id))
	if err != nil {
		return Message{}, notFound(err, "get message %d", id)
	}
	return messageFromRow(row)
}

// ClaimMessage moves a queued message to sending for one sender and counts the attempt. A
// message left sending since before staleBefore is claimed again: its sender is presumed dead.
// It returns claimed false when another sender holds the message or it is no longer queued.
func (o ops) ClaimMessage(ctx context.Context, id MessageID, staleBefore time.Time) (Message, bool, error) {
	row, err := o.q.ClaimMessage(ctx, dbsqlc.ClaimMessageParams{
		ID: int64(id), Now: nullTime(o.Now()), StaleBefore: nullTime(staleBefore),
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, false, nil
	}
	if err != nil {
		return Message{}, false, fmt.Errorf("claim message %d: %w", id, err)
	}
	m, err := messageFromRow(row)
	return m, err == nil, err
}

// MarkMessageSent records the provider's acceptance of a message.
func (o ops) MarkMessageSent(ctx context.Context, id MessageID, providerID, providerStatus string) error {
	err := o.q.MarkMessageSent(ctx, dbsqlc.MarkMessageSentParams{
		ID: int64(id), ProviderMessageID: nullString(providerID), ProviderStatus: providerStatus, SentAt: nullTime(o.Now()),
	})
	if err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// MarkMessageQueued returns a message to the queue after a failed attempt, keeping the error.
func (o ops) MarkMessageQueued(ctx context.Context, id MessageID, code, message string) error {
	err := o.q.MarkMessageQueued(ctx, dbsqlc.MarkMessageQueuedParams{
		ID: int64(id), ErrorCode: code, ErrorMessage: message, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("requeue message %d: %w", id, err)
	}
	return nil
}

// MarkMessageFinal records a final status other than sent: failed, or held with a reason.
func (o ops) MarkMessageFinal(
	ctx context.Context, id MessageID, status MessageStatus, code, message, holdReason string,
) error {
	err := o.q.MarkMessageFailed(ctx, dbsqlc.MarkMessageFailedParams{
		ID: int64(id), Status: string(status), ErrorCode: code, ErrorMessage: message,
		HoldReason: holdReason, UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("mark message %d %s: %w", id, status, err)
	}
	return nil
}

// ListMessagesByCall returns the texts caused by a call, oldest first.
func (o ops) ListMessagesByCall(ctx context.Context, call CallID) ([]Message, error) {
	rows, err := o.q.ListMessagesByCall(ctx, nullInt(int64(call)))
	if err != nil {
		return nil, fmt.Errorf("list messages of call %d: %w", call, err)
	}
	return messagesFromRows(rows)
}

// ListRecentMessages returns the latest texts of all businesses, newest first.
func (o ops) ListRecentMessages(ctx context.Context, limit int) ([]Message, error) {
	rows, err := o.q.ListRecentMessages(ctx, int32(limit))
	if err != nil {
		return nil, fmt.Errorf("list recent messages: %w", err)
	}
	return messagesFromRows(rows)
}

func messagesFromRows(rows []dbsqlc.Message) ([]Message, error) {
	out := make([]Message, 0, len(rows))
	for _, row := range rows {
		m, err := messageFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func messageFromRow(row dbsqlc.Message) (Message, error) {
	m := Message{
		ID:                MessageID(row.ID),
		BusinessID:        BusinessID(row.BusinessID),
		ContactID:         ContactID(row.ContactID.Int64),
		ConversationID:    ConversationID(row.ConversationID.Int64),
		NumberID:          NumberID(row.NumberID.Int64),
		ProviderID:        ProviderID(row.ProviderID.Int64),
		CallID:            CallID(row.CallID.Int64),
		Direction:         Direction(row.Direction),
		From:              row.FromNumber,
		To:                row.ToNumber,
		Body:              row.Body,
		Encoding:          row.Encoding,
		Segments:          int(row.Segments),
		Status:            MessageStatus(row.Status),
		ProviderMessageID: row.ProviderMessageID.String,
		ProviderStatus:    row.ProviderStatus,
		ErrorCode:         row.ErrorCode,
		ErrorMessage:      row.ErrorMessage,
		HoldReason:        row.HoldReason,
		Purpose:           Purpose(row.Purpose),
		Automated:         row.Automated,
		SentBy:            row.SentBy,
		TemplateName:      row.Template,
		IdempotencyKey:    row.IdempotencyKey.String,
		Attempts:          int(row.Attempts),
		SendingSince:      timeOf(row.SendingSince),
		SentAt:            timeOf(row.SentAt),
		CreatedAt:         row.CreatedAt.UTC(),
		UpdatedAt:         row.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(row.Details), &m.Details); err != nil {
		return Message{}, fmt.Errorf("read details of message %d: %w", row.ID, err)
	}
	return m, nil
}

// OutboundCounts counts a contact's texts that were not held back.
type OutboundCounts struct {
	Reached  int // ever, except those that failed or were undelivered
	LastHour int // created at or after the hour start given
	LastDay  int // created at or after the day start given
}

// CountOutbound counts the texts to a contact that were not held back: those that may have
// reached them, and those since hourStart and dayStart.
func (o ops) CountOutbound(
	ctx context.Context, business BusinessID, contact ContactID, hourStart, dayStart time.Time,
) (OutboundCounts, error) {
	row, err := o.q.CountOutbound(ctx, dbsqlc.CountOutboundParams{
		BusinessID: int64(business), ContactID: nullInt(int64(contact)), HourStart: ts(hourStart), DayStart: ts(dayStart),
	})
	if err != nil {
		return OutboundCounts{}, fmt.Errorf("count texts to contact %d: %w", contact, err)
	}
	return OutboundCounts{Reached: int(row.Reached), LastHour: int(row.LastHour), LastDay: int(row.LastDay)}, nil
}

// RecentAutomatedSent returns when the automated texts that went to a contact at or after since
// were created, oldest first, leaving out the text exclude (the one about to be sent). It returns
// at most 100.
func (o ops) RecentAutomatedSent(ctx context.Context, business BusinessID, contact ContactID, since time.Time, exclude MessageID) ([]time.Time, error) {
	rows, err := o.q.RecentAutomatedSent(ctx, dbsqlc.RecentAutomatedSentParams{
		BusinessID: int64(business), ContactID: nullInt(int64(contact)), Since: ts(since), ExcludeID: int64(exclude),
	})
	if err != nil {
		return nil, fmt.Errorf("list recent texts to contact %d: %w", contact, err)
	}
	out := make([]time.Time, len(rows))
	for i, t := range rows {
		out[i] = t.UTC()
	}
	return out, nil
}
