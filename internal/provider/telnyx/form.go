// TeXML webhooks are form-encoded POSTs with Twilio's parameter names, and textback adds its own
// parameters to the query string of the callback URLs it hands out:
//
//	POST /webhooks/telnyx/texml/voice/amd?call=v3%3A00000000-0000-4000-8000-0000000000c1
//	Content-Type: application/x-www-form-urlencoded
//
//	AccountSid=00000000-0000-4000-8000-000000000000&AnsweredBy=machine_start&
//	CallSid=v3%3A00000000-0000-4000-8000-0000000000c2&MachineDetectionDuration=2500
//
// See https://developers.telnyx.com/api-reference/callbacks/texml-call-amd.

package telnyx

import (
	"fmt"
	"mime"
	"net/url"
	"unicode/utf8"

	"github.com/textback/textback/internal/provider"
)

const (
	// maxBodyBytes bounds a webhook body, TeXML or JSON. textback's webhook handler accepts no
	// more, and a messaging event with a long text and all of Telnyx's fields stays far below it.
	maxBodyBytes = 64 << 10
	// maxValueBytes bounds one decoded form parameter.
	maxValueBytes = 8 << 10
)

// params is a TeXML webhook's parameters: the form body and the query string of its URL.
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

// readParams decodes the body and the URL's query string of w. It returns an error wrapping
// provider.ErrMalformed when either is not valid form encoding, the body is not form-encoded, a
// name or value is not UTF-8, or a size limit is exceeded.
func readParams(w provider.Webhook) (params, error) {
	if err := checkContentType(w, "application/x-www-form-urlencoded"); err != nil {
		return params{}, err
	}
	body, err := parseFormBody(w.Body)
	if err != nil {
		return params{}, err
	}
	query, err := parseQuery(w.URL)
	if err != nil {
		return params{}, err
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

// parseQuery decodes the query string of a webhook URL.
func parseQuery(rawURL string) (url.Values, error) {
	parsed, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid webhook URL: %w", provider.ErrMalformed)
	}
	query, err := url.ParseQuery(parsed.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("invalid query string: %v: %w", err, provider.ErrMalformed)
	}
	return query, nil
}

// checkContentType rejects a non-empty body whose Content-Type is not want. A missing
// Content-Type is accepted.
func checkContentType(w provider.Webhook, want string) error {
	contentType := w.Header.Get("Content-Type")
	if contentType == "" || len(w.Body) == 0 {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != want {
		return fmt.Errorf("content type %q is not %s: %w", contentType, want, provider.ErrMalformed)
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
