package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseFixture parses a file under testdata with its base name as the file name in issues.
func parseFixture(t *testing.T, path string) (*File, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(filepath.Base(path), data, lookupTestEnv)
}

// issuesOf returns the issues of a Parse error, failing the test when err is not Errors.
func issuesOf(t *testing.T, err error) Errors {
	t.Helper()
	var issues Errors
	if !errors.As(err, &issues) {
		t.Fatalf("error = %v (%T), want Errors", err, err)
	}
	return issues
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		file     string
		position string // line:column, or line alone when the YAML parser gives no column
		path     string
		phrase   string
	}{
		{"unknown-key", "16:9", "businesses[0].numbers[0].ring_second",
			`unknown key "ring_second": allowed keys are number, provider, mode, forward_to, ring_seconds`},
		{"unknown-top-key", "1:1", "version", `unknown key "version": allowed keys are providers, businesses`},
		{"duplicate-key", "4:5", "providers[0].kind", `duplicate key "kind", first set at line 3`},
		{"bad-zone", "9:16", "businesses[0].time_zone", `unknown time_zone "America/Chicag"`},
		{"local-zone", "9:16", "businesses[0].time_zone", "depends on the server's settings"},
		{"missing-zone", "7:5", "businesses[0].time_zone", "missing time_zone"},
		{"bad-number", "13:17", "businesses[0].numbers[0].number", `invalid phone number "+1312555019"`},
		{"number-extension", "13:17", "businesses[0].numbers[0].number", "has the extension 12"},
		{"unknown-provider", "14:19", "businesses[0].numbers[0].provider",
			`unknown provider "twilio-mian": declare it under providers, or use one of twilio-main`},
		{"missing-env", "5:17", "providers[0].auth_token", "environment variable TWILIO_TOKEN is not set"},
		{"bad-env-name", "5:17", "providers[0].auth_token", `invalid environment variable name "TWILIO-TOKEN"`},
		{"unclosed-env", "5:17", "providers[0].auth_token", "unclosed ${"},
		{"duplicate-slug", "16:11", "businesses[1].slug", `duplicate slug "acme-plumbing", first used at line 7`},
		{"duplicate-number", "22:17", "businesses[1].numbers[0].number",
			"duplicate number +13125550199, first listed at line 13"},
		{"duplicate-provider", "6:11", "providers[1].name",
			`duplicate provider name "twilio-main", first declared at line 2`},
		{"bad-window", "17:15", "businesses[0].text_back.window", `invalid window "24 hours"`},
		{"window-too-long", "17:15", "businesses[0].text_back.window", `window "31d" is out of range`},
		{"window-too-short", "17:15", "businesses[0].text_back.window", `window "30s" is out of range`},
		{"bad-hours", "11:12", "businesses[0].hours.mon", `invalid time "8"`},
		{"hours-overlap", "11:12", "businesses[0].hours.mon", "must not overlap"},
		{"unknown-day", "11:7", "businesses[0].hours.funday", `unknown day "funday"`},
		{"duplicate-day", "12:7", "businesses[0].hours.monday", "Monday is set twice, first at line 11"},
		{"bad-template-field", "17:17", "businesses[0].text_back.template",
			`unknown template field "frist_name" at character 4: use one of first_name, business`},
		{"template-syntax", "17:29", "businesses[0].text_back.after_hours_template", "unclosed [ at character 3"},
		{"empty-template", "17:17", "businesses[0].text_back.template", "template is empty"},
		{"screen-prompt-field", "17:22", "businesses[0].text_back.screen_prompt",
			`unknown template field "rep" at character 10: use one of business`},
		{"missed-call-field", "17:28", "businesses[0].text_back.missed_call_message",
			`unknown template field "first_name"`},
		{"enabled-not-bool", "17:16", "businesses[0].text_back.enabled", `invalid value "yes": use true or false`},
		{"empty-auth-token", "5:17", "providers[0].auth_token",
			"auth_token is empty, so the provider's webhooks could not be verified"},
		{"missing-auth-token", "2:5", "providers[0].auth_token", "missing auth_token"},
		{"auth-token-characters", "5:17", "providers[0].auth_token", "must contain only letters and digits"},
		{"bad-account-sid", "4:18", "providers[0].account_sid", `invalid account_sid "AC123"`},
		{"bad-kind", "3:11", "providers[0].kind", `unknown kind "plivo": use twilio, telnyx, signalwire or sandbox`},
		{"bad-provider-name", "2:11", "providers[0].name", `invalid name "Twilio_Main"`},
		{"api-base-url-query", "6:19", "providers[0].api_base_url", "remove the query"},
		{"api-base-url-relative", "6:19", "providers[0].api_base_url", "expected an absolute http or https URL"},
		{"bad-slug", "7:11", "businesses[0].slug", `invalid slug "Acme Plumbing"`},
		{"missing-name", "7:5", "businesses[0].name", "missing name"},
		{"bad-region", "10:13", "businesses[0].region", `invalid region "USA"`},
		{"bad-booking-url", "10:18", "businesses[0].booking_url", `invalid booking_url "example.com/book"`},
		{"forwarded-with-forward-to", "16:21", "businesses[0].numbers[0].forward_to",
			"forward_to is not allowed in forwarded mode"},
		{"forwarded-with-ring", "16:23", "businesses[0].numbers[0].ring_seconds",
			"ring_seconds is not allowed in forwarded mode"},
		{"ring-too-short", "16:23", "businesses[0].numbers[0].ring_seconds",
			`invalid ring_seconds "3": use a whole number of seconds from 5 to 60`},
		{"ring-not-number", "16:23", "businesses[0].numbers[0].ring_seconds", `invalid ring_seconds "18s"`},
		{"missing-forward-to", "13:9", "businesses[0].numbers[0].forward_to", "missing forward_to"},
		{"forward-to-self", "15:21", "businesses[0].numbers[0].forward_to", "is the number itself"},
		{"forward-to-loop", "24:21", "businesses[1].numbers[0].forward_to",
			"forward_to +13125550199 is a textback number listed at line 13"},
		{"bad-mode", "15:15", "businesses[0].numbers[0].mode", `unknown mode "voicemail"`},
		{"bad-answer-check", "16:23", "businesses[0].numbers[0].answer_check", `unknown answer_check "human"`},
		{"numbers-not-list", "12:14", "businesses[0].numbers", "expected a list"},
		{"no-numbers", "12:14", "businesses[0].numbers", "no numbers"},
		{"no-businesses", "6:13", "businesses", "no businesses"},
		{"yaml-syntax", "3", "", "invalid YAML: did not find expected '-' indicator"},
		{"yaml-tab", "3", "", "invalid YAML: found a tab character"},
		{"second-document", "16:1", "", "a second YAML document starts here"},
		{"empty-file", "1:1", "", "the file is empty"},
		{"not-a-mapping", "1:1", "", "expected a mapping of keys such as providers, businesses, found a list"},
		{"confirms-opt-out-not-bool", "16:36", "businesses[0].numbers[0].provider_confirms_opt_out",
			`invalid value "sometimes": use true or false`},
		{"conversation-unknown-key", "17:7", "businesses[0].conversation.help",
			`unknown key "help": allowed keys are help_text, opt_out_reply, opt_in_reply, qualifying_question`},
		{"conversation-not-mapping", "16:19", "businesses[0].conversation", "expected a mapping of keys"},
		{"help-text-field", "17:18", "businesses[0].conversation.help_text",
			`unknown template field "rep" at character 4: use one of business`},
		{"opt-out-reply-empty", "17:22", "businesses[0].conversation.opt_out_reply", "opt_out_reply is empty"},
		{"opt-in-reply-syntax", "17:21", "businesses[0].conversation.opt_in_reply", "unclosed [ at character 1"},
		{"keyword-consent-word", "18:17", "businesses[0].conversation.keywords[0].word",
			"keyword STOP is an opt-out word, which opts the sender out of all texts. textback reads consent " +
				"words before keywords"},
		{"keyword-help-word", "18:17", "businesses[0].conversation.keywords[0].word",
			"keyword INFO is a help word, which textback answers with help_text"},
		{"keyword-lookalike", "18:17", "businesses[0].conversation.keywords[0].word",
			"keyword STOPP is close to the opt-out word STOP"},
		{"keyword-invalid", "18:17", "businesses[0].conversation.keywords[0].word",
			`invalid keyword "TOW-TRUCK": use one word of letters A to Z and digits, at most 20 characters`},
		{"keyword-too-long", "18:17", "businesses[0].conversation.keywords[0].word",
			`invalid keyword "ABCDEFGHIJKLMNOPQRSTU"`},
		{"keyword-missing-word", "18:11", "businesses[0].conversation.keywords[0].word", "missing word"},
		{"keyword-unknown-key", "19:11", "businesses[0].conversation.keywords[0].replies", `unknown key "replies"`},
		{"keyword-duplicate", "20:17", "businesses[0].conversation.keywords[1].word",
			"duplicate keyword TOW, first listed at line 18"},
		{"keyword-alias-default", "19:29", "businesses[0].conversation.keywords[0].aliases[1]",
			`"CALLBACK" is also an alias of the default keyword CALL: a word or alias may invoke only one keyword, ` +
				"so remove it here, or disable CALL with {word: CALL, disabled: true}"},
		{"keyword-replaced-alias", "19:21", "businesses[0].conversation.keywords[0].aliases[0]",
			`"CALLBACK" is also an alias of the default keyword CALL`},
		{"keyword-alias-conflict", "22:21", "businesses[0].conversation.keywords[1].aliases[0]",
			`"WRECK" is also an alias of keyword TOW at line 19`},
		{"keyword-alias-consent", "19:21", "businesses[0].conversation.keywords[0].aliases[0]",
			"alias STOP ALL is an opt-out word"},
		{"keyword-alias-invalid", "19:21", "businesses[0].conversation.keywords[0].aliases[0]",
			`invalid alias "tow-truck": use letters A to Z and digits, with single spaces between words`},
		{"keyword-bad-alert", "19:18", "businesses[0].conversation.keywords[0].alert",
			`unknown alert "urgent": use normal or high`},
		{"keyword-reply-field", "19:18", "businesses[0].conversation.keywords[0].reply",
			`unknown template field "frist_name" at character 4`},
		{"keyword-disabled-not-bool", "19:21", "businesses[0].conversation.keywords[0].disabled",
			`invalid value "yes": use true or false`},
		{"qualifier-missing-question", "18:9", "businesses[0].conversation.qualifying_question.question",
			"missing question"},
		{"qualifier-missing-answers", "18:9", "businesses[0].conversation.qualifying_question.answers",
			"missing answers: list at least 2"},
		{"qualifier-one-answer", "20:11", "businesses[0].conversation.qualifying_question.answers",
			"answers lists 1, but a question needs at least 2"},
		{"qualifier-duplicate-word", "21:32", "businesses[0].conversation.qualifying_question.answers.commercial[1]",
			`word "Home" is already listed for answer "residential" at line 20`},
		{"qualifier-no-words", "21:23", "businesses[0].conversation.qualifying_question.answers.commercial",
			`no words for answer "commercial"`},
		{"qualifier-consent-word", "21:32", "businesses[0].conversation.qualifying_question.answers.commercial[1]",
			`word "stop" is an opt-out word`},
		{"qualifier-answer-not-list", "20:24", "businesses[0].conversation.qualifying_question.answers.residential",
			`expected a list of words such as [home, house], found the value "home"`},
		{"pause-out-of-range", "17:27", "businesses[0].conversation.manual_reply_pause",
			`manual_reply_pause "31d" is out of range: use from 1m to 30d`},
		{"pause-invalid", "17:27", "businesses[0].conversation.manual_reply_pause",
			`invalid manual_reply_pause "12 hours"`},
		{"limits-day-below-hour", "17:40", "businesses[0].conversation.limits.per_day",
			"per_day 5 is less than per_hour 10"},
		{"limits-default-day", "17:27", "businesses[0].conversation.limits.per_hour",
			"per_day 15 is less than per_hour 20"},
		{"limits-out-of-range", "17:27", "businesses[0].conversation.limits.per_hour",
			`invalid per_hour "0": use a whole number from 1 to 100`},
		{"email-fallback-not-bool", "17:23", "businesses[0].conversation.email_fallback", `invalid value "maybe"`},
		{"lookup-line-type-not-bool", "17:25", "businesses[0].conversation.lookup_line_type", `invalid value "1"`},
		{"team-no-contact", "17:9", "businesses[0].team[0]", "team member has no phone or email"},
		{"team-missing-name", "17:9", "businesses[0].team[0].name", "missing name"},
		{"team-bad-phone", "18:16", "businesses[0].team[0].phone", `invalid phone number "+1312555010"`},
		{"team-bad-email", "18:16", "businesses[0].team[0].email", `invalid email "dana@"`},
		{"team-email-with-name", "18:16", "businesses[0].team[0].email",
			"write only the address, such as dana@example.com"},
		{"team-duplicate-phone", "20:16", "businesses[0].team[1].phone",
			"duplicate phone +13125550100, first listed at line 18"},
		{"team-phone-is-number", "18:16", "businesses[0].team[0].phone",
			"phone +13125550199 is a textback number listed at line 13"},
		{"team-not-list", "17:7", "businesses[0].team", "expected a list of items"},
		{"alerts-unknown-key", "17:7", "businesses[0].alerts.pager", `unknown key "pager"`},
		{"escalate-out-of-range", "17:23", "businesses[0].alerts.escalate_after",
			`escalate_after "2d" is out of range: use 0 to never escalate, or from 1m to 24h`},
		{"aggregate-out-of-range", "17:25", "businesses[0].alerts.aggregate_window",
			`aggregate_window "90m" is out of range: use from 1m to 1h`},
		{"webhook-http", "18:14", "businesses[0].alerts.webhook.url",
			`url "http://hooks.example.com" uses http, which would send alerts unencrypted`},
		{"webhook-relative", "18:14", "businesses[0].alerts.webhook.url", "invalid url: expected an absolute https URL"},
		{"webhook-missing-url", "18:9", "businesses[0].alerts.webhook.url", "missing url"},
		{"telnyx-auth-token", "6:5", "providers[0].auth_token",
			`key "auth_token" does not apply to kind telnyx: write it as api_key, because a telnyx provider takes ` +
				"name, kind, api_key, public_key, api_base_url"},
		{"telnyx-account-sid", "6:5", "providers[0].account_sid",
			`key "account_sid" does not apply to kind telnyx: remove it`},
		{"telnyx-unknown-key", "6:5", "providers[0].region",
			`unknown key "region": a telnyx provider takes name, kind, api_key, public_key, api_base_url`},
		{"telnyx-missing-api-key", "2:5", "providers[0].api_key", "missing api_key, so textback could not send texts"},
		{"telnyx-empty-api-key", "5:14", "providers[0].api_key", "api_key is empty"},
		{"telnyx-api-key-characters", "5:14", "providers[0].api_key",
			"invalid api_key: it must contain only letters, digits, '_', '-' and '.'"},
		{"telnyx-missing-public-key", "2:5", "providers[0].public_key",
			"missing public_key, so Telnyx's webhooks could not be verified"},
		{"telnyx-public-key-base64", "5:17", "providers[0].public_key", "invalid public_key: it is not valid base64"},
		{"telnyx-public-key-size", "5:17", "providers[0].public_key",
			"invalid public_key: it decodes to 16 bytes, but an Ed25519 public key has 32"},
		{"telnyx-api-base-url-query", "6:19", "providers[0].api_base_url", "remove the query"},
		{"signalwire-api-base-url", "8:5", "providers[0].api_base_url",
			`key "api_base_url" does not apply to kind signalwire: write it as space_url, because a signalwire ` +
				"provider takes name, kind, project_id, api_token, signing_key, space_url"},
		{"signalwire-auth-token", "8:5", "providers[0].auth_token",
			`key "auth_token" does not apply to kind signalwire: write it as api_token`},
		{"signalwire-missing-project-id", "2:5", "providers[0].project_id", "missing project_id"},
		{"signalwire-bad-project-id", "7:17", "providers[0].project_id",
			`invalid project_id "AC00000000000000000000000000000001": expected the project's UUID`},
		{"signalwire-missing-api-token", "2:5", "providers[0].api_token", "missing api_token"},
		{"signalwire-signing-key-characters", "7:18", "providers[0].signing_key", "invalid signing_key"},
		{"signalwire-missing-space-url", "2:5", "providers[0].space_url", "missing space_url"},
		{"signalwire-space-url-http", "7:16", "providers[0].space_url",
			`space_url "http://example.signalwire.com" uses http`},
		{"signalwire-space-url-host", "7:16", "providers[0].space_url",
			`invalid space_url "https://signalwire.example.com": expected a SignalWire space`},
		{"signalwire-space-url-path", "7:16", "providers[0].space_url", "write only the scheme and host"},
		{"pbx-short-token", "15:18", "businesses[0].numbers[0].pbx.token",
			`invalid token "tok_acme": use 16 to 64 letters, digits, '_' and '-'`},
		{"pbx-token-characters", "15:18", "businesses[0].numbers[0].pbx.token", `invalid token "tok/acme/main/line"`},
		{"pbx-missing-token", "15:11", "businesses[0].numbers[0].pbx.token", "missing token"},
		{"pbx-duplicate-token", "21:18", "businesses[0].numbers[1].pbx.token",
			`duplicate token "tok_acme_main_line", first used at line 15`},
		{"pbx-missing-secret", "15:11", "businesses[0].numbers[0].pbx.secret", "missing secret"},
		{"pbx-short-secret", "16:19", "businesses[0].numbers[0].pbx.secret",
			"secret is too short (12 characters): use at least 16"},
		{"pbx-secret-space", "16:19", "businesses[0].numbers[0].pbx.secret",
			"invalid secret: it must contain only printable ASCII characters other than spaces"},
		{"pbx-unknown-key", "17:11", "businesses[0].numbers[0].pbx.url",
			`unknown key "url": allowed keys are token, secret`},
		{"pbx-not-mapping", "14:14", "businesses[0].numbers[0].pbx", "expected a mapping of keys such as token, secret"},
		{"pbx-without-provider", "11:9", "businesses[0].numbers[0].provider", "missing provider"},
		{"follow-ups-off", "16:17", "businesses[0].follow_ups",
			`expected a list of follow-ups, found the value "off": write follow_ups: [] to send no follow-ups`},
		{"follow-ups-null", "16:16", "businesses[0].follow_ups",
			"follow_ups has no value: write follow_ups: [] to send no follow-ups, or remove the key"},
		{"follow-ups-mapping", "17:7", "businesses[0].follow_ups",
			"expected a list of follow-ups, each starting with -"},
		{"follow-up-unknown-key", "19:9", "businesses[0].follow_ups[0].name",
			`unknown key "name": allowed keys are after, template`},
		{"follow-up-too-soon", "17:16", "businesses[0].follow_ups[0].after",
			`after "5m" is out of range: use from 10m to 30d, because a follow-up sooner than 10m after the call ` +
				"would arrive on the heels of the text back"},
		{"follow-up-too-late", "17:16", "businesses[0].follow_ups[0].after", `after "31d" is out of range`},
		{"follow-up-bad-after", "17:16", "businesses[0].follow_ups[0].after",
			`invalid after "3 hours": use a duration such as 90m or 24h, or whole days such as 2d`},
		{"follow-up-missing-after", "17:9", "businesses[0].follow_ups[0].after",
			"missing after: set it to the time after the missed call when follow-up 1 goes"},
		{"follow-up-missing-template", "17:9", "businesses[0].follow_ups[0].template",
			"missing template: set it to the text of follow-up 1"},
		{"follow-up-empty-template", "18:19", "businesses[0].follow_ups[0].template",
			"template is empty: write the text of the follow-up, or remove the follow-up"},
		{"follow-up-field", "18:19", "businesses[0].follow_ups[0].template",
			`unknown template field "next_open" at character 9: use one of first_name, business, rep, booking_link`},
		{"follow-up-question-field", "18:19", "businesses[0].follow_ups[0].template",
			`unknown template field "question" at character 1`},
		{"follow-ups-out-of-order", "19:16", "businesses[0].follow_ups[1].after",
			`after "3h" is not later than after "1d" of the follow-up at line 17: list follow-ups in the order ` +
				"they go out"},
		{"follow-ups-same-after", "19:16", "businesses[0].follow_ups[1].after",
			`after "1d" is not later than after "24h" of the follow-up at line 17`},
		{"follow-ups-too-many", "22:9", "businesses[0].follow_ups[5]",
			"follow_ups lists 6 follow-ups, more than the maximum of 5: remove 1"},
		{"quiet-hours-early-start", "17:14", "businesses[0].quiet_hours.start",
			`start "07:30" is before 08:00. textback sends automated texts only from 08:00 to 21:00 in the ` +
				"recipient's local time, the window of the federal telephone-solicitation rules (47 CFR " +
				"64.1200(c)(1)), and a business may only narrow it. The rules of AL, CT, FL,"},
		{"quiet-hours-late-end", "18:12", "businesses[0].quiet_hours.end",
			`end "22:00" is after 21:00. textback sends automated texts only from 08:00 to 21:00`},
		{"quiet-hours-reversed", "18:12", "businesses[0].quiet_hours.end",
			`start "21:00" is not before end "08:00". start and end bound the hours when automated texts may go, ` +
				`not the quiet period: write start: "08:00" and end: "21:00"`},
		{"quiet-hours-empty-window", "18:12", "businesses[0].quiet_hours.end",
			`start "12:00" is not before end "12:00". start and end bound the hours when automated texts may go, ` +
				"so start must be the earlier"},
		{"quiet-hours-start-after-default-end", "17:14", "businesses[0].quiet_hours.start",
			`start "21:00" is not before end "21:00" (the default)`},
		{"quiet-hours-bad-time", "17:14", "businesses[0].quiet_hours.start",
			`invalid time "8:30": use 24-hour HH:MM such as 08:00 or 17:30`},
		{"quiet-hours-bad-instant-replies", "17:24", "businesses[0].quiet_hours.instant_replies",
			`invalid instant_replies "true": use anytime to send text backs and keyword replies at once at any ` +
				"hour, or wait to hold them until the window opens"},
		{"quiet-hours-unknown-key", "17:7", "businesses[0].quiet_hours.from",
			`unknown key "from": allowed keys are start, end, instant_replies`},
		{"quiet-hours-not-mapping", "16:18", "businesses[0].quiet_hours",
			`expected a mapping of keys such as start, end, instant_replies, found the value "09:00-20:00"`},
		{"calendar-unknown-key", "18:9", "businesses[0].calendars[0].slot",
			`unknown key "slot": allowed keys are slug, name, time_zone, hours, slot_length, buffer_before, ` +
				"buffer_after, min_notice, horizon, max_per_day, closures, address"},
		{"calendar-missing-slug", "16:9", "businesses[0].calendars[0].slug", "missing slug: set it to a short id"},
		{"calendar-bad-slug", "16:15", "businesses[0].calendars[0].slug", `invalid slug "Repairs Team"`},
		{"calendar-duplicate-slug", "18:15", "businesses[0].calendars[1].slug",
			`duplicate calendar slug "repairs", first used at line 16`},
		{"calendar-missing-name", "16:9", "businesses[0].calendars[0].name", "missing name"},
		{"calendar-bad-zone", "18:20", "businesses[0].calendars[0].time_zone", `unknown time_zone "America/Chicag"`},
		{"calendar-zone-without-hours", "16:9", "businesses[0].calendars[0].hours",
			"missing hours: the calendar's time_zone Europe/London is not the business's America/Chicago"},
		{"calendar-bad-hours", "19:16", "businesses[0].calendars[0].hours.mon", `invalid time "9"`},
		{"calendar-hours-not-mapping", "18:16", "businesses[0].calendars[0].hours",
			`expected a mapping of days to hours such as mon: "09:00-17:00", found the value "09:00-17:00"`},
		{"calendar-slot-not-minutes", "18:22", "businesses[0].calendars[0].slot_length",
			`slot_length "61m30s" is not a whole number of minutes`},
		{"calendar-slot-too-short", "18:22", "businesses[0].calendars[0].slot_length",
			`slot_length "2m" is out of range: use from 5m to 24h`},
		{"calendar-slot-invalid", "18:22", "businesses[0].calendars[0].slot_length",
			`invalid slot_length "1 hour": use a duration such as 90m or 24h`},
		{"calendar-negative-buffer", "18:24", "businesses[0].calendars[0].buffer_before",
			`buffer_before "-15m" is out of range: use 0, or from 1m to 24h`},
		{"calendar-buffer-too-long", "18:23", "businesses[0].calendars[0].buffer_after",
			`buffer_after "2d" is out of range`},
		{"calendar-notice-too-long", "18:21", "businesses[0].calendars[0].min_notice",
			`min_notice "31d" is out of range: use 0, or from 1m to 30d`},
		{"calendar-horizon-too-short", "18:18", "businesses[0].calendars[0].horizon",
			`horizon "30m" is out of range: use from 1h to 365d`},
		{"calendar-horizon-within-notice", "19:18", "businesses[0].calendars[0].horizon",
			"horizon 1d is not longer than min_notice 2d, so no slot could ever be booked"},
		{"calendar-notice-beyond-default-horizon", "18:21", "businesses[0].calendars[0].min_notice",
			"horizon 30d is not longer than min_notice 30d"},
		{"calendar-max-per-day", "18:22", "businesses[0].calendars[0].max_per_day",
			`invalid max_per_day "many": use a whole number from 0 to 1000`},
		{"calendar-closure-bad-date", "19:19", "businesses[0].calendars[0].closures[0].from",
			`invalid from "2025-13-01": use a date written YYYY-MM-DD`},
		{"calendar-closure-missing-from", "19:13", "businesses[0].calendars[0].closures[0].from", "missing from"},
		{"calendar-closure-reversed", "20:17", "businesses[0].calendars[0].closures[0].to",
			"to 2025-12-24 is before from 2025-12-26"},
		{"calendar-closure-unknown-key", "20:13", "businesses[0].calendars[0].closures[0].until",
			`unknown key "until": allowed keys are from, to, label`},
		{"calendar-closures-not-list", "18:19", "businesses[0].calendars[0].closures", "expected a list of items"},
		{"calendars-not-list", "15:16", "businesses[0].calendars", "expected a list of items"},
		{"calendar-not-mapping", "16:9", "businesses[0].calendars[0]",
			`expected a mapping of keys such as slug, name, time_zone`},
		{"calendar-address-lines", "18:18", "businesses[0].calendars[0].address",
			"address spans several lines: write it on one line"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			name := tt.file + ".yaml"
			f, err := parseFixture(t, filepath.Join("invalid", name))
			if err == nil {
				t.Fatalf("Parse(%s) = %+v, want an error", name, f)
			}
			if f != nil {
				t.Errorf("Parse(%s) returned a File with its error, want nil", name)
			}
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("Parse(%s) gave %d issues, want 1:\n%v", name, len(issues), err)
			}
			issue := issues[0]
			if issue.File != name {
				t.Errorf("File = %q, want %q", issue.File, name)
			}
			position := fmt.Sprintf("%d:%d", issue.Line, issue.Column)
			if issue.Column == 0 {
				position = fmt.Sprint(issue.Line)
			}
			if position != tt.position {
				t.Errorf("position = %s, want %s (%v)", position, tt.position, issue)
			}
			if issue.Path != tt.path {
				t.Errorf("Path = %q, want %q", issue.Path, tt.path)
			}
			if !strings.Contains(issue.Message, tt.phrase) {
				t.Errorf("Message = %q, want it to contain %q", issue.Message, tt.phrase)
			}
			prefix := name + ":" + tt.position + ": "
			if tt.path != "" {
				prefix += tt.path + ": "
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want it to start with %q", err, prefix)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := parseFixture(t, "many-problems.yaml")
	issues := issuesOf(t, err)
	want := []struct {
		position string
		path     string
		phrase   string
	}{
		{"4:18", "providers[0].account_sid", "invalid account_sid"},
		{"5:17", "providers[0].auth_token", "auth_token is empty"},
		{"9:16", "businesses[0].time_zone", "unknown time_zone"},
		{"10:5", "businesses[0].colour", `unknown key "colour"`},
		{"13:12", "businesses[0].hours.tue", "the end must be after the start"},
		{"16:19", "businesses[0].numbers[0].provider", "unknown provider"},
		{"18:23", "businesses[0].numbers[0].ring_seconds", "invalid ring_seconds"},
		{"20:15", "businesses[0].text_back.window", "invalid window"},
		{"21:17", "businesses[0].text_back.template", "unknown template field"},
	}
	if len(issues) != len(want) {
		t.Fatalf("got %d issues, want %d:\n%v", len(issues), len(want), err)
	}
	for i, w := range want {
		issue := issues[i]
		if got := fmt.Sprintf("%d:%d", issue.Line, issue.Column); got != w.position {
			t.Errorf("issue %d position = %s, want %s", i, got, w.position)
		}
		if issue.Path != w.path {
			t.Errorf("issue %d path = %q, want %q", i, issue.Path, w.path)
		}
		if !strings.Contains(issue.Message, w.phrase) {
			t.Errorf("issue %d message = %q, want it to contain %q", i, issue.Message, w.phrase)
		}
	}
	if got := strings.Count(err.Error(), "\n") + 1; got != len(want) {
		t.Errorf("Error() has %d lines, want one per issue", got)
	}
}

func TestIssueError(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		want  string
	}{
		{"full", Issue{File: "textback.yaml", Line: 23, Column: 7, Path: "businesses[0].numbers[0].forward_to",
			Message: "missing forward_to"},
			"textback.yaml:23:7: businesses[0].numbers[0].forward_to: missing forward_to"},
		{"no column", Issue{File: "textback.yaml", Line: 3, Message: "invalid YAML"}, "textback.yaml:3: invalid YAML"},
		{"no position", Issue{File: "textback.yaml", Message: "empty"}, "textback.yaml: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}

	errs := Errors{tests[0].issue, tests[1].issue}
	if got, want := errs.Error(), tests[0].want+"\n"+tests[1].want; got != want {
		t.Errorf("Errors.Error() = %q, want %q", got, want)
	}
}

func TestExpand(t *testing.T) {
	env := func(name string) (string, bool) {
		value, ok := map[string]string{"A": "1", "EMPTY": "", "B_2": "x$y"}[name]
		return value, ok
	}
	tests := []struct {
		in, want string
	}{
		{"plain", "plain"},
		{"${A}", "1"},
		{"pre${A}post", "pre1post"},
		{"${A}${B_2}", "1x$y"},
		{"${EMPTY}", ""},
		{"$$", "$"},
		{"$${A}", "${A}"},
		{"$$$${A}", "$${A}"},
		{"$20", "$20"},
		{"cost $", "cost $"},
		{"$A", "$A"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, env)
		if err != nil {
			t.Errorf("expand(%q) error = %v, want nil", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"${MISSING}", "${", "${A", "${}", "${1A}", "${A-B}"} {
		if got, err := expand(in, env); err == nil {
			t.Errorf("expand(%q) = %q, want an error", in, got)
		}
	}
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSyntaxErrorLine(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
	}{
		{"indentation", "providers:\n  - name: a\n   kind: twilio\n", 3},
		{"tab", "providers:\n\t- name: a\n", 2},
		{"after multi-line string", "a: \"multi\n  line\"\nb: c: d\n", 3},
		{"unclosed flow list", "a: b\nc: [1, 2\nd: e\n", 2},
		{"unclosed quote", "a: 'x\n", 1},
		{"list after mapping", "key: value\n- item\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("textback.yaml", []byte(tt.src), lookupTestEnv)
			issues := issuesOf(t, err)
			if len(issues) != 1 {
				t.Fatalf("got %d issues, want 1: %v", len(issues), err)
			}
			if issues[0].Line != tt.line {
				t.Errorf("Line = %d, want %d (%v)", issues[0].Line, tt.line, issues[0])
			}
			if !strings.HasPrefix(issues[0].Message, "invalid YAML: ") {
				t.Errorf("Message = %q, want it to start with %q", issues[0].Message, "invalid YAML: ")
			}
		})
	}
}
