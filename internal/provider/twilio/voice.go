// Voice webhooks. The <Dial> action callback, for example, carries the caller's leg in CallSid and
// the forwarded leg in DialCallSid:
//
//	POST /webhooks/twilio/voice/dial
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000001&
//	CallStatus=in-progress&DialCallSid=CA00000000000000000000000000000002&DialCallStatus=no-answer&
//	DialCallDuration=0&Direction=inbound&From=%2B12025550143&To=%2B13125550199
//
// Webhooks about the forwarded leg (answering-machine detection and screening) carry that leg in
// CallSid, and textback's "call" query parameter names the caller's leg:
//
//	POST /webhooks/twilio/voice/amd?call=CA00000000000000000000000000000001
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000002&
//	AnsweredBy=machine_end_beep
//
// See https://www.twilio.com/docs/usage/webhooks/voice-webhooks,
// https://www.twilio.com/docs/voice/twiml/dial and
// https://www.twilio.com/docs/voice/answering-machine-detection.

package twilio

import (
	"fmt"
	"strconv"

	"github.com/textback/textback/internal/provider"
)

// parseIncomingCall reads the webhook that starts an inbound call.
func parseIncomingCall(p params) (provider.Event, error) {
	callSID, err := requireParam(p, "CallSid")
	if err != nil {
		return provider.Event{}, err
	}
	ev := callerLeg(p, callSID)
	ev.Type = provider.CallIncoming
	ev.Key = "voice:" + callSID
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
	ev := callerLeg(p, callSID)
	ev.Type = provider.CallDialEnded
	ev.Key = "dial:" + callSID
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
	ev := callerLeg(p, callSID)
	ev.Type = provider.CallStatus
	ev.Key = "status:" + callSID + ":" + status
	return ev, nil
}

// parseMachine reads the answering-machine detection result of the forwarded leg.
func parseMachine(p params) (provider.Event, error) {
	ev, err := forwardedLeg(p, provider.CallMachine, "amd")
	if err != nil {
		return provider.Event{}, err
	}
	ev.AnsweredBy = p.get("AnsweredBy")
	return ev, nil
}

// parseScreenPrompt reads the request for screening TwiML when the forwarded leg picks up.
func parseScreenPrompt(p params) (provider.Event, error) {
	return forwardedLeg(p, provider.CallScreenPrompt, "screen")
}

// parseScreened reads the result of the screening <Gather>. Digits is empty when nothing was
// pressed before the timeout.
func parseScreened(p params) (provider.Event, error) {
	ev, err := forwardedLeg(p, provider.CallScreened, "screened")
	if err != nil {
		return provider.Event{}, err
	}
	ev.Digits = p.get("Digits")
	return ev, nil
}

// callerLeg returns the fields shared by the webhooks about the caller's leg.
func callerLeg(p params, callSID string) provider.Event {
	return provider.Event{
		CallID:        callSID,
		From:          p.get("From"),
		To:            p.get("To"),
		ForwardedFrom: p.get("ForwardedFrom"),
		Status:        p.get("CallStatus"),
	}
}

// forwardedLeg returns an event about the forwarded leg, whose key is keyPrefix:<parent>:<leg>.
// From and Status stay empty because on this leg they describe the forwarded call, not the
// caller. To is the business number that textback put in the callback URL, when it did.
func forwardedLeg(p params, eventType provider.EventType, keyPrefix string) (provider.Event, error) {
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
		Key:    keyPrefix + ":" + parent + ":" + leg,
		Type:   eventType,
		CallID: parent,
		LegID:  leg,
		To:     p.query.Get(businessNumberParam),
	}, nil
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
