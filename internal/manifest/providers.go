package manifest

import (
	"net/url"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/provider"
)

var providerKeys = []string{"name", "kind", "account_sid", "auth_token", "api_base_url"}

var (
	providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	twilioSID    = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	authToken    = regexp.MustCompile(`^[A-Za-z0-9]+$`)
)

// providers validates the providers list. It returns every entry that has a name, even when the name or
// other fields are invalid, so that numbers naming it are not reported as well.
func (c *checker) providers(nodes []*yaml.Node) []Provider {
	var out []Provider
	lines := map[string]int{}
	for i, n := range nodes {
		path := index("providers", i)
		m := c.mapping(n, path, providerKeys)
		if m == nil {
			continue
		}
		p := c.provider(m)
		if p.Name == "" {
			continue
		}
		if first, ok := lines[p.Name]; ok {
			c.errorf(m.at("name"), join(path, "name"), "duplicate provider name %s, first declared at line %d: "+
				"give each provider its own name", quote(p.Name), first)
			continue
		}
		lines[p.Name] = p.Line
		out = append(out, p)
	}
	return out
}

// provider validates one provider entry. Fields with errors other than the name are left empty.
func (c *checker) provider(m *mapping) Provider {
	p := Provider{Line: m.node.Line}

	// An invalid name is kept, so that numbers naming the provider are not reported as well. Parse returns
	// no File when there is an error, so the name is never used.
	if name, ok := c.required(m, "name", "a name such as twilio-main"); ok {
		p.Name = name
		if !providerName.MatchString(name) {
			c.errorf(m.at("name"), join(m.path, "name"), "invalid name %s: use 1 to 63 lowercase letters, digits "+
				"and dashes, starting with a letter or digit, such as twilio-main", quote(name))
		}
	}

	kind, ok := c.required(m, "kind", "twilio or sandbox")
	switch provider.Kind(kind) {
	case KindTwilio, KindSandbox:
		p.Kind = provider.Kind(kind)
	default:
		if ok {
			c.errorf(m.at("kind"), join(m.path, "kind"), "unknown kind %s: use twilio or sandbox", quote(kind))
		}
	}

	p.AccountSID = c.accountSID(m, p.Kind == KindTwilio)
	p.AuthToken = c.authToken(m, p.Kind == KindTwilio)
	p.APIBaseURL = c.apiBaseURL(m)
	return p
}

// accountSID returns the validated account_sid, which Twilio requires and the sandbox may leave out.
func (c *checker) accountSID(m *mapping, required bool) string {
	path := join(m.path, "account_sid")
	if !m.has("account_sid") {
		if required {
			c.errorf(m.at("account_sid"), path, "missing account_sid: set it to the account SID from the Twilio "+
				"console, AC followed by 32 hexadecimal digits")
		}
		return ""
	}
	sid, ok := c.string(m, "account_sid")
	if !ok {
		return ""
	}
	if !twilioSID.MatchString(sid) {
		c.errorf(m.at("account_sid"), path, "invalid account_sid %s: expected AC followed by 32 hexadecimal "+
			"digits, as shown in the Twilio console", quote(sid))
		return ""
	}
	return sid
}

// authToken returns the validated auth_token, which Twilio requires and the sandbox may leave out. Messages
// never quote the token.
func (c *checker) authToken(m *mapping, required bool) string {
	path := join(m.path, "auth_token")
	const fix = "set it to the account's auth token, preferably from the environment as in " +
		"auth_token: ${TWILIO_AUTH_TOKEN}"
	if !m.has("auth_token") {
		if required {
			c.errorf(m.at("auth_token"), path, "missing auth_token, so the provider's webhooks could not be "+
				"verified: %s", fix)
		}
		return ""
	}
	token, ok := c.string(m, "auth_token")
	if !ok {
		return ""
	}
	if token == "" {
		if required {
			c.errorf(m.at("auth_token"), path, "auth_token is empty, so the provider's webhooks could not be "+
				"verified: %s", fix)
		}
		return ""
	}
	if !authToken.MatchString(token) {
		c.errorf(m.at("auth_token"), path, "invalid auth_token: it must contain only letters and digits, so "+
			"check for spaces, quotes or a line break copied with it")
		return ""
	}
	return token
}

// apiBaseURL returns the validated api_base_url, or "" when it is absent.
func (c *checker) apiBaseURL(m *mapping) string {
	raw, ok := c.string(m, "api_base_url")
	if !ok || raw == "" {
		return ""
	}
	path := join(m.path, "api_base_url")
	u, err := url.Parse(raw)
	shown := quote(raw)
	if err == nil {
		// Redacted hides a password, which does not belong in a message.
		shown = quote(u.Redacted())
	}
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		c.errorf(m.at("api_base_url"), path, "invalid api_base_url %s: expected an absolute http or https URL "+
			"such as https://api.twilio.com, or remove the key to use the provider's public API", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		c.errorf(m.at("api_base_url"), path, "invalid api_base_url %s: remove the query and fragment, because "+
			"request paths are appended to it", shown)
	case u.User != nil:
		c.errorf(m.at("api_base_url"), path, "invalid api_base_url %s: remove the user name and password, "+
			"because account_sid and auth_token authenticate the requests", shown)
	default:
		return raw
	}
	return ""
}
