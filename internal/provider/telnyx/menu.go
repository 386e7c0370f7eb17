// Menu webhooks. textback answers a TeXML call that has a phone menu with <Gather>, <Dial>,
// <Record> and <Redirect> verbs whose URLs carry the menu step in the query string. Telnyx posts
// Twilio's parameter names to them. The <Gather> action, for example:
//
//	POST /webhooks/telnyx/texml/voice/menu?menu=main&number=%2B13125550199&step=1
//
//	AccountSid=00000000-0000-4000-8000-000000000000&CallSid=v3%3A00000000-0000-4000-8000-0000000000c1&
//	Digits=2&From=%2B12025550143&To=%2B13125550199
//
// and the recording status callback of a voicemail, which names neither caller nor business number,
// so that the "number" parameter routes it:
//
//	POST /webhooks/telnyx/texml/voice/voicemail/recording?menu=main&number=%2B13125550199&option=9&step=4
//
//	AccountSid=00000000-0000-4000-8000-000000000000&CallSid=v3%3A00000000-0000-4000-8000-0000000000c1&
//	RecordingDuration=32&RecordingSid=00000000-0000-4000-8000-0000000000d1&RecordingStatus=completed&
//	RecordingUrl=https%3A%2F%2Fapi.telnyx.com%2Fv2%2Frecordings%2F00000000-0000-4000-8000-0000000000d1.wav
//
// Confirmed in Telnyx's callback reference: Digits, SpeechResult and Confidence on the <Gather>
// action; RecordingSid, RecordingUrl, RecordingDuration and RecordingStatus on the recording
// callback; TranscriptionText, TranscriptionStatus and RecordingSid on the transcription callback.
//
// NOTE: the parameters of the <Record> action are not in the pages read. textback reads Twilio's
// names (RecordingUrl, RecordingDuration), and without them records the voicemail from the
// recording callback alone.
//
// See https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/gather,
// https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/record,
// https://developers.telnyx.com/api-reference/callbacks/texml-recording-completed and
// https://developers.telnyx.com/api-reference/callbacks/texml-transcription.

package telnyx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/textback/textback/internal/provider"
)

// Routes of the TeXML menu webhooks, as in /webhooks/telnyx/<route>.
const (
	// RouteMenu receives the input of a menu's <Gather>, and its <Redirect> when there is none.
	RouteMenu provider.Route = "texml/voice/menu"
	// RouteMenuDial receives the action callback of a menu option's <Dial>.
	RouteMenuDial provider.Route = "texml/voice/menu/dial"
	// RouteVoicemail receives the action callback of a voicemail's <Record>.
	RouteVoicemail provider.Route = "texml/voice/voicemail"
	// RouteRecording receives the recording status callback of a voicemail.
	RouteRecording provider.Route = "texml/voice/voicemail/recording"
	// RouteTranscription receives the transcription callback of a voicemail.
	RouteTranscription provider.Route = "texml/voice/voicemail/transcription"
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
	return texmlParser(func(p params) (provider.Event, error) {
		ev, err := provider.ParseMenuWebhook(callback, p.get, p.query)
		ev.Key = texmlKeyPrefix + ev.Key
		return ev, err
	})
}

// Menu <Gather> settings: one key press, or speech as well.
const (
	menuDigits      = "1"
	menuSpeechInput = "dtmf speech"
)

var _ provider.ScriptRenderer = (*Adapter)(nil)

// RendersScripts reports whether the answer to ev is TeXML: true for TeXML voice webhooks, and
// false for Call Control and messaging events, which another application or no markup answers.
func (a *Adapter) RendersScripts(ev provider.Event) bool {
	return strings.HasPrefix(ev.Key, texmlKeyPrefix)
}

// RenderScript renders a menu step as TeXML. Callback URLs start with plan.CallbackBase, and the
// callbacks of a <Dial>'s answer check name plan.CallID and plan.Number.
//
// NOTE: Telnyx's <Dial> page shows a single <Number>. A ring group whose numbers ring together
// is rendered as several <Number> nouns, as in TwiML, which Telnyx's pages do not confirm.
func (a *Adapter) RenderScript(plan provider.CallPlan, script provider.Script) (provider.Response, error) {
	base, err := callbackBase(plan)
	if err != nil {
		return provider.Response{}, fmt.Errorf("render telnyx menu for call %q: %w", plan.CallID, err)
	}
	verbs := make([]any, 0, len(script))
	for _, instruction := range script {
		verb, err := scriptVerb(base, plan, instruction)
		if err != nil {
			return provider.Response{}, fmt.Errorf("render telnyx menu for call %q: %w", plan.CallID, err)
		}
		verbs = append(verbs, verb)
	}
	return renderTeXML(verbs...)
}

// scriptVerb renders one instruction.
func scriptVerb(base string, plan provider.CallPlan, instruction provider.Instruction) (any, error) {
	switch in := instruction.(type) {
	case provider.Say:
		return texmlSay{Text: in.Text}, nil
	case provider.Gather:
		return menuGather(base, in)
	case provider.Dial:
		return menuDial(base, plan, in)
	case provider.Record:
		return menuRecord(base, in)
	case provider.Redirect:
		target, err := in.Target.URL(base, menuRoutes)
		return texmlRedirect{URL: target}, err
	case provider.Hangup:
		return texmlHangup{}, nil
	}
	return nil, fmt.Errorf("unsupported instruction %T", instruction)
}

func menuGather(base string, in provider.Gather) (texmlGather, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return texmlGather{}, err
	}
	gather := texmlGather{Action: action, NumDigits: menuDigits, Timeout: strconv.Itoa(max(in.Timeout, 1))}
	if in.Speech {
		gather.Input, gather.Hints = menuSpeechInput, strings.Join(in.Hints, ", ")
	}
	for _, text := range in.Prompt {
		gather.Says = append(gather.Says, texmlSay{Text: text})
	}
	return gather, nil
}

func menuDial(base string, plan provider.CallPlan, in provider.Dial) (texmlDial, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return texmlDial{}, err
	}
	applyAnswerCheck, ok := answerChecks[in.AnswerCheck]
	if !ok {
		return texmlDial{}, fmt.Errorf("unknown answer check %q", in.AnswerCheck)
	}
	dial := texmlDial{Action: action, AnswerOnBridge: "true", CallerID: plan.CallerID}
	if in.RingSeconds > 0 {
		dial.Timeout = strconv.Itoa(min(max(in.RingSeconds, minDialTimeout), maxDialTimeout))
	}
	for _, phone := range in.Numbers {
		number := texmlNumber{Phone: phone}
		if err := applyAnswerCheck(&number, base, plan); err != nil {
			return texmlDial{}, err
		}
		dial.Numbers = append(dial.Numbers, number)
	}
	return dial, nil
}

func menuRecord(base string, in provider.Record) (texmlRecord, error) {
	action, err := in.Action.URL(base, menuRoutes)
	if err != nil {
		return texmlRecord{}, err
	}
	recording, err := in.Recording.URL(base, menuRoutes)
	if err != nil {
		return texmlRecord{}, err
	}
	record := texmlRecord{
		Action: action, MaxLength: strconv.Itoa(in.MaxLength), PlayBeep: "true", RecordingStatusCallback: recording,
	}
	if in.Transcription != nil {
		transcription, err := in.Transcription.URL(base, menuRoutes)
		if err != nil {
			return texmlRecord{}, err
		}
		record.Transcription, record.TranscriptionCallback = "true", transcription
	}
	return record, nil
}
