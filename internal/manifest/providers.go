package manifest

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/provider"
)

// kindKeys lists the keys that each provider kind takes, in the order messages name them.
var kindKeys = map[provider.Kind][]string{
	KindTwilio:     {"name", "kind", "account_sid", "auth_token", "api_base_url"},
	KindSandbox:    {"name", "kind", "account_sid", "auth_token", "api_base_url"},
	KindTelnyx:     {"name", "kind", "api_key", "public_key", "api_base_url"},
	KindSignalWire: {"name", "kind", "project_id", "api_token", "signing_key", "space_url"},
}

// providerKeys is every key that some kind takes. An entry whose kind is missing or unknown may use any of them.
var providerKeys = []string{
	"name", "kind", "account_sid", "auth_token", "api_base_url", "api_key", "public_key", "project_id", "api_token",
	"signing_key", "space_url",
}

// kindList names the kinds in messages.
const kindList = "twilio, telnyx, signalwire or sandbox"

// keyRenames names the key of a kind that holds what another kind's key holds, for the message about a key
// written for the wrong kind.
var keyRenames = map[provider.Kind]map[string]string{
	KindTelnyx: {"auth_token": "api_key"},
	KindSignalWire: {
		"account_sid": "project_id", "auth_token": "api_token", "api_base_url": "space_url", "public_key": "signing_key",
	},
}

