package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/textback/textback/internal/store"
)

// callPage is how many calls one page of the call log shows.
const callPage = 50

type callsData struct {
	Calls   []store.Call
	Next    string
	LiveURL string
}

func (d *Dashboard) calls(w http.ResponseWriter, r *http.Request, req request) {
	q := r.URL.Query()
	var before store.CallCursor
	if micros, id, ok := parseCursor(q.Get("before")); ok {
		before = store.CallCursor{At: time.UnixMicro(micros).UTC(), ID: store.CallID(id)}
	}
	calls, err := req.scope.ListCalls(r.Context(), before, callPage+1)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	base := "/dashboard/" + req.scope.Slug() + "/calls"
	data := callsData{LiveURL: base + "?partial=1"}
	if b := q.Get("before"); b != "" {
		data.LiveURL += "&before=" + url.QueryEscape(b)
	}
	if len(calls) > callPage {
		calls = calls[:callPage]
		last := calls[len(calls)-1]
		data.Next = fmt.Sprintf("%s?before=%d-%d", base, last.StartedAt.UnixMicro(), last.ID)
	}
	data.Calls = calls
	part := ""
	if q.Get("partial") != "" {
		part = "call-list"
	}
	d.render(w, r, http.StatusOK, "calls", part, d.page(req, "Calls", "calls", data))
}

type callData struct {
	Call     store.Call
	Messages []store.Message
}

func (d *Dashboard) call(w http.ResponseWriter, r *http.Request, req request) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	call, err := req.scope.GetCall(r.Context(), store.CallID(id))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	msgs, err := req.scope.CallMessages(r.Context(), call.ID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "call", "", d.page(req, "Call", "calls", callData{Call: call, Messages: msgs}))
}
