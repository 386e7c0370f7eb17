package pbx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/provider"
)

const (
	// MaxBody is the largest report Parse reads, in bytes. A report is a few hundred bytes.
	MaxBody = 16 << 10
	// maxIDBytes is the longest call_id or caller accepted, in bytes. Call ids of common PBXs are
	// shorter: Asterisk's "1773255850.42", FreeSWITCH's 36-character UUID.
	maxIDBytes = 128
)

// dialStatuses maps each outcome a PBX may report to the dial status that the call flow decides
// on. The call flow counts every status but "completed" as missed.
var dialStatuses = map[string]string{
	"missed":    "no-answer",
	"no-answer": "no-answer",
	"busy":      "busy",
	"failed":    "failed",
	"voicemail": "voicemail",
	"answered":  "completed",
}

// outcomeList names the outcomes in the order the documentation gives them, for error messages.
const outcomeList = "missed, no-answer, busy, failed, voicemail or answered"

// report is the JSON body of a PBX report. Pointers tell a missing or null field from an empty one.
type report struct {
	CallID      *string `json:"call_id"`
	Caller      *string `json:"caller"`
	Called      *string `json:"called"`
	Outcome     *string `json:"outcome"`
	Time        *string `json:"time"`
	RingSeconds *int    `json:"ring_seconds"`
}

// Parse turns a verified report into a provider.CallDialEnded event that the call flow can decide
// at once. Its Key is "pbx:<token>:<call_id>", so a report sent again is stored once. Its CallID is
// "pbx:<business number>:<call_id>", because call records are unique per provider account.
// Several numbers may share one account, and their PBXs may use the same call ids.
//
// Parse returns an error wrapping provider.ErrUnknownRoute when the route is not a single token,
// and one wrapping provider.ErrMalformed, naming the field, for a report the package
// documentation does not allow, or when NumberHeader is missing.
func (a *Adapter) Parse(w provider.Webhook) (provider.Event, error) {
	token, ok := tokenOf(w.Route)
	if !ok {
		return provider.Event{}, fmt.Errorf("parse pbx report: route %q is not a number token: %w",
			w.Route, provider.ErrUnknownRoute)
	}
	ev, err := parseReport(w, token)
	if err != nil {
		return provider.Event{}, fmt.Errorf("parse pbx report: %w: %w", err, provider.ErrMalformed)
	}
	return ev, nil
}

// parseReport reads and checks the body of w, which arrived under token. Its errors do not wrap
// provider.ErrMalformed yet.
func parseReport(w provider.Webhook, token string) (provider.Event, error) {
	number := w.Header.Get(NumberHeader)
	if number == "" {
		return provider.Event{}, fmt.Errorf("missing %s header: the webhook handler sets it to the token's number", NumberHeader)
	}
	if len(w.Body) > MaxBody {
		return provider.Event{}, fmt.Errorf("body is %d bytes, more than the limit of %d", len(w.Body), MaxBody)
	}
	var r report
	if err := json.Unmarshal(w.Body, &r); err != nil {
		return provider.Event{}, jsonError(err)
	}

	callID, err := requireText("call_id", r.CallID, false)
	if err != nil {
		return provider.Event{}, err
	}
	// An empty caller is a withheld caller id, which the call flow records but never texts.
	caller, err := requireText("caller", r.Caller, true)
	if err != nil {
		return provider.Event{}, err
	}
	dialStatus, err := parseOutcome(r.Outcome)
	if err != nil {
		return provider.Event{}, err
	}
	if err := checkCalled(r.Called, number); err != nil {
		return provider.Event{}, err
	}
	at, err := parseTime(r.Time, w.ReceivedAt)
	if err != nil {
		return provider.Event{}, err
	}
	// NOTE: ring_seconds is checked and kept in the stored report, but provider.Event has no field
	// for it, so the decision record does not show how long the call rang.
	if r.RingSeconds != nil && *r.RingSeconds < 0 {
		return provider.Event{}, fmt.Errorf("ring_seconds is %d: expected a whole number of seconds, 0 or more", *r.RingSeconds)
	}

	return provider.Event{
		Key:        "pbx:" + token + ":" + callID,
		Type:       provider.CallDialEnded,
		CallID:     "pbx:" + number + ":" + callID,
		From:       caller,
		To:         number,
		DialStatus: dialStatus,
		OccurredAt: at,
	}, nil
}

// tokenOf returns the number token of a route: the whole route, when it is one non-empty segment.
func tokenOf(route provider.Route) (string, bool) {
	token := string(route)
	if token == "" || strings.Contains(token, "/") {
		return "", false
	}
	return token, true
}

// jsonError rewords a decoding error so that it names the JSON field and type, not Go's.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return fmt.Errorf("body is not valid JSON: %w", err)
	}
	if typeErr.Field == "" {
		return fmt.Errorf("body is a JSON %s, expected an object", typeErr.Value)
	}
	want := "a string"
	if typeErr.Field == "ring_seconds" {
		want = "a whole number"
	}
	return fmt.Errorf("%s is a JSON %s, expected %s", typeErr.Field, typeErr.Value, want)
}

// requireText returns a required string field after checking its length and characters.
func requireText(name string, value *string, emptyAllowed bool) (string, error) {
	if value == nil {
		return "", fmt.Errorf("missing %s", name)
	}
	if *value == "" && !emptyAllowed {
		return "", fmt.Errorf("%s is empty", name)
	}
	if len(*value) > maxIDBytes {
		return "", fmt.Errorf("%s is %d bytes, more than the limit of %d", name, len(*value), maxIDBytes)
	}
	if strings.ContainsFunc(*value, unicode.IsControl) {
		return "", fmt.Errorf("%s %q contains a control character", name, *value)
	}
	return *value, nil
}

// parseOutcome returns the dial status for the report's outcome.
func parseOutcome(value *string) (string, error) {
	if value == nil || *value == "" {
		return "", fmt.Errorf("missing outcome: expected %s", outcomeList)
	}
	status, ok := dialStatuses[strings.ToLower(strings.TrimSpace(*value))]
	if !ok {
		return "", fmt.Errorf("unknown outcome %q: expected %s", *value, outcomeList)
	}
	return status, nil
}

// checkCalled checks that called, when given, is the business number e164 once both are
// normalised. A called number without a country code is read in e164's country.
func checkCalled(called *string, e164 string) error {
	if called == nil || *called == "" {
		return nil
	}
	region := ""
	if n, err := phonenumbers.Parse(e164, ""); err == nil {
		region = phonenumbers.GetRegionCodeForNumber(n)
	}
	parsed, err := phone.Parse(*called, region)
	if err != nil {
		return fmt.Errorf("called: %w", err)
	}
	if parsed.E164 != e164 {
		return fmt.Errorf("called %q is not the business number %s that the URL's token names", *called, e164)
	}
	return nil
}

// parseTime returns the report's time in UTC, or received when the report gives none.
func parseTime(value *string, received time.Time) (time.Time, error) {
	if value == nil || *value == "" {
		return received, nil
	}
	t, err := time.Parse(time.RFC3339, *value)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not an RFC 3339 time such as 2026-03-11T19:04:10Z", *value)
	}
	return t.UTC(), nil
}
