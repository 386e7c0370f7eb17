// Twilio posts webhooks as application/x-www-form-urlencoded bodies, and textback adds its own
// parameters to the query string of the callback URLs it hands out:
//
//	POST /webhooks/twilio/voice/amd?call=CA00000000000000000000000000000001
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=AC00000000000000000000000000000000&CallSid=CA00000000000000000000000000000002&
//	AnsweredBy=machine_start
//
// See https://www.twilio.com/docs/usage/webhooks/voice-webhooks.

package twilio

import (
	"fmt"
	"mime"
	"net/url"
	"unicode/utf8"

	"github.com/textback/textback/internal/provider"
)

const (
	// maxBodyBytes bounds a webhook body. Twilio limits a text to 1,600 characters, which take at
	// most 19,200 bytes when percent-encoded, so an inbound text with its other fields fits.
	maxBodyBytes = 64 << 10
	// maxValueBytes bounds one decoded parameter. A 1,600-character text is at most 6,400 bytes of
	// UTF-8.
	maxValueBytes = 8 << 10
)

// params is a webhook's parameters: the form body and the query string of its URL.
type params struct {
	body  url.Values
	query url.Values
}

// get returns the first value of name in the body, else in the query string, else "".
func (p params) get(name string) string {
	if values := p.body[name]; len(values) > 0 {
		return values[0]
	}
	return p.query.Get(name)
}

// first returns the value of the first name in names that has a non-empty value.
func (p params) first(names ...string) string {
	for _, name := range names {
		if value := p.get(name); value != "" {
			return value
		}
	}
	return ""
}

// readParams decodes the body and the URL's query string of w. It returns an error wrapping
// provider.ErrMalformed when either is not valid form encoding, the body is not form-encoded, a
// name or value is not UTF-8, or a size limit is exceeded.
func readParams(w provider.Webhook) (params, error) {
	if err := checkContentType(w); err != nil {
		return params{}, err
	}
	body, err := parseFormBody(w.Body)
	if err != nil {
		return params{}, err
	}
	parsedURL, err := url.Parse(w.URL)
	if err != nil {
		return params{}, fmt.Errorf("invalid webhook URL: %w", provider.ErrMalformed)
	}
	query, err := url.ParseQuery(parsedURL.RawQuery)
	if err != nil {
		return params{}, fmt.Errorf("invalid query string: %v: %w", err, provider.ErrMalformed)
	}
	for _, values := range []url.Values{body, query} {
		if err := checkValues(values); err != nil {
			return params{}, err
		}
	}
	return params{body: body, query: query}, nil
}

// parseFormBody decodes a form-encoded body of at most maxBodyBytes.
func parseFormBody(body []byte) (url.Values, error) {
	if len(body) > maxBodyBytes {
		return nil, fmt.Errorf("body of %d bytes exceeds the %d-byte limit: %w", len(body), maxBodyBytes,
			provider.ErrMalformed)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("invalid form body: %v: %w", err, provider.ErrMalformed)
	}
	return form, nil
}

// checkContentType rejects a non-empty body whose Content-Type is not a form. A missing
// Content-Type is accepted.
func checkContentType(w provider.Webhook) error {
	contentType := w.Header.Get("Content-Type")
	if contentType == "" || len(w.Body) == 0 {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/x-www-form-urlencoded" {
		return fmt.Errorf("content type %q is not application/x-www-form-urlencoded: %w", contentType,
			provider.ErrMalformed)
	}
	return nil
}

// checkValues rejects names and values that are not UTF-8 or longer than maxValueBytes.
func checkValues(values url.Values) error {
	for name, list := range values {
		if len(name) > maxValueBytes {
			return fmt.Errorf("parameter name of %d bytes exceeds the %d-byte limit: %w", len(name),
				maxValueBytes, provider.ErrMalformed)
		}
		if !utf8.ValidString(name) {
			return fmt.Errorf("parameter name %q is not valid UTF-8: %w", name, provider.ErrMalformed)
		}
		for _, value := range list {
			if len(value) > maxValueBytes {
				return fmt.Errorf("parameter %q of %d bytes exceeds the %d-byte limit: %w", name, len(value),
					maxValueBytes, provider.ErrMalformed)
			}
			if !utf8.ValidString(value) {
				return fmt.Errorf("parameter %q is not valid UTF-8: %w", name, provider.ErrMalformed)
			}
		}
	}
	return nil
}
