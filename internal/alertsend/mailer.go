package alertsend

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// userAgent is the User-Agent and X-Mailer header of every message, in place of go-mail's.
const userAgent = "textback"

// Mailer sends alerts and fallback messages by email. Each call opens its own connection to the
// relay, so a Mailer is safe for concurrent use.
type Mailer struct {
	relay   relay
	timeout time.Duration

	// Test hooks, unset outside tests.
	now      func() time.Time // clock for the Date header, or nil for time.Now
	dialAddr string           // address to connect to in place of the relay's host and port
	rootCAs  *x509.CertPool   // roots for the relay's certificate, or nil for the system roots
}

// NewMailer validates cfg and returns a Mailer. It does not connect to the relay.
func NewMailer(cfg SMTPConfig) (*Mailer, error) {
	r, err := parseRelay(cfg.URL, cfg.From)
	if err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultSMTPTimeout
	case timeout < 0:
		return nil, fmt.Errorf("invalid SMTP timeout %s: must not be negative", timeout)
	}
	return &Mailer{relay: r, timeout: timeout}, nil
}

// SendAlert emails the alert to the recipients in one message. The subject is
// "[textback] <Business>: <Summary>", with an "[URGENT] " prefix for high priority, which also
// sets the Importance, Priority and X-Priority headers. The plain-text body has the summary, the detail
// and the alert's fields. The Message-ID is derived from the alert's ID and time, so a retried
// alert carries the same Message-ID and mail clients can drop the duplicate.
//
// If the relay rejects any recipient, no one receives the message. Delivery failures are
// *DeliveryError values with the SMTP reply code: a 4xx reply, a network failure or a timeout
// is retryable, while a 5xx reply, a TLS failure or a relay without STARTTLS or AUTH is not.
func (m *Mailer) SendAlert(ctx context.Context, to []string, a Alert) error {
	if err := a.validate(); err != nil {
		return err
	}
	msg, err := m.newMessage(to, alertSubject(a), alertBody(a), alertMessageID(a, m.domain()))
	if err != nil {
		return err
	}
	if a.urgent() {
		msg.SetImportance(mail.ImportanceHigh)
	}
	return m.deliver(ctx, msg)
}

// Send emails a plain-text message to the recipients, such as the email fallback to a lead
// whose number cannot take texts. White space in subject, line breaks included, is collapsed
// into single spaces. Failures are reported as by SendAlert.
func (m *Mailer) Send(ctx context.Context, to []string, subject, body string) error {
	if strings.TrimSpace(subject) == "" {
		return errors.New("invalid email: subject is empty")
	}
	if strings.TrimSpace(body) == "" {
		return errors.New("invalid email: body is empty")
	}
	messageID := rand.Text() + "@" + m.domain()
	msg, err := m.newMessage(to, oneLine(subject), normalizeNewlines(body), messageID)
	if err != nil {
		return err
	}
	return m.deliver(ctx, msg)
}

// newMessage builds a plain-text message from the relay's sender to the recipients.
func (m *Mailer) newMessage(to []string, subject, body, messageID string) (*mail.Msg, error) {
	recipients, err := parseRecipients(to)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if m.now != nil {
		now = m.now
	}

	msg := mail.NewMsg()
	msg.FromMailAddress(m.relay.from)
	msg.ToMailAddress(recipients...)
	msg.Subject(subject)
	msg.SetDateWithValue(now())
	msg.SetMessageIDWithValue(messageID)
	msg.SetUserAgent(userAgent)
	// Auto-Submitted (RFC 3834) asks vacation responders not to reply to the message.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, body)
	return msg, nil
}

// parseRecipients parses each address and rejects an empty list.
func parseRecipients(to []string) ([]*netmail.Address, error) {
	if len(to) == 0 {
		return nil, errors.New("invalid email: no recipients")
	}
	recipients := make([]*netmail.Address, 0, len(to))
	for _, raw := range to {
		addr, err := netmail.ParseAddress(raw)
		if err != nil {
			return nil, fmt.Errorf("invalid email recipient %q: %w", raw, err)
		}
		recipients = append(recipients, addr)
	}
	return recipients, nil
}

