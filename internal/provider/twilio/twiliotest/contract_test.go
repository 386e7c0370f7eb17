package twiliotest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// recordingTB records failures and skips instead of stopping the test, so that tests can check
// that the server reports them.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	failures []string
	skips    []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func (r *recordingTB) Skipf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
}

func (r *recordingTB) recorded() (failures, skips []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.failures...), append([]string(nil), r.skips...)
}

func TestContractViolations(t *testing.T) {
	RequireContract(t)
	tests := []struct {
		name        string
		method      string
		path        string
		form        url.Values
		noAuth      bool
		wantFailure string
	}{
		{"valid create", http.MethodPost, messagesURL, validForm, false, ""},
		{"valid list", http.MethodGet, messagesURL + "?To=%2B12025550143&PageSize=20", nil, false, ""},
		{"short account SID", http.MethodPost, "/2010-04-01/Accounts/AC123/Messages.json", validForm, false,
			"AccountSid"},
		{"missing To", http.MethodPost, messagesURL, url.Values{"From": {"+13125550199"}, "Body": {"hi"}}, false,
			"To"},
		{"missing From", http.MethodPost, messagesURL, url.Values{"To": {"+12025550143"}, "Body": {"hi"}}, false,
			"21603"},
		{"missing Body", http.MethodPost, messagesURL, url.Values{"To": {"+12025550143"}, "From": {"+13125550199"}},
			false, "21602"},
		{"wrong parameter type", http.MethodPost, messagesURL,
			url.Values{"To": {"+12025550143"}, "From": {"+13125550199"}, "Body": {"hi"}, "ValidityPeriod": {"soon"}},
			false, "ValidityPeriod"},
		{"page size zero", http.MethodGet, messagesURL + "?PageSize=0", nil, false, "PageSize"},
		{"no basic auth", http.MethodPost, messagesURL, validForm, true, "basic authentication"},
		{"undocumented path", http.MethodGet, "/2010-04-01/Accounts/" + DefaultAccountSID + "/Nothing.json", nil,
			false, "no operation matches"},
		{"valid lookup", http.MethodGet, lookupURL(lookupNumber) + lineTypeQuery, nil, false, ""},
		{"lookup without basic auth", http.MethodGet, lookupURL(lookupNumber) + lineTypeQuery, nil, true,
			"basic authentication"},
		{"undocumented lookup path", http.MethodGet, lookupURL(lookupNumber) + "/Carrier", nil, false,
			"no operation matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recorder := &recordingTB{TB: t}
			s := New(recorder)
			var body *strings.Reader
			if tt.form != nil {
				body = strings.NewReader(tt.form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req, err := http.NewRequest(tt.method, s.URL+tt.path, body)
			if err != nil {
				t.Fatalf("build request: %v", err)
			}
			if tt.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if !tt.noAuth {
				req.SetBasicAuth(s.AccountSID, s.AuthToken)
			}
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.method, tt.path, err)
			}
			resp.Body.Close()

			failures, _ := recorder.recorded()
			if tt.wantFailure == "" {
				if len(failures) != 0 {
					t.Errorf("valid request failed the test: %q", failures)
				}
				return
			}
			if len(failures) != 1 {
				t.Fatalf("request failed the test %d times, want once: %q", len(failures), failures)
			}
			if !strings.Contains(failures[0], tt.wantFailure) {
				t.Errorf("failure %q does not mention %q", failures[0], tt.wantFailure)
			}
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status = %d, want 400 for a request that breaks the contract", resp.StatusCode)
			}
		})
	}
}

