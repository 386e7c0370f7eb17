package telnyxtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// SendRequest is the JSON body of a send request, the fields textback sets.
type SendRequest struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Text       string `json:"text"`
	WebhookURL string `json:"webhook_url"`
}

// Message is an outbound message resource as Telnyx's Messaging API returns it in the data member
// of a send response (OutboundMessagePayload in Telnyx's API reference).
type Message struct {
	RecordType         string     `json:"record_type"`
	Direction          string     `json:"direction"`
	ID                 string     `json:"id"`
	Type               string     `json:"type"`
	MessagingProfileID string     `json:"messaging_profile_id"`
	OrganizationID     string     `json:"organization_id"`
	From               Party      `json:"from"`
	To                 []Party    `json:"to"`
	Cc                 []Party    `json:"cc"`
	Text               string     `json:"text"`
	Subject            *string    `json:"subject"`
	Media              []any      `json:"media"`
	WebhookURL         *string    `json:"webhook_url"`
	WebhookFailoverURL *string    `json:"webhook_failover_url"`
	Encoding           string     `json:"encoding"`
	Parts              int        `json:"parts"`
	Tags               []string   `json:"tags"`
	Cost               *Cost      `json:"cost"`
	ReceivedAt         string     `json:"received_at"`
	SentAt             *string    `json:"sent_at"`
	CompletedAt        *string    `json:"completed_at"`
	ValidUntil         string     `json:"valid_until"`
	Errors             []APIError `json:"errors"`
}

// Party is the sender or one recipient of a message.
type Party struct {
	PhoneNumber string `json:"phone_number"`
	Carrier     string `json:"carrier"`
	LineType    string `json:"line_type"`
	// Status is the recipient's status, such as "queued"; the sender has none.
	Status string `json:"status,omitempty"`
}

// Cost is the price of a message.
type Cost struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// fakeProfileID and fakeOrganizationID are the zeroed ids of the fake's messaging profile and
// organization.
const (
	fakeProfileID      = "00000000-0000-4000-8000-00000000f001"
	fakeOrganizationID = "00000000-0000-4000-8000-00000000f002"
)

// timeLayout formats message times as Telnyx's examples do, such as
// "2025-03-11T19:04:10.000+00:00".
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// validity is how long a queued message may wait before Telnyx discards it.
// NOTE: Telnyx documents valid_until but not its default; an hour matches its examples.
const validity = time.Hour

// e164 matches an E.164 number.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// createMessage handles a send request, applying the fault chosen for it.
func (s *Server) createMessage(r *http.Request, body []byte) reply {
	if mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil ||
		mediaType != "application/json" {
		return errorReply(http.StatusUnsupportedMediaType, "10014", "")
	}
	var req SendRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorReply(http.StatusBadRequest, "10015", "")
	}
	if code, pointer := requestViolation(req); code != "" {
		return validationReply(code, pointer)
	}

	s.mu.Lock()
	s.sends++
	n, pickFault := s.sends, s.sendFault
	s.mu.Unlock()

	var fault *Fault
	if pickFault != nil {
		fault = pickFault(n, req)
	}
	if resp, failed := fault.response(); failed {
		return resp
	}

	s.mu.Lock()
	message := newMessage(len(s.messages)+1, req, s.clock())
	s.messages = append(s.messages, message)
	s.mu.Unlock()

	resp := jsonReply(http.StatusOK, struct {
		Data Message `json:"data"`
	}{message})
	if fault != nil {
		resp.delay, resp.drop = fault.Delay, fault.Drop
	}
	return resp
}

// requestViolation returns the error code and JSON pointer for a send request that lacks a
// valid recipient, a sender or text, or "" when it has all three.
//
// NOTE: Telnyx also accepts messaging_profile_id instead of from, and media_urls instead of text;
// the fake accepts neither, because textback sends neither.
func requestViolation(req SendRequest) (code, pointer string) {
	switch {
	case req.To == "":
		return "10004", "/to"
	case !e164.MatchString(req.To):
		return "40310", "/to"
	case req.From == "":
		return "10004", "/from"
	case req.Text == "":
		return "40316", "/text"
	}
	return "", ""
}

// newMessage returns a queued outbound message with the given sequence number, which makes its
// id a zeroed UUID ending in the number.
func newMessage(seq int, req SendRequest, received time.Time) Message {
	received = received.UTC()
	encoding, parts := encodingOf(req.Text)
	message := Message{
		RecordType:         "message",
		Direction:          "outbound",
		ID:                 fmt.Sprintf("00000000-0000-4000-8000-%012x", seq),
		Type:               "SMS",
		MessagingProfileID: fakeProfileID,
		OrganizationID:     fakeOrganizationID,
		From:               Party{PhoneNumber: req.From, Carrier: "Telnyx", LineType: "Wireless"},
		To:                 []Party{{PhoneNumber: req.To, Carrier: "FAKE WIRELESS", LineType: "Wireless", Status: "queued"}},
		Cc:                 []Party{},
		Text:               req.Text,
		Media:              []any{},
		Encoding:           encoding,
		Parts:              parts,
		Tags:               []string{},
		ReceivedAt:         received.Format(timeLayout),
		ValidUntil:         received.Add(validity).Format(timeLayout),
		Errors:             []APIError{},
	}
	if req.WebhookURL != "" {
		webhookURL := req.WebhookURL
		message.WebhookURL = &webhookURL
	}
	return message
}

// encodingOf estimates the encoding and part count of text: 160 characters in one part or 153
// per part for ASCII text in GSM-7, else 70 or 67 UTF-16 code units per part in UCS-2.
//
// NOTE: this treats all ASCII as GSM-7 and everything else as UCS-2, which is close enough for a
// fake but wrong for ASCII characters outside GSM-7 (such as '`') and for GSM-7's non-ASCII letters.
func encodingOf(text string) (encoding string, parts int) {
	encoding, single, multi := "GSM-7", 160, 153
	length := utf8.RuneCountInString(text)
	if length != len(text) {
		encoding, single, multi = "UCS-2", 70, 67
		length = len(utf16.Encode([]rune(text)))
	}
	if length <= single {
		return encoding, 1
	}
	return encoding, (length + multi - 1) / multi
}
