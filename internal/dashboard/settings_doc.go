package dashboard

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// The settings form is turned into the business's section of textback.yaml and checked by
// manifest.ParseSections, so the dashboard and textback apply accept exactly the same settings.
// Settings the form does not show are copied from the stored business.

type settingsDoc struct {
	Hours        map[string]string `yaml:"hours"`
	TextBack     textBackDoc       `yaml:"text_back"`
	Conversation conversationDoc   `yaml:"conversation"`
	Team         []staffDoc        `yaml:"team,omitempty"`
	Alerts       alertsDoc         `yaml:"alerts"`
	FollowUps    []followUpDoc     `yaml:"follow_ups"`
	QuietHours   *quietHoursDoc    `yaml:"quiet_hours,omitempty"`
}

type textBackDoc struct {
	Enabled            bool   `yaml:"enabled"`
	Window             string `yaml:"window"`
	Template           string `yaml:"template,omitempty"`
	AfterHoursTemplate string `yaml:"after_hours_template,omitempty"`
	MissedCallMessage  string `yaml:"missed_call_message,omitempty"`
	ScreenPrompt       string `yaml:"screen_prompt,omitempty"`
}

type conversationDoc struct {
	HelpText    string        `yaml:"help_text,omitempty"`
	OptOutReply string        `yaml:"opt_out_reply,omitempty"`
	OptInReply  string        `yaml:"opt_in_reply,omitempty"`
	Qualifier   *qualifierDoc `yaml:"qualifying_question,omitempty"`
	Keywords    []keywordDoc  `yaml:"keywords"`
	ManualPause string        `yaml:"manual_reply_pause"`
	Limits      limitsDoc     `yaml:"limits"`
	Email       bool          `yaml:"email_fallback"`
	LookupLine  bool          `yaml:"lookup_line_type"`
}

type qualifierDoc struct {
	Question string     `yaml:"question"`
	Answers  answersDoc `yaml:"answers"`
}

// answersDoc writes the answers as a mapping in their stored order, which a Go map would lose.
type answersDoc []store.QualifierAnswer

// MarshalYAML returns the answers as a mapping node.
func (a answersDoc) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, answer := range a {
		words := &yaml.Node{Kind: yaml.SequenceNode}
		for _, w := range answer.Words {
			words.Content = append(words.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: escape(w)})
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: escape(answer.Value)}, words)
	}
	return n, nil
}

type limitsDoc struct {
	PerHour int `yaml:"per_hour"`
	PerDay  int `yaml:"per_day"`
}

type keywordDoc struct {
	Word     string   `yaml:"word"`
	Aliases  []string `yaml:"aliases,omitempty"`
	Reply    string   `yaml:"reply,omitempty"`
	Alert    string   `yaml:"alert,omitempty"`
	Task     string   `yaml:"task,omitempty"`
	Tag      string   `yaml:"tag,omitempty"`
	Disabled bool     `yaml:"disabled,omitempty"`
}

type staffDoc struct {
	Name  string `yaml:"name"`
	Phone string `yaml:"phone,omitempty"`
	Email string `yaml:"email,omitempty"`
}

type alertsDoc struct {
	SMS             bool        `yaml:"sms"`
	Email           bool        `yaml:"email"`
	MissedCalls     bool        `yaml:"missed_calls"`
	EscalateAfter   string      `yaml:"escalate_after"`
	AggregateWindow string      `yaml:"aggregate_window"`
	Webhook         *webhookDoc `yaml:"webhook,omitempty"`
}

type webhookDoc struct {
	URL    string `yaml:"url"`
	Secret string `yaml:"secret,omitempty"`
}

type followUpDoc struct {
	After    string `yaml:"after"`
	Template string `yaml:"template"`
}

type quietHoursDoc struct {
	Start          string `yaml:"start"`
	End            string `yaml:"end"`
	InstantReplies string `yaml:"instant_replies"`
}

