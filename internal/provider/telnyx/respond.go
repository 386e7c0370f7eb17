package telnyx

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/textback/textback/internal/provider"
)

// jsonAckContentType is the Content-Type of the response to a Call Control or messaging webhook.
const jsonAckContentType = "application/json"

// Screening <Gather> settings: one key press, and how long Telnyx waits for it.
const (
	screenDigits         = "1"
	screenTimeoutSeconds = "6"
	// screenAcceptDigit is the key that takes the call at the screening prompt.
	screenAcceptDigit = "1"
)

// Bounds of <Dial timeout>, in seconds, from Telnyx's <Dial> reference. RespondCall clamps
// CallPlan.RingSeconds into them.
const (
	minDialTimeout = 5
	maxDialTimeout = 120
)

// answeredDialStatuses are the DialCallStatus values after which the caller's call simply ends.
// Any other value, including unknown ones, means that no person took the call.
var answeredDialStatuses = map[string]bool{
	"completed": true,
	"answered":  true,
}

// answerChecks maps each answer check to the function that sets its attributes on the dialled
// <Number>.
var answerChecks = map[provider.AnswerCheck]func(n *texmlNumber, base string, plan provider.CallPlan) error{
	"":                       func(*texmlNumber, string, provider.CallPlan) error { return nil },
	provider.AnswerCheckNone: func(*texmlNumber, string, provider.CallPlan) error { return nil },
	provider.AnswerCheckMachine: func(n *texmlNumber, base string, plan provider.CallPlan) error {
		callback, err := forwardedLegURL(base, RouteMachine, plan)
		n.MachineDetection = "Enable"
		// NOTE: Telnyx's <Dial> page lists statusCallback with statusCallbackEvent="amd" among the
		// <Number> attributes, yet states in the same page that the AMD result goes to
		// amdStatusCallback. Both are set to one URL; a result that arrives twice has one event key,
		// so textback stores it once.
		n.AmdStatusCallback = callback
		n.StatusCallback = callback
		n.StatusCallbackEvent = "amd"
		return err
	},
	provider.AnswerCheckScreen: func(n *texmlNumber, base string, plan provider.CallPlan) error {
		screenURL, err := forwardedLegURL(base, RouteScreen, plan)
		n.URL = screenURL
		return err
	},
}

// RespondCall renders the TeXML for an inbound call. Without plan.Dial it speaks plan.Say, when
// set, and hangs up. Otherwise it dials plan.Dial, with the <Dial> action at
// <CallbackBase>/texml/voice/dial and the callbacks of the answer check, for plan.RingSeconds
// clamped to Telnyx's 5 to 120 seconds, or for Telnyx's default of 30 seconds when that is not
// positive.
//
// NOTE: the contract does not tell RespondCall which route the call came in on, so a Call Control
// call.initiated gets TeXML too. Telnyx documents Call Control commands as separate API requests,
// not as webhook responses, so the body is expected to be ignored there; no page states it.
func (a *Adapter) RespondCall(plan provider.CallPlan) (provider.Response, error) {
	if plan.Dial == "" {
		return renderTeXML(sayAndHangUp(plan.Say)...)
	}
	dial, err := dialVerb(plan)
	if err != nil {
		return provider.Response{}, fmt.Errorf("render telnyx call plan for call %q: %w", plan.CallID, err)
	}
	return renderTeXML(dial)
}

