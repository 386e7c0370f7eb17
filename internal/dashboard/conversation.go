package dashboard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/store"
)

// threadLength is how many of a conversation's newest texts its page shows.
const threadLength = 200

// maxReplyLength is the longest manual reply, in characters: 10 segments of 160, the most the
// outbound path sends.
const maxReplyLength = 1600

type conversationData struct {
	Conversation store.Conversation
	Contact      store.Contact
	Messages     []store.Message
	Members      []store.Member
	Paused       bool
	ReplyKey     string
	// Drafts are AI replies waiting for a person's approval.
	Drafts []store.AIDraft
}

func (d *Dashboard) conversation(w http.ResponseWriter, r *http.Request, req request) {
	d.showConversation(w, r, req, http.StatusOK, "")
}

// showConversation renders the conversation page, or only its thread for ?partial=thread.
func (d *Dashboard) showConversation(w http.ResponseWriter, r *http.Request, req request, status int, flash string) {
	conv, contact, ok := d.loadConversation(w, r, req)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	data := conversationData{Conversation: conv, Contact: contact, Paused: conv.Paused(d.clock())}
	if data.Messages, err = req.scope.ConversationMessages(ctx, conv.ID, threadLength); err != nil {
		d.serverError(w, r, err)
		return
	}
	if r.URL.Query().Get("partial") == "thread" {
		d.render(w, r, http.StatusOK, "conversation", "thread", d.page(req, "", "inbox", data))
		return
	}
	if conv.Unread > 0 {
		if err := req.scope.MarkConversationRead(ctx, conv.ID); err != nil {
			d.serverError(w, r, err)
			return
		}
	}
	if data.Drafts, err = d.store.ListPendingAIDrafts(ctx, conv.BusinessID, contact.ID); err != nil {
		d.serverError(w, r, err)
		return
	}
	if data.Members, err = req.scope.ListMembers(ctx); err != nil {
		d.serverError(w, r, err)
		return
	}
	if data.ReplyKey, err = newReplyKey(); err != nil {
		d.serverError(w, r, err)
		return
	}
	p := d.page(req, contactName(req.biz.Region, contact.FirstName, contact.LastName, contact.E164), "inbox", data)
	p.Flash = flash
	d.render(w, r, status, "conversation", "", p)
}

// loadConversation reads the conversation the path names. It writes the 404 itself when the
// business has no such conversation.
func (d *Dashboard) loadConversation(w http.ResponseWriter, r *http.Request, req request) (store.Conversation, store.Contact, bool) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return store.Conversation{}, store.Contact{}, false
	}
	conv, contact, err := req.scope.GetConversation(r.Context(), store.ConversationID(id))
	if err != nil {
		d.fail(w, r, err)
		return store.Conversation{}, store.Contact{}, false
	}
	return conv, contact, true
}

// replyKey matches the key a reply form carries, which makes sending it twice send one text.
var replyKey = regexp.MustCompile(`^[0-9a-f]{32}$`)

func newReplyKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make reply key: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func (d *Dashboard) reply(w http.ResponseWriter, r *http.Request, req request) {
	conv, contact, ok := d.loadConversation(w, r, req)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	body := strings.TrimSpace(r.PostFormValue("body"))
	switch {
	case body == "":
		d.showConversation(w, r, req, http.StatusUnprocessableEntity, "Write a reply before sending.")
		return
	case utf8.RuneCountInString(body) > maxReplyLength:
		d.showConversation(w, r, req, http.StatusUnprocessableEntity,
			fmt.Sprintf("The reply is too long: keep it to %d characters.", maxReplyLength))
		return
	}
	key := r.PostFormValue("key")
	if !replyKey.MatchString(key) {
		if key, err = newReplyKey(); err != nil {
			d.serverError(w, r, err)
			return
		}
	}
	msg, err := d.sendReply(ctx, req, contact, body, key)
	if errors.Is(err, errNoNumber) {
		d.showConversation(w, r, req, http.StatusUnprocessableEntity, "Not sent: the business has no number to text from.")
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.log.Info("manual reply queued", slog.Int64("business_id", int64(req.scope.Business())),
		slog.Int64("contact_id", int64(contact.ID)), slog.Int64("message_id", int64(msg.ID)),
		slog.Int64("user_id", int64(req.cur.User.ID)), slog.String("status", string(msg.Status)))
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/conversations/"+strconv.FormatInt(int64(conv.ID), 10),
		http.StatusSeeOther)
}

var errNoNumber = errors.New("the business has no number")

// sendReply queues body to the contact through the outbound path, from the number they last
// texted with, and pauses automation in the conversation unless a check held the text back.
func (d *Dashboard) sendReply(ctx context.Context, req request, contact store.Contact, body, key string) (store.Message, error) {
	if d.sender == nil || d.conv == nil {
		return store.Message{}, errNoSender
	}
	business := req.scope.Business()
	var msg store.Message
	err := d.store.InTx(ctx, func(tx *store.Tx) error {
		number, err := tx.LatestNumberOfContact(ctx, business, contact.ID)
		if errors.Is(err, store.ErrNotFound) {
			numbers, err := tx.ListNumbers(ctx, business)
			if err != nil {
				return err
			}
			if len(numbers) == 0 {
				return errNoNumber
			}
			number = numbers[0].ID
		} else if err != nil {
			return err
		}
		email := req.cur.User.Email
		msg, err = d.sender.Queue(ctx, tx, outbound.Request{
			BusinessID: business, ContactID: contact.ID, NumberID: number, Body: body,
			Purpose: store.PurposeStaffReply, SentBy: email,
			Details: store.MessageDetails{Trigger: "manual reply by " + email + " in the dashboard"},
			// The key names the business and the user, so that no form can reach another's text.
			IdempotencyKey: fmt.Sprintf("dashboard:%d:%d:%s", business, req.cur.User.ID, key),
		})
		if err != nil {
			return err
		}
		if msg.BusinessID != business {
			return fmt.Errorf("reply key %s belongs to another business", key)
		}
		if msg.Status == store.StatusHeld {
			return nil
		}
		biz, err := tx.GetBusiness(ctx, business)
		if err != nil {
			return err
		}
		return d.conv.HumanReplied(ctx, tx, biz, contact.ID, d.clock())
	})
	return msg, err
}

func (d *Dashboard) assign(w http.ResponseWriter, r *http.Request, req request) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	user, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err != nil || user < 0 {
		d.notFound(w, r)
		return
	}
	if err := req.scope.AssignConversation(r.Context(), store.ConversationID(id), store.UserID(user)); err != nil {
		d.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/conversations/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
