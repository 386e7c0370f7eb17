package manifest

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

var (
	staffKeys   = []string{"name", "phone", "email"}
	alertKeys   = []string{"sms", "email", "missed_calls", "escalate_after", "aggregate_window", "webhook"}
	webhookKeys = []string{"url", "secret"}
)

var (
	// escalateRange is the range of escalate_after, where 0 never escalates.
	escalateRange = durationRange{min: time.Minute, max: 24 * time.Hour, zero: true,
		text: "0 to never escalate, or from 1m to 24h"}
	// aggregateRange is the range of aggregate_window.
	aggregateRange = durationRange{min: time.Minute, max: time.Hour, text: "from 1m to 1h"}
)

// loopbackHosts are the hosts a webhook may reach over plain http, because the request never leaves the
// machine.
var loopbackHosts = []string{"127.0.0.1", "localhost"}

// team validates the business's team. Phones are read in region, and each is recorded in numbers, so that no
// team phone is one of the file's textback numbers.
func (c *checker) team(business *mapping, region string, numbers *numberIndex) []store.Staff {
	items, _ := c.sequence(business, "team")
	path := join(business.path, "team")
	var team []store.Staff
	phones := map[string]int{}
	for i, item := range items {
		m := c.mapping(item, index(path, i), staffKeys)
		if m == nil {
			continue
		}
		member := c.staff(m, region)
		if member.Phone != "" {
			if first, ok := phones[member.Phone]; ok {
				c.errorf(m.at("phone"), join(m.path, "phone"), "duplicate phone %s, first listed at line %d: "+
					"list each team member once", member.Phone, first)
			} else {
				phones[member.Phone] = m.at("phone").Line
				numbers.staff = append(numbers.staff, forward{e164: member.Phone, node: m.at("phone"),
					path: join(m.path, "phone")})
			}
		}
		team = append(team, member)
	}
	return team
}

// staff validates one team member, who needs a name and a phone or an email.
func (c *checker) staff(m *mapping, region string) store.Staff {
	var member store.Staff
	if name, ok := c.required(m, "name", "the person's name, such as Dana"); ok {
		member.Name = strings.TrimSpace(name)
	}
	phone, phoneOK := c.string(m, "phone")
	if strings.TrimSpace(phone) != "" {
		member.Phone = c.phoneNumber(m, "phone", phone, region)
	}
	email, emailOK := c.string(m, "email")
	if strings.TrimSpace(email) != "" {
		member.Email = c.email(m, email)
	}
	// A value that is set but failed to expand has been reported already.
	reported := (m.has("phone") && !phoneOK) || (m.has("email") && !emailOK)
	if strings.TrimSpace(phone) == "" && strings.TrimSpace(email) == "" && !reported {
		c.errorf(m.node, m.path, "team member has no phone or email, so no alert could reach them: add a phone "+
			"such as \"+13125550100\", an email such as dana@example.com, or both")
	}
	return member
}

// email returns the validated email address at the mapping's email key, or "" after recording an error.
func (c *checker) email(m *mapping, raw string) string {
	text := strings.TrimSpace(raw)
	address, err := mail.ParseAddress(text)
	switch {
	case err != nil:
		c.errorf(m.at("email"), join(m.path, "email"), "invalid email %s: use an address such as "+
			"dana@example.com", quote(raw))
	case address.Address != text:
		c.errorf(m.at("email"), join(m.path, "email"), "invalid email %s: write only the address, such as %s",
			quote(raw), address.Address)
	default:
		return address.Address
	}
	return ""
}

// checkStaffPhones records an error for each team phone that is one of the file's textback numbers, since
// alerts texted to it would arrive at textback itself.
func (c *checker) checkStaffPhones(numbers *numberIndex) {
	for _, s := range numbers.staff {
		if line, ok := numbers.lines[s.e164]; ok {
			c.errorf(s.node, s.path, "phone %s is a textback number listed at line %d, so alerts would be texted "+
				"to textback itself: set it to the team member's own phone", s.e164, line)
		}
	}
}

// alerts validates the business's alerts section, starting from the defaults in def, and warns about settings
// that the team cannot act on.
func (c *checker) alerts(business *mapping, team []store.Staff, def store.Alerting) store.Alerting {
	m := c.mapping(business.values["alerts"], join(business.path, "alerts"), alertKeys)
	if m == nil {
		return def
	}
	alerts := def
	alerts.SMS = c.bool(m, "sms", def.SMS)
	alerts.Email = c.bool(m, "email", def.Email)
	alerts.MissedCalls = c.bool(m, "missed_calls", def.MissedCalls)
	alerts.EscalateAfter = store.Duration(c.duration(m, "escalate_after", time.Duration(def.EscalateAfter),
		escalateRange))
	alerts.AggregateWindow = store.Duration(c.duration(m, "aggregate_window", time.Duration(def.AggregateWindow),
		aggregateRange))
	alerts.Webhook.URL, alerts.Webhook.Secret = c.webhook(m)

	var phones, emails int
	for _, member := range team {
		if member.Phone != "" {
			phones++
		}
		if member.Email != "" {
			emails++
		}
	}
	// Only values written in the file get warnings, so that a business that leaves alerts out gets none.
	if m.has("sms") && alerts.SMS && phones == 0 {
		c.warnf(m.at("sms"), join(m.path, "sms"), "sms is true but no team member has a phone, so no alert is "+
			"texted: add a phone under team, or set sms: false")
	}
	if m.has("email") && alerts.Email && emails == 0 {
		c.warnf(m.at("email"), join(m.path, "email"), "email is true but no team member has an email, so no "+
			"alert is emailed: add an email under team, or set email: false")
	}
	if m.has("escalate_after") && alerts.EscalateAfter > 0 && len(team) < 2 {
		c.warnf(m.at("escalate_after"), join(m.path, "escalate_after"), "escalate_after has no effect with %d "+
			"team member(s), because an escalation alerts the next member of team: add a member, or set "+
			"escalate_after: 0", len(team))
	}
	return alerts
}

// webhook validates the alerts webhook and returns its URL and secret, or empty strings when there is none.
// Messages show only the URL's scheme and host, because a Slack webhook URL carries a secret in its path.
func (c *checker) webhook(parent *mapping) (rawURL, secret string) {
	if !parent.has("webhook") {
		return "", ""
	}
	m := c.mapping(parent.values["webhook"], join(parent.path, "webhook"), webhookKeys)
	if m == nil {
		return "", ""
	}
	secret, _ = c.string(m, "secret")
	raw, ok := c.required(m, "url", "the https URL that receives alerts, such as "+
		"https://hooks.slack.com/services/...")
	if !ok {
		return "", ""
	}
	raw = strings.TrimSpace(raw)
	if u, ok := c.webhookURL(m, raw); ok {
		return u, secret
	}
	return "", ""
}

// webhookURL checks that raw, the webhook URL, is an absolute https URL, or an http URL to this machine.
func (c *checker) webhookURL(m *mapping, raw string) (string, bool) {
	node, path := m.at("url"), join(m.path, "url")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		c.errorf(node, path, "invalid url: expected an absolute https URL such as "+
			"https://hooks.slack.com/services/...")
		return "", false
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		c.errorf(node, path, "url %s uses http, which would send alerts unencrypted: use https, since "+
			"http is allowed only for 127.0.0.1 and localhost", quote(u.Scheme+"://"+u.Host))
		return "", false
	}
	return raw, true
}

func isLoopback(host string) bool {
	for _, h := range loopbackHosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}
