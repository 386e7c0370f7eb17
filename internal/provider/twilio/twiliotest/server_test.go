package twiliotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var createdAt = time.Date(2025, 3, 11, 19, 4, 10, 0, time.UTC)

// validForm is a create request that Twilio accepts.
var validForm = url.Values{
	"To":   {"+12025550143"},
	"From": {"+13125550199"},
	"Body": {"Hi, this is Acme Plumbing. Sorry we missed your call!"},
}

// result is a response read in full.
type result struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request with the server's credentials, or with user and password when user is
// not empty, and returns the response.
func call(t *testing.T, s *Server, method, path string, form url.Values, user, password string) result {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user == "" {
		user, password = s.AccountSID, s.AuthToken
	}
	req.SetBasicAuth(user, password)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// messagesURL is the Messages list path of the default account.
const messagesURL = "/2010-04-01/Accounts/" + DefaultAccountSID + "/Messages.json"

func TestCreateMessageShape(t *testing.T) {
	s := New(t, WithClock(func() time.Time { return createdAt }))
	got := call(t, s, http.MethodPost, messagesURL, validForm, "", "")
	if got.status != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body %s", got.status, got.body)
	}
	if contentType := got.header.Get("Content-Type"); !strings.HasPrefix(contentType, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", contentType)
	}
	var fields map[string]any
	if err := json.Unmarshal(got.body, &fields); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	sid := "SM00000000000000000000000000000001"
	want := map[string]any{
		"sid":                   sid,
		"account_sid":           DefaultAccountSID,
		"api_version":           "2010-04-01",
		"body":                  validForm.Get("Body"),
		"date_created":          "Tue, 11 Mar 2025 19:04:10 +0000",
		"date_updated":          "Tue, 11 Mar 2025 19:04:10 +0000",
		"date_sent":             nil,
		"direction":             "outbound-api",
		"error_code":            nil,
		"error_message":         nil,
		"from":                  "+13125550199",
		"messaging_service_sid": nil,
		"num_media":             "0",
		"num_segments":          "1",
		"price":                 nil,
		"price_unit":            nil,
		"status":                "queued",
		"to":                    "+12025550143",
		"uri":                   "/2010-04-01/Accounts/" + DefaultAccountSID + "/Messages/" + sid + ".json",
	}
	for name, value := range want {
		if gotValue, ok := fields[name]; !ok || gotValue != value {
			t.Errorf("field %s = %#v (present %v), want %#v", name, gotValue, ok, value)
		}
	}
	if !regexp.MustCompile(`^SM[0-9a-f]{32}$`).MatchString(fields["sid"].(string)) {
		t.Errorf("sid %v is not SM and 32 hex digits", fields["sid"])
	}
	media := fields["subresource_uris"].(map[string]any)["media"]
	if want := "/2010-04-01/Accounts/" + DefaultAccountSID + "/Messages/" + sid + "/Media.json"; media != want {
		t.Errorf("subresource_uris.media = %v, want %s", media, want)
	}
	if len(fields) != len(want)+1 {
		t.Errorf("response has %d fields, want %d: %s", len(fields), len(want)+1, got.body)
	}
}

