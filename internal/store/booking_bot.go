package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Questions the booking bot asks, for BookingBot.Question.
const (
	BotAskedSlots = "slots"  // numbered slots: "Reply 1, 2 or 3, or tell us a day and time"
	BotAskedYesNo = "yes_no" // one slot: "Does it work? Reply YES or NO"
)

// BookingBot is the booking bot's memory of one conversation. It is stored as JSON on the
// conversation, so that what the bot keeps can grow without a migration.
type BookingBot struct {
	// Question is what the bot's last text asked, BotAskedSlots or BotAskedYesNo, or "" when the
	// bot waits for nothing.
	Question string `json:"question,omitempty"`
	// Offers are the slots the question offered, in the order they were numbered.
	Offers []BotOffer `json:"offers,omitempty"`
	// AskedAt is when the question was asked.
	AskedAt time.Time `json:"asked_at,omitzero"`
	// Moving is the booking that a chosen slot replaces, or 0 when the lead books a new one.
	Moving BookingID `json:"moving,omitempty"`
	// Unclear counts the replies in a row that the bot could not read.
	Unclear int `json:"unclear,omitempty"`
	// Sent counts the texts the bot wrote in the conversation, confirmations and reminders aside.
	Sent int `json:"sent,omitempty"`
	// HandedOffUntil is when the bot may answer again after it handed the conversation to a person.
	HandedOffUntil time.Time `json:"handed_off_until,omitzero"`
	// LastMessageID is the newest inbound text the bot acted on, so that work run twice acts once.
	LastMessageID MessageID `json:"last_message_id,omitempty"`
}

// BotOffer is one slot the booking bot offered, with the hold that keeps it for the lead.
type BotOffer struct {
	HoldID     BookingID  `json:"hold_id"`
	CalendarID CalendarID `json:"calendar_id"`
	Start      time.Time  `json:"start"`
	End        time.Time  `json:"end"`
}

// HandedOff reports whether the bot has handed the conversation to a person at t.
func (b BookingBot) HandedOff(t time.Time) bool { return t.Before(b.HandedOffUntil) }

// SetConversationBookingBot stores what the booking bot remembers about the conversation.
func (o ops) SetConversationBookingBot(ctx context.Context, id ConversationID, bot BookingBot) error {
	doc, err := json.Marshal(bot)
	if err != nil {
		return fmt.Errorf("store booking bot state of conversation %d: %w", id, err)
	}
	err = o.q.SetConversationBookingBot(ctx, dbsqlc.SetConversationBookingBotParams{
		ID: int64(id), BookingBot: string(doc), UpdatedAt: o.Now(),
	})
	if err != nil {
		return fmt.Errorf("store booking bot state of conversation %d: %w", id, err)
	}
	return nil
}
