package pbx

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/textback/textback/internal/provider"
)

const testSecret = "pbx_secret_example_0001"

// docsBody, docsTimestamp and docsSignature are the worked example of docs/pbx.md, whose
// signature was computed with `openssl dgst -sha256 -hmac`.
const (
	docsBody = `{"call_id":"1773255850.42","caller":"+12025550143","called":"+13125550199",` +
		`"outcome":"missed","time":"2026-03-11T19:04:10Z","ring_seconds":18}`
	docsTimestamp = "1773255850"
	docsSignature = "v1=0e2aae646308f9aab19f74425fd109d238fc6e653fb7c81a7a154b9c0fe1dac8"
)

// sign returns the X-Textback-Signature of body at timestamp, computed here independently of the
// code under test.
func sign(secret, timestamp, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "." + body))
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// signedWebhook returns docsBody received at docsTimestamp plus skew, with header.
func signedWebhook(skew time.Duration, header http.Header) provider.Webhook {
	seconds, _ := strconv.ParseInt(docsTimestamp, 10, 64)
	return provider.Webhook{
		Route: testToken, Header: header, Body: []byte(docsBody),
		ReceivedAt: time.Unix(seconds, 0).Add(skew),
	}
}

func TestVerify(t *testing.T) {
	account := provider.Account{Kind: Kind, AuthToken: testSecret}
	good := sign(testSecret, docsTimestamp, docsBody)
	tests := []struct {
		name    string
		account provider.Account
		skew    time.Duration
		header  http.Header
		ok      bool
	}{
		{"hmac docs example", account, 0, http.Header{
			"X-Textback-Signature": {docsSignature}, "X-Textback-Timestamp": {docsTimestamp}}, true},
		{"hmac late within tolerance", account, 4*time.Minute + 59*time.Second, http.Header{
			"X-Textback-Signature": {good}, "X-Textback-Timestamp": {docsTimestamp}}, true},
		{"hmac early within tolerance", account, -4 * time.Minute, http.Header{
			"X-Textback-Signature": {good}, "X-Textback-Timestamp": {docsTimestamp}}, true},
		{"hmac wrong secret", account, 0, http.Header{
			"X-Textback-Signature": {sign("another_secret", docsTimestamp, docsBody)},
			"X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac other body", account, 0, http.Header{
			"X-Textback-Signature": {sign(testSecret, docsTimestamp, `{"call_id":"other"}`)},
			"X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac timestamp not signed", account, time.Second, http.Header{
			"X-Textback-Signature": {good}, "X-Textback-Timestamp": {"1773255851"}}, false},
		{"hmac stale", account, 6 * time.Minute, http.Header{
			"X-Textback-Signature": {good}, "X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac future", account, -6 * time.Minute, http.Header{
			"X-Textback-Signature": {good}, "X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac missing timestamp", account, 0, http.Header{"X-Textback-Signature": {good}}, false},
		{"hmac not hex", account, 0, http.Header{
			"X-Textback-Signature": {"v1=zz"}, "X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac without v1", account, 0, http.Header{
			"X-Textback-Signature": {good[len("v1="):]}, "X-Textback-Timestamp": {docsTimestamp}}, false},
		{"hmac wrong, bearer right", account, 0, http.Header{
			"X-Textback-Signature": {sign("another_secret", docsTimestamp, docsBody)},
			"X-Textback-Timestamp": {docsTimestamp}, "Authorization": {"Bearer " + testSecret}}, false},
		{"bearer", account, 0, http.Header{"Authorization": {"Bearer " + testSecret}}, true},
		{"bearer lower case", account, 0, http.Header{"Authorization": {"bearer " + testSecret}}, true},
		{"bearer wrong", account, 0, http.Header{"Authorization": {"Bearer another_secret"}}, false},
		{"bearer prefix of secret", account, 0, http.Header{"Authorization": {"Bearer " + testSecret[:10]}}, false},
		{"bearer empty", account, 0, http.Header{"Authorization": {"Bearer "}}, false},
		{"basic auth", account, 0, http.Header{"Authorization": {"Basic " + testSecret}}, false},
		{"no credentials", account, 0, http.Header{}, false},
		{"no secret, hmac", provider.Account{Kind: Kind}, 0, http.Header{
			"X-Textback-Signature": {sign("", docsTimestamp, docsBody)}, "X-Textback-Timestamp": {docsTimestamp}}, false},
		{"no secret, bearer", provider.Account{Kind: Kind}, 0, http.Header{"Authorization": {"Bearer "}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New().Verify(tt.account, signedWebhook(tt.skew, tt.header))
			if tt.ok && err != nil {
				t.Errorf("Verify: %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, provider.ErrSignature) {
				t.Errorf("Verify = %v, want an error wrapping ErrSignature", err)
			}
		})
	}
}

func TestVerifyDocsSignature(t *testing.T) {
	if got := sign(testSecret, docsTimestamp, docsBody); got != docsSignature {
		t.Errorf("signature of the docs example = %q, want %q", got, docsSignature)
	}
}
