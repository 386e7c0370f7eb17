// TeXML is Telnyx's TwiML-compatible call markup. The adapter emits only verbs and attributes
// that Telnyx documents, such as
//
//	<?xml version="1.0" encoding="UTF-8"?><Response>
//	<Dial action="https://hooks.example.com/webhooks/telnyx/texml/voice/dial" answerOnBridge="true"
//	 callerId="+12025550143" timeout="18"><Number>+13125550123</Number></Dial></Response>
//
// Checked against Telnyx's verb pages: <Dial> action, answerOnBridge, callerId and timeout (5 to
// 120 s, default 30); <Number> url (a document that may hold <Gather> and <Hangup>),
// machineDetection, statusCallback and statusCallbackEvent (with "amd"); <Gather> action, hints,
// input, numDigits and timeout (1 to 120 s), with <Say> nested; <Record> action, maxLength,
// playBeep, recordingStatusCallback, transcription and transcriptionCallback; <Redirect>; <Say>;
// <Hangup>. Twilio's <Gather actionOnEmptyResult>
// is not documented by Telnyx and is not emitted; see RespondEvent.
//
// See https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/dial and
// https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/gather.

package telnyx

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/textback/textback/internal/provider"
)

// texmlContentType is the Content-Type of every TeXML response.
const texmlContentType = "text/xml; charset=utf-8"

// xmlDeclaration starts every TeXML document.
const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8"?>`

// Each TeXML element below lists its attributes in name order, so the output is stable.

// texmlResponse is the root element.
type texmlResponse struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []any
}

// texmlDial is <Dial> with its <Number> nouns, which ring at once.
type texmlDial struct {
	XMLName        xml.Name `xml:"Dial"`
	Action         string   `xml:"action,attr"`
	AnswerOnBridge string   `xml:"answerOnBridge,attr"`
	CallerID       string   `xml:"callerId,attr,omitempty"`
	Timeout        string   `xml:"timeout,attr,omitempty"`
	Numbers        []texmlNumber
}

// texmlNumber is the <Number> noun of <Dial>.
type texmlNumber struct {
	XMLName             xml.Name `xml:"Number"`
	AmdStatusCallback   string   `xml:"amdStatusCallback,attr,omitempty"`
	MachineDetection    string   `xml:"machineDetection,attr,omitempty"`
	StatusCallback      string   `xml:"statusCallback,attr,omitempty"`
	StatusCallbackEvent string   `xml:"statusCallbackEvent,attr,omitempty"`
	URL                 string   `xml:"url,attr,omitempty"`
	Phone               string   `xml:",chardata"`
}

// texmlGather is <Gather> with the <Say> verbs nested in it.
type texmlGather struct {
	XMLName   xml.Name `xml:"Gather"`
	Action    string   `xml:"action,attr"`
	Hints     string   `xml:"hints,attr,omitempty"`
	Input     string   `xml:"input,attr,omitempty"`
	NumDigits string   `xml:"numDigits,attr"`
	Timeout   string   `xml:"timeout,attr"`
	Says      []texmlSay
}

// texmlSay is <Say>.
type texmlSay struct {
	XMLName xml.Name `xml:"Say"`
	Text    string   `xml:",chardata"`
}

// texmlRecord is <Record>. Telnyx names its transcription attributes transcription and
// transcriptionCallback, where Twilio has transcribe and transcribeCallback.
type texmlRecord struct {
	XMLName                 xml.Name `xml:"Record"`
	Action                  string   `xml:"action,attr"`
	MaxLength               string   `xml:"maxLength,attr"`
	PlayBeep                string   `xml:"playBeep,attr"`
	RecordingStatusCallback string   `xml:"recordingStatusCallback,attr"`
	Transcription           string   `xml:"transcription,attr,omitempty"`
	TranscriptionCallback   string   `xml:"transcriptionCallback,attr,omitempty"`
}

// texmlRedirect is <Redirect>, which asks for the next TeXML at its URL.
type texmlRedirect struct {
	XMLName xml.Name `xml:"Redirect"`
	URL     string   `xml:",chardata"`
}

// texmlHangup is <Hangup/>.
type texmlHangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

// renderTeXML renders verbs inside <Response>. encoding/xml escapes text and attribute values,
// and replaces characters that XML cannot hold with U+FFFD.
func renderTeXML(verbs ...any) (provider.Response, error) {
	var buf bytes.Buffer
	buf.WriteString(xmlDeclaration)
	if err := xml.NewEncoder(&buf).Encode(texmlResponse{Verbs: verbs}); err != nil {
		return provider.Response{}, fmt.Errorf("render texml: %w", err)
	}
	return provider.Response{ContentType: texmlContentType, Body: buf.Bytes()}, nil
}
