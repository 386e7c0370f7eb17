package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// Conversation is the thread of texts between a business and one contact.
type Conversation struct {
	ID         ConversationID
	BusinessID BusinessID
	ContactID  ContactID
	// Awaiting names what the last automated text asked, such as "qualifier", so that the next
	// reply is read as its answer; empty when nothing is asked.
	Awaiting              string
	Unread                int
	LastMessageAt         time.Time
	LastInboundAt         time.Time
	LastHumanReplyAt      time.Time
	AutomationPausedUntil time.Time
	// AssignedTo is the dashboard user who looks after the conversation, or 0.
	AssignedTo UserID
	// Bot is what the booking bot remembers about the conversation.
	Bot       BookingBot
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Awaiting values.
const (
	AwaitingQualifier = "qualifier"
)

// Paused reports whether automation is paused at t because a person replied.
func (c Conversation) Paused(t time.Time) bool { return t.Before(c.AutomationPausedUntil) }

// EnsureConversation returns the conversation with the contact, creating it when missing.
func (o ops) EnsureConversation(ctx context.Context, business BusinessID, contact ContactID) (Conversation, error) {
	row, err := o.q.EnsureConversation(ctx, dbsqlc.EnsureConversationParams{
		BusinessID: int64(business), ContactID: int64(contact), CreatedAt: o.Now(),
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("ensure conversation with contact %d: %w", contact, err)
	}
	return conversationFromRow(row), nil
}

// GetConversation returns the business's conversation with id, or an error wrapping ErrNotFound.
func (o ops) GetConversation(ctx context.Context, business BusinessID, id ConversationID) (Conversation, error) {
	row, err := o.q.GetConversation(ctx, dbsqlc.GetConversationParams{BusinessID: int64(business), ID: int64(id)})
	if err != nil {
		return Conversation{}, notFound(err, "get conversation %d", id)
	}
	return conversationFromRow(row), nil
}

// NoteInbound records an inbound text at t: unread, newest activity.
func (o ops) NoteInbound(ctx context.Context, id ConversationID, t time.Time) error {
	if err := o.q.NoteInbound(ctx, dbsqlc.NoteInboundParams{ID: int64(id), At: nullTime(t)}); err != nil {
		return fmt.Errorf("note inbound text in conversation %d: %w", id, err)
	}
	return nil
}

// NoteOutbound records an outbound text at t.
func (o ops) NoteOutbound(ctx context.Context, id ConversationID, t time.Time) error {
	if err := o.q.NoteOutbound(ctx, dbsqlc.NoteOutboundParams{ID: int64(id), At: nullTime(t)}); err != nil {
		return fmt.Errorf("note outbound text in conversation %d: %w", id, err)
	}
	return nil
}

// NoteHumanReply records a reply a person wrote at t and pauses automation until pausedUntil.
func (o ops) NoteHumanReply(ctx context.Context, id ConversationID, t, pausedUntil time.Time) error {
	err := o.q.NoteHumanReply(ctx, dbsqlc.NoteHumanReplyParams{ID: int64(id), At: nullTime(t), PausedUntil: nullTime(pausedUntil)})
	if err != nil {
		return fmt.Errorf("note manual reply in conversation %d: %w", id, err)
	}
	return nil
}

// SetConversationAwaiting records what the conversation waits for ("" for nothing).
func (o ops) SetConversationAwaiting(ctx context.Context, id ConversationID, awaiting string) error {
	err := o.q.SetConversationAwaiting(ctx, dbsqlc.SetConversationAwaitingParams{ID: int64(id), Awaiting: awaiting, UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("set what conversation %d awaits: %w", id, err)
	}
	return nil
}

// ListConversationMessages returns the texts of a conversation, oldest first.
func (o ops) ListConversationMessages(ctx context.Context, id ConversationID) ([]Message, error) {
	rows, err := o.q.ListConversationMessages(ctx, nullInt(int64(id)))
	if err != nil {
		return nil, fmt.Errorf("list texts of conversation %d: %w", id, err)
	}
	return messagesFromRows(rows)
}

// SetContactOptedIn clears the contact's opt-out.
func (o ops) SetContactOptedIn(ctx context.Context, business BusinessID, id ContactID) error {
	if err := o.q.SetContactOptedIn(ctx, dbsqlc.SetContactOptedInParams{BusinessID: int64(business), ID: int64(id), UpdatedAt: o.Now()}); err != nil {
		return fmt.Errorf("opt in contact %d: %w", id, err)
	}
	return nil
}

// SetContactReview holds automation for the contact until a person clears reason ("" clears it).
func (o ops) SetContactReview(ctx context.Context, business BusinessID, id ContactID, reason string) error {
	err := o.q.SetContactReview(ctx, dbsqlc.SetContactReviewParams{BusinessID: int64(business), ID: int64(id), ReviewReason: reason, UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("set review of contact %d: %w", id, err)
	}
	return nil
}

// SetContactQualifier stores the contact's answer to the qualifying question.
func (o ops) SetContactQualifier(ctx context.Context, business BusinessID, id ContactID, value string) error {
	err := o.q.SetContactQualifier(ctx, dbsqlc.SetContactQualifierParams{BusinessID: int64(business), ID: int64(id), Qualifier: value, UpdatedAt: o.Now()})
	if err != nil {
		return fmt.Errorf("set qualifier of contact %d: %w", id, err)
	}
	return nil
}

// AddContactTag adds tag to the contact unless it is there.
func (o ops) AddContactTag(ctx context.Context, business BusinessID, id ContactID, tag string) error {
	c, err := o.GetContact(ctx, business, id)
	if err != nil {
		return err
	}
	for _, t := range c.Tags {
		if t == tag {
			return nil
		}
	}
	tags, err := json.Marshal(append(c.Tags, tag))
	if err != nil {
		return fmt.Errorf("tag contact %d: %w", id, err)
	}
	if err := o.q.SetContactTags(ctx, dbsqlc.SetContactTagsParams{BusinessID: int64(business), ID: int64(id), Tags: string(tags), UpdatedAt: o.Now()}); err != nil {
		return fmt.Errorf("tag contact %d: %w", id, err)
	}
	return nil
}

// SetContactKind marks the contact as a lead or a team member.
func (o ops) SetContactKind(ctx context.Context, business BusinessID, id ContactID, kind ContactKind) error {
	if err := o.q.SetContactKind(ctx, dbsqlc.SetContactKindParams{BusinessID: int64(business), ID: int64(id), Kind: string(kind), UpdatedAt: o.Now()}); err != nil {
		return fmt.Errorf("set kind of contact %d: %w", id, err)
	}
	return nil
}

// SetContactLineType records what a number lookup said of the contact's line.
func (o ops) SetContactLineType(ctx context.Context, business BusinessID, id ContactID, lineType string, at time.Time) error {
	err := o.q.SetContactLineType(ctx, dbsqlc.SetContactLineTypeParams{
		BusinessID: int64(business), ID: int64(id), LineType: lineType, LineTypeCheckedAt: nullTime(at),
	})
	if err != nil {
		return fmt.Errorf("set line type of contact %d: %w", id, err)
	}
	return nil
}

// LockContact takes the contact's row lock until the transaction ends, so that events about one
// contact (alerts, opt-outs) are applied one at a time. SQLite runs one write transaction at a
// time, so there it does nothing.
func (tx *Tx) LockContact(ctx context.Context, id ContactID) error {
	if tx.dialect != Postgres {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, "SELECT id FROM contacts WHERE id = $1 FOR UPDATE", int64(id)); err != nil {
		return fmt.Errorf("lock contact %d: %w", id, err)
	}
	return nil
}

// conversationFromRow returns the conversation of a row. A booking bot state that does not read,
// which textback never writes, is left empty, so that the bot starts over in that conversation
// instead of the conversation becoming unreadable.
func conversationFromRow(row dbsqlc.Conversation) Conversation {
	c := Conversation{
		ID:                    ConversationID(row.ID),
		BusinessID:            BusinessID(row.BusinessID),
		ContactID:             ContactID(row.ContactID),
		Awaiting:              row.Awaiting,
		Unread:                int(row.Unread),
		LastMessageAt:         timeOf(row.LastMessageAt),
		LastInboundAt:         timeOf(row.LastInboundAt),
		LastHumanReplyAt:      timeOf(row.LastHumanReplyAt),
		AutomationPausedUntil: timeOf(row.AutomationPausedUntil),
		AssignedTo:            UserID(row.AssignedUserID.Int64),
		CreatedAt:             row.CreatedAt.UTC(),
		UpdatedAt:             row.UpdatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(row.BookingBot), &c.Bot); err != nil {
		c.Bot = BookingBot{}
	}
	return c
}

// LatestNumberOfContact returns the business number of the newest text to or from a contact, or
// an error wrapping ErrNotFound when they have none.
func (o ops) LatestNumberOfContact(ctx context.Context, business BusinessID, contact ContactID) (NumberID, error) {
	id, err := o.q.LatestNumberOfContact(ctx, dbsqlc.LatestNumberOfContactParams{BusinessID: int64(business), ContactID: nullInt(int64(contact))})
	if err != nil {
		return 0, notFound(err, "find the number of contact %d", contact)
	}
	return NumberID(id.Int64), nil
}
