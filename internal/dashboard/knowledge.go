package dashboard

import (
	"errors"
	"log/slog"
	"net/http"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/store"
)

// knowledgeData is the knowledge page: the ai section as YAML and, after a rejected save, the
// errors.
type knowledgeData struct {
	Document string
	Errors   []fieldIssue
}

// knowledge shows the business's ai section, its mode, model and knowledge, for editing. The
// API key is not shown; a saved document without one keeps the stored key.
func (d *Dashboard) knowledge(w http.ResponseWriter, r *http.Request, req request) {
	doc, err := yaml.Marshal(map[string]any{"ai": manifest.AIDocument(req.biz.Settings.AI)})
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "knowledge", "", d.page(req, "Knowledge", "knowledge", knowledgeData{Document: string(doc)}))
}

// saveKnowledge checks the submitted ai section with the rules of textback.yaml and stores it.
func (d *Dashboard) saveKnowledge(w http.ResponseWriter, r *http.Request, req request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSettingsBody)
	if err := r.ParseForm(); err != nil {
		d.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large", "The knowledge was too large to save.")
		return
	}
	doc := r.PostFormValue("document")
	parsed, err := manifest.ParseSections("knowledge", []byte(doc), manifest.Identity{Name: req.biz.Name,
		RepName: req.biz.RepName, BookingURL: req.biz.BookingURL, Region: req.biz.Region})
	var issues manifest.Errors
	if errors.As(err, &issues) {
		data := knowledgeData{Document: doc, Errors: fieldIssues(issues)}
		d.render(w, r, http.StatusUnprocessableEntity, "knowledge", "", d.page(req, "Knowledge", "knowledge", data))
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	ai := parsed.Settings.AI
	err = d.store.InTx(ctx, func(tx *store.Tx) error {
		biz, err := tx.GetBusiness(ctx, req.biz.ID)
		if err != nil {
			return err
		}
		if ai.Model.APIKey == "" && ai.Model.BaseURL == biz.Settings.AI.Model.BaseURL {
			ai.Model.APIKey = biz.Settings.AI.Model.APIKey
		}
		biz.Settings.AI = ai
		saved, err := tx.UpsertBusiness(ctx, biz)
		if err != nil {
			return err
		}
		req.biz = saved
		if d.settingsChanged != nil {
			return d.settingsChanged(ctx, tx, saved)
		}
		return nil
	})
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.log.Info("business knowledge saved", slog.Int64("business_id", int64(req.biz.ID)),
		slog.Int64("user_id", int64(req.cur.User.ID)))
	http.Redirect(w, r, "/dashboard/"+req.scope.Slug()+"/knowledge", http.StatusSeeOther)
}
