// Messaging webhooks. An inbound text arrives as
//
//	POST /webhooks/twilio/sms
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=AC00000000000000000000000000000000&ApiVersion=2010-04-01&Body=Yes%2C+3pm+works%21&
//	From=%2B12025550143&MessageSid=SM00000000000000000000000000000001&NumMedia=0&NumSegments=1&
//	SmsMessageSid=SM00000000000000000000000000000001&SmsSid=SM00000000000000000000000000000001&
//	SmsStatus=received&To=%2B13125550199
//
// and a delivery report for a text sent with a StatusCallback as
//
//	POST /webhooks/twilio/sms/status
//
//	AccountSid=AC00000000000000000000000000000000&ErrorCode=30006&From=%2B13125550199&
//	MessageSid=SM00000000000000000000000000000002&MessageStatus=undelivered&To=%2B12025550143
//
// See https://www.twilio.com/docs/messaging/guides/webhook-request and
// https://www.twilio.com/docs/messaging/guides/track-outbound-message-status.

package twilio

import (
	"github.com/textback/textback/internal/provider"
)

// messageSIDParams are the parameters that carry a message's SID, in order of preference. Twilio
// sends all three with the same value, and older integrations only the Sms ones.
var messageSIDParams = []string{"MessageSid", "SmsMessageSid", "SmsSid"}

// messageStatusParams are the parameters that carry a message's status, in order of preference.
var messageStatusParams = []string{"MessageStatus", "SmsStatus"}

// parseInboundMessage reads an inbound text.
func parseInboundMessage(p params) (provider.Event, error) {
	messageSID, err := requireMessageSID(p)
	if err != nil {
		return provider.Event{}, err
	}
	return provider.Event{
		Key:       "sms:" + messageSID,
		Type:      provider.MessageInbound,
		MessageID: messageSID,
		From:      p.get("From"),
		To:        p.get("To"),
		Body:      p.get("Body"),
		Status:    p.first(messageStatusParams...),
	}, nil
}

// parseMessageStatus reads a delivery report. Its key includes the status, so each status of a
// message is one event. From and To stay empty, because on an outbound text From is the business
// number and To the contact, the reverse of what provider.Event documents.
func parseMessageStatus(p params) (provider.Event, error) {
	messageSID, err := requireMessageSID(p)
	if err != nil {
		return provider.Event{}, err
	}
	status := p.first(messageStatusParams...)
	if status == "" {
		return provider.Event{}, missingParam(messageStatusParams[0])
	}
	return provider.Event{
		Key:       "sms-status:" + messageSID + ":" + status,
		Type:      provider.MessageStatus,
		MessageID: messageSID,
		Status:    status,
		ErrorCode: p.get("ErrorCode"),
	}, nil
}

// requireMessageSID returns the message's SID, or an error wrapping provider.ErrMalformed.
func requireMessageSID(p params) (string, error) {
	messageSID := p.first(messageSIDParams...)
	if messageSID == "" {
		return "", missingParam(messageSIDParams[0])
	}
	return messageSID, nil
}
