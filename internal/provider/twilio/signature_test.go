package twilio

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/textback/textback/internal/provider"
)

// testToken is the fake auth token that signs the fixtures in testdata/signature.
const testToken = "fake_auth_token_for_tests_0001"

const (
	dialActionURL = "https://hooks.example.com/twilio/voice/dial-action"
	smsURL        = "https://hooks.example.com:8443/twilio/sms?tenant=acme-plumbing"
	jsonEventURL  = "https://hooks.example.com/webhooks/twilio/events?" +
		"bodySHA256=8d78d1316aeba09a8a659d16ab312a648e1935de7ab7ce229d3f62eff73ef96b"
)

// readFixture returns the contents of a file under testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

// formFixture returns a form-encoded fixture decoded.
func formFixture(t testing.TB, name string) url.Values {
	t.Helper()
	form, err := url.ParseQuery(string(readFixture(t, name)))
	if err != nil {
		t.Fatalf("fixture %s is not a valid form: %v", name, err)
	}
	return form
}

func TestSignPublishedExample(t *testing.T) {
	form := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	got := Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	if want := "0/KCTR6DLpKmkAf8muzZqo1nDgQ="; got != want {
		t.Errorf("Sign of Twilio's published example = %q, want %q", got, want)
	}
}

func TestSignRepeatedValuesInOrder(t *testing.T) {
	ordered := Sign(testToken, dialActionURL, url.Values{"MediaUrl": {"a", "b"}})
	swapped := Sign(testToken, dialActionURL, url.Values{"MediaUrl": {"b", "a"}})
	if ordered == swapped {
		t.Errorf("Sign ignores the order of repeated values: both orders give %q", ordered)
	}
}

func TestCheckSignature(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		fixture string
		header  string
		want    bool
	}{
		{"as configured", dialActionURL, "dial-action.form", "XeqWWv48z3HgXRtMyu7QkFTIVYY=", true},
		{"signed with :443", dialActionURL, "dial-action.form", "cnlp24nyg6KUnxWbwY5ESCE1SUs=", true},
		{"signed as http", dialActionURL, "dial-action.form", "4C9xj5pVznC8h1/EVYtIMtCD3qY=", false},
		{"received with :443", "https://hooks.example.com:443/twilio/voice/dial-action", "dial-action.form",
			"XeqWWv48z3HgXRtMyu7QkFTIVYY=", true},
		{"http received without :80", "http://hooks.example.com/twilio/voice/dial-action", "dial-action.form",
			"Dw5Xs5x+J6+/tdD//zRUPCMNv8g=", true},
		{"http received with :80", "http://hooks.example.com:80/twilio/voice/dial-action", "dial-action.form",
			"4C9xj5pVznC8h1/EVYtIMtCD3qY=", true},
		{"tampered body", dialActionURL, "dial-action-tampered.form", "XeqWWv48z3HgXRtMyu7QkFTIVYY=", false},
		{"missing header", dialActionURL, "dial-action.form", "", false},
		{"non-default port", smsURL, "sms-inbound.form", "mfB4+WW8qgRaXlxSqc2ksigs+S0=", true},
		{"port dropped", smsURL, "sms-inbound.form", "GWnGOF7/4Pf73DCwIdPGHqwG+MI=", false},
		{"query dropped", smsURL, "sms-inbound.form", "MUUsInrbsGttiRJBBNoqJCycCNs=", false},
		{"question mark encoded", smsURL, "sms-inbound.form", "LEG0I9hZZXMyvidYRzp4tBw5PLE=", false},
		{"params reordered", smsURL, "sms-inbound-reordered.form", "mfB4+WW8qgRaXlxSqc2ksigs+S0=", true},
		{"extra param signed", smsURL, "sms-inbound-extra.form", "qR8hxwue4bWJ/rtZSwgDGs2pILQ=", true},
		{"extra param added later", smsURL, "sms-inbound-extra.form", "mfB4+WW8qgRaXlxSqc2ksigs+S0=", false},
		{"signature with whitespace", dialActionURL, "dial-action.form", " XeqWWv48z3HgXRtMyu7QkFTIVYY=", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := formFixture(t, filepath.Join("signature", tt.fixture))
			if got := checkSignature(testToken, tt.url, form, tt.header); got != tt.want {
				t.Errorf("checkSignature(%q, %s, %q) = %v, want %v", tt.url, tt.fixture, tt.header, got, tt.want)
			}
		})
	}
}

