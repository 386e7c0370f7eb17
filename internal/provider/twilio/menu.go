// Menu webhooks. textback answers a call that has a phone menu with <Gather>, <Dial>, <Record> and
// <Redirect> verbs whose URLs carry the menu step in the query string. The <Gather> action, for
// example:
//
//	POST /webhooks/twilio/voice/menu?menu=main&number=%2B13125550199&step=1
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000001&
//	CallStatus=in-progress&Digits=2&From=%2B12025550143&To=%2B13125550199
//
// and the recording status callback of a voicemail, which names no caller:
//
//	POST /webhooks/twilio/voice/voicemail/recording?menu=main&number=%2B13125550199&option=9&step=4
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000001&
//	RecordingDuration=32&RecordingSid=RE00000000000000000000000000000001&RecordingStatus=completed&
//	RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC00000000000000000000000000000000%2FRecordings%2FRE00000000000000000000000000000001
//
// See https://www.twilio.com/docs/voice/twiml/gather, https://www.twilio.com/docs/voice/twiml/record
// and https://www.twilio.com/docs/voice/twiml/redirect.

package twilio

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twilio/twilio-go/twiml"

	"github.com/textback/textback/internal/provider"
)

// Routes of the menu webhooks, as in /webhooks/twilio/<route>.
const (
	// RouteMenu receives the input of a menu's <Gather>, and its <Redirect> when there is none.
	RouteMenu provider.Route = "voice/menu"
	// RouteMenuDial receives the action callback of a menu option's <Dial>.
	RouteMenuDial provider.Route = "voice/menu/dial"
	// RouteVoicemail receives the action callback of a voicemail's <Record>.
	RouteVoicemail provider.Route = "voice/voicemail"
	// RouteRecording receives the recording status callback of a voicemail.
	RouteRecording provider.Route = "voice/voicemail/recording"
	// RouteTranscription receives the transcription callback of a voicemail.
	RouteTranscription provider.Route = "voice/voicemail/transcription"
)

// menuRoutes maps each menu callback to its route.
var menuRoutes = map[provider.CallbackRoute]provider.Route{
	provider.CallbackMenu:          RouteMenu,
	provider.CallbackMenuDial:      RouteMenuDial,
	provider.CallbackVoicemail:     RouteVoicemail,
	provider.CallbackRecording:     RouteRecording,
	provider.CallbackTranscription: RouteTranscription,
}

// menuParser returns the parser of the menu callback's route.
func menuParser(callback provider.CallbackRoute) routeParser {
	return func(p params) (provider.Event, error) {
		return provider.ParseMenuWebhook(callback, p.get, p.query)
	}
}

// Menu <Gather> settings: one key press, and speech that ends when the caller pauses.
const (
	menuDigits        = "1"
	menuSpeechInput   = "dtmf speech"
	menuSpeechTimeout = "auto"
	// recordingEvents asks for a callback when a recording is stored, and when it is absent because
	// the caller said nothing.
	recordingEvents = "completed absent"
)

var _ provider.ScriptRenderer = (*Adapter)(nil)

// RendersScripts reports whether the answer to ev is TwiML: true for every voice event.
func (a *Adapter) RendersScripts(ev provider.Event) bool {
	return ev.Type != provider.MessageInbound && ev.Type != provider.MessageStatus
}

// RenderScript renders a menu step as TwiML. Callback URLs start with plan.CallbackBase, and the
// callbacks of a <Dial>'s answer check name plan.CallID and plan.Number.
func (a *Adapter) RenderScript(plan provider.CallPlan, script provider.Script) (provider.Response, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return provider.Response{}, fmt.Errorf("render twilio menu for call %q: %w", plan.CallID, err)
	}
	verbs := make([]twiml.Element, 0, len(script))
	for _, instruction := range script {
		verb, err := scriptVerb(base, plan, instruction)
		if err != nil {
			return provider.Response{}, fmt.Errorf("render twilio menu for call %q: %w", plan.CallID, err)
		}
		verbs = append(verbs, verb)
	}
	return renderTwiML(verbs...)
}

// scriptVerb renders one instruction.
func scriptVerb(base string, plan provider.CallPlan, instruction provider.Instruction) (twiml.Element, error) {
	switch in := instruction.(type) {
	case provider.Say:
		return twiml.VoiceSay{Message: in.Text}, nil
	case provider.Gather:
		return menuGather(base, in)
	case provider.Dial:
		return menuDial(base, plan, in)
	case provider.Record:
		return menuRecord(base, in)
	case provider.Redirect:
		target, err := in.Target.URL(base, menuRoutes)
		return twiml.VoiceRedirect{Url: target, Method: "POST"}, err
	case provider.Hangup:
		return twiml.VoiceHangup{}, nil
	}
	return nil, fmt.Errorf("unsupported instruction %T", instruction)
}

func menuGather(base string, in provider.Gather) (twiml.Element, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return nil, err
	}
	gather := twiml.VoiceGather{Action: action, NumDigits: menuDigits}
	if in.Timeout > 0 {
		gather.Timeout = strconv.Itoa(in.Timeout)
	}
	if in.Speech {
		gather.Input, gather.SpeechTimeout = menuSpeechInput, menuSpeechTimeout
		gather.Hints = strings.Join(in.Hints, ", ")
	}
	for _, text := range in.Prompt {
		gather.InnerElements = append(gather.InnerElements, twiml.VoiceSay{Message: text})
	}
	return gather, nil
}

func menuDial(base string, plan provider.CallPlan, in provider.Dial) (twiml.Element, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return nil, err
	}
	applyAnswerCheck, ok := answerCheckOptions[in.AnswerCheck]
	if !ok {
		return nil, fmt.Errorf("unknown answer check %q", in.AnswerCheck)
	}
	dial := twiml.VoiceDial{Action: action, AnswerOnBridge: "true", CallerId: plan.CallerID}
	if in.RingSeconds > 0 {
		dial.Timeout = strconv.Itoa(in.RingSeconds)
	}
	for _, phone := range in.Numbers {
		number := twiml.VoiceNumber{PhoneNumber: phone}
		if err := applyAnswerCheck(&number, base, plan); err != nil {
			return nil, err
		}
		dial.InnerElements = append(dial.InnerElements, number)
	}
	return dial, nil
}

func menuRecord(base string, in provider.Record) (twiml.Element, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return nil, err
	}
	recording, err := in.Recording.URL(base, menuRoutes)
	if err != nil {
		return nil, err
	}
	record := twiml.VoiceRecord{
		Action: action, MaxLength: strconv.Itoa(in.MaxLength), PlayBeep: "true",
		RecordingStatusCallback: recording, RecordingStatusCallbackEvent: recordingEvents,
	}
	if in.Transcription != nil {
		transcription, err := in.Transcription.URL(base, menuRoutes)
		if err != nil {
			return nil, err
		}
		record.Transcribe, record.TranscribeCallback = "true", transcription
	}
	return record, nil
}