// escape doubles every $, which textback.yaml reads as a literal $, so that text typed in the
// dashboard is never expanded from the server's environment.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// formDuration writes a stored duration as the form shows it: "0", whole hours such as "12h",
// whole minutes such as "90m", or Go's form for anything finer.
func formDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// clockText writes minutes after midnight as HH:MM.
func clockText(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// weekDays lists the days in the order the form shows them.
var weekDays = []time.Weekday{
	time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday,
}

// settingsDocument builds the YAML document of the business's settings from the submitted form,
// taking what the form does not carry from the stored business.
func settingsDocument(biz store.Business, form url.Values) ([]byte, error) {
	s := biz.Settings
	doc := settingsDoc{Hours: map[string]string{}}
	for _, day := range weekDays {
		if v := strings.TrimSpace(form.Get("hours_" + hours.DayKey(day))); v != "" {
			doc.Hours[hours.DayKey(day)] = escape(v)
		}
	}
	doc.TextBack = textBackDoc{
		Enabled:            form.Get("text_back_enabled") != "",
		Window:             escape(strings.TrimSpace(form.Get("text_back_window"))),
		Template:           escape(strings.TrimSpace(form.Get("text_back_template"))),
		AfterHoursTemplate: escape(strings.TrimSpace(form.Get("after_hours_template"))),
		MissedCallMessage:  escape(biz.TextBack.MissedCallMessage),
		ScreenPrompt:       escape(biz.TextBack.ScreenPrompt),
	}
	if doc.TextBack.Window == "" {
		doc.TextBack.Window = formDuration(biz.TextBack.Window)
	}
	doc.Conversation = storedConversation(s)
	doc.Conversation.Keywords = formKeywords(form)
	doc.Team = formTeam(form)
	doc.Alerts = formAlerts(s.Alerts, form)
	doc.FollowUps = formFollowUps(form)
	if q := s.QuietHours; q != (store.QuietHours{}) {
		doc.QuietHours = &quietHoursDoc{Start: clockText(q.Start), End: clockText(q.End), InstantReplies: "anytime"}
		if q.HoldInstantReplies {
			doc.QuietHours.InstantReplies = "wait"
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("write settings of business %s: %w", biz.Slug, err)
	}
	return out, nil
}

// storedConversation copies the conversation settings the form does not show.
func storedConversation(s store.Settings) conversationDoc {
	doc := conversationDoc{
		HelpText: escape(s.HelpText), OptOutReply: escape(s.OptOutReply), OptInReply: escape(s.OptInReply),
		ManualPause: formDuration(time.Duration(s.ManualPause)),
		Limits:      limitsDoc{PerHour: s.Limits.PerHour, PerDay: s.Limits.PerDay},
		Email:       s.EmailFallback, LookupLine: s.LookupLineType,
	}
	if s.Qualifier.Question != "" {
		doc.Qualifier = &qualifierDoc{Question: escape(s.Qualifier.Question), Answers: answersDoc(s.Qualifier.Answers)}
	}
	return doc
}

// formKeywords reads the keyword rows. A row whose word is empty is dropped, and a default keyword
// without a row is disabled, since the file form merges its keywords into the defaults.
func formKeywords(form url.Values) []keywordDoc {
	words := form["kw_word"]
	out := []keywordDoc{}
	seen := map[string]bool{}
	for i, w := range words {
		word := strings.TrimSpace(w)
		if word == "" {
			continue
		}
		k := keywordDoc{Word: escape(word), Reply: escape(strings.TrimSpace(at(form["kw_reply"], i))),
			Alert: escape(strings.TrimSpace(at(form["kw_alert"], i))), Task: escape(strings.TrimSpace(at(form["kw_task"], i))),
			Tag: escape(strings.TrimSpace(at(form["kw_tag"], i)))}
		for _, a := range strings.Split(at(form["kw_aliases"], i), ",") {
			if a = strings.TrimSpace(a); a != "" {
				k.Aliases = append(k.Aliases, escape(a))
			}
		}
		seen[strings.ToUpper(word)] = true
		out = append(out, k)
	}
	for _, def := range store.DefaultKeywords() {
		if !seen[def.Word] {
			out = append(out, keywordDoc{Word: def.Word, Disabled: true})
		}
	}
	return out
}

func formTeam(form url.Values) []staffDoc {
	var out []staffDoc
	for i, name := range form["team_name"] {
		member := staffDoc{Name: escape(strings.TrimSpace(name)), Phone: escape(strings.TrimSpace(at(form["team_phone"], i))),
			Email: escape(strings.TrimSpace(at(form["team_email"], i)))}
		if member != (staffDoc{}) {
			out = append(out, member)
		}
	}
	return out
}

// formAlerts reads the alert channels. An empty secret keeps the stored one, because the form
// never shows it.
func formAlerts(stored store.Alerting, form url.Values) alertsDoc {
	doc := alertsDoc{
		SMS: form.Get("alerts_sms") != "", Email: form.Get("alerts_email") != "",
		MissedCalls:     form.Get("alerts_missed_calls") != "",
		EscalateAfter:   escape(strings.TrimSpace(form.Get("alerts_escalate_after"))),
		AggregateWindow: formDuration(time.Duration(stored.AggregateWindow)),
	}
	if doc.EscalateAfter == "" {
		doc.EscalateAfter = "0"
	}
	if u := strings.TrimSpace(form.Get("alerts_webhook_url")); u != "" {
		secret := form.Get("alerts_webhook_secret")
		if secret == "" {
			secret = stored.Webhook.Secret
		}
		doc.Webhook = &webhookDoc{URL: escape(u), Secret: escape(secret)}
	}
	return doc
}

func formFollowUps(form url.Values) []followUpDoc {
	out := []followUpDoc{}
	for i, after := range form["fu_after"] {
		step := followUpDoc{After: escape(strings.TrimSpace(after)), Template: escape(strings.TrimSpace(at(form["fu_template"], i)))}
		if step != (followUpDoc{}) {
			out = append(out, step)
		}
	}
	return out
}

// at returns values[i], or "" past the end, since a browser may leave out fields.
func at(values []string, i int) string {
	if i < len(values) {
		return values[i]
	}
	return ""
}
