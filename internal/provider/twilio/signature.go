// Twilio signs every webhook with the X-Twilio-Signature header. For a form-encoded POST such as
// this one, signed with the auth token "fake_auth_token_for_tests_0001",
//
//	POST https://hooks.example.com/webhooks/twilio/sms?tenant=acme
//	X-Twilio-Signature: NZmM+ZK/HvIuVn0ERXVfKFY6vLI=
//
//	AccountSid=AC00000000000000000000000000000000&MessageSid=SM00000000000000000000000000000000&
//	From=%2B12025550143&To=%2B13125550199&Body=Yes
//
// the signature is base64(HMAC-SHA1(auth token, URL + each body parameter as name+value, sorted by
// name)). The URL is the one Twilio called, with its raw query string. For JSON bodies Twilio adds
// bodySHA256=<hex SHA-256 of the body> to the query and signs the URL alone.
// See https://www.twilio.com/docs/usage/webhooks/webhooks-security.

package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// bodyHashParam is the query parameter that carries the SHA-256 of a JSON webhook body.
const bodyHashParam = "bodySHA256"

// defaultPorts maps a URL scheme to the port a URL of that scheme uses when it names none.
var defaultPorts = map[string]string{
	"https": "443",
	"http":  "80",
}

// Sign computes the X-Twilio-Signature value for a webhook: base64 of HMAC-SHA1 keyed with
// authToken over fullURL followed by every parameter of form as name+value. Names are sorted in
// ascending byte order, and the values of a repeated name keep their order. fullURL is used exactly
// as given.
func Sign(authToken, fullURL string, form url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))

	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range form[name] {
			mac.Write([]byte(name))
			mac.Write([]byte(value))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkSignature reports whether header is the signature of form posted to fullURL. It accepts a
// signature computed over fullURL exactly as given, or over fullURL with the scheme's default port
// added (when it has no port) or removed (when it names the default port). It never drops a
// non-default port and never re-encodes the query string. An empty token or header never matches.
func checkSignature(token, fullURL string, form url.Values, header string) bool {
	if token == "" || header == "" {
		return false
	}
	matched := false
	for _, candidate := range signedURLCandidates(fullURL) {
		// Every candidate is compared, so the time taken does not reveal which one matched.
		if hmac.Equal([]byte(Sign(token, candidate, form)), []byte(header)) {
			matched = true
		}
	}
	return matched
}

// checkSignedBody reports whether header signs a JSON webhook: the signature covers fullURL alone,
// and the bodySHA256 query parameter of fullURL must be the hex SHA-256 of body.
func checkSignedBody(token, fullURL string, body []byte, header string) bool {
	wantHash, ok := bodyHashOf(fullURL)
	if !ok {
		return false
	}
	gotHash := sha256.Sum256(body)
	hashMatches := hmac.Equal(gotHash[:], wantHash)
	signatureMatches := checkSignature(token, fullURL, nil, header)
	return hashMatches && signatureMatches
}

// bodyHashOf returns the decoded bodySHA256 query parameter of rawURL, and whether it has one.
func bodyHashOf(rawURL string) ([]byte, bool) {
	query, err := url.ParseQuery(rawQueryOf(rawURL))
	if err != nil || !query.Has(bodyHashParam) {
		return nil, false
	}
	hash, err := hex.DecodeString(query.Get(bodyHashParam))
	if err != nil || len(hash) != sha256.Size {
		return nil, false
	}
	return hash, true
}

// rawQueryOf returns the query string of rawURL as written, without the "?" and any fragment.
func rawQueryOf(rawURL string) string {
	rawURL, _, _ = strings.Cut(rawURL, "#")
	_, query, _ := strings.Cut(rawURL, "?")
	return query
}

// signedURLCandidates returns rawURL and, for http and https URLs, the same string with the
// scheme's default port added or removed. Only the authority changes, so the path and the query
// keep their original encoding.
func signedURLCandidates(rawURL string) []string {
	candidates := []string{rawURL}

	schemeEnd := strings.Index(rawURL, "://")
	if schemeEnd < 0 {
		return candidates
	}
	defaultPort, ok := defaultPorts[strings.ToLower(rawURL[:schemeEnd])]
	if !ok {
		return candidates
	}

	authorityStart := schemeEnd + len("://")
	authorityEnd := len(rawURL)
	if i := strings.IndexAny(rawURL[authorityStart:], "/?#"); i >= 0 {
		authorityEnd = authorityStart + i
	}
	authority := rawURL[authorityStart:authorityEnd]
	// The host starts after any user information, which may itself contain ':'.
	hostStart := authorityStart + strings.LastIndex(authority, "@") + 1
	host, port, hasPort := splitPort(rawURL[hostStart:authorityEnd])

	switch {
	case !hasPort:
		candidates = append(candidates, rawURL[:authorityEnd]+":"+defaultPort+rawURL[authorityEnd:])
	case port == defaultPort:
		candidates = append(candidates, rawURL[:hostStart+len(host)]+rawURL[authorityEnd:])
	}
	return candidates
}

// splitPort splits "host:port" or "[v6]:port" into host and port. hasPort is true when a ':'
// follows the host, even when the port after it is empty.
func splitPort(hostPort string) (host, port string, hasPort bool) {
	colon := strings.LastIndexByte(hostPort, ':')
	if colon < 0 || colon < strings.LastIndexByte(hostPort, ']') {
		return hostPort, "", false
	}
	return hostPort[:colon], hostPort[colon+1:], true
}
