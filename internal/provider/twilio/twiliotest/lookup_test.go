package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// lookupNumber is the number that the lookup tests look up.
const lookupNumber = "+12025550143"

// lineTypeQuery requests the Line Type Intelligence data package.
const lineTypeQuery = "?Fields=line_type_intelligence"

// lookupURL returns the Lookup v2 path of number.
func lookupURL(number string) string {
	return "/v2/PhoneNumbers/" + url.PathEscape(number)
}

// decodeFields decodes a JSON object response into a map, or fails the test.
func decodeFields(t *testing.T, got result) map[string]any {
	t.Helper()
	if got.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", got.status, got.body)
	}
	var fields map[string]any
	if err := json.Unmarshal(got.body, &fields); err != nil {
		t.Fatalf("response is not a JSON object: %v", err)
	}
	return fields
}

func TestLookupShape(t *testing.T) {
	s := New(t)
	got := call(t, s, http.MethodGet, lookupURL(lookupNumber)+lineTypeQuery, nil, "", "")
	if contentType := got.header.Get("Content-Type"); !strings.HasPrefix(contentType, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", contentType)
	}
	fields := decodeFields(t, got)
	want := map[string]any{
		"calling_country_code": "1",
		"country_code":         "US",
		"phone_number":         lookupNumber,
		"national_format":      "(202) 555-0143",
		"valid":                true,
		"validation_errors":    nil,
		"url":                  s.URL + "/v2/PhoneNumbers/" + lookupNumber,
	}
	for name, value := range want {
		if gotValue, ok := fields[name]; !ok || gotValue != value {
			t.Errorf("field %s = %#v (present %v), want %#v", name, gotValue, ok, value)
		}
	}
	info, ok := fields["line_type_intelligence"].(map[string]any)
	if !ok {
		t.Fatalf("line_type_intelligence = %#v, want an object", fields["line_type_intelligence"])
	}
	wantInfo := map[string]any{
		"carrier_name":        fakeCarrierName,
		"error_code":          nil,
		"mobile_country_code": fakeMobileCountryCode,
		"mobile_network_code": fakeMobileNetworkCode,
		"type":                "mobile",
	}
	for name, value := range wantInfo {
		if gotValue, present := info[name]; !present || gotValue != value {
			t.Errorf("line_type_intelligence.%s = %#v (present %v), want %#v", name, gotValue, present, value)
		}
	}
	if len(fields) != len(want)+1 {
		t.Errorf("response has %d fields, want %d: %s", len(fields), len(want)+1, got.body)
	}
	if len(info) != len(wantInfo) {
		t.Errorf("line_type_intelligence has %d fields, want %d: %s", len(info), len(wantInfo), got.body)
	}
}

func TestLookupLineTypes(t *testing.T) {
	tests := []struct {
		twilioType  string
		wantType    any
		wantCarrier any
		wantNetwork any
		wantError   any
	}{
		{"mobile", "mobile", fakeCarrierName, fakeMobileNetworkCode, nil},
		{"landline", "landline", fakeCarrierName, nil, nil},
		{"fixedVoip", "fixedVoip", fakeCarrierName, nil, nil},
		{"nonFixedVoip", "nonFixedVoip", fakeCarrierName, nil, nil},
		{"tollFree", "tollFree", nil, nil, nil},
		{"pager", "pager", nil, nil, nil},
		{"unknown", "unknown", nil, nil, nil},
		{"", nil, nil, nil, float64(unclassifiedErrorCode)},
	}
	s := New(t)
	for i, tt := range tests {
		t.Run("type "+tt.twilioType, func(t *testing.T) {
			number := fmt.Sprintf("+1202555%04d", i)
			s.SetLineType(number, tt.twilioType)
			fields := decodeFields(t, call(t, s, http.MethodGet, lookupURL(number)+lineTypeQuery, nil, "", ""))
			info, ok := fields["line_type_intelligence"].(map[string]any)
			if !ok {
				t.Fatalf("line_type_intelligence is not an object")
			}
			if info["type"] != tt.wantType {
				t.Errorf("type = %#v, want %#v", info["type"], tt.wantType)
			}
			if info["carrier_name"] != tt.wantCarrier {
				t.Errorf("carrier_name = %#v, want %#v", info["carrier_name"], tt.wantCarrier)
			}
			if info["mobile_network_code"] != tt.wantNetwork {
				t.Errorf("mobile_network_code = %#v, want %#v", info["mobile_network_code"], tt.wantNetwork)
			}
			if info["error_code"] != tt.wantError {
				t.Errorf("error_code = %#v, want %#v", info["error_code"], tt.wantError)
			}
		})
	}
}

