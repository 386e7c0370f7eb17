package provider

import (
	"fmt"
	"net/url"
	"strconv"
)

// ParseMenuWebhook reads a webhook that a menu callback URL received, in Twilio's parameter names,
// which Telnyx's TeXML shares: the input of a <Gather> (Digits, SpeechResult), the end of a <Dial>
// (DialCallStatus, DialCallDuration, DialCallSid), the end of a <Record> (RecordingUrl,
// RecordingDuration, RecordingSid), a recording status callback (RecordingStatus, ErrorCode) and a
// transcription callback (TranscriptionText, TranscriptionStatus). get returns a parameter of the
// body, else of the query string; query is the callback URL's query string, which carries the
// menu step in textback's own parameters.
//
// The event's key names the call and the step, so that a retried delivery has the same key; a
// recording or transcription callback's key also names its status. It returns an error wrapping
// ErrMalformed when CallSid or the step is missing or unreadable.
func ParseMenuWebhook(route CallbackRoute, get func(name string) string, query url.Values) (Event, error) {
	callSID := get("CallSid")
	if callSID == "" {
		return Event{}, fmt.Errorf("missing CallSid parameter: %w", ErrMalformed)
	}
	step := query.Get(MenuStepParam)
	if n, err := strconv.Atoi(step); err != nil || n < 0 {
		return Event{}, fmt.Errorf("missing or invalid step %q in the callback URL: %w", step, ErrMalformed)
	}
	ev := Event{
		CallID: callSID, From: get("From"), To: get("To"), Status: get("CallStatus"), State: query.Encode(),
	}
	if ev.To == "" {
		ev.To = query.Get(MenuNumberParam)
	}
	key := callSID + ":" + step
	var err error
	switch route {
	case CallbackMenu:
		ev.Type, ev.Key = CallMenuInput, "menu:"+key
		ev.Digits, ev.Speech = get("Digits"), get("SpeechResult")
	case CallbackMenuDial:
		ev.Type, ev.Key = CallMenuDialEnded, "menu-dial:"+key
		ev.LegID, ev.DialStatus = get("DialCallSid"), get("DialCallStatus")
		ev.DialDuration, err = seconds(get, "DialCallDuration")
	case CallbackVoicemail:
		ev.Type, ev.Key = CallVoicemail, "voicemail:"+key
		ev.Digits, ev.RecordingID, ev.RecordingURL = get("Digits"), get("RecordingSid"), get("RecordingUrl")
		ev.RecordingDuration, err = seconds(get, "RecordingDuration")
	case CallbackRecording:
		ev.Type, ev.Status = CallRecording, get("RecordingStatus")
		ev.Key = "recording:" + key + ":" + ev.Status
		ev.RecordingID, ev.RecordingURL, ev.ErrorCode = get("RecordingSid"), get("RecordingUrl"), get("ErrorCode")
		ev.RecordingDuration, err = seconds(get, "RecordingDuration")
	case CallbackTranscription:
		ev.Type, ev.Status = CallTranscription, get("TranscriptionStatus")
		ev.Key = "transcription:" + key + ":" + ev.Status
		ev.RecordingID, ev.Transcript = get("RecordingSid"), get("TranscriptionText")
	default:
		return Event{}, fmt.Errorf("menu callback route %q: %w", route, ErrUnknownRoute)
	}
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

// seconds reads a whole number of seconds; an empty value is 0.
func seconds(get func(string) string, name string) (int, error) {
	value := get(name)
	if value == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid %s %q, expected whole seconds: %w", name, value, ErrMalformed)
	}
	return n, nil
}
