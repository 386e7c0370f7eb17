// Call Control events come from a Call Control application that the business runs itself;
// textback only observes them. An inbound call starts with
//
//	POST /webhooks/telnyx/call-control
//	Content-Type: application/json
//
//	{"data":{"record_type":"event","event_type":"call.initiated",
//	  "id":"00000000-0000-4000-8000-000000000101","occurred_at":"2025-03-11T19:03:48.000000Z",
//	  "payload":{"call_control_id":"v3:FAKE-0101","call_leg_id":"00000000-0000-4000-8000-0000000000a1",
//	    "call_session_id":"00000000-0000-4000-8000-0000000000b1","direction":"incoming",
//	    "from":"+12025550143","to":"+13125550199","state":"parked"}}}
//
// and the leg that rings the business's phone reports to the forwarded-leg route, whose URL the
// application sets as the webhook_url of its transfer or dial command:
//
//	POST /webhooks/telnyx/call-control/forwarded?number=%2B13125550199
//
// Every leg of a call shares its call_session_id, which is the event's CallID; call_leg_id names
// the leg. Confirmed in Telnyx's API reference and SDK models: the payload fields above, direction
// ("incoming" or "outgoing") on call.initiated only, hangup_cause on call.hangup, and result
// (human, machine, not_sure) on call.machine.detection.ended, or human_residence,
// human_business, machine, silence, fax_detected on call.machine.premium.detection.ended.
//
// NOTE: after call.initiated, no payload names the leg's direction, so the adapter distinguishes the
// legs by route. A forwarded leg shares the caller's call_session_id only when the
// application creates it with transfer, or with dial and link_to; otherwise its events belong to
// another session, and textback cannot connect them to the call.
//
// See https://developers.telnyx.com/docs/voice/programmable-voice/voice-api-webhooks and
// https://developers.telnyx.com/docs/voice/programmable-voice/answering-machine-detection.

package telnyx

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/textback/textback/internal/provider"
)

// callControlKeyPrefix starts the key of every Call Control event.
const callControlKeyPrefix = "cc:"

// legRole names the leg of a call whose events a Call Control route receives.
type legRole string

const (
	// callerLeg is the caller's inbound leg, whose "to" is the business number.
	callerLeg legRole = "caller"
	// forwardedLeg is the leg that rings the business's phone.
	forwardedLeg legRole = "forwarded"
)

// callPayload is the part of a Call Control event payload that textback reads.
type callPayload struct {
	CallLegID     string `json:"call_leg_id"`
	CallSessionID string `json:"call_session_id"`
	Direction     string `json:"direction"`
	From          string `json:"from"`
	To            string `json:"to"`
	State         string `json:"state"`
	HangupCause   string `json:"hangup_cause"`
	Result        string `json:"result"`
}

// callEvent is one decoded Call Control webhook.
type callEvent struct {
	payload callPayload
	query   url.Values
	leg     legRole
}

// callControlEvents maps each Call Control event type that textback reads to the function that
// turns it into an event. Every other type, such as call.speak.ended, becomes an event that
// changes nothing (see unchanged).
var callControlEvents = map[string]func(c callEvent) provider.Event{
	"call.initiated":                       initiated,
	"call.answered":                        connected,
	"call.bridged":                         connected,
	"call.hangup":                          hungUp,
	"call.machine.detection.ended":         machineDetected,
	"call.machine.premium.detection.ended": machineDetected,
}

// machineResults maps the result of standard and premium answering-machine detection to the
// AnsweredBy values that textback's call flow reads (Twilio's). Other results are kept as sent.
var machineResults = map[string]string{
	"human":           "human",         // standard detection: a person answered
	"machine":         "machine_start", // standard or premium detection: a machine answered
	"not_sure":        "unknown",       // standard or premium detection could not tell
	"human_residence": "human",         // premium detection: a person at a home
	"human_business":  "human",         // premium detection: a person at a business
	"silence":         "unknown",       // premium detection heard nobody, which shows no person
	"fax_detected":    "fax",           // premium detection: a fax machine
}

