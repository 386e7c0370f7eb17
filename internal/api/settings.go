package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/textback/textback/internal/broadcast"
	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/store"
)

// settingsResult is the response to a settings update.
type settingsResult struct {
	Settings map[string]any `json:"settings"`
	// Warnings are problems that do not stop the settings from working, as textback apply
	// prints them.
	Warnings []string `json:"warnings"`
}

func (a *API) getSettings(w http.ResponseWriter, r *http.Request) {
	b, err := a.store.GetBusiness(r.Context(), businessOf(r.Context()))
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, manifest.SettingsDocument(b))
}

// updateSettings replaces the business's settings with the body, a business entry of
// textback.yaml without slug, numbers and calendars. It runs the checks textback apply runs, and
// like apply gives every key left out its default. An alert webhook whose url is unchanged keeps
// its secret when the body gives none, since GET leaves the secret out.
func (a *API) updateSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	data, ok := readJSONBody(w, r, maxSettingsBody)
	if !ok {
		return
	}
	current, err := a.store.GetBusiness(ctx, businessOf(ctx))
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	numbers, err := a.store.ListNumbers(ctx, current.ID)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	e164s := make([]string, len(numbers))
	for i, n := range numbers {
		e164s[i] = n.E164
	}
	calendars, err := a.store.ListCalendars(ctx, current.ID)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	parsed, warnings, err := manifest.ParseSettings("settings", data, e164s, calendars)
	var issues manifest.Errors
	if errors.As(err, &issues) {
		details := make([]string, len(issues))
		for i, issue := range issues {
			details[i] = issueText(issue)
		}
		writeError(w, http.StatusUnprocessableEntity, codeValidation, "settings rejected: fix each problem in details", details...)
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	updated, err := a.writeSettings(ctx, current, parsed)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	result := settingsResult{Settings: manifest.SettingsDocument(updated), Warnings: []string{}}
	for _, issue := range warnings {
		result.Warnings = append(result.Warnings, issueText(issue))
	}
	writeJSON(w, http.StatusOK, result)
}

// writeSettings stores parsed as current's settings and tells running servers to drop their
// cached copies once the change commits, as textback apply does.
func (a *API) writeSettings(ctx context.Context, current store.Business, parsed *manifest.Business) (store.Business, error) {
	settings := parsed.Settings.KeepApplyOnly(current.Settings)
	hook := &settings.Alerts.Webhook
	if hook.URL != "" && hook.Secret == "" && hook.URL == current.Settings.Alerts.Webhook.URL {
		hook.Secret = current.Settings.Alerts.Webhook.Secret
	}
	// The settings document leaves out the model's API key, as it does the webhook secret.
	model := &settings.AI.Model
	if model.BaseURL != "" && model.APIKey == "" && model.BaseURL == current.Settings.AI.Model.BaseURL {
		model.APIKey = current.Settings.AI.Model.APIKey
	}
	var updated store.Business
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		updated, err = tx.UpsertBusiness(ctx, store.Business{
			Slug: current.Slug, Name: parsed.Name, TimeZone: parsed.TimeZone, Region: parsed.Region,
			RepName: parsed.RepName, BookingURL: parsed.BookingURL, Hours: parsed.Hours,
			TextBack: store.TextBackSettings{
				Enabled: parsed.TextBack.Enabled, Window: parsed.TextBack.Window, Template: parsed.TextBack.Template,
				AfterHoursTemplate: parsed.TextBack.AfterHoursTemplate, MissedCallMessage: parsed.TextBack.MissedCallMessage,
				ScreenPrompt: parsed.TextBack.ScreenPrompt,
			},
			Settings: settings,
		})
		if err != nil {
			return err
		}
		return broadcast.Publish(ctx, tx, broadcast.TopicSettings, "api:"+current.Slug)
	})
	return updated, err
}

// issueText is an issue without the file name, which means nothing to an API client.
func issueText(i manifest.Issue) string {
	if i.Path == "" {
		return i.Message
	}
	return i.Path + ": " + i.Message
}

// readJSONBody reads a JSON body of at most limit bytes without decoding it, writing the error
// response and returning false when the body is not acceptable.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	var raw json.RawMessage
	if !decodeBody(w, r, limit, &raw) {
		return nil, false
	}
	if len(raw) == 0 || raw[0] != '{' {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, "invalid settings: send a JSON object")
		return nil, false
	}
	return raw, true
}
