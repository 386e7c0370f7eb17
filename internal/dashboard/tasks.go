package dashboard

import (
	"net/http"

	"github.com/textback/textback/internal/store"
)

// taskLimit is how many tasks the task page lists.
const taskLimit = 200

type tasksData struct {
	State string
	Tasks []store.Task
}

func (d *Dashboard) tasks(w http.ResponseWriter, r *http.Request, req request) {
	state := "open"
	if r.URL.Query().Get("state") == "done" {
		state = "done"
	}
	tasks, err := req.scope.ListTasks(r.Context(), state, taskLimit)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "tasks", "", d.page(req, "Tasks", "tasks", tasksData{State: state, Tasks: tasks}))
}

func (d *Dashboard) taskDone(w http.ResponseWriter, r *http.Request, req request) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	if err := req.scope.CompleteTask(r.Context(), store.TaskID(id)); err != nil {
		d.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/tasks", http.StatusSeeOther)
}
