// Messaging webhooks. An inbound text arrives as message.received, and each delivery report of a
// sent text as message.sent or message.finalized, whose to[0].status is the recipient's status and
// whose errors[0].code gives the reason a text failed:
//
//	POST /webhooks/telnyx/messaging
//	Content-Type: application/json
//
//	{"data":{"record_type":"event","event_type":"message.finalized",
//	  "id":"00000000-0000-4000-8000-000000000501","occurred_at":"2025-03-11T19:12:01.000+00:00",
//	  "payload":{"direction":"outbound","id":"00000000-0000-4000-8000-000000000502",
//	    "from":{"phone_number":"+13125550199"},
//	    "to":[{"phone_number":"+12025550143","status":"delivery_failed"}],
//	    "errors":[{"code":"40001","title":"Not routable"}]}}}
//
// Confirmed in Telnyx's messaging webhook guide and SDK models: the three event types, the
// recipient statuses queued, sending, sent, delivered, sending_failed, delivery_failed and
// delivery_unconfirmed, errors[].code as a string, and from as an object on both directions.
//
// See https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks and
// https://developers.telnyx.com/docs/messaging/messages/error-codes.

package telnyx

import (
	"encoding/json"
	"fmt"

	"github.com/textback/textback/internal/provider"
)

// messageKeyPrefix starts the key of every messaging event.
const messageKeyPrefix = "msg:"

// inboundMessageEvent is the event type of an inbound text. Every other messaging event type is a
// report about a text sent from a business number.
const inboundMessageEvent = "message.received"

// messageStatuses maps Telnyx's recipient statuses to the delivery statuses that textback's
// conversation engine reads (Twilio's). Statuses missing here, such as queued and sending, are
// kept as sent and only recorded.
var messageStatuses = map[string]string{
	"sent":                 "sent",        // handed to the carrier
	"delivered":            "delivered",   // the carrier confirmed delivery
	"sending_failed":       "failed",      // Telnyx could not hand it to the carrier
	"delivery_failed":      "undelivered", // the carrier could not deliver it
	"delivery_unconfirmed": "sent",        // the carrier sent no delivery receipt
}

// messageParty is a sender or recipient of a text.
type messageParty struct {
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status"`
}

// messagePayload is the part of a message event payload that textback reads.
type messagePayload struct {
	ID        string         `json:"id"`
	Direction string         `json:"direction"`
	From      messageParty   `json:"from"`
	To        []messageParty `json:"to"`
	Text      string         `json:"text"`
	Errors    []apiError     `json:"errors"`
}

// parseMessaging reads a messaging webhook: message.received is an inbound text, and every other
// event type a delivery report of a text sent from a business number.
func parseMessaging(w provider.Webhook) (provider.Event, error) {
	env, err := readEnvelope(w)
	if err != nil {
		return provider.Event{}, err
	}
	var payload messagePayload
	if err := env.decodePayload(&payload); err != nil {
		return provider.Event{}, err
	}
	if payload.ID == "" {
		return provider.Event{}, fmt.Errorf("event %s (%s) has no payload.id: %w", env.Data.ID, env.Data.EventType,
			provider.ErrMalformed)
	}
	var ev provider.Event
	if env.Data.EventType == inboundMessageEvent {
		ev = inboundMessage(payload)
	} else {
		ev, err = deliveryReport(payload)
		if err != nil {
			return provider.Event{}, fmt.Errorf("event %s (%s): %w", env.Data.ID, env.Data.EventType, err)
		}
	}
	ev.Key = messageKeyPrefix + env.Data.ID
	ev.MessageID = payload.ID
	ev.OccurredAt = env.occurredAt()
	return ev, nil
}

// inboundMessage reads an inbound text. To is its first recipient, the business number; a group
// text to several numbers names the others in to[1:] and cc, which textback ignores.
func inboundMessage(payload messagePayload) provider.Event {
	ev := provider.Event{Type: provider.MessageInbound, From: payload.From.PhoneNumber, Body: payload.Text}
	if len(payload.To) > 0 {
		ev.To = payload.To[0].PhoneNumber
		ev.Status = payload.To[0].Status
	}
	return ev
}

// deliveryReport reads the status of a sent text's first recipient, the only one textback sends
// to. From and To stay empty, because on an outbound text From is the business number and To the
// contact, the reverse of what provider.Event documents.
func deliveryReport(payload messagePayload) (provider.Event, error) {
	if len(payload.To) == 0 || payload.To[0].Status == "" {
		return provider.Event{}, fmt.Errorf("missing payload.to[0].status: %w", provider.ErrMalformed)
	}
	status, ok := messageStatuses[payload.To[0].Status]
	if !ok {
		status = payload.To[0].Status
	}
	ev := provider.Event{Type: provider.MessageStatus, Status: status}
	if len(payload.Errors) > 0 {
		ev.ErrorCode = string(payload.Errors[0].Code)
	}
	return ev, nil
}

// messagingBusinessNumber returns the business number of a messaging webhook: the recipient of an
// inbound text, or the sender of a reported outbound one.
func messagingBusinessNumber(w provider.Webhook) string {
	var body struct {
		Data struct {
			EventType string `json:"event_type"`
			Payload   struct {
				From messageParty   `json:"from"`
				To   []messageParty `json:"to"`
			} `json:"payload"`
		} `json:"data"`
	}
	if len(w.Body) > maxBodyBytes || json.Unmarshal(w.Body, &body) != nil {
		return ""
	}
	payload := body.Data.Payload
	if body.Data.EventType != inboundMessageEvent {
		return payload.From.PhoneNumber
	}
	if len(payload.To) == 0 {
		return ""
	}
	return payload.To[0].PhoneNumber
}
