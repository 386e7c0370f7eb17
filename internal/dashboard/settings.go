package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/manifest"
	"github.com/textback/textback/internal/store"
)

// Blank rows the settings form offers for new entries.
const (
	blankKeywords   = 2
	blankTeam       = 2
	maxFollowUps    = 5
	maxSettingsBody = 256 << 10
)

type dayField struct {
	Key, Label, Value string
}

type keywordRow struct {
	store.Keyword
	AliasText string
	Count     string
}

type followUpRow struct {
	After, Template, Count string
}

// settingsData is the settings form: the values to show and, after a rejected save, the errors.
type settingsData struct {
	Days             []dayField
	TextBackEnabled  bool
	Window           string
	Template         string
	AfterHours       string
	TemplateCount    string
	AfterHoursCount  string
	Keywords         []keywordRow
	FollowUps        []followUpRow
	Team             []store.Staff
	Alerts           store.Alerting
	EscalateAfter    string
	HasWebhookSecret bool
	Errors           []fieldIssue
	Warnings         []fieldIssue
}

// fieldIssue is a validation message with the setting it is about, in the form's words.
type fieldIssue struct {
	Field, Message string
}

func (d *Dashboard) settings(w http.ResponseWriter, r *http.Request, req request) {
	d.render(w, r, http.StatusOK, "settings", "", d.page(req, "Settings", "settings", storedSettingsForm(req.biz)))
}

// storedSettingsForm fills the form from the stored business.
func storedSettingsForm(biz store.Business) settingsData {
	s := biz.Settings
	data := settingsData{
		TextBackEnabled: biz.TextBack.Enabled, Window: formDuration(biz.TextBack.Window),
		Template: biz.TextBack.Template, AfterHours: biz.TextBack.AfterHoursTemplate,
		Team: s.Team, Alerts: s.Alerts, EscalateAfter: formDuration(time.Duration(s.Alerts.EscalateAfter)),
		HasWebhookSecret: s.Alerts.Webhook.Secret != "",
	}
	for _, day := range weekDays {
		data.Days = append(data.Days, dayField{Key: hours.DayKey(day), Label: day.String(),
			Value: hours.FormatDay(biz.Hours[day])})
	}
	for _, k := range s.Keywords {
		data.Keywords = append(data.Keywords, keywordRow{Keyword: k, AliasText: strings.Join(k.Aliases, ", ")})
	}
	for _, f := range s.FollowUps {
		data.FollowUps = append(data.FollowUps, followUpRow{After: formDuration(time.Duration(f.Delay)), Template: f.Template})
	}
	return data.withBlanks(biz)
}

// submittedSettingsForm fills the form from what was submitted, so that a rejected save keeps
// every edit.
func submittedSettingsForm(biz store.Business, r *http.Request) settingsData {
	f := r.PostForm
	data := settingsData{
		TextBackEnabled: f.Get("text_back_enabled") != "", Window: f.Get("text_back_window"),
		Template: f.Get("text_back_template"), AfterHours: f.Get("after_hours_template"),
		EscalateAfter:    f.Get("alerts_escalate_after"),
		HasWebhookSecret: biz.Settings.Alerts.Webhook.Secret != "",
	}
	data.Alerts.SMS, data.Alerts.Email = f.Get("alerts_sms") != "", f.Get("alerts_email") != ""
	data.Alerts.MissedCalls = f.Get("alerts_missed_calls") != ""
	data.Alerts.Webhook.URL = f.Get("alerts_webhook_url")
	for _, day := range weekDays {
		key := hours.DayKey(day)
		data.Days = append(data.Days, dayField{Key: key, Label: day.String(), Value: f.Get("hours_" + key)})
	}
	for i, word := range f["kw_word"] {
		if strings.TrimSpace(word) == "" {
			continue
		}
		data.Keywords = append(data.Keywords, keywordRow{Keyword: store.Keyword{Word: word, Reply: at(f["kw_reply"], i),
			Alert: at(f["kw_alert"], i), Task: at(f["kw_task"], i), Tag: at(f["kw_tag"], i)}, AliasText: at(f["kw_aliases"], i)})
	}
	for i, after := range f["fu_after"] {
		if row := (followUpRow{After: after, Template: at(f["fu_template"], i)}); row.After != "" || row.Template != "" {
			data.FollowUps = append(data.FollowUps, row)
		}
	}
	for i, name := range f["team_name"] {
		if m := (store.Staff{Name: name, Phone: at(f["team_phone"], i), Email: at(f["team_email"], i)}); m != (store.Staff{}) {
			data.Team = append(data.Team, m)
		}
	}
	return data.withBlanks(biz)
}

