// TeXML voice webhooks. Telnyx designed TeXML to be TwiML-compatible and posts the same parameter
// names as Twilio. The <Dial> action callback, for example, carries the caller's leg in CallSid
// and the forwarded leg in DialCallSid:
//
//	POST /webhooks/telnyx/texml/voice/dial
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=00000000-0000-4000-8000-000000000000&CallSid=v3%3A00000000-0000-4000-8000-0000000000c1&
//	CallSessionId=00000000-0000-4000-8000-0000000000b1&CallStatus=in-progress&
//	DialCallDuration=95&DialCallSid=v3%3A00000000-0000-4000-8000-0000000000c2&DialCallStatus=completed&
//	From=%2B12025550143&To=%2B13125550199&Timestamp=2025-03-11T19%3A04%3A10Z
//
// Confirmed in Telnyx's callback reference: CallSid, CallStatus (completed, no-answer, busy,
// failed, canceled on status callbacks), From, To and Timestamp on call progress events;
// DialCallStatus, DialCallSid and DialCallDuration on the <Dial> action; AnsweredBy with Twilio's
// values (human, machine_start, machine_end_beep, machine_end_silence, machine_end_other, fax,
// unknown) on the AMD callback, which carries no From or To; Digits on the <Gather> action.
//
// NOTE: Telnyx documents no ForwardedFrom parameter, so ForwardedFrom is read but may never be
// set. Timestamp appears in three formats across Telnyx's pages (RFC 3339, "2021-04-28
// 21:51:18.731479Z" and RFC 2822 in prose); all three are accepted.
//
// See https://developers.telnyx.com/api-reference/callbacks/texml-call-completed,
// https://developers.telnyx.com/api-reference/callbacks/texml-call-amd and
// https://developers.telnyx.com/api-reference/callbacks/texml-gather.

package telnyx

import (
	"fmt"
	"strconv"
	"time"

	"github.com/textback/textback/internal/provider"
)

// texmlKeyPrefix starts the key of every TeXML event, so that RespondEvent responds to those events
// with TeXML.
const texmlKeyPrefix = "texml:"

// texmlParser returns a route parser that reads a TeXML webhook's parameters, hands them to parse
// and fills OccurredAt from the Timestamp parameter.
func texmlParser(parse func(p params) (provider.Event, error)) routeParser {
	return func(w provider.Webhook) (provider.Event, error) {
		p, err := readParams(w)
		if err != nil {
			return provider.Event{}, err
		}
		ev, err := parse(p)
		if err != nil {
			return provider.Event{}, err
		}
		ev.OccurredAt = parseTimestamp(p.get("Timestamp"))
		return ev, nil
	}
}

// parseIncomingCall reads the webhook that starts an inbound call.
func parseIncomingCall(p params) (provider.Event, error) {
	callSID, err := requireParam(p, "CallSid")
	if err != nil {
		return provider.Event{}, err
	}
	ev := callerLegEvent(p, callSID)
	ev.Type = provider.CallIncoming
	ev.Key = texmlKeyPrefix + "voice:" + callSID
	return ev, nil
}

// parseDialEnded reads the <Dial> action callback. DialCallStatus is kept as sent, including
// values that textback does not know.
func parseDialEnded(p params) (provider.Event, error) {
	callSID, err := requireParam(p, "CallSid")
	if err != nil {
		return provider.Event{}, err
	}
	duration, err := parseSeconds(p.get("DialCallDuration"))
	if err != nil {
		return provider.Event{}, fmt.Errorf("DialCallDuration: %w", err)
	}
	ev := callerLegEvent(p, callSID)
	ev.Type = provider.CallDialEnded
	ev.Key = texmlKeyPrefix + "dial:" + callSID
	ev.LegID = p.get("DialCallSid")
	ev.DialStatus = p.get("DialCallStatus")
	ev.DialDuration = duration
	return ev, nil
}

// parseCallStatus reads a status callback of the caller's leg. Its key includes the status, so a
// repeated delivery of one status has one key and a later status of the same call has another.
func parseCallStatus(p params) (provider.Event, error) {
	callSID, err := requireParam(p, "CallSid")
	if err != nil {
		return provider.Event{}, err
	}
	status, err := requireParam(p, "CallStatus")
	if err != nil {
		return provider.Event{}, err
	}
	ev := callerLegEvent(p, callSID)
	ev.Type = provider.CallStatus
	ev.Key = texmlKeyPrefix + "status:" + callSID + ":" + status
	return ev, nil
}

