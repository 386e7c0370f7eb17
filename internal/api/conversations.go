package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// conversationMessages is how many of the newest texts a conversation shows; older ones are read
// with GET /api/v1/messages?conversation_id=.
const conversationMessages = 100

// conversationView is a conversation with its newest texts, oldest first.
type conversationView struct {
	resource.Conversation
	Messages []resource.Message `json:"messages"`
	// MoreMessages is true when the conversation has older texts than those shown.
	MoreMessages bool `json:"more_messages"`
}

func (a *API) listConversations(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	rows, err := a.store.ListConversationsNewest(r.Context(), businessOf(r.Context()), store.ConversationID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(c store.Conversation) int64 { return int64(c.ID) }, resource.NewConversation)
}

func (a *API) getConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "conversation")
	if !ok {
		return
	}
	business := businessOf(r.Context())
	conv, err := a.store.GetConversation(r.Context(), business, store.ConversationID(id))
	if errors.Is(err, store.ErrNotFound) {
		notFound(w, "conversation", id)
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	msgs, err := a.store.ListMessagesNewest(r.Context(), business, conv.ID, 0, conversationMessages+1)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	view := conversationView{Conversation: resource.NewConversation(conv), Messages: []resource.Message{}}
	if len(msgs) > conversationMessages {
		view.MoreMessages = true
		msgs = msgs[:conversationMessages]
	}
	slices.Reverse(msgs)
	for _, m := range msgs {
		view.Messages = append(view.Messages, resource.NewMessage(m))
	}
	writeJSON(w, http.StatusOK, view)
}