// callControlParser returns the parser of the Call Control route whose events are about leg.
func callControlParser(leg legRole) routeParser {
	return func(w provider.Webhook) (provider.Event, error) {
		env, err := readEnvelope(w)
		if err != nil {
			return provider.Event{}, err
		}
		var payload callPayload
		if err := env.decodePayload(&payload); err != nil {
			return provider.Event{}, err
		}
		if payload.CallSessionID == "" {
			return provider.Event{}, fmt.Errorf("event %s (%s) has no payload.call_session_id: %w", env.Data.ID,
				env.Data.EventType, provider.ErrMalformed)
		}
		query, err := parseQuery(w.URL)
		if err != nil {
			return provider.Event{}, err
		}
		if err := checkValues(query); err != nil {
			return provider.Event{}, err
		}

		read, ok := callControlEvents[env.Data.EventType]
		if !ok {
			read = unchanged
		}
		ev := read(callEvent{payload: payload, query: query, leg: leg})
		ev.Key = callControlKeyPrefix + env.Data.ID
		ev.CallID = payload.CallSessionID
		ev.OccurredAt = env.occurredAt()
		return ev, nil
	}
}

// initiated reads call.initiated: an incoming call on the caller's route starts a call. The start
// of any other leg changes nothing.
func initiated(c callEvent) provider.Event {
	if c.leg != callerLeg || c.payload.Direction != "incoming" {
		return unchanged(c)
	}
	ev := c.event(provider.CallIncoming)
	ev.Status = c.payload.State
	return ev
}

// connected reads call.answered and call.bridged. On the forwarded leg they mean that the business's
// phone answered; on the caller's leg only that the application answered or bridged it, which
// shows no person took the call.
func connected(c callEvent) provider.Event {
	if c.leg == forwardedLeg {
		ev := c.event(provider.CallDialEnded)
		ev.DialStatus = "answered"
		return ev
	}
	ev := c.event(provider.CallStatus)
	ev.Status = "in-progress"
	return ev
}

// hungUp reads call.hangup through the hangup-cause table.
//
// NOTE: DialDuration stays 0, because no event reports how long the forwarded leg was connected.
func hungUp(c callEvent) provider.Event {
	if c.leg == forwardedLeg {
		ev := c.event(provider.CallDialEnded)
		ev.DialStatus = dialStatusOf(c.payload.HangupCause)
		return ev
	}
	ev := c.event(provider.CallStatus)
	ev.Status = callStatusOf(c.payload.HangupCause)
	return ev
}

// machineDetected reads the end of answering-machine detection. Only a leg that textback's call
// flow treats as forwarded runs it, so it is a forwarded-leg event on either route.
func machineDetected(c callEvent) provider.Event {
	answeredBy, ok := machineResults[c.payload.Result]
	if !ok {
		answeredBy = c.payload.Result
	}
	return provider.Event{
		Type:       provider.CallMachine,
		LegID:      c.payload.CallLegID,
		To:         c.query.Get(businessNumberParam),
		AnsweredBy: answeredBy,
	}
}

// unchanged reads an event that carries nothing textback acts on, such as call.speak.ended: a
// CallStatus with an empty Status, which textback's call flow records without changing the call's
// status or outcome.
//
// NOTE: the provider contract has no event type for "nothing to do", and an error would make the
// webhook handler answer 400, which Telnyx counts as a failed delivery. This event is the harmless
// stand-in.
func unchanged(c callEvent) provider.Event {
	return c.event(provider.CallStatus)
}

// event returns an event of eventType with the fields of c's leg: From and To of the caller's leg,
// or the forwarded leg's id and the business number from the "number" query parameter.
func (c callEvent) event(eventType provider.EventType) provider.Event {
	if c.leg == forwardedLeg {
		return provider.Event{
			Type: eventType, LegID: c.payload.CallLegID, LegOnly: true, To: c.query.Get(businessNumberParam),
		}
	}
	return provider.Event{Type: eventType, From: c.payload.From, To: c.payload.To}
}

// callControlBusinessNumber returns payload.to of a caller's-leg event: the number called.
func callControlBusinessNumber(w provider.Webhook) string {
	var body struct {
		Data struct {
			Payload struct {
				To string `json:"to"`
			} `json:"payload"`
		} `json:"data"`
	}
	if len(w.Body) > maxBodyBytes || json.Unmarshal(w.Body, &body) != nil {
		return ""
	}
	return body.Data.Payload.To
}

// forwardedBusinessNumber returns the "number" query parameter of a forwarded-leg event.
func forwardedBusinessNumber(w provider.Webhook) string {
	query, err := parseQuery(w.URL)
	if err != nil {
		return ""
	}
	return query.Get(businessNumberParam)
}
