package dashboard

import (
	"net/http"
	"sort"

	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/store"
)

// templateValue is one value filled into a message's template.
type templateValue struct {
	Name, Value string
}

type messageData struct {
	Message   store.Message
	Values    []templateValue
	Events    []store.MessageEvent
	Exchanges []store.LoggedExchange
	// Intents are the choices of the correction form of an AI reply.
	Intents []assistant.Intent
}

// message shows everything recorded about one text: what triggered it, the template and values,
// every check on the outbound path, delivery reports and the provider requests.
func (d *Dashboard) message(w http.ResponseWriter, r *http.Request, req request) {
	id, ok := pathID(r)
	if !ok {
		d.notFound(w, r)
		return
	}
	ctx := r.Context()
	msg, err := req.scope.GetMessage(ctx, store.MessageID(id))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	data := messageData{Message: msg, Intents: assistant.Intents}
	for name, value := range msg.Details.Values {
		data.Values = append(data.Values, templateValue{Name: name, Value: value})
	}
	sort.Slice(data.Values, func(i, j int) bool { return data.Values[i].Name < data.Values[j].Name })
	if data.Events, err = req.scope.MessageEvents(ctx, msg.ID); err != nil {
		d.serverError(w, r, err)
		return
	}
	if data.Exchanges, err = req.scope.MessageExchanges(ctx, msg.ID); err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "messagedetail", "", d.page(req, "Text details", "inbox", data))
}