func TestCreateRejections(t *testing.T) {
	withService := url.Values{"To": {"+12025550143"}, "MessagingServiceSid": {"MG00000000000000000000000000000000"},
		"Body": {"hi"}}
	withMedia := url.Values{"To": {"+12025550143"}, "From": {"+13125550199"},
		"MediaUrl": {"https://hooks.example.com/logo.png"}}
	tests := []struct {
		name       string
		method     string
		path       string
		form       url.Values
		user       string
		password   string
		wantStatus int
		wantCode   int
	}{
		{"wrong token", http.MethodPost, messagesURL, validForm, DefaultAccountSID, "wrong", 401, 20003},
		{"other account", http.MethodPost, "/2010-04-01/Accounts/AC11111111111111111111111111111111/Messages.json",
			validForm, "", "", 404, 20404},
		{"unknown path", http.MethodPost, "/2010-04-01/Accounts/" + DefaultAccountSID + "/Calls.json", validForm, "", "",
			404, 20404},
		{"method not allowed", http.MethodPut, messagesURL, validForm, "", "", 405, 20004},
		{"missing To", http.MethodPost, messagesURL, url.Values{"From": {"+13125550199"}, "Body": {"hi"}}, "", "",
			400, 21604},
		{"missing From", http.MethodPost, messagesURL, url.Values{"To": {"+12025550143"}, "Body": {"hi"}}, "", "",
			400, 21603},
		{"missing Body", http.MethodPost, messagesURL, url.Values{"To": {"+12025550143"}, "From": {"+13125550199"}},
			"", "", 400, 21602},
		{"service instead of From", http.MethodPost, messagesURL, withService, "", "", 201, 0},
		{"media instead of Body", http.MethodPost, messagesURL, withMedia, "", "", 201, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, WithoutContract())
			got := call(t, s, tt.method, tt.path, tt.form, tt.user, tt.password)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if tt.wantCode == 0 {
				return
			}
			var body apiError
			if err := json.Unmarshal(got.body, &body); err != nil {
				t.Fatalf("error response is not JSON: %v", err)
			}
			if body.Code != tt.wantCode {
				t.Errorf("code = %d, want %d", body.Code, tt.wantCode)
			}
			if body.Status != tt.wantStatus {
				t.Errorf("status field = %d, want %d", body.Status, tt.wantStatus)
			}
			if want := fmt.Sprintf("https://www.twilio.com/docs/errors/%d", tt.wantCode); body.MoreInfo != want {
				t.Errorf("more_info = %q, want %q", body.MoreInfo, want)
			}
			if len(s.Sent()) != 0 {
				t.Errorf("server created a message for a rejected request")
			}
		})
	}
}

func TestFaultAnswers(t *testing.T) {
	tests := []struct {
		name            string
		fault           Fault
		wantStatus      int
		wantBody        string
		wantRetryAfter  string
		wantContentType string
	}{
		{"opted out", Fault{Code: 21610}, 400,
			`{"code":21610,"message":"Attempt to send to unsubscribed recipient",` +
				`"more_info":"https://www.twilio.com/docs/errors/21610","status":400}`, "", "application/json"},
		{"custom message", Fault{Status: 400, Code: 21211, Message: "Invalid 'To' Phone Number: +1202"}, 400,
			`{"code":21211,"message":"Invalid 'To' Phone Number: +1202",` +
				`"more_info":"https://www.twilio.com/docs/errors/21211","status":400}`, "", "application/json"},
		{"rate limited", Fault{Status: 429, RetryAfter: "30"}, 429,
			`{"code":20429,"message":"Too many requests","more_info":"https://www.twilio.com/docs/errors/20429",` +
				`"status":429}`, "30", "application/json"},
		{"status without code", Fault{Status: 409}, 409, `{"message":"Conflict","status":409}`, "",
			"application/json"},
		{"raw body", Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"}, 502, "<html>Bad Gateway</html>", "",
			"text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			s.Fail(func(int, url.Values) *Fault { return &tt.fault })
			got := call(t, s, http.MethodPost, messagesURL, validForm, "", "")
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.status, tt.wantStatus)
			}
			if string(got.body) != tt.wantBody {
				t.Errorf("body = %s, want %s", got.body, tt.wantBody)
			}
			if retryAfter := got.header.Get("Retry-After"); retryAfter != tt.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", retryAfter, tt.wantRetryAfter)
			}
			if contentType := got.header.Get("Content-Type"); !strings.HasPrefix(contentType, tt.wantContentType) {
				t.Errorf("Content-Type = %q, want %s", contentType, tt.wantContentType)
			}
			if len(s.Sent()) != 0 {
				t.Errorf("server created a message for a failed request")
			}
		})
	}
}

func TestFaultPerRequest(t *testing.T) {
	s := New(t)
	var seen []int
	s.Fail(func(n int, form url.Values) *Fault {
		seen = append(seen, n)
		if form.Get("Body") != validForm.Get("Body") {
			t.Errorf("fault function got form %v, want the request's form", form)
		}
		if n == 2 {
			return &Fault{Code: 21610}
		}
		return nil
	})
	statuses := []int{
		call(t, s, http.MethodPost, messagesURL, validForm, "", "").status,
		call(t, s, http.MethodPost, messagesURL, validForm, "", "").status,
		call(t, s, http.MethodPost, messagesURL, validForm, "", "").status,
	}
	if fmt.Sprint(statuses) != "[201 400 201]" {
		t.Errorf("statuses = %v, want [201 400 201]", statuses)
	}
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Errorf("fault function saw requests %v, want [1 2 3]", seen)
	}
	if sent := s.Sent(); len(sent) != 2 || sent[1].SID != "SM00000000000000000000000000000002" {
		t.Errorf("server created %+v, want 2 messages with consecutive SIDs", sent)
	}
}