var (
	providerName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	twilioSID    = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	authToken    = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	// apiCredential matches Telnyx API keys (KEY, hexadecimal digits, an underscore and letters and digits)
	// and SignalWire API tokens and signing keys, with a margin for other forms of them.
	apiCredential = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	projectID     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// signalWireSpace matches the host of a SignalWire space URL, such as example.signalwire.com.
	signalWireSpace = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?\.signalwire\.com$`)
)

// ed25519KeySize is the size of an Ed25519 public key in bytes.
const ed25519KeySize = 32

// providers validates the providers list. It returns every entry that has a name, even when the name or
// other fields are invalid, so that numbers naming it are not reported as well.
func (c *checker) providers(nodes []*yaml.Node) []Provider {
	var out []Provider
	lines := map[string]int{}
	for i, n := range nodes {
		path := index("providers", i)
		kind := c.declaredKind(n)
		allowed, ok := kindKeys[kind]
		if !ok {
			allowed = providerKeys
		}
		m := c.mappingWith(n, path, allowed, wrongKindKey(kind))
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

// declaredKind returns the kind that the provider entry n declares, or "" when it declares none of the kinds
// in kindKeys. It records no errors, because provider reports them once n is read as a mapping.
func (c *checker) declaredKind(n *yaml.Node) provider.Kind {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := resolve(n.Content[i]), resolve(n.Content[i+1])
		if key == nil || key.Kind != yaml.ScalarNode || key.Value != "kind" {
			continue
		}
		// The first kind key counts, as in mapping, which reports any later one as a duplicate.
		if value == nil || value.Kind != yaml.ScalarNode {
			return ""
		}
		expanded, err := expand(value.Value, c.lookupEnv)
		if _, known := kindKeys[provider.Kind(expanded)]; err != nil || !known {
			return ""
		}
		return provider.Kind(expanded)
	}
	return ""
}

// wrongKindKey returns the function that words the error for a key that kind does not take, or nil for the
// default message when kind is not known.
func wrongKindKey(kind provider.Kind) func(key string) string {
	keys, ok := kindKeys[kind]
	if !ok {
		return nil
	}
	takes := fmt.Sprintf("a %s provider takes %s", kind, strings.Join(keys, ", "))
	return func(key string) string {
		if !slices.Contains(providerKeys, key) {
			return fmt.Sprintf("unknown key %s: %s", quote(key), takes)
		}
		if renamed, ok := keyRenames[kind][key]; ok {
			return fmt.Sprintf("key %s does not apply to kind %s: write it as %s, because %s", quote(key), kind,
				renamed, takes)
		}
		return fmt.Sprintf("key %s does not apply to kind %s: remove it, because %s", quote(key), kind, takes)
	}
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

	kind, ok := c.required(m, "kind", kindList)
	switch provider.Kind(kind) {
	case KindTwilio, KindSandbox:
		p.Kind = provider.Kind(kind)
		required := p.Kind == KindTwilio
		p.AccountSID = c.accountSID(m, required)
		p.AuthToken = c.credential(m, twilioAuthToken, required)
		p.APIBaseURL = c.apiBaseURL(m, "https://api.twilio.com")
	case KindTelnyx:
		p.Kind = KindTelnyx
		p.AuthToken = c.credential(m, telnyxAPIKey, true)
		p.PublicKey = c.telnyxPublicKey(m)
		p.APIBaseURL = c.apiBaseURL(m, "https://api.telnyx.com")
	case KindSignalWire:
		p.Kind = KindSignalWire
		p.AccountSID = c.projectID(m)
		p.AuthToken = c.credential(m, signalWireAPIToken, true)
		p.PublicKey = c.signingKey(m)
		p.APIBaseURL = c.spaceURL(m)
	default:
		if ok {
			c.errorf(m.at("kind"), join(m.path, "kind"), "unknown kind %s: use %s", quote(kind), kindList)
		}
	}
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

// credentialKey describes a key that contains a secret: how it is checked, and the text of its messages.
type credentialKey struct {
	key string
	// unusable completes "missing KEY, so ..." with what fails without the value.
	unusable string
	// fix completes "...: " with where the value comes from.
	fix string
	// pattern matches a valid value, and characters lists the characters it may contain, for messages.
	pattern    *regexp.Regexp
	characters string
}

var (
	twilioAuthToken = credentialKey{
		key:      "auth_token",
		unusable: "the provider's webhooks could not be verified",
		fix: "set it to the account's auth token, preferably from the environment as in " +
			"auth_token: ${TWILIO_AUTH_TOKEN}",
		pattern:    authToken,
		characters: "letters and digits",
	}
	telnyxAPIKey = credentialKey{
		key:      "api_key",
		unusable: "textback could not send texts",
		fix: "set it to an API key of the Telnyx account, preferably from the environment as in " +
			"api_key: ${TELNYX_API_KEY}",
		pattern:    apiCredential,
		characters: "letters, digits, '_', '-' and '.'",
	}
	signalWireAPIToken = credentialKey{
		key:      "api_token",
		unusable: "textback could not send texts",
		fix: "set it to an API token of the SignalWire project, preferably from the environment as in " +
			"api_token: ${SIGNALWIRE_API_TOKEN}",
		pattern:    apiCredential,
		characters: "letters, digits, '_', '-' and '.'",
	}
)

// credential returns the validated secret at spec.key, or "" when it is absent and not required. Messages
// never quote the value.
func (c *checker) credential(m *mapping, spec credentialKey, required bool) string {
	path := join(m.path, spec.key)
	if !m.has(spec.key) {
		if required {
			c.errorf(m.at(spec.key), path, "missing %s, so %s: %s", spec.key, spec.unusable, spec.fix)
		}
		return ""
	}
	value, ok := c.string(m, spec.key)
	if !ok {
		return ""
	}
	if value == "" {
		if required {
			c.errorf(m.at(spec.key), path, "%s is empty, so %s: %s", spec.key, spec.unusable, spec.fix)
		}
		return ""
	}
	if !spec.pattern.MatchString(value) {
		c.errorf(m.at(spec.key), path, "invalid %s: it must contain only %s, so check for spaces, quotes or a "+
			"line break copied with it", spec.key, spec.characters)
		return ""
	}
	return value
}

// telnyxPublicKey returns the validated public_key, the base64 Ed25519 key that verifies Telnyx's webhooks.
func (c *checker) telnyxPublicKey(m *mapping) string {
	const fix = "copy the public key from the Telnyx portal, 44 characters of base64 ending in ="
	path := join(m.path, "public_key")
	if !m.has("public_key") {
		c.errorf(m.at("public_key"), path, "missing public_key, so Telnyx's webhooks could not be verified: %s", fix)
		return ""
	}
	raw, ok := c.string(m, "public_key")
	if !ok {
		return ""
	}
	key := strings.TrimSpace(raw)
	if key == "" {
		c.errorf(m.at("public_key"), path, "public_key is empty, so Telnyx's webhooks could not be verified: %s", fix)
		return ""
	}
	decoded, err := base64.StdEncoding.DecodeString(key)
	switch {
	case err != nil:
		c.errorf(m.at("public_key"), path, "invalid public_key: it is not valid base64: %s", fix)
	case len(decoded) != ed25519KeySize:
		c.errorf(m.at("public_key"), path, "invalid public_key: it decodes to %d bytes, but an Ed25519 public "+
			"key has %d: %s", len(decoded), ed25519KeySize, fix)
	default:
		return key
	}
	return ""
}

// projectID returns the validated project_id, the id of a SignalWire project, in lowercase.
//
// NOTE: textback finds the account of a webhook by comparing its AccountSid with the stored id
// exactly, so the id is stored in lowercase, the usual form of a UUID. This assumes that
// SignalWire sends the id in lowercase, as its dashboard shows it.
func (c *checker) projectID(m *mapping) string {
	id, ok := c.required(m, "project_id", "the project id from the SignalWire dashboard, a UUID such as "+
		"0f1e2d3c-4b5a-4697-8877-665544332211")
	if !ok {
		return ""
	}
	if !projectID.MatchString(id) {
		c.errorf(m.at("project_id"), join(m.path, "project_id"), "invalid project_id %s: expected the project's "+
			"UUID from the SignalWire dashboard, such as 0f1e2d3c-4b5a-4697-8877-665544332211", quote(id))
		return ""
	}
	return strings.ToLower(id)
}

// signingKey returns the validated signing_key of a SignalWire project. Without one, textback verifies the
// project's webhooks with its API token, and signingKey records a warning.
func (c *checker) signingKey(m *mapping) string {
	if !m.has("signing_key") || c.isEmpty(m, "signing_key") {
		c.warnf(m.at("signing_key"), join(m.path, "signing_key"), "no signing_key, so textback checks webhook "+
			"signatures with api_token, and every webhook of a project that signs with a signing key is "+
			"rejected with 403: set signing_key to the project's signing key from the SignalWire dashboard")
		return ""
	}
	spec := credentialKey{key: "signing_key", pattern: apiCredential, characters: "letters, digits, '_', '-' and '.'"}
	return c.credential(m, spec, false)
}

// isEmpty reports whether key is set to a value that expands to the empty string. It records no errors.
func (c *checker) isEmpty(m *mapping, key string) bool {
	n := resolve(m.values[key])
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	value, err := expand(n.Value, c.lookupEnv)
	return err == nil && value == ""
}

// apiBaseURL returns the validated api_base_url, or "" when it is absent. example is the provider's public
// API, which messages show.
func (c *checker) apiBaseURL(m *mapping, example string) string {
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
			"such as %s, or remove the key to use the provider's public API", shown, example)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		c.errorf(m.at("api_base_url"), path, "invalid api_base_url %s: remove the query and fragment, because "+
			"request paths are appended to it", shown)
	case u.User != nil:
		c.errorf(m.at("api_base_url"), path, "invalid api_base_url %s: remove the user name and password, "+
			"because the provider's credentials authenticate the requests", shown)
	default:
		return raw
	}
	return ""
}

// spaceURL returns the validated space_url of a SignalWire project: https://<space>.signalwire.com, or an
// http or https URL of 127.0.0.1 or localhost for a test server.
func (c *checker) spaceURL(m *mapping) string {
	const example = "https://example.signalwire.com"
	raw, ok := c.required(m, "space_url", "the project's space URL, such as "+example)
	if !ok {
		return ""
	}
	path := join(m.path, "space_url")
	u, err := url.Parse(raw)
	shown := quote(raw)
	if err == nil {
		shown = quote(u.Redacted())
	}
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		c.errorf(m.at("space_url"), path, "invalid space_url %s: expected the project's space URL, such as %s",
			shown, example)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") ||
		(u.Path != "" && u.Path != "/"):
		c.errorf(m.at("space_url"), path, "invalid space_url %s: write only the scheme and host, such as %s, "+
			"because textback appends the API paths itself", shown, example)
	case isLoopback(u.Hostname()):
		return raw
	case u.Scheme == "http":
		c.errorf(m.at("space_url"), path, "space_url %s uses http, which would send the API token "+
			"unencrypted: use https, since http is allowed only for 127.0.0.1 and localhost", shown)
	case !signalWireSpace.MatchString(u.Hostname()):
		c.errorf(m.at("space_url"), path, "invalid space_url %s: expected a SignalWire space such as %s, or "+
			"127.0.0.1 or localhost for a test server", shown, example)
	default:
		return raw
	}
	return ""
}
