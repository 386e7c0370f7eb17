// Every webhook that Parse reads is a form-encoded POST from Twilio, for example this call status
// callback:
//
//	POST /webhooks/twilio/voice/status
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000001&
//	CallStatus=no-answer&From=%2B12025550143&To=%2B13125550199&
//	Timestamp=Tue%2C+11+Mar+2025+19%3A04%3A10+%2B0000
//
// See https://www.twilio.com/docs/usage/webhooks/voice-webhooks and
// https://www.twilio.com/docs/messaging/guides/webhook-request.

package twilio

import (
	"fmt"
	"sort"
	"time"

	"github.com/textback/textback/internal/provider"
)

// Webhook routes served by the adapter, as in /webhooks/twilio/<route>.
const (
	// RouteVoice receives an inbound call, configured as the number's voice URL.
	RouteVoice provider.Route = "voice"
	// RouteDial receives the action callback of <Dial> when the forwarded leg ends.
	RouteDial provider.Route = "voice/dial"
	// RouteCallStatus receives status callbacks of the caller's leg.
	RouteCallStatus provider.Route = "voice/status"
	// RouteMachine receives the answering-machine detection result of the forwarded leg.
	RouteMachine provider.Route = "voice/amd"
	// RouteScreen receives the request for the screening TwiML when the forwarded leg picks up.
	RouteScreen provider.Route = "voice/screen"
	// RouteScreenResult receives the digits pressed at the screening prompt.
	RouteScreenResult provider.Route = "voice/screen/result"
	// RouteSMS receives an inbound text, configured as the number's messaging URL.
	RouteSMS provider.Route = "sms"
	// RouteSMSStatus receives delivery reports of texts sent with a StatusCallback.
	RouteSMSStatus provider.Route = "sms/status"
)

// parentCallParam is the query parameter in which textback passes the caller's CallSid to the
// webhooks of the forwarded leg.
const parentCallParam = "call"

// businessNumberParam is the query parameter of forwarded-leg callback URLs that carries the
// business number the caller dialled, so that those webhooks can be routed before the call's
// first webhook has been applied.
const businessNumberParam = "number"

// routeParser turns the parameters of one route's webhook into an event without AccountSID and
// OccurredAt, which Parse fills for every route.
type routeParser func(p params) (provider.Event, error)

// routeParsers maps each route to its parser.
var routeParsers = map[provider.Route]routeParser{
	RouteVoice:        parseIncomingCall,
	RouteDial:         parseDialEnded,
	RouteCallStatus:   parseCallStatus,
	RouteMachine:      parseMachine,
	RouteScreen:       parseScreenPrompt,
	RouteScreenResult: parseScreened,
	RouteSMS:          parseInboundMessage,
	RouteSMSStatus:    parseMessageStatus,

	RouteMenu:          menuParser(provider.CallbackMenu),
	RouteMenuDial:      menuParser(provider.CallbackMenuDial),
	RouteVoicemail:     menuParser(provider.CallbackVoicemail),
	RouteRecording:     menuParser(provider.CallbackRecording),
	RouteTranscription: menuParser(provider.CallbackTranscription),
}

// Routes returns the webhook routes that Parse serves, sorted.
func Routes() []provider.Route {
	routes := make([]provider.Route, 0, len(routeParsers))
	for route := range routeParsers {
		routes = append(routes, route)
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i] < routes[j] })
	return routes
}

// Parse turns a verified webhook into an event. It returns an error wrapping
// provider.ErrUnknownRoute for routes it does not serve, and one wrapping provider.ErrMalformed
// when the webhook cannot be read or lacks a required parameter.
func (a *Adapter) Parse(w provider.Webhook) (provider.Event, error) {
	parse, ok := routeParsers[w.Route]
	if !ok {
		return provider.Event{}, fmt.Errorf("parse twilio webhook: route %q: %w", w.Route, provider.ErrUnknownRoute)
	}
	p, err := readParams(w)
	if err != nil {
		return provider.Event{}, fmt.Errorf("parse twilio %s webhook: %w", w.Route, err)
	}
	ev, err := parse(p)
	if err != nil {
		return provider.Event{}, fmt.Errorf("parse twilio %s webhook: %w", w.Route, err)
	}
	ev.AccountSID = p.get("AccountSid")
	ev.OccurredAt = parseTimestamp(p.get("Timestamp"))
	return ev, nil
}

// requireParam returns the value of name, or an error wrapping provider.ErrMalformed when it is
// missing or empty.
func requireParam(p params, name string) (string, error) {
	value := p.get(name)
	if value == "" {
		return "", missingParam(name)
	}
	return value, nil
}

// missingParam returns the error for a missing required parameter.
func missingParam(name string) error {
	return fmt.Errorf("missing %s parameter: %w", name, provider.ErrMalformed)
}

// timestampLayouts are the layouts tried for the Timestamp parameter, in order.
var timestampLayouts = []string{time.RFC1123Z, time.RFC1123}

// parseTimestamp parses Twilio's Timestamp parameter, such as "Tue, 11 Mar 2025 19:04:10 +0000",
// into UTC. It returns the zero time when the value is empty or in another format, because the timestamp
// only informs and never decides what textback does.
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