// withBlanks adds empty rows for new entries and counts the segments of every template.
func (data settingsData) withBlanks(biz store.Business) settingsData {
	for range blankKeywords {
		data.Keywords = append(data.Keywords, keywordRow{})
	}
	for len(data.FollowUps) < maxFollowUps {
		data.FollowUps = append(data.FollowUps, followUpRow{})
	}
	for range blankTeam {
		data.Team = append(data.Team, store.Staff{})
	}
	data.TemplateCount = templateCount(biz, data.Template)
	data.AfterHoursCount = templateCount(biz, data.AfterHours)
	for i := range data.Keywords {
		data.Keywords[i].Count = templateCount(biz, data.Keywords[i].Reply)
	}
	for i := range data.FollowUps {
		data.FollowUps[i].Count = templateCount(biz, data.FollowUps[i].Template)
	}
	return data
}

func templateCount(biz store.Business, text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return segmentSummary(biz, "template", text)
}

// saveSettings checks the form with the rules of textback.yaml and stores the settings as
// textback apply would, then signals every instance to drop its cached settings.
func (d *Dashboard) saveSettings(w http.ResponseWriter, r *http.Request, req request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSettingsBody)
	if err := r.ParseForm(); err != nil {
		d.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large", "The settings form was too large to save.")
		return
	}
	ctx := r.Context()
	doc, err := settingsDocument(req.biz, r.PostForm)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	numbers, err := d.store.ListNumbers(ctx, req.biz.ID)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	id := manifest.Identity{Name: req.biz.Name, RepName: req.biz.RepName, BookingURL: req.biz.BookingURL, Region: req.biz.Region}
	for _, n := range numbers {
		id.Numbers = append(id.Numbers, n.E164)
	}
	parsed, err := manifest.ParseSections("settings", doc, id)
	var issues manifest.Errors
	if errors.As(err, &issues) {
		data := submittedSettingsForm(req.biz, r)
		data.Errors = fieldIssues(issues)
		p := d.page(req, "Settings", "settings", data)
		d.render(w, r, http.StatusUnprocessableEntity, "settings", "", p)
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	saved, err := d.storeSettings(ctx, req.biz.ID, parsed)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	d.log.Info("business settings saved", slog.Int64("business_id", int64(saved.ID)),
		slog.Int64("user_id", int64(req.cur.User.ID)))
	req.biz = saved
	data := storedSettingsForm(saved)
	data.Warnings = fieldIssues(parsed.Warnings)
	p := d.page(req, "Settings", "settings", data)
	p.Flash = "Settings saved."
	d.render(w, r, http.StatusOK, "settings", "", p)
}

// storeSettings writes the validated settings over the stored business's, in one transaction
// that also announces the change.
func (d *Dashboard) storeSettings(ctx context.Context, business store.BusinessID, s *manifest.Settings) (store.Business, error) {
	var saved store.Business
	err := d.store.InTx(ctx, func(tx *store.Tx) error {
		biz, err := tx.GetBusiness(ctx, business)
		if err != nil {
			return err
		}
		biz.Hours = s.Hours
		biz.TextBack = store.TextBackSettings{
			Enabled: s.TextBack.Enabled, Window: s.TextBack.Window, Template: s.TextBack.Template,
			AfterHoursTemplate: s.TextBack.AfterHoursTemplate, MissedCallMessage: s.TextBack.MissedCallMessage,
			ScreenPrompt: s.TextBack.ScreenPrompt,
		}
		// The settings form does not carry the AI section, which the knowledge page edits, nor
		// booking by text.
		ai, booking := biz.Settings.AI, biz.Settings.Booking
		biz.Settings = s.Settings.KeepApplyOnly(biz.Settings)
		biz.Settings.AI, biz.Settings.Booking = ai, booking
		if saved, err = tx.UpsertBusiness(ctx, biz); err != nil {
			return err
		}
		if d.settingsChanged != nil {
			return d.settingsChanged(ctx, tx, saved)
		}
		return nil
	})
	return saved, err
}

// fieldLabels name the form's sections in messages, by the first part of a settings path.
var fieldLabels = map[string]string{
	"hours": "Opening hours", "text_back": "Text back", "conversation": "Keywords", "team": "Team",
	"alerts": "Alerts", "follow_ups": "Follow-ups", "quiet_hours": "Quiet hours",
}

// fieldIssues turns manifest issues into messages about the form.
func fieldIssues(issues []manifest.Issue) []fieldIssue {
	out := make([]fieldIssue, 0, len(issues))
	for _, issue := range issues {
		section, _, _ := strings.Cut(issue.Path, ".")
		section, _, _ = strings.Cut(section, "[")
		label := fieldLabels[section]
		if label == "" {
			label = "Settings"
		}
		out = append(out, fieldIssue{Field: fmt.Sprintf("%s (%s)", label, issue.Path), Message: issue.Message})
	}
	return out
}
