package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

func (a *API) listMessages(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	business := businessOf(r.Context())
	var conversation store.ConversationID
	if text := r.URL.Query().Get("conversation_id"); text != "" {
		id, err := strconv.ParseInt(text, 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusBadRequest, codeInvalidRequest, "invalid conversation_id "+strconv.Quote(text)+": use a conversation id")
			return
		}
		if _, err := a.store.GetConversation(r.Context(), business, store.ConversationID(id)); errors.Is(err, store.ErrNotFound) {
			notFound(w, "conversation", id)
			return
		} else if err != nil {
			a.internalError(w, r, err)
			return
		}
		conversation = store.ConversationID(id)
	}
	rows, err := a.store.ListMessagesNewest(r.Context(), business, conversation, store.MessageID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(m store.Message) int64 { return int64(m.ID) }, resource.NewMessage)
}

func (a *API) getMessage(w http.ResponseWriter, r *http.Request) {
	serveOne(a, w, r, "message", func(ctx context.Context, business store.BusinessID, id int64) (store.Message, error) {
		return a.store.GetBusinessMessage(ctx, business, store.MessageID(id))
	}, resource.NewMessage)
}
