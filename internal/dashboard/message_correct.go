package dashboard

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/store"
)

// maxCorrectionNote caps the remark a person may leave with a correction, in characters.
const maxCorrectionNote = 500

// correctMessage stores the intent a person sets on the lead's text behind an AI reply, and
// whether the reply was wrong, as an example that later readings use.
func (d *Dashboard) correctMessage(w http.ResponseWriter, r *http.Request, req request) {
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
	if msg.Details.AI == nil {
		d.errorPage(w, r, http.StatusUnprocessableEntity, "Not an AI reply", "Only AI replies can be corrected.")
		return
	}
	intent, ok := assistant.ParseIntent(r.PostFormValue("intent"))
	if !ok {
		d.errorPage(w, r, http.StatusUnprocessableEntity, "Invalid intent", "Choose one of the listed intents.")
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if r.PostFormValue("wrong") != "" {
		note = strings.TrimSpace("answer marked wrong. " + note)
	}
	if len([]rune(note)) > maxCorrectionNote {
		note = string([]rune(note)[:maxCorrectionNote])
	}
	ex, err := d.store.AddAIExample(ctx, store.AIExample{
		BusinessID: msg.BusinessID, MessageID: store.MessageID(msg.Details.AI.InboundID), Body: msg.Details.AI.Text,
		Intent: string(intent), Note: note, CreatedBy: req.cur.User.Email,
	})
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.log.Info("AI reading corrected", slog.Int64("business_id", int64(msg.BusinessID)),
		slog.Int64("message_id", int64(msg.ID)), slog.Int64("example_id", ex.ID), slog.String("intent", string(intent)))
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/messages/"+strconv.FormatInt(int64(msg.ID), 10),
		http.StatusSeeOther)
}
