package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/textback/textback/internal/store"
)

// timelineItem is one event on a contact's page.
type timelineItem struct {
	Kind   string // a CSS class: call, text, alert, task, booking, consent
	Label  string
	At     time.Time
	Text   string
	Detail string
	Link   string
}

type contactData struct {
	Contact        store.Contact
	ConversationID store.ConversationID
	Timeline       []timelineItem
}

func (d *Dashboard) contact(w http.ResponseWriter, r *http.Request, req request) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	ctx := r.Context()
	contact, err := req.scope.GetContact(ctx, store.ContactID(id))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	records, err := req.scope.ContactRecords(ctx, contact.ID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	data := contactData{Contact: contact, Timeline: timeline(req, contact, records)}
	conv, err := req.scope.ConversationByContact(ctx, contact.ID)
	switch {
	case err == nil:
		data.ConversationID = conv.ID
	case !errors.Is(err, store.ErrNotFound):
		d.serverError(w, r, err)
		return
	}
	title := contactName(req.biz.Region, contact.FirstName, contact.LastName, contact.E164)
	d.render(w, r, http.StatusOK, "contact", "", d.page(req, title, "inbox", data))
}

// timeline merges the contact's records, newest first.
func timeline(req request, c store.Contact, rec store.ContactRecords) []timelineItem {
	base := "/dashboard/" + req.scope.Slug()
	var items []timelineItem
	for _, call := range rec.Calls {
		items = append(items, timelineItem{Kind: "call", Label: "Call", At: call.StartedAt,
			Text: string(call.Outcome), Detail: call.Decision, Link: fmt.Sprintf("%s/calls/%d", base, call.ID)})
	}
	for _, m := range rec.Messages {
		item := timelineItem{Kind: "text", Label: "Text in", At: m.CreatedAt, Text: snippet(m.Body)}
		if m.Direction == store.Outbound {
			item.Label, item.Detail = "Text out", statusText(m)
			item.Link = fmt.Sprintf("%s/messages/%d", base, m.ID)
			if m.HoldReason != "" {
				item.Detail += ": " + m.HoldReason
			}
		}
		items = append(items, item)
	}
	for _, a := range rec.Alerts {
		detail := a.Priority + " priority"
		if a.Occurrences > 1 {
			detail += fmt.Sprintf(", %d times", a.Occurrences)
		}
		items = append(items, timelineItem{Kind: "alert", Label: "Alert", At: a.FirstAt, Text: a.Summary, Detail: detail})
	}
	for _, t := range rec.Tasks {
		items = append(items, timelineItem{Kind: "task", Label: "Task", At: t.CreatedAt, Text: t.Title,
			Detail: t.State, Link: base + "/tasks?state=" + t.State})
	}
	loc := req.biz.Location()
	for _, b := range rec.Bookings {
		items = append(items, timelineItem{Kind: "booking", Label: "Booking", At: b.CreatedAt,
			Text: b.Start.In(loc).Format("Mon Jan 2, 3:04 PM"), Detail: string(b.State)})
	}
	if c.OptedOut() {
		items = append(items, timelineItem{Kind: "consent", Label: "Opted out", At: c.OptedOutAt, Text: c.OptOutSource})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.After(items[j].At) })
	return items
}
