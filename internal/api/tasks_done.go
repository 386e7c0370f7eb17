package api

import (
	"errors"
	"net/http"

	"github.com/textback/textback/internal/resource"
	"github.com/textback/textback/internal/store"
)

func (a *API) completeTask(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "id", "task")
	if !ok {
		return
	}
	ctx := r.Context()
	business := businessOf(ctx)
	done, err := a.store.CompleteTask(ctx, business, store.TaskID(id))
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	task, err := a.store.GetTask(ctx, business, store.TaskID(id))
	switch {
	case errors.Is(err, store.ErrNotFound):
		notFound(w, "task", id)
	case err != nil:
		a.internalError(w, r, err)
	case !done:
		writeError(w, http.StatusConflict, codeConflict, "task is already done")
	default:
		writeJSON(w, http.StatusOK, resource.NewTask(task))
	}
}
