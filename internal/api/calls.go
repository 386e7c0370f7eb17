package api

import (
	"context"
	"net/http"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

func (a *API) listCalls(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	rows, err := a.store.ListCallsNewest(r.Context(), businessOf(r.Context()), store.CallID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(c store.Call) int64 { return int64(c.ID) }, resource.NewCall)
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) {
	serveOne(a, w, r, "call", func(ctx context.Context, business store.BusinessID, id int64) (store.Call, error) {
		return a.store.GetBusinessCall(ctx, business, store.CallID(id))
	}, resource.NewCall)
}