func TestContractChecksAnswers(t *testing.T) {
	RequireContract(t)
	checker, err := contractFromEnv()
	if err != nil {
		t.Fatalf("load contract: %v", err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1"+messagesURL, strings.NewReader(validForm.Encode()))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultAccountSID, DefaultAuthToken)
	input, err := checker.checkRequest(req, []byte(validForm.Encode()))
	if err != nil {
		t.Fatalf("valid request failed the contract: %v", err)
	}

	header := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"valid", `{"sid":"SM00000000000000000000000000000001","status":"queued"}`, false},
		{"bad sid", `{"sid":"XX1","status":"queued"}`, true},
		{"unknown status", `{"sid":"SM00000000000000000000000000000001","status":"lost"}`, true},
		{"error_code as string", `{"sid":"SM00000000000000000000000000000001","error_code":"30006"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checker.checkResponse(input, http.StatusCreated, header, bytes.NewBufferString(tt.body).Bytes())
			if (err != nil) != tt.wantErr {
				t.Errorf("checkResponse(%s) = %v, want error %v", tt.body, err, tt.wantErr)
			}
		})
	}
}

func TestRequireContract(t *testing.T) {
	tests := []struct {
		name        string
		spec        string
		ci          string
		wantFailure bool
		wantSkip    bool
	}{
		{"unset locally", "", "", false, true},
		{"unset in CI", "", "true", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(SpecEnv, tt.spec)
			t.Setenv("CI", tt.ci)
			recorder := &recordingTB{TB: t}
			RequireContract(recorder)
			failures, skips := recorder.recorded()
			if (len(failures) > 0) != tt.wantFailure {
				t.Errorf("failures = %q, want failure %v", failures, tt.wantFailure)
			}
			if (len(skips) > 0) != tt.wantSkip {
				t.Errorf("skips = %q, want skip %v", skips, tt.wantSkip)
			}
		})
	}
}

func TestLoadContractMissingFile(t *testing.T) {
	if _, err := loadContract(filepath.Join(t.TempDir(), "twilio_api_v2010.json")); err == nil {
		t.Errorf("loadContract of a missing file returned no error")
	}
}

func TestLoadContractMissingLookups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "twilio_api_v2010.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatalf("write placeholder document: %v", err)
	}
	_, err := loadContract(path)
	if err == nil {
		t.Fatalf("loadContract without %s returned no error", LookupsSpecFile)
	}
	if !strings.Contains(err.Error(), LookupsSpecFile) {
		t.Errorf("error %q does not name %s", err, LookupsSpecFile)
	}
}

func TestContractLookupAnswers(t *testing.T) {
	RequireContract(t)
	tests := []struct {
		name       string
		twilioType string
		number     string
		query      string
	}{
		{"mobile", "mobile", lookupNumber, lineTypeQuery},
		{"landline", "landline", lookupNumber, lineTypeQuery},
		{"non-fixed VoIP", "nonFixedVoip", lookupNumber, lineTypeQuery},
		{"toll free", "tollFree", lookupNumber, lineTypeQuery},
		{"no type", "", lookupNumber, lineTypeQuery},
		{"without fields", "mobile", lookupNumber, ""},
		{"invalid number", "mobile", "+141599299600", lineTypeQuery},
		{"outside North America", "mobile", "+447700900123", lineTypeQuery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recorder := &recordingTB{TB: t}
			s := New(recorder)
			s.SetLineType(tt.number, tt.twilioType)
			req, err := http.NewRequest(http.MethodGet, s.URL+lookupURL(tt.number)+tt.query, nil)
			if err != nil {
				t.Fatalf("build request: %v", err)
			}
			req.SetBasicAuth(s.AccountSID, s.AuthToken)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatalf("lookup: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.StatusCode)
			}
			if failures, _ := recorder.recorded(); len(failures) != 0 {
				t.Errorf("lookup response failed the contract: %q", failures)
			}
		})
	}
}

// lookupInput returns the validation input of a valid lookup request, or fails the test.
func lookupInput(t *testing.T, checker *contract) *openapi3filter.RequestValidationInput {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1"+lookupURL(lookupNumber)+lineTypeQuery, nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.SetBasicAuth(DefaultAccountSID, DefaultAuthToken)
	input, err := checker.checkRequest(req, nil)
	if err != nil {
		t.Fatalf("valid lookup request failed the contract: %v", err)
	}
	return input
}

func TestContractChecksLookupAnswers(t *testing.T) {
	RequireContract(t)
	checker, err := contractFromEnv()
	if err != nil {
		t.Fatalf("load contract: %v", err)
	}
	input := lookupInput(t, checker)
	header := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"valid with nulls", `{"phone_number":"+12025550143","valid":true,"validation_errors":null,` +
			`"line_type_intelligence":{"carrier_name":null,"error_code":60601,"mobile_country_code":null,` +
			`"mobile_network_code":null,"type":null}}`, false},
		{"valid as string", `{"phone_number":"+12025550143","valid":"yes"}`, true},
		{"unknown validation error", `{"phone_number":"+1","valid":false,"validation_errors":["WRONG"]}`, true},
		{"type as number", `{"line_type_intelligence":{"type":5}}`, true},
		{"error_code as string", `{"line_type_intelligence":{"error_code":"60601"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checker.checkResponse(input, http.StatusOK, header, []byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Errorf("checkResponse(%s) = %v, want error %v", tt.body, err, tt.wantErr)
			}
		})
	}
}

// TestLookupNullsNeedFix shows why allowLookupNulls exists: without it, Twilio's Lookup v2 document
// rejects the nulls that Twilio sends.
func TestLookupNullsNeedFix(t *testing.T) {
	RequireContract(t)
	path := filepath.Join(filepath.Dir(os.Getenv(SpecEnv)), LookupsSpecFile)
	router, err := loadRouter(path, nil)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	input := lookupInput(t, &contract{routers: []routers.Router{router}})
	body := []byte(`{"phone_number":"+12025550143","valid":true,"validation_errors":null,` +
		`"line_type_intelligence":null}`)
	err = (&contract{}).checkResponse(input, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, body)
	if err == nil {
		t.Errorf("document without the fix accepted nulls; allowLookupNulls may no longer be needed")
	}
}