// RespondEvent renders the response to a webhook other than the inbound call. Call Control and
// messaging events get an empty JSON object. TeXML events get:
//   - CallScreenPrompt: a one-digit <Gather> that speaks plan.ScreenPrompt and posts to
//     <CallbackBase>/texml/voice/screen/result, then <Hangup/> for when nothing is pressed;
//   - CallScreened: an empty response, which connects the call, when the digit was 1, else <Hangup/>;
//   - CallDialEnded: an empty response when the forwarded leg was answered, else plan.Say, when
//     set, and <Hangup/>;
//   - any other event: an empty response.
func (a *Adapter) RespondEvent(ev provider.Event, plan provider.CallPlan) (provider.Response, error) {
	if !strings.HasPrefix(ev.Key, texmlKeyPrefix) {
		return provider.Response{ContentType: jsonAckContentType, Body: []byte("{}")}, nil
	}
	switch ev.Type {
	case provider.CallScreenPrompt:
		gather, err := screenGather(ev, plan)
		if err != nil {
			return provider.Response{}, fmt.Errorf("render telnyx screening prompt for call %q: %w", ev.CallID, err)
		}
		// Telnyx documents no actionOnEmptyResult for <Gather>: without a key press it runs the
		// next verb, and this <Hangup/> keeps the unscreened call from connecting.
		return renderTeXML(gather, texmlHangup{})
	case provider.CallScreened:
		if ev.Digits == screenAcceptDigit {
			return renderTeXML()
		}
		return renderTeXML(texmlHangup{})
	case provider.CallDialEnded:
		if answeredDialStatuses[ev.DialStatus] {
			return renderTeXML()
		}
		return renderTeXML(sayAndHangUp(plan.Say)...)
	default:
		return renderTeXML()
	}
}

// dialVerb builds the <Dial> that forwards the call to plan.Dial.
func dialVerb(plan provider.CallPlan) (texmlDial, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return texmlDial{}, err
	}
	applyAnswerCheck, ok := answerChecks[plan.AnswerCheck]
	if !ok {
		return texmlDial{}, fmt.Errorf("unknown answer check %q", plan.AnswerCheck)
	}
	number := texmlNumber{Phone: plan.Dial}
	if err := applyAnswerCheck(&number, base, plan); err != nil {
		return texmlDial{}, err
	}
	dial := texmlDial{
		Action:         base + "/" + string(RouteDial),
		AnswerOnBridge: "true",
		CallerID:       plan.CallerID,
		Numbers:        []texmlNumber{number},
	}
	if plan.RingSeconds > 0 {
		dial.Timeout = strconv.Itoa(min(max(plan.RingSeconds, minDialTimeout), maxDialTimeout))
	}
	return dial, nil
}

// screenGather builds the <Gather> that prompts the person on the forwarded leg to press 1.
func screenGather(ev provider.Event, plan provider.CallPlan) (texmlGather, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return texmlGather{}, err
	}
	if plan.CallID == "" {
		plan.CallID = ev.CallID
	}
	if plan.Number == "" {
		plan.Number = ev.To
	}
	action, err := forwardedLegURL(base, RouteScreenResult, plan)
	if err != nil {
		return texmlGather{}, err
	}
	gather := texmlGather{Action: action, NumDigits: screenDigits, Timeout: screenTimeoutSeconds}
	if plan.ScreenPrompt != "" {
		gather.Says = []texmlSay{{Text: plan.ScreenPrompt}}
	}
	return gather, nil
}

// sayAndHangUp returns <Say>text</Say> when text is not empty, then <Hangup/>.
func sayAndHangUp(text string) []any {
	if text == "" {
		return []any{texmlHangup{}}
	}
	return []any{texmlSay{Text: text}, texmlHangup{}}
}

// callbackBase returns plan.CallbackBase without a trailing slash. Telnyx would resolve a
// relative callback against the current request's URL, so an empty base is an error.
func callbackBase(plan provider.CallPlan) (string, error) {
	base := strings.TrimRight(plan.CallbackBase, "/")
	if base == "" {
		return "", fmt.Errorf("callback base URL is empty")
	}
	return base, nil
}

// forwardedLegURL returns the URL of a forwarded-leg webhook that names the caller's call in the
// "call" query parameter and, when the plan has it, the business number in "number".
func forwardedLegURL(base string, route provider.Route, plan provider.CallPlan) (string, error) {
	if plan.CallID == "" {
		return "", fmt.Errorf("call ID for the %s callback is empty", route)
	}
	query := url.Values{parentCallParam: {plan.CallID}}
	if plan.Number != "" {
		query.Set(businessNumberParam, plan.Number)
	}
	return base + "/" + string(route) + "?" + query.Encode(), nil
}
