// Line types come from Twilio Lookup v2 with the Line Type Intelligence data package, documented at
// https://www.twilio.com/docs/lookup/v2-api/line-type-intelligence. A request such as
//
//	GET https://lookups.twilio.com/v2/PhoneNumbers/+12025550143?Fields=line_type_intelligence
//
// returns
//
//	HTTP/1.1 200 OK
//	{"calling_country_code": "1", "country_code": "US", "phone_number": "+12025550143",
//	 "national_format": "(202) 555-0143", "valid": true, "validation_errors": null,
//	 "line_type_intelligence": {"carrier_name": "Example Wireless", "error_code": null,
//	  "mobile_country_code": "001", "mobile_network_code": "01", "type": "mobile"},
//	 "url": "https://lookups.twilio.com/v2/PhoneNumbers/+12025550143"}
//
// When Twilio cannot classify a number, line_type_intelligence carries an error_code and its other
// fields are null.

package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"

	"github.com/textback/textback/internal/provider"
)

// DefaultLookupBaseURL is the base URL of Twilio's Lookup API for accounts without an APIBaseURL.
const DefaultLookupBaseURL = "https://lookups.twilio.com"

// lineTypes maps the line_type_intelligence.type values of Twilio Lookup v2 to textback's line
// types. Other values, such as "personal", "pager" and "unknown", are provider.LineUnknown.
var lineTypes = map[string]provider.LineType{
	"mobile":       provider.LineMobile,
	"landline":     provider.LineLandline,
	"fixedVoip":    provider.LineVoIP,
	"nonFixedVoip": provider.LineVoIP,
	"tollFree":     provider.LineTollFree,
}

// e164Pattern matches an E.164 number: a plus sign and 2 to 15 digits, the first not 0.
var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// lookedUpNumber is the part of a Lookup v2 phone number resource that LookupLineType reads.
type lookedUpNumber struct {
	LineTypeIntelligence *lineTypeIntelligence `json:"line_type_intelligence"`
}

// lineTypeIntelligence is the line_type_intelligence object of a Lookup v2 phone number.
type lineTypeIntelligence struct {
	Type      *string `json:"type"`
	ErrorCode *int    `json:"error_code"`
}

// LookupError is a failed Lookup v2 request: an HTTP status other than 2xx.
type LookupError struct {
	HTTPStatus int
	Code       string // Twilio's error code, such as "20404"; empty when the body has none
	Message    string
}

func (e *LookupError) Error() string {
	msg := fmt.Sprintf("twilio lookup failed (http %d", e.HTTPStatus)
	if e.Code != "" {
		msg += ", code " + e.Code
	}
	msg += ")"
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// LookupLineType returns the line type of e164 through GET /v2/PhoneNumbers/{PhoneNumber} with
// Fields=line_type_intelligence. A response without line_type_intelligence, with an error code in
// it or with a type missing from lineTypes is provider.LineUnknown. A non-2xx response is an error
// wrapping a *LookupError with the HTTP status and Twilio error code. Line Type Intelligence is a
// paid data package, so callers should store the answer.
func (a *Adapter) LookupLineType(ctx context.Context, acct provider.Account, e164 string) (provider.LineType, error) {
	endpoint, err := a.lookupURL(acct, e164)
	if err != nil {
		return "", fmt.Errorf("look up line type of %s: %w", e164, err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return "", fmt.Errorf("look up line type of %s: %w", e164, err)
	}

	resp, err := a.do(httpReq, acct)
	if err != nil {
		return "", fmt.Errorf("look up line type of %s with twilio account %q: %w", e164, acct.AccountSID, err)
	}
	if resp.status < 200 || resp.status > 299 {
		lookupErr := &LookupError{HTTPStatus: resp.status}
		lookupErr.Code, lookupErr.Message = errorFields(resp.body)
		return "", fmt.Errorf("look up line type of %s with twilio account %q: %w", e164, acct.AccountSID, lookupErr)
	}

	var number lookedUpNumber
	if err := json.Unmarshal(resp.body, &number); err != nil {
		return "", fmt.Errorf("look up line type of %s with twilio account %q: invalid lookup response: %w",
			e164, acct.AccountSID, err)
	}
	return lineTypeOf(number.LineTypeIntelligence), nil
}

// lineTypeOf returns the line type that a line_type_intelligence object reports.
func lineTypeOf(info *lineTypeIntelligence) provider.LineType {
	if info == nil || info.ErrorCode != nil || info.Type == nil {
		return provider.LineUnknown
	}
	if lineType, ok := lineTypes[*info.Type]; ok {
		return lineType
	}
	return provider.LineUnknown
}

// lookupURL returns the Lookup v2 URL that requests the line type of e164. It fails when e164 is
// not an E.164 number or baseURL fails.
//
// NOTE: an account whose APIBaseURL is set sends its lookups there too, so an APIBaseURL that
// names a proxy or a regional host of the 2010-04-01 API works for lookups only if that host also
// serves /v2/PhoneNumbers.
func (a *Adapter) lookupURL(acct provider.Account, e164 string) (string, error) {
	if !e164Pattern.MatchString(e164) {
		return "", fmt.Errorf("invalid phone number %q: expected E.164, such as +12025550143", e164)
	}
	base, err := a.baseURL(acct, DefaultLookupBaseURL)
	if err != nil {
		return "", err
	}
	query := url.Values{"Fields": {"line_type_intelligence"}}
	return base + "/v2/PhoneNumbers/" + url.PathEscape(e164) + "?" + query.Encode(), nil
}
