// Telnyx posts three kinds of webhooks, each to its own routes under /webhooks/telnyx/:
//
//	POST /webhooks/telnyx/texml/voice           form-encoded TeXML webhook, like Twilio's
//	POST /webhooks/telnyx/call-control          JSON Call Control event of the caller's leg
//	POST /webhooks/telnyx/messaging             JSON messaging event
//
// for example this messaging event, trimmed:
//
//	{"data":{"record_type":"event","event_type":"message.received",
//	  "id":"00000000-0000-4000-8000-000000000401","occurred_at":"2025-03-11T19:10:00.000+00:00",
//	  "payload":{"direction":"inbound","id":"00000000-0000-4000-8000-000000000402",
//	    "from":{"phone_number":"+12025550143"},"to":[{"phone_number":"+13125550199"}],"text":"Yes"}},
//	 "meta":{"attempt":1,"delivered_to":"https://hooks.example.com/webhooks/telnyx/messaging"}}
//
// See https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks and
// https://developers.telnyx.com/docs/voice/programmable-voice/voice-api-webhooks.

package telnyx

import (
	"fmt"
	"sort"

	"github.com/textback/textback/internal/provider"
)

// Webhook routes served by the adapter, as in /webhooks/telnyx/<route>. The TeXML routes mirror
// the Twilio adapter's voice routes under "texml/".
const (
	// RouteVoice receives an inbound call, configured as the TeXML application's webhook URL.
	RouteVoice provider.Route = "texml/voice"
	// RouteDial receives the action callback of <Dial> when the forwarded leg ends.
	RouteDial provider.Route = "texml/voice/dial"
	// RouteCallStatus receives status callbacks of the caller's leg, configured as the TeXML
	// application's call progress events URL.
	RouteCallStatus provider.Route = "texml/voice/status"
	// RouteMachine receives the answering-machine detection result of the forwarded leg.
	RouteMachine provider.Route = "texml/voice/amd"
	// RouteScreen receives the request for the screening TeXML when the forwarded leg picks up.
	RouteScreen provider.Route = "texml/voice/screen"
	// RouteScreenResult receives the digits pressed at the screening prompt.
	RouteScreenResult provider.Route = "texml/voice/screen/result"
	// RouteCallControl receives the events of the caller's leg from a Call Control application
	// that the business runs itself: the application's webhook URL.
	RouteCallControl provider.Route = "call-control"
	// RouteCallControlForwarded receives the events of the leg that the business's Call Control
	// application dials to ring the business's phone. The application sets it, with the business
	// number in the "number" query parameter, as the webhook_url of its dial or transfer command.
	RouteCallControlForwarded provider.Route = "call-control/forwarded"
	// RouteMessaging receives inbound texts and delivery reports: the messaging profile's webhook
	// URL, and the webhook_url that Send puts on each text.
	RouteMessaging provider.Route = "messaging"
)

// parentCallParam is the query parameter in which textback passes the caller's CallSid to the
// TeXML webhooks of the forwarded leg.
const parentCallParam = "call"

// businessNumberParam is the query parameter of forwarded-leg webhook URLs that carries the
// business number the caller dialled, because those webhooks name only the rung phone.
const businessNumberParam = "number"

// routeParser turns one route's webhook into an event.
type routeParser func(w provider.Webhook) (provider.Event, error)

// routeParsers maps each route to its parser.
var routeParsers = map[provider.Route]routeParser{
	RouteVoice:                texmlParser(parseIncomingCall),
	RouteDial:                 texmlParser(parseDialEnded),
	RouteCallStatus:           texmlParser(parseCallStatus),
	RouteMachine:              texmlParser(parseMachine),
	RouteScreen:               texmlParser(parseScreenPrompt),
	RouteScreenResult:         texmlParser(parseScreened),
	RouteCallControl:          callControlParser(callerLeg),
	RouteCallControlForwarded: callControlParser(forwardedLeg),
	RouteMessaging:            parseMessaging,

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
// when the webhook cannot be read or lacks a required field.
func (a *Adapter) Parse(w provider.Webhook) (provider.Event, error) {
	parse, ok := routeParsers[w.Route]
	if !ok {
		return provider.Event{}, fmt.Errorf("parse telnyx webhook: route %q: %w", w.Route, provider.ErrUnknownRoute)
	}
	ev, err := parse(w)
	if err != nil {
		return provider.Event{}, fmt.Errorf("parse telnyx %s webhook: %w", w.Route, err)
	}
	return ev, nil
}

// maxNumberBytes bounds the number BusinessNumberOf returns. E.164 numbers have at most 16
// characters; the margin admits the SIP URIs that Telnyx may send instead.
const maxNumberBytes = 256

// businessNumberReaders maps each route to the function that finds its business number.
var businessNumberReaders = map[provider.Route]func(w provider.Webhook) string{
	RouteVoice:                texmlBusinessNumber,
	RouteDial:                 texmlBusinessNumber,
	RouteCallStatus:           texmlBusinessNumber,
	RouteMachine:              texmlBusinessNumber,
	RouteScreen:               texmlBusinessNumber,
	RouteScreenResult:         texmlBusinessNumber,
	RouteCallControl:          callControlBusinessNumber,
	RouteCallControlForwarded: forwardedBusinessNumber,
	RouteMessaging:            messagingBusinessNumber,

	RouteMenu:          texmlBusinessNumber,
	RouteMenuDial:      texmlBusinessNumber,
	RouteVoicemail:     texmlBusinessNumber,
	RouteRecording:     texmlBusinessNumber,
	RouteTranscription: texmlBusinessNumber,
}

// BusinessNumberOf returns the business's own number that a Telnyx webhook concerns, as sent, so
// that the caller can find the account whose public key verifies it. That is the number called or
// texted for an inbound call or text, and the number that sent the text for a delivery report. For
// a forwarded-leg webhook it is the "number" query parameter that textback or the business's Call
// Control application put in the URL. BusinessNumberOf reads the webhook leniently, because it
// runs before Verify, and returns "" when the webhook names no such number or cannot be read.
func BusinessNumberOf(w provider.Webhook) string {
	read, ok := businessNumberReaders[w.Route]
	if !ok {
		return ""
	}
	number := read(w)
	if len(number) > maxNumberBytes {
		return ""
	}
	return number
}
