package twiliotest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// lookupPath matches the Lookup v2 phone number path and captures the number.
var lookupPath = regexp.MustCompile(`^/v2/PhoneNumbers/([^/]+)$`)

// nanpPattern matches a North American number and captures its area code, exchange and line.
var nanpPattern = regexp.MustCompile(`^\+1([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})$`)

// defaultLineType is the line type of the numbers that SetLineType did not set.
const defaultLineType = "mobile"

// unclassifiedErrorCode is the line_type_intelligence error code for a number whose line type is
// set to "". Twilio documents 60601 for a Canadian number that the account may not look up.
const unclassifiedErrorCode = 60601

// Carrier fields of the line types that have them. MCC 001 and MNC 01 are the ITU's test network.
const (
	fakeCarrierName       = "twiliotest carrier"
	fakeMobileCountryCode = "001"
	fakeMobileNetworkCode = "01"
)

// typesWithoutCarrier are the line types for which Twilio's Line Type Intelligence returns null
// carrier_name, mobile_country_code and mobile_network_code.
var typesWithoutCarrier = map[string]bool{
	"personal": true, "tollFree": true, "premium": true, "sharedCost": true,
	"uan": true, "voicemail": true, "pager": true, "unknown": true,
}

// phoneNumber is a Lookup v2 phone number resource as Twilio returns it in JSON, with only the
// Line Type Intelligence data package. Null fields are nil.
type phoneNumber struct {
	CallingCountryCode   *string               `json:"calling_country_code"`
	CountryCode          *string               `json:"country_code"`
	PhoneNumber          string                `json:"phone_number"`
	NationalFormat       *string               `json:"national_format"`
	Valid                bool                  `json:"valid"`
	ValidationErrors     []string              `json:"validation_errors"`
	LineTypeIntelligence *lineTypeIntelligence `json:"line_type_intelligence"`
	URL                  string                `json:"url"`
}

// lineTypeIntelligence is the line_type_intelligence object of a phone number resource.
type lineTypeIntelligence struct {
	CarrierName       *string `json:"carrier_name"`
	ErrorCode         *int    `json:"error_code"`
	MobileCountryCode *string `json:"mobile_country_code"`
	MobileNetworkCode *string `json:"mobile_network_code"`
	Type              *string `json:"type"`
}

// SetLineType sets the line_type_intelligence.type that lookups of e164 return, such as "landline"
// or "nonFixedVoip". Numbers that were not set are "mobile". An empty twilioType makes lookups of
// e164 return no type and error code 60601.
func (s *Server) SetLineType(e164, twilioType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lineTypes == nil {
		s.lineTypes = map[string]string{}
	}
	s.lineTypes[e164] = twilioType
}

// FailLookup sets the function that picks a fault for each lookup request. Nil removes it. Drop
// closes the connection without a response.
func (s *Server) FailLookup(fault FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lookupFault = fault
}

// lookUpNumber responds to a Lookup v2 request for number, applying the fault chosen for it. The
// response has line_type_intelligence only when the Fields query parameter requests it.
func (s *Server) lookUpNumber(number string, query url.Values) reply {
	s.mu.Lock()
	s.lookups++
	n, pickFault := s.lookups, s.lookupFault
	twilioType, ok := s.lineTypes[number]
	s.mu.Unlock()
	if !ok {
		twilioType = defaultLineType
	}

	var fault *Fault
	if pickFault != nil {
		fault = pickFault(n, query)
	}
	if resp, failed := fault.response(); failed {
		return resp
	}

	resource := s.newPhoneNumber(number)
	if resource.Valid && requestsField(query.Get("Fields"), "line_type_intelligence") {
		resource.LineTypeIntelligence = newLineTypeIntelligence(twilioType)
	}
	resp := jsonReply(http.StatusOK, resource)
	if fault != nil {
		resp.delay, resp.drop = fault.Delay, fault.Drop
	}
	return resp
}

// newPhoneNumber returns the basic lookup of number. An invalid number has valid false, a
// validation error and no country or national format.
//
// NOTE: the fake fills in the country and national format of North American (+1) numbers only,
// and leaves them null for other valid numbers, where Twilio fills them in. It also treats a number in
// national format as invalid, where Twilio reads it with the CountryCode parameter or as +1.
func (s *Server) newPhoneNumber(number string) phoneNumber {
	resource := phoneNumber{PhoneNumber: number, URL: s.URL + "/v2/PhoneNumbers/" + number}
	if problem := validationError(number); problem != "" {
		resource.ValidationErrors = []string{problem}
		return resource
	}
	resource.Valid = true
	if parts := nanpPattern.FindStringSubmatch(number); parts != nil {
		callingCode, country := "1", "US"
		national := "(" + parts[1] + ") " + parts[2] + "-" + parts[3]
		resource.CallingCountryCode, resource.CountryCode, resource.NationalFormat = &callingCode, &country, &national
	}
	return resource
}

// validationError returns the Lookup v2 validation error of number, or "" for a valid number. A
// valid number is E.164, and for country code 1 it has the 10 digits of the North American plan.
func validationError(number string) string {
	digits := strings.TrimPrefix(number, "+")
	northAmerican := strings.HasPrefix(digits, "1")
	switch {
	case digits == "" || strings.Trim(digits, "0123456789") != "":
		return "NOT_A_NUMBER"
	case digits == number:
		return "INVALID_BUT_POSSIBLE" // digits without the plus sign, such as a national format
	case digits[0] == '0':
		return "INVALID_COUNTRY_CODE"
	case len(digits) > 15 || northAmerican && len(digits) > 11:
		return "TOO_LONG"
	case len(digits) < 2 || northAmerican && len(digits) < 11:
		return "TOO_SHORT"
	}
	return ""
}

// newLineTypeIntelligence returns the line_type_intelligence object for a line type.
func newLineTypeIntelligence(twilioType string) *lineTypeIntelligence {
	if twilioType == "" {
		code := unclassifiedErrorCode
		return &lineTypeIntelligence{ErrorCode: &code}
	}
	info := &lineTypeIntelligence{Type: &twilioType}
	if typesWithoutCarrier[twilioType] {
		return info
	}
	carrier, countryCode := fakeCarrierName, fakeMobileCountryCode
	info.CarrierName, info.MobileCountryCode = &carrier, &countryCode
	// Twilio returns mobile_network_code only for mobile numbers.
	if twilioType == "mobile" {
		networkCode := fakeMobileNetworkCode
		info.MobileNetworkCode = &networkCode
	}
	return info
}

// requestsField reports whether the comma-separated Fields parameter names field.
func requestsField(fields, field string) bool {
	for _, name := range strings.Split(fields, ",") {
		if strings.TrimSpace(name) == field {
			return true
		}
	}
	return false
}