// domain returns the domain of the sender address, for Message-ID values.
func (m *Mailer) domain() string {
	addr := m.relay.from.Address
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// deliver sends msg through the relay within m.timeout. The connection is closed as soon as ctx
// ends, which stops a transfer that go-mail's per-command deadline would let continue.
func (m *Mailer) deliver(ctx context.Context, msg *mail.Msg) error {
	timeoutCause := fmt.Errorf("email delivery timed out after %s: %w", m.timeout, context.DeadlineExceeded)
	ctx, cancel := context.WithTimeoutCause(ctx, m.timeout, timeoutCause)
	defer cancel()

	dial := func(dialCtx context.Context, network, _ string) (net.Conn, error) {
		conn, err := m.dial(dialCtx, network)
		if err != nil {
			return nil, err
		}
		// Runs when deliver returns, at the latest, because cancel is deferred.
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
	client, err := m.newClient(dial)
	if err != nil {
		return fmt.Errorf("configure SMTP client for %s: %w", m.relay.address(), err)
	}

	smtpClient, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return m.deliveryError(ctx, "connect to SMTP relay", err)
	}
	err = client.SendWithSMTPClient(smtpClient, msg)
	// go-mail resets the session after the relay accepts the message and reports a failed reset
	// as a send error. The message is delivered by then, so that error is ignored.
	if err != nil && !msg.IsDelivered() {
		return m.deliveryError(ctx, "send email via SMTP relay", err)
	}
	// The relay has accepted the message, so a failed QUIT does not make the delivery fail.
	_ = client.CloseWithSMTPClient(smtpClient)
	return nil
}

// newClient configures a go-mail client for the relay that connects through dial.
func (m *Mailer) newClient(dial mail.DialContextFunc) (*mail.Client, error) {
	policy := mail.TLSMandatory
	if m.relay.implicitTLS || m.relay.isLoopback() {
		policy = mail.NoTLS
	}
	opts := []mail.Option{
		mail.WithPort(m.relay.port),
		// go-mail's deadline for each command is set past the context's, so that the context
		// ends first and the error reports that the delivery timed out.
		mail.WithTimeout(m.timeout + time.Second),
		mail.WithDialContextFunc(dial),
		mail.WithTLSConfig(m.tlsConfig()),
		mail.WithTLSPolicy(policy),
	}
	if m.relay.username != "" {
		opts = append(opts,
			mail.WithUsername(m.relay.username),
			mail.WithPassword(m.relay.password),
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
		)
	}
	return mail.NewClient(m.relay.host, opts...)
}

// dial connects to the relay, with a TLS handshake first for smtps://. It ignores the address
// that go-mail v0.8.1 passes, which is formatted without brackets for an IPv6 host.
func (m *Mailer) dial(ctx context.Context, network string) (net.Conn, error) {
	addr := m.relay.address()
	if m.dialAddr != "" {
		addr = m.dialAddr
	}
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if !m.relay.implicitTLS {
		return conn, nil
	}
	tlsConn := tls.Client(conn, m.tlsConfig())
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("TLS handshake with %s: %w", m.relay.host, err)
	}
	return tlsConn, nil
}

// tlsConfig returns the TLS settings for STARTTLS and for smtps://.
func (m *Mailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: m.relay.host, MinVersion: tls.VersionTLS12, RootCAs: m.rootCAs}
}

// deliveryError wraps err from the exchange with the relay in a DeliveryError. A 4xx reply is
// temporary and a 5xx reply is permanent. Without a reply, a network failure or timeout is
// temporary, while a TLS failure, a relay without STARTTLS or AUTH, or an address that go-mail
// rejects is permanent.
func (m *Mailer) deliveryError(ctx context.Context, op string, err error) error {
	code, temporary := classifySMTP(err)
	if cause := context.Cause(ctx); cause != nil && code == 0 {
		err = fmt.Errorf("%w: %w", cause, err)
		temporary = true
	}
	return &DeliveryError{
		Code:      code,
		Temporary: temporary,
		Err:       fmt.Errorf("%s %s: %w", op, m.relay.address(), err),
	}
}

// classifySMTP returns the SMTP reply code in err, or 0 when there is none, and whether the
// failure is temporary.
func classifySMTP(err error) (code int, temporary bool) {
	// go-mail v0.8.1 reports failures after connecting as *mail.SendError, which does not unwrap
	// to the reply but keeps its code.
	// NOTE: when several recipients are rejected, go-mail keeps only the last one's code, so a mix
	// of 4xx and 5xx rejections is classified by whichever recipient came last.
	var sendErr *mail.SendError
	if errors.As(err, &sendErr) {
		if code := sendErr.ErrorCode(); code != 0 {
			return code, code/100 == 4
		}
		switch sendErr.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			// go-mail rejected the message before sending any command.
			return 0, false
		}
		// A command got no reply: the connection failed during the transaction.
		return 0, true
	}
	// Failures while connecting, sending EHLO, starting TLS or authenticating wrap the reply.
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code, reply.Code/100 == 4
	}
	return 0, isNetworkFailure(err)
}

// alertSubject returns "[textback] <Business>: <Summary>", with "[URGENT] " in front for high
// priority.
func alertSubject(a Alert) string {
	subject := "[textback] " + oneLine(a.Summary)
	if business := oneLine(a.Business); business != "" {
		subject = "[textback] " + business + ": " + oneLine(a.Summary)
	}
	if a.urgent() {
		subject = "[URGENT] " + subject
	}
	return subject
}

// alertBody returns the plain-text body of an alert email: the summary, the detail, then one
// line for each field that is set.
func alertBody(a Alert) string {
	var b strings.Builder
	b.WriteString(oneLine(a.Summary) + "\n")
	if detail := strings.TrimSpace(normalizeNewlines(a.Detail)); detail != "" {
		b.WriteString("\n" + detail + "\n")
	}
	b.WriteString("\n")

	priority := a.Priority
	if priority == "" {
		priority = PriorityNormal
	}
	fields := []struct{ name, value string }{
		{"Business", oneLine(a.Business)},
		{"Contact", oneLine(a.Contact)},
		{"Kind", oneLine(a.Kind)},
		{"Priority", priority},
		{"Time", a.At.Format("Mon, 2 Jan 2006 3:04 PM MST")},
		{"Open", oneLine(a.Link)},
	}
	if a.ID != 0 {
		fields = append(fields, struct{ name, value string }{"Alert ID", strconv.FormatInt(a.ID, 10)})
	}
	for _, field := range fields {
		if field.value != "" {
			b.WriteString(field.name + ": " + field.value + "\n")
		}
	}
	return b.String()
}

// alertMessageID returns a Message-ID value without angle brackets. An alert without an ID gets
// a random one.
func alertMessageID(a Alert, domain string) string {
	if a.ID == 0 {
		return rand.Text() + "@" + domain
	}
	return fmt.Sprintf("textback.alert.%d.%d@%s", a.ID, a.At.Unix(), domain)
}

// oneLine collapses each run of white space, line breaks included, into one space and trims the
// ends, so that a value fits in a header or on one line of the body.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normalizeNewlines turns CRLF and lone CR line endings into LF.
func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
