package twilio

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/twilio/twilio-go/twiml"

	"github.com/textback/textback/internal/provider"
)

// twimlContentType is the Content-Type of every TwiML response.
const twimlContentType = "text/xml; charset=utf-8"

// Screening <Gather> settings: one key press, and how long Twilio waits for it.
const (
	screenDigits         = "1"
	screenTimeoutSeconds = "6"
	// screenAcceptDigit is the key that takes the call at the screening prompt.
	screenAcceptDigit = "1"
)

// answeredDialStatuses are the DialCallStatus values after which the caller's call simply ends.
// Any other value, including unknown ones, means that no person took the call.
var answeredDialStatuses = map[string]bool{
	"completed": true,
	"answered":  true,
}

// answerCheckOptions maps each answer check to the attributes it sets on the dialled <Number>.
var answerCheckOptions = map[provider.AnswerCheck]func(number *twiml.VoiceNumber, base string, plan provider.CallPlan) error{
	"":                       func(*twiml.VoiceNumber, string, provider.CallPlan) error { return nil },
	provider.AnswerCheckNone: func(*twiml.VoiceNumber, string, provider.CallPlan) error { return nil },
	provider.AnswerCheckMachine: func(number *twiml.VoiceNumber, base string, plan provider.CallPlan) error {
		callback, err := forwardedLegURL(base, RouteMachine, plan)
		number.MachineDetection = "Enable"
		number.AmdStatusCallback = callback
		return err
	},
	provider.AnswerCheckScreen: func(number *twiml.VoiceNumber, base string, plan provider.CallPlan) error {
		screenURL, err := forwardedLegURL(base, RouteScreen, plan)
		number.Url = screenURL
		return err
	},
}

// RespondCall renders the TwiML for an inbound call. Without plan.Dial it speaks plan.Say, when set,
// and hangs up. Otherwise it dials plan.Dial for plan.RingSeconds, or for Twilio's default timeout
// when that is not positive, with the <Dial> action at <CallbackBase>/voice/dial and the callbacks
// of the answer check.
func (a *Adapter) RespondCall(plan provider.CallPlan) (provider.Response, error) {
	if plan.Dial == "" {
		return renderTwiML(sayAndHangUp(plan.Say)...)
	}
	dial, err := dialVerb(plan)
	if err != nil {
		return provider.Response{}, fmt.Errorf("render twilio call plan for call %q: %w", plan.CallID, err)
	}
	return renderTwiML(dial)
}

// RespondEvent renders the TwiML response to a webhook other than the inbound call:
//   - CallScreenPrompt: a one-digit <Gather> that speaks plan.ScreenPrompt and posts to
//     <CallbackBase>/voice/screen/result, also when nothing is pressed;
//   - CallScreened: an empty response, which connects the call, when the digit was 1, else <Hangup/>;
//   - CallDialEnded: an empty response when the forwarded leg was answered, else plan.Say, when
//     set, and <Hangup/>;
//   - any other event: an empty response.
func (a *Adapter) RespondEvent(ev provider.Event, plan provider.CallPlan) (provider.Response, error) {
	switch ev.Type {
	case provider.CallScreenPrompt:
		gather, err := screenGather(ev, plan)
		if err != nil {
			return provider.Response{}, fmt.Errorf("render twilio screening prompt for call %q: %w", ev.CallID, err)
		}
		return renderTwiML(gather)
	case provider.CallScreened:
		if ev.Digits == screenAcceptDigit {
			return renderTwiML()
		}
		return renderTwiML(twiml.VoiceHangup{})
	case provider.CallDialEnded:
		if answeredDialStatuses[ev.DialStatus] {
			return renderTwiML()
		}
		return renderTwiML(sayAndHangUp(plan.Say)...)
	default:
		return renderTwiML()
	}
}

// dialVerb builds the <Dial> that forwards the call to plan.Dial.
func dialVerb(plan provider.CallPlan) (twiml.VoiceDial, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return twiml.VoiceDial{}, err
	}
	applyAnswerCheck, ok := answerCheckOptions[plan.AnswerCheck]
	if !ok {
		return twiml.VoiceDial{}, fmt.Errorf("unknown answer check %q", plan.AnswerCheck)
	}
	number := twiml.VoiceNumber{PhoneNumber: plan.Dial}
	if err := applyAnswerCheck(&number, base, plan); err != nil {
		return twiml.VoiceDial{}, err
	}

	dial := twiml.VoiceDial{
		Action:         base + "/" + string(RouteDial),
		AnswerOnBridge: "true",
		CallerId:       plan.CallerID,
		InnerElements:  []twiml.Element{number},
	}
	if plan.RingSeconds > 0 {
		dial.Timeout = strconv.Itoa(plan.RingSeconds)
	}
	return dial, nil
}

// screenGather builds the <Gather> that prompts the person on the forwarded leg to press 1.
func screenGather(ev provider.Event, plan provider.CallPlan) (twiml.VoiceGather, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return twiml.VoiceGather{}, err
	}
	if plan.CallID == "" {
		plan.CallID = ev.CallID
	}
	if plan.Number == "" {
		plan.Number = ev.To
	}
	action, err := forwardedLegURL(base, RouteScreenResult, plan)
	if err != nil {
		return twiml.VoiceGather{}, err
	}
	gather := twiml.VoiceGather{
		Action:              action,
		ActionOnEmptyResult: "true",
		NumDigits:           screenDigits,
		Timeout:             screenTimeoutSeconds,
	}
	if plan.ScreenPrompt != "" {
		gather.InnerElements = []twiml.Element{twiml.VoiceSay{Message: plan.ScreenPrompt}}
	}
	return gather, nil
}

// sayAndHangUp returns <Say>text</Say> when text is not empty, then <Hangup/>.
func sayAndHangUp(text string) []twiml.Element {
	if text == "" {
		return []twiml.Element{twiml.VoiceHangup{}}
	}
	return []twiml.Element{twiml.VoiceSay{Message: text}, twiml.VoiceHangup{}}
}

// callbackBase returns plan.CallbackBase without a trailing slash. Twilio would resolve a relative
// callback against the current request's URL, so an empty base is an error.
func callbackBase(plan provider.CallPlan) (string, error) {
	base := strings.TrimRight(plan.CallbackBase, "/")
	if base == "" {
		return "", fmt.Errorf("callback base URL is empty")
	}
	return base, nil
}

// forwardedLegURL returns the URL of a forwarded-leg webhook that names the caller's call in the
// "call" query parameter.
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

// renderTwiML renders verbs inside <Response>. Attributes are sorted by name, because the twiml
// package emits them in map order, which changes from run to run.
func renderTwiML(verbs ...twiml.Element) (provider.Response, error) {
	doc, response := twiml.CreateDocument()
	twiml.AddAllVerbs(response, verbs)
	sortAttributes(response)
	xml, err := twiml.ToXML(doc)
	if err != nil {
		return provider.Response{}, fmt.Errorf("render twiml: %w", err)
	}
	return provider.Response{ContentType: twimlContentType, Body: []byte(xml)}, nil
}

// xmlElement is the part of the twiml package's XML element type that sortAttributes uses. The
// type parameter lets this package call it without importing the XML library directly.
type xmlElement[E any] interface {
	SortAttrs()
	ChildElements() []E
}

// sortAttributes sorts the attributes of element and all its descendants by name.
func sortAttributes[E xmlElement[E]](element E) {
	element.SortAttrs()
	for _, child := range element.ChildElements() {
		sortAttributes(child)
	}
}
