package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// inboxPage is how many conversations one inbox page shows.
const inboxPage = 50

type inboxData struct {
	Filter  string // "", "unread" or "mine"
	Query   string
	Items   []store.InboxItem
	Members map[store.UserID]string // emails of the users conversations are assigned to
	Next    string                  // the URL of the next page, or ""
	LiveURL string                  // the URL the list reloads from
}

func (d *Dashboard) home(w http.ResponseWriter, r *http.Request, req request) {
	list, err := d.store.ListUserBusinesses(r.Context(), req.cur.User.ID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	if len(list) == 1 {
		http.Redirect(w, r, "/dashboard/"+list[0].Slug+"/inbox", http.StatusSeeOther)
		return
	}
	d.render(w, r, http.StatusOK, "businesses", "", d.page(req, "Businesses", "", list))
}

func (d *Dashboard) businessHome(w http.ResponseWriter, r *http.Request, req request) {
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/inbox", http.StatusSeeOther)
}

func (d *Dashboard) inbox(w http.ResponseWriter, r *http.Request, req request) {
	q := r.URL.Query()
	data := inboxData{Filter: q.Get("filter"), Query: strings.TrimSpace(q.Get("q"))}
	if len(data.Query) > 100 {
		data.Query = data.Query[:100]
	}
	filter := store.InboxFilter{Search: data.Query, Limit: inboxPage + 1}
	switch data.Filter {
	case "unread":
		filter.UnreadOnly = true
	case "mine":
		filter.AssignedTo = req.cur.User.ID
	default:
		data.Filter = ""
	}
	filter.Before = parseInboxCursor(q.Get("before"))
	items, err := req.scope.ListInbox(r.Context(), filter)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	params := url.Values{}
	if data.Filter != "" {
		params.Set("filter", data.Filter)
	}
	if data.Query != "" {
		params.Set("q", data.Query)
	}
	if len(items) > inboxPage {
		items = items[:inboxPage]
		last := items[len(items)-1]
		next := cloneValues(params)
		next.Set("before", fmt.Sprintf("%d-%d", last.LastMessageAt.UnixMicro(), last.ID))
		data.Next = "/dashboard/" + req.scope.Slug() + "/inbox?" + next.Encode()
	}
	data.Items = items
	if data.Members, err = d.memberEmails(r, req); err != nil {
		d.serverError(w, r, err)
		return
	}
	live := cloneValues(params)
	live.Set("partial", "1")
	if b := q.Get("before"); b != "" {
		live.Set("before", b)
	}
	data.LiveURL = "/dashboard/" + req.scope.Slug() + "/inbox?" + live.Encode()
	part := ""
	if q.Get("partial") != "" {
		part = "inbox-list"
	}
	d.render(w, r, http.StatusOK, "inbox", part, d.page(req, "Inbox", "inbox", data))
}

// memberEmails maps the business's users to their emails.
func (d *Dashboard) memberEmails(r *http.Request, req request) (map[store.UserID]string, error) {
	members, err := req.scope.ListMembers(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[store.UserID]string, len(members))
	for _, m := range members {
		out[m.ID] = m.Email
	}
	return out, nil
}

// parseInboxCursor reads "<unix microseconds>-<id>"; anything else starts at the newest.
func parseInboxCursor(s string) store.InboxCursor {
	micros, id, ok := parseCursor(s)
	if !ok {
		return store.InboxCursor{}
	}
	return store.InboxCursor{At: time.UnixMicro(micros).UTC(), ID: store.ConversationID(id)}
}

func parseCursor(s string) (int64, int64, bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	micros, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return 0, 0, false
	}
	return micros, id, true
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// pathID reads the numeric id in the path; ok is false for anything else, which callers answer
// with 404.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}