func TestFaultDrop(t *testing.T) {
	s := New(t)
	s.Fail(func(int, url.Values) *Fault { return &Fault{Drop: true} })
	req, err := http.NewRequest(http.MethodPost, s.URL+messagesURL, strings.NewReader(validForm.Encode()))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.AccountSID, s.AuthToken)
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("request got status %d, want the connection dropped", resp.StatusCode)
	}
	if sent := s.Sent(); len(sent) != 1 {
		t.Errorf("server created %d messages, want 1 before dropping the connection", len(sent))
	}
}

func TestFaultDelay(t *testing.T) {
	s := New(t)
	s.Fail(func(int, url.Values) *Fault { return &Fault{Delay: 150 * time.Millisecond} })
	start := time.Now()
	got := call(t, s, http.MethodPost, messagesURL, validForm, "", "")
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("response came after %v, want at least 150ms", elapsed)
	}
	if got.status != http.StatusCreated {
		t.Errorf("status = %d, want 201 after the delay", got.status)
	}
}

func TestListMessages(t *testing.T) {
	clock := createdAt
	s := New(t, WithClock(func() time.Time { return clock }))
	otherContact := url.Values{"To": {"+12025550144"}, "From": validForm["From"], "Body": validForm["Body"]}
	for _, form := range []url.Values{validForm, otherContact, validForm} {
		call(t, s, http.MethodPost, messagesURL, form, "", "")
		clock = clock.Add(time.Second)
	}

	tests := []struct {
		name     string
		query    string
		wantSIDs []string
		wantSize int
	}{
		{"all", "", []string{"SM00000000000000000000000000000003", "SM00000000000000000000000000000002",
			"SM00000000000000000000000000000001"}, 50},
		{"by contact", "?To=%2B12025550143&From=%2B13125550199&PageSize=20",
			[]string{"SM00000000000000000000000000000003", "SM00000000000000000000000000000001"}, 20},
		{"page size", "?PageSize=1", []string{"SM00000000000000000000000000000003"}, 1},
		{"no match", "?To=%2B12025550199", []string{}, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, s, http.MethodGet, messagesURL+tt.query, nil, "", "")
			if got.status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", got.status, got.body)
			}
			var page messagePage
			if err := json.Unmarshal(got.body, &page); err != nil {
				t.Fatalf("response is not a message page: %v", err)
			}
			sids := []string{}
			for _, message := range page.Messages {
				sids = append(sids, message.SID)
			}
			if fmt.Sprint(sids) != fmt.Sprint(tt.wantSIDs) {
				t.Errorf("messages = %v, want %v", sids, tt.wantSIDs)
			}
			if page.PageSize != tt.wantSize {
				t.Errorf("page_size = %d, want %d", page.PageSize, tt.wantSize)
			}
			if !strings.HasPrefix(page.URI, messagesURL) {
				t.Errorf("uri = %q, want it to start with %s", page.URI, messagesURL)
			}
		})
	}
}

func TestConcurrentSends(t *testing.T) {
	const senders = 16
	s := New(t)
	var wg sync.WaitGroup
	statuses := make([]int, senders)
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, s.URL+messagesURL, strings.NewReader(validForm.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(s.AccountSID, s.AuthToken)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Errorf("sender %d: %v", i, err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, status := range statuses {
		if status != http.StatusCreated {
			t.Errorf("sender %d got status %d, want 201", i, status)
		}
	}
	unique := map[string]bool{}
	for _, message := range s.Sent() {
		unique[message.SID] = true
	}
	if len(unique) != senders {
		t.Errorf("server created %d distinct SIDs, want %d", len(unique), senders)
	}
	if requests := s.Requests(); len(requests) != senders {
		t.Errorf("server recorded %d requests, want %d", len(requests), senders)
	}
}

func TestCountSegments(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{"", 1},
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("a", 306), 2},
		{strings.Repeat("a", 307), 3},
		{strings.Repeat("é", 70), 1},
		{strings.Repeat("é", 71), 2},
		{strings.Repeat("👍", 35), 1},
		{strings.Repeat("👍", 36), 2},
	}
	for _, tt := range tests {
		if got := countSegments(tt.body); got != tt.want {
			t.Errorf("countSegments(%d bytes starting %q) = %d, want %d", len(tt.body), tt.body[:min(len(tt.body), 4)],
				got, tt.want)
		}
	}
}