func TestCheckSignatureEmptyToken(t *testing.T) {
	form := url.Values{"CallSid": {"CA00000000000000000000000000000001"}}
	header := Sign("", dialActionURL, form)
	if checkSignature("", dialActionURL, form, header) {
		t.Errorf("checkSignature accepted a signature made with an empty token")
	}
}

func TestSignedURLCandidates(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"https adds 443", "https://h.example.com/a?b=1",
			[]string{"https://h.example.com/a?b=1", "https://h.example.com:443/a?b=1"}},
		{"https drops 443", "https://h.example.com:443/a",
			[]string{"https://h.example.com:443/a", "https://h.example.com/a"}},
		{"http adds 80", "http://h.example.com/a", []string{"http://h.example.com/a", "http://h.example.com:80/a"}},
		{"http drops 80", "http://h.example.com:80", []string{"http://h.example.com:80", "http://h.example.com"}},
		{"keeps non-default port", "https://h.example.com:8443/a", []string{"https://h.example.com:8443/a"}},
		{"https with port 80", "https://h.example.com:80/a", []string{"https://h.example.com:80/a"}},
		{"no path", "https://h.example.com", []string{"https://h.example.com", "https://h.example.com:443"}},
		{"query without path", "https://h.example.com?a=b:443",
			[]string{"https://h.example.com?a=b:443", "https://h.example.com:443?a=b:443"}},
		{"user info", "https://u:p@h.example.com/a",
			[]string{"https://u:p@h.example.com/a", "https://u:p@h.example.com:443/a"}},
		{"IPv6 without port", "https://[2001:db8::1]/a",
			[]string{"https://[2001:db8::1]/a", "https://[2001:db8::1]:443/a"}},
		{"IPv6 with 443", "https://[2001:db8::1]:443/a",
			[]string{"https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"}},
		{"upper-case scheme", "HTTPS://h.example.com/a",
			[]string{"HTTPS://h.example.com/a", "HTTPS://h.example.com:443/a"}},
		{"empty port", "https://h.example.com:/a", []string{"https://h.example.com:/a"}},
		{"other scheme", "ftp://h.example.com/a", []string{"ftp://h.example.com/a"}},
		{"not a URL", "hooks", []string{"hooks"}},
		{"encoded query kept", "https://h.example.com/a?x=%40%3A%27",
			[]string{"https://h.example.com/a?x=%40%3A%27", "https://h.example.com:443/a?x=%40%3A%27"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signedURLCandidates(tt.url); !slices.Equal(got, tt.want) {
				t.Errorf("signedURLCandidates(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	account := provider.Account{AccountSID: "AC00000000000000000000000000000000", AuthToken: testToken}
	tests := []struct {
		name    string
		token   string
		url     string
		fixture string
		header  string
		wantErr error
	}{
		{"valid form", testToken, dialActionURL, "dial-action.form", "XeqWWv48z3HgXRtMyu7QkFTIVYY=", nil},
		{"wrong signature", testToken, dialActionURL, "dial-action.form", "4C9xj5pVznC8h1/EVYtIMtCD3qY=",
			provider.ErrSignature},
		{"missing header", testToken, dialActionURL, "dial-action.form", "", provider.ErrSignature},
		{"empty token", "", dialActionURL, "dial-action.form", "XeqWWv48z3HgXRtMyu7QkFTIVYY=", provider.ErrSignature},
		{"other token", "another_token", dialActionURL, "dial-action.form", "XeqWWv48z3HgXRtMyu7QkFTIVYY=",
			provider.ErrSignature},
		{"valid JSON body", testToken, jsonEventURL, "event.json", "k1VSIvnW8KhFtj2zRx481BzzXws=", nil},
		{"JSON body changed", testToken, jsonEventURL, "dial-action.form", "k1VSIvnW8KhFtj2zRx481BzzXws=",
			provider.ErrSignature},
		{"JSON wrong signature", testToken, jsonEventURL, "event.json", "XeqWWv48z3HgXRtMyu7QkFTIVYY=",
			provider.ErrSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := account
			acct.AuthToken = tt.token
			w := provider.Webhook{
				Route:  RouteDial,
				URL:    tt.url,
				Header: http.Header{},
				Body:   readFixture(t, filepath.Join("signature", tt.fixture)),
			}
			if tt.header != "" {
				w.Header.Set("X-Twilio-Signature", tt.header)
			}
			err := New(Options{}).Verify(acct, w)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Verify returned %v, want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify returned %v, want an error wrapping %v", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyMalformedBody(t *testing.T) {
	w := provider.Webhook{
		Route:  RouteSMS,
		URL:    smsURL,
		Header: http.Header{"X-Twilio-Signature": {"mfB4+WW8qgRaXlxSqc2ksigs+S0="}},
		Body:   []byte("Body=%zz"),
	}
	err := New(Options{}).Verify(provider.Account{AuthToken: testToken}, w)
	if !errors.Is(err, provider.ErrMalformed) {
		t.Errorf("Verify of an invalid form body returned %v, want an error wrapping ErrMalformed", err)
	}
}

func FuzzCheckSignature(f *testing.F) {
	f.Add(testToken, dialActionURL, string(readFixture(f, "signature/dial-action.form")), "XeqWWv48z3HgXRtMyu7QkFTIVYY=")
	f.Add(testToken, smsURL, string(readFixture(f, "signature/sms-inbound.form")), "mfB4+WW8qgRaXlxSqc2ksigs+S0=")
	// The wrong signatures of real proxy and port mistakes: the URL behind a TLS proxy, the default
	// port added, the port or the query dropped, and the query's "?" escaped.
	f.Add(testToken, "http://hooks.example.com/twilio/voice/dial-action", string(readFixture(f, "signature/dial-action.form")),
		"4C9xj5pVznC8h1/EVYtIMtCD3qY=")
	f.Add(testToken, "https://hooks.example.com:443/twilio/voice/dial-action",
		string(readFixture(f, "signature/dial-action.form")), "cnlp24nyg6KUnxWbwY5ESCE1SUs=")
	f.Add(testToken, smsURL, string(readFixture(f, "signature/sms-inbound.form")), "GWnGOF7/4Pf73DCwIdPGHqwG+MI=")
	f.Add(testToken, smsURL, string(readFixture(f, "signature/sms-inbound.form")), "MUUsInrbsGttiRJBBNoqJCycCNs=")
	f.Add(testToken, smsURL, string(readFixture(f, "signature/sms-inbound.form")), "LEG0I9hZZXMyvidYRzp4tBw5PLE=")
	f.Add("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
		"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212",
		"0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
	f.Add("t", "https://[::1]:443?x#y", "a=%zz", "")
	f.Add("", "://:", "&&=", "=")
	f.Fuzz(func(t *testing.T, token, rawURL, body, header string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			form = nil
		}
		checkSignature(token, rawURL, form, header)
		checkSignedBody(token, rawURL, []byte(body), header)
		if token != "" && !checkSignature(token, rawURL, form, Sign(token, rawURL, form)) {
			t.Errorf("checkSignature rejected Sign's own signature for %q", rawURL)
		}
	})
}
