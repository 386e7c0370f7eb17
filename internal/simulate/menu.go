package simulate

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// maxMenuSteps bounds the webhooks of one simulated menu call, in case a menu keeps the call going.
const maxMenuSteps = 60

// DefaultMessage is the transcript of the simulated voicemail when Call.Message is empty.
const DefaultMessage = "Hi, this is a test message from the simulator. Please call me back."

// verb is one TwiML verb of a response, with the attributes and nested elements the walk reads.
type verb struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Inner   []verb     `xml:",any"`
}

func (v verb) attr(name string) string {
	for _, a := range v.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseTwiML returns the verbs of a TwiML response.
func parseTwiML(answer string) ([]verb, error) {
	var response struct {
		Verbs []verb `xml:",any"`
	}
	if err := xml.Unmarshal([]byte(answer), &response); err != nil {
		return nil, fmt.Errorf("read the TwiML response: %w", err)
	}
	return response.Verbs, nil
}

// walkMenu follows textback's responses to a call that a menu answered, as Twilio would: it prints
// the prompts, presses the call's digits or speaks its words at each menu, lets rung numbers ring
// out or answer as the outcome sets, and records a voicemail. It ends when a response hangs up.
func (c Call) walkMenu(ctx context.Context, callSID, answer string, base url.Values) error {
	inputs := c.Digits
	for range maxMenuSteps {
		verbs, err := parseTwiML(answer)
		if err != nil {
			return err
		}
		next, done, err := c.menuStep(ctx, callSID, verbs, &inputs, base)
		if err != nil || done {
			return err
		}
		answer = next
	}
	return fmt.Errorf("the menu went on for more than %d steps", maxMenuSteps)
}

// menuStep carries out one response: it prints what the caller hears and posts the webhook that
// the first verb waiting for the caller leads to. It reports done when the response ends the call.
func (c Call) menuStep(ctx context.Context, callSID string, verbs []verb, inputs *[]string, base url.Values) (string, bool, error) {
	for i, v := range verbs {
		switch v.XMLName.Local {
		case "Say":
			c.printf("  hears: %s\n", strings.TrimSpace(v.Text))
		case "Gather":
			var redirect string
			if i+1 < len(verbs) && verbs[i+1].XMLName.Local == "Redirect" {
				redirect = verbs[i+1].Text
			}
			return c.gather(ctx, v, redirect, inputs, base)
		case "Dial":
			return c.menuDial(ctx, callSID, v, base)
		case "Record":
			return c.record(ctx, v, base)
		case "Redirect":
			answer, err := c.postURL(ctx, v.Text, base)
			return answer, false, err
		case "Hangup":
			c.printf("  the menu hangs up\n")
			return "", true, c.hangUp(ctx, base)
		}
	}
	// An empty answer after a <Dial> that a person answered: the call goes on until they hang up.
	return "", true, c.hangUp(ctx, base)
}

// gather answers a menu with the next input: a key, or words to say, or nothing when none is left,
// in which case the provider follows redirect.
func (c Call) gather(ctx context.Context, g verb, redirect string, inputs *[]string, base url.Values) (string, bool, error) {
	for _, say := range g.Inner {
		c.printf("  hears: %s\n", strings.TrimSpace(say.Text))
	}
	if len(*inputs) == 0 {
		c.printf("  presses nothing\n")
		if redirect == "" {
			return "", true, c.hangUp(ctx, base)
		}
		answer, err := c.postURL(ctx, redirect, base)
		return answer, false, err
	}
	input := (*inputs)[0]
	*inputs = (*inputs)[1:]
	fields := with(base, "CallStatus", "in-progress")
	if isKey(input) {
		c.printf("  presses %s\n", input)
		fields.Set("Digits", input)
	} else {
		c.printf("  says %q\n", input)
		fields.Set("SpeechResult", input)
		fields.Set("Confidence", "0.9")
	}
	answer, err := c.postURL(ctx, g.attr("action"), fields)
	return answer, false, err
}

// menuDial rings the numbers of a menu's <Dial> and ends their leg as the call's outcome sets.
func (c Call) menuDial(ctx context.Context, callSID string, d verb, base url.Values) (string, bool, error) {
	var numbers []string
	for _, n := range d.Inner {
		numbers = append(numbers, strings.TrimSpace(n.Text))
	}
	c.printf("  rings %s for %s s\n", strings.Join(numbers, ", "), d.attr("timeout"))
	status, duration := string(c.Outcome), "0"
	legSID, err := newSID("CA")
	if err != nil {
		return "", true, err
	}
	if c.Outcome == Answered || c.Outcome == Voicemail {
		status, duration = "completed", "25"
		if err := c.checkAnswer(ctx, callSID, legSID, d); err != nil {
			return "", true, err
		}
	}
	c.printf("  %s\n", map[string]string{"no-answer": "nobody answers", "busy": "the line is busy",
		"completed": "the call is answered"}[status])
	fields := with(base, "CallStatus", "in-progress")
	for key, value := range map[string]string{"DialCallSid": legSID, "DialCallStatus": status, "DialCallDuration": duration} {
		fields.Set(key, value)
	}
	answer, err := c.postURL(ctx, d.attr("action"), fields)
	return answer, false, err
}

// checkAnswer posts the answering-machine result or the screening of the rung number that took the
// call, when the <Number> asks for one.
func (c Call) checkAnswer(ctx context.Context, callSID, legSID string, d verb) error {
	if len(d.Inner) == 0 {
		return nil
	}
	number := d.Inner[0]
	leg := url.Values{"AccountSid": {c.Account.AccountSID}, "CallSid": {legSID}, "ParentCallSid": {callSID},
		"Direction": {"outbound-dial"}}
	human := c.Outcome == Answered
	if amd := number.attr("amdStatusCallback"); amd != "" {
		answeredBy := "machine_end_beep"
		if human {
			answeredBy = "human"
		}
		if _, err := c.postURL(ctx, amd, with(leg, "AnsweredBy", answeredBy)); err != nil {
			return err
		}
	}
	if screen := number.attr("url"); screen != "" {
		prompt, err := c.postURL(ctx, screen, with(leg, "CallStatus", "in-progress"))
		if err != nil {
			return err
		}
		verbs, err := parseTwiML(prompt)
		if err != nil || len(verbs) == 0 {
			return err
		}
		digits := ""
		if human {
			digits = "1"
		}
		_, err = c.postURL(ctx, verbs[0].attr("action"), with(leg, "Digits", digits))
		return err
	}
	return nil
}

// record leaves a voicemail at a <Record>: its end, the stored recording and, when the <Record>
// asks for one, the transcript.
func (c Call) record(ctx context.Context, r verb, base url.Values) (string, bool, error) {
	sid, err := newSID("RE")
	if err != nil {
		return "", true, err
	}
	message := c.Message
	if message == "" {
		message = DefaultMessage
	}
	c.printf("  leaves a voicemail: %q\n", message)
	// The address is a placeholder: nothing is recorded, and nobody fetches it.
	recording := strings.TrimRight(c.PublicURL, "/") + "/simulated-recordings/" + sid
	fields := with(with(with(base, "RecordingUrl", recording), "RecordingSid", sid), "RecordingDuration", "12")
	answer, err := c.postURL(ctx, r.attr("action"), with(fields, "CallStatus", "in-progress"))
	if err != nil {
		return "", true, err
	}
	callback := url.Values{"AccountSid": {c.Account.AccountSID}, "CallSid": base["CallSid"], "RecordingSid": {sid},
		"RecordingUrl": {recording}, "RecordingStatus": {"completed"}, "RecordingDuration": {"12"}}
	if _, err := c.postURL(ctx, r.attr("recordingStatusCallback"), callback); err != nil {
		return "", true, err
	}
	if transcribe := r.attr("transcribeCallback"); transcribe != "" {
		transcript := url.Values{"AccountSid": {c.Account.AccountSID}, "CallSid": base["CallSid"], "RecordingSid": {sid},
			"RecordingUrl": {recording}, "TranscriptionStatus": {"completed"}, "TranscriptionText": {message}}
		if _, err := c.postURL(ctx, transcribe, transcript); err != nil {
			return "", true, err
		}
	}
	return answer, false, nil
}

// hangUp posts the call's final status callback.
func (c Call) hangUp(ctx context.Context, base url.Values) error {
	_, err := c.post(ctx, "voice/status", with(with(base, "CallStatus", "completed"), "CallDuration", "40"))
	return err
}

// postURL posts a webhook to an absolute callback URL from a response, which starts with the public URL.
func (c Call) postURL(ctx context.Context, callback string, form url.Values) (string, error) {
	prefix := strings.TrimRight(c.PublicURL, "/") + "/webhooks/twilio/"
	route, ok := strings.CutPrefix(strings.TrimSpace(callback), prefix)
	if !ok {
		return "", errors.New("the response names a callback " + callback + " outside " + prefix)
	}
	return c.post(ctx, route, form)
}

// isKey reports whether input is a key of the keypad rather than words to say.
func isKey(input string) bool {
	return len(input) == 1 && strings.Contains("0123456789*#", input)
}

func (c Call) printf(format string, args ...any) {
	fmt.Fprintf(c.Log, format, args...)
}