// parseMachine reads the answering-machine detection result of the forwarded leg.
func parseMachine(p params) (provider.Event, error) {
	ev, err := forwardedLegEvent(p, provider.CallMachine, "amd")
	if err != nil {
		return provider.Event{}, err
	}
	ev.AnsweredBy = p.get("AnsweredBy")
	return ev, nil
}

// parseScreenPrompt reads the request for screening TeXML when the forwarded leg picks up.
func parseScreenPrompt(p params) (provider.Event, error) {
	return forwardedLegEvent(p, provider.CallScreenPrompt, "screen")
}

// parseScreened reads the result of the screening <Gather>.
func parseScreened(p params) (provider.Event, error) {
	ev, err := forwardedLegEvent(p, provider.CallScreened, "screened")
	if err != nil {
		return provider.Event{}, err
	}
	ev.Digits = p.get("Digits")
	return ev, nil
}

// callerLegEvent returns the fields shared by the webhooks about the caller's leg.
func callerLegEvent(p params, callSID string) provider.Event {
	return provider.Event{
		CallID:        callSID,
		From:          p.get("From"),
		To:            p.get("To"),
		ForwardedFrom: p.get("ForwardedFrom"),
		Status:        p.get("CallStatus"),
	}
}

// forwardedLegEvent returns an event about the forwarded leg, whose key is
// texml:<keyPrefix>:<parent>:<leg>. From and Status stay empty because on this leg they describe
// the forwarded call, not the caller. To is the business number that textback put in the callback
// URL, when it did.
func forwardedLegEvent(p params, eventType provider.EventType, keyPrefix string) (provider.Event, error) {
	parent := p.query.Get(parentCallParam)
	if parent == "" {
		return provider.Event{}, fmt.Errorf("missing %q query parameter with the parent CallSid: %w",
			parentCallParam, provider.ErrMalformed)
	}
	leg, err := requireParam(p, "CallSid")
	if err != nil {
		return provider.Event{}, err
	}
	return provider.Event{
		Key:    texmlKeyPrefix + keyPrefix + ":" + parent + ":" + leg,
		Type:   eventType,
		CallID: parent,
		LegID:  leg,
		To:     p.query.Get(businessNumberParam),
	}, nil
}

// requireParam returns the value of name, or an error wrapping provider.ErrMalformed when it is
// missing or empty.
func requireParam(p params, name string) (string, error) {
	value := p.get(name)
	if value == "" {
		return "", fmt.Errorf("missing %s parameter: %w", name, provider.ErrMalformed)
	}
	return value, nil
}

// parseSeconds parses a non-negative whole number of seconds. An empty value is 0.
func parseSeconds(value string) (int, error) {
	if value == "" {
		return 0, nil
	}
	seconds, err := strconv.Atoi(value)
	if err != nil || seconds < 0 {
		return 0, fmt.Errorf("invalid duration %q, expected whole seconds: %w", value, provider.ErrMalformed)
	}
	return seconds, nil
}

// timestampLayouts are the layouts tried for the Timestamp parameter, in order.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC1123Z,
	time.RFC1123,
}

// parseTimestamp parses the Timestamp parameter into UTC. It returns the zero time when the value
// is empty or in another format, because the timestamp only informs and never decides what
// textback does.
func parseTimestamp(value string) time.Time {
	if value == "" {
		return time.Time{}
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, value); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// texmlBusinessNumber returns the business number of a TeXML webhook: the "number" query
// parameter of a forwarded-leg callback, else From on a call placed through the API (Direction
// "outbound-api"), else To. A leg that <Dial> placed (Direction "outbound-dial") names no business
// number, because its To is the rung phone and its From the caller id that textback presented.
//
// NOTE: the Direction values are Twilio's; Telnyx's pages show only "inbound".
func texmlBusinessNumber(w provider.Webhook) string {
	query, err := parseQuery(w.URL)
	if err != nil {
		return ""
	}
	if number := query.Get(businessNumberParam); number != "" {
		return number
	}
	form, err := parseFormBody(w.Body)
	if err != nil {
		return ""
	}
	p := params{body: form, query: query}
	switch p.get("Direction") {
	case "outbound-api":
		return p.get("From")
	case "outbound-dial":
		return ""
	}
	return p.get("To")
}