func TestLookupFields(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		wantInfo bool
	}{
		{"none", "", false},
		{"other package", "?Fields=caller_name", false},
		{"line type", lineTypeQuery, true},
		{"line type among others", "?Fields=caller_name%2C+line_type_intelligence", true},
	}
	s := New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := decodeFields(t, call(t, s, http.MethodGet, lookupURL(lookupNumber)+tt.query, nil, "", ""))
			info, present := fields["line_type_intelligence"]
			if !present {
				t.Fatalf("response has no line_type_intelligence field")
			}
			if gotInfo := info != nil; gotInfo != tt.wantInfo {
				t.Errorf("line_type_intelligence = %#v, want an object %v", info, tt.wantInfo)
			}
		})
	}
}

func TestLookupInvalidNumber(t *testing.T) {
	tests := []struct {
		number    string
		wantError string
	}{
		{"+141599299600", "TOO_LONG"},
		{"+0123", "INVALID_COUNTRY_CODE"},
		{"+1", "TOO_SHORT"},
		{"+1202555014", "TOO_SHORT"},
		{"call-me", "NOT_A_NUMBER"},
		{"2025550143", "INVALID_BUT_POSSIBLE"},
	}
	s := New(t)
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			fields := decodeFields(t, call(t, s, http.MethodGet, lookupURL(tt.number)+lineTypeQuery, nil, "", ""))
			if fields["valid"] != false {
				t.Errorf("valid = %#v, want false", fields["valid"])
			}
			if got := fmt.Sprint(fields["validation_errors"]); got != "["+tt.wantError+"]" {
				t.Errorf("validation_errors = %s, want [%s]", got, tt.wantError)
			}
			if fields["line_type_intelligence"] != nil {
				t.Errorf("line_type_intelligence = %#v, want null for an invalid number", fields["line_type_intelligence"])
			}
			if fields["country_code"] != nil {
				t.Errorf("country_code = %#v, want null for an invalid number", fields["country_code"])
			}
		})
	}
}

func TestLookupRejections(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		user       string
		password   string
		wantStatus int
		wantCode   int
	}{
		{"wrong token", http.MethodGet, DefaultAccountSID, "wrong", 401, 20003},
		{"other account", http.MethodGet, "AC11111111111111111111111111111111", DefaultAuthToken, 401, 20003},
		{"method not allowed", http.MethodPost, "", "", 405, 20004},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, WithoutContract())
			got := call(t, s, tt.method, lookupURL(lookupNumber)+lineTypeQuery, nil, tt.user, tt.password)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			var body apiError
			if err := json.Unmarshal(got.body, &body); err != nil {
				t.Fatalf("error response is not JSON: %v", err)
			}
			if body.Code != tt.wantCode {
				t.Errorf("code = %d, want %d", body.Code, tt.wantCode)
			}
		})
	}
}

func TestFailLookup(t *testing.T) {
	s := New(t)
	var seen []int
	s.FailLookup(func(n int, query url.Values) *Fault {
		seen = append(seen, n)
		if query.Get("Fields") != "line_type_intelligence" {
			t.Errorf("fault function got query %v, want the request's query", query)
		}
		if n == 2 {
			return &Fault{Status: 404, Code: 20404}
		}
		return nil
	})
	s.Fail(func(int, url.Values) *Fault { return &Fault{Code: 21610} })

	var statuses []int
	for range 3 {
		statuses = append(statuses, call(t, s, http.MethodGet, lookupURL(lookupNumber)+lineTypeQuery, nil, "", "").status)
	}
	if fmt.Sprint(statuses) != "[200 404 200]" {
		t.Errorf("statuses = %v, want [200 404 200]", statuses)
	}
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Errorf("fault function saw lookups %v, want [1 2 3]", seen)
	}
}

func TestFailLookupDrop(t *testing.T) {
	s := New(t)
	s.FailLookup(func(int, url.Values) *Fault { return &Fault{Drop: true} })
	req, err := http.NewRequest(http.MethodGet, s.URL+lookupURL(lookupNumber)+lineTypeQuery, nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.SetBasicAuth(s.AccountSID, s.AuthToken)
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("request got status %d, want the connection dropped", resp.StatusCode)
	}
}

func TestLookupRecorded(t *testing.T) {
	s := New(t)
	call(t, s, http.MethodGet, lookupURL(lookupNumber)+lineTypeQuery, nil, "", "")
	requests := s.Requests()
	if len(requests) != 1 {
		t.Fatalf("server recorded %d requests, want 1", len(requests))
	}
	if got := requests[0].Path; got != "/v2/PhoneNumbers/"+lookupNumber {
		t.Errorf("recorded path = %s, want /v2/PhoneNumbers/%s", got, lookupNumber)
	}
	if got := requests[0].Query.Get("Fields"); got != "line_type_intelligence" {
		t.Errorf("recorded Fields = %q, want line_type_intelligence", got)
	}
	if len(s.Sent()) != 0 {
		t.Errorf("a lookup created %d messages, want none", len(s.Sent()))
	}
}
