package manifest

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/textback/textback/internal/quiet"
	"github.com/textback/textback/internal/store"
)

// settingsKeys are the keys of a business entry that ParseSettings accepts: all but slug, numbers,
// calendars and the phone menu, which only textback apply changes.
var settingsKeys = slices.DeleteFunc(slices.Clone(businessKeys), func(key string) bool {
	return key == "slug" || key == "numbers" || key == "calendars" || key == "ivr"
})

// ParseSettings validates data, one business entry of textback.yaml without its slug, numbers and
// calendars, written in YAML or JSON. It runs the checks that Parse runs on a business, and like
// Parse it gives every key left out its default. numbers are the business's own numbers in E.164,
// which no team member's phone may be. Values are taken as written: ${NAME} is not expanded.
//
// The returned Business has no Slug, Numbers or Calendars. When data has any error, ParseSettings
// returns nil and an Errors value; warnings are returned with a valid Business.
//
// calendars are the business's calendars, which its booking section may name.
func ParseSettings(name string, data []byte, numbers []string, calendars []store.Calendar) (*Business, []Issue, error) {
	c := &checker{file: name, literal: true}
	root, ok := c.decode(data)
	if !ok {
		return nil, nil, c.errors
	}
	m := c.mapping(root, "", settingsKeys)
	if m == nil {
		return nil, nil, c.errors
	}
	index := newNumberIndex()
	for _, n := range numbers {
		index.lines[n] = 0
	}
	b := &Business{Line: m.node.Line}
	c.profile(m, b)
	for _, cal := range calendars {
		b.Calendars = append(b.Calendars, Calendar{Slug: cal.Slug, Name: cal.Name, Hours: cal.Hours})
	}
	c.behaviour(m, b, index)
	b.Calendars = nil
	c.checkStaffPhones(index)
	if len(c.errors) > 0 {
		sortIssues(c.errors)
		return nil, nil, c.errors
	}
	sortIssues(c.warnings)
	return b, c.warnings, nil
}

// SettingsDocument returns b's settings in the shape that ParseSettings reads, so that a document
// read from it and given back unchanged leaves b as it is. It leaves out the alert webhook's
// secret, which the caller may add.
func SettingsDocument(b store.Business) map[string]any {
	s := b.Settings
	doc := map[string]any{
		"name":         b.Name,
		"time_zone":    b.TimeZone,
		"region":       b.Region,
		"rep_name":     b.RepName,
		"booking_url":  b.BookingURL,
		"hours":        b.Hours,
		"text_back":    textBackDocument(b.TextBack),
		"conversation": conversationDocument(s),
		"team":         teamDocument(s.Team),
		"alerts":       alertsDocument(s.Alerts),
		"follow_ups":   followUpsDocument(s.FollowUps),
		"ai":           AIDocument(s.AI),
	}
	if s.QuietHours != (store.QuietHours{}) {
		doc["quiet_hours"] = quietHoursDocument(s.QuietHours)
	}
	doc["booking"] = bookingDocument(s.Booking)
	return doc
}

func bookingDocument(b store.BookingSettings) map[string]any {
	reminders := []string{}
	for _, r := range b.Reminders {
		reminders = append(reminders, durationText(time.Duration(r)))
	}
	return map[string]any{
		"enabled":               b.Enabled,
		"calendars":             nonNil(b.Calendars),
		"slots":                 b.Slots,
		"max_messages":          b.MaxMessages,
		"reply_delay":           durationText(time.Duration(b.ReplyDelay)),
		"reminders":             reminders,
		"start_on_answers":      nonNil(b.StartOnAnswers),
		"confirmation_template": b.ConfirmationTemplate,
		"reminder_template":     b.ReminderTemplate,
		"cancellation_template": b.CancellationTemplate,
	}
}

