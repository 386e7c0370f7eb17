// Call Control and messaging webhooks share one JSON envelope; only the payload differs:
//
//	{"data":{"record_type":"event","event_type":"call.hangup",
//	  "id":"00000000-0000-4000-8000-000000000301","occurred_at":"2025-03-11T19:04:10.000000Z",
//	  "payload":{...}},
//	 "meta":{"attempt":1,"delivered_to":"https://hooks.example.com/webhooks/telnyx/call-control"}}
//
// data.id identifies the event and is the same on every delivery attempt of it, so event keys are
// built from it. meta.attempt counts the attempts and is ignored.
//
// See https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks.

package telnyx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/textback/textback/internal/provider"
)

// envelope is the part of a JSON webhook that every event type shares.
type envelope struct {
	Data struct {
		EventType  string          `json:"event_type"`
		ID         string          `json:"id"`
		OccurredAt string          `json:"occurred_at"`
		Payload    json.RawMessage `json:"payload"`
	} `json:"data"`
}

// readEnvelope decodes a JSON webhook and checks that it names its event and type and carries an
// object as its payload. Errors wrap provider.ErrMalformed.
func readEnvelope(w provider.Webhook) (envelope, error) {
	if err := checkContentType(w, "application/json"); err != nil {
		return envelope{}, err
	}
	if len(w.Body) > maxBodyBytes {
		return envelope{}, fmt.Errorf("body of %d bytes exceeds the %d-byte limit: %w", len(w.Body), maxBodyBytes,
			provider.ErrMalformed)
	}
	// encoding/json would silently replace invalid UTF-8 with U+FFFD.
	if !utf8.Valid(w.Body) {
		return envelope{}, fmt.Errorf("body is not valid UTF-8: %w", provider.ErrMalformed)
	}
	var env envelope
	if err := json.Unmarshal(w.Body, &env); err != nil {
		return envelope{}, fmt.Errorf("invalid JSON body: %v: %w", err, provider.ErrMalformed)
	}
	if env.Data.ID == "" {
		return envelope{}, fmt.Errorf("missing data.id: %w", provider.ErrMalformed)
	}
	if env.Data.EventType == "" {
		return envelope{}, fmt.Errorf("event %s has no data.event_type: %w", env.Data.ID, provider.ErrMalformed)
	}
	if !bytes.HasPrefix(bytes.TrimLeft(env.Data.Payload, " \t\r\n"), []byte("{")) {
		return envelope{}, fmt.Errorf("event %s (%s) has no data.payload object: %w", env.Data.ID,
			env.Data.EventType, provider.ErrMalformed)
	}
	return env, nil
}

// decodePayload decodes the envelope's payload into v. Errors wrap provider.ErrMalformed.
func (env envelope) decodePayload(v any) error {
	if err := json.Unmarshal(env.Data.Payload, v); err != nil {
		return fmt.Errorf("event %s (%s) has an invalid payload: %v: %w", env.Data.ID, env.Data.EventType, err,
			provider.ErrMalformed)
	}
	return nil
}

// occurredAt returns data.occurred_at in UTC, or the zero time when it is missing or unreadable,
// because the time only informs and never decides what textback does.
func (env envelope) occurredAt() time.Time {
	t, err := time.Parse(time.RFC3339Nano, env.Data.OccurredAt)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
