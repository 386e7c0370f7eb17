package api

import (
	"net/http"
	"strconv"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

func (a *API) listTasks(w http.ResponseWriter, r *http.Request) {
	p, ok := readPage(w, r)
	if !ok {
		return
	}
	state := r.URL.Query().Get("state")
	switch state {
	case "", "open", "done":
	default:
		writeError(w, http.StatusBadRequest, codeInvalidRequest, "invalid state "+strconv.Quote(state)+": use open or done")
		return
	}
	rows, err := a.store.ListTasksNewest(r.Context(), businessOf(r.Context()), state, store.TaskID(p.before), p.limit+1)
	servePage(a, w, r, p, rows, err, func(t store.Task) int64 { return int64(t.ID) }, resource.NewTask)
}