// textBackDocument leaves out empty texts, which only a business made without textback apply
// has, so that they read back as the defaults instead of failing the check for empty templates.
func textBackDocument(tb store.TextBackSettings) map[string]any {
	doc := map[string]any{"enabled": tb.Enabled, "window": durationText(tb.Window)}
	for key, value := range map[string]string{
		"template": tb.Template, "after_hours_template": tb.AfterHoursTemplate,
		"missed_call_message": tb.MissedCallMessage, "screen_prompt": tb.ScreenPrompt,
	} {
		if value != "" {
			doc[key] = value
		}
	}
	return doc
}

func conversationDocument(s store.Settings) map[string]any {
	doc := map[string]any{
		"help_text":          s.HelpText,
		"opt_out_reply":      s.OptOutReply,
		"opt_in_reply":       s.OptInReply,
		"keywords":           keywordsDocument(s.Keywords),
		"manual_reply_pause": durationText(time.Duration(s.ManualPause)),
		"limits":             map[string]any{"per_hour": s.Limits.PerHour, "per_day": s.Limits.PerDay},
		"email_fallback":     s.EmailFallback,
		"lookup_line_type":   s.LookupLineType,
	}
	if s.Qualifier.Question != "" {
		answers := orderedMap{}
		for _, a := range s.Qualifier.Answers {
			answers = append(answers, keyValue{a.Value, nonNil(a.Words)})
		}
		doc["qualifying_question"] = map[string]any{"question": s.Qualifier.Question, "answers": answers}
	}
	return doc
}

// keywordsDocument lists the keywords, and each default keyword the business removed as disabled,
// since a list without it would bring it back.
func keywordsDocument(keywords []store.Keyword) []map[string]any {
	out := []map[string]any{}
	for _, k := range keywords {
		entry := map[string]any{"word": k.Word}
		if len(k.Aliases) > 0 {
			entry["aliases"] = k.Aliases
		}
		for key, value := range map[string]string{"reply": k.Reply, "alert": k.Alert, "task": k.Task, "tag": k.Tag} {
			if value != "" {
				entry[key] = value
			}
		}
		out = append(out, entry)
	}
	for _, def := range store.DefaultKeywords() {
		kept := slices.ContainsFunc(keywords, func(k store.Keyword) bool { return k.Word == def.Word })
		if !kept {
			out = append(out, map[string]any{"word": def.Word, "disabled": true})
		}
	}
	return out
}

func teamDocument(team []store.Staff) []map[string]any {
	out := []map[string]any{}
	for _, m := range team {
		entry := map[string]any{"name": m.Name}
		if m.Phone != "" {
			entry["phone"] = m.Phone
		}
		if m.Email != "" {
			entry["email"] = m.Email
		}
		out = append(out, entry)
	}
	return out
}

func alertsDocument(a store.Alerting) map[string]any {
	doc := map[string]any{
		"sms":              a.SMS,
		"email":            a.Email,
		"missed_calls":     a.MissedCalls,
		"escalate_after":   durationText(time.Duration(a.EscalateAfter)),
		"aggregate_window": durationText(time.Duration(a.AggregateWindow)),
	}
	if a.Webhook.URL != "" {
		doc["webhook"] = map[string]any{"url": a.Webhook.URL}
	}
	return doc
}

func followUpsDocument(steps []store.FollowUpStep) []map[string]any {
	out := []map[string]any{}
	for _, step := range steps {
		out = append(out, map[string]any{"after": durationText(time.Duration(step.Delay)), "template": step.Template})
	}
	return out
}

func quietHoursDocument(qh store.QuietHours) map[string]any {
	instant := instantAnytime
	if qh.HoldInstantReplies {
		instant = instantWait
	}
	start, end := qh.Start, qh.End
	if start == 0 && end == 0 {
		start, end = quiet.Default.Start, quiet.Default.End
	}
	return map[string]any{"start": clockText(start), "end": clockText(end), "instant_replies": instant}
}

// orderedMap is a JSON object that keeps its keys in order, as the answers of a qualifying
// question need.
type orderedMap []keyValue

type keyValue struct {
	key   string
	value any
}

// MarshalJSON writes the object with its keys in order.
func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(kv.key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(kv.value)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func nonNil(words []string) []string {
	if words == nil {
		return []string{}
	}
	return words
}
