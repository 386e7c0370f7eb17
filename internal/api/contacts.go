package api

import (
	"context"
	"net/http"
	"unicode/utf8"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

// maxSearch bounds the contact search text, in characters.
const maxSearch = 100

func (a *API) listContacts(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	search := r.URL.Query().Get("q")
	if utf8.RuneCountInString(search) > maxSearch || !utf8.ValidString(search) {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, "invalid q: use at most 100 characters of UTF-8 text")
		return
	}
	rows, err := a.store.ListContactsNewest(r.Context(), businessOf(r.Context()), search, store.ContactID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(c store.Contact) int64 { return int64(c.ID) }, resource.NewContact)
}

func (a *API) getContact(w http.ResponseWriter, r *http.Request) {
	serveOne(a, w, r, "contact", a.contactByID, resource.NewContact)
}

func (a *API) contactByID(ctx context.Context, business store.BusinessID, id int64) (store.Contact, error) {
	return a.store.GetContact(ctx, business, store.ContactID(id))
}
