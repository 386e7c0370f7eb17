package alertsend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

const (
	testFrom     = "Textback Alerts <alerts@textback.example>"
	testPassword = "pa55-Wrd-7731"
)

var (
	eastern = time.FixedZone("EST", -5*60*60)
	// testAt is when the test alert happened.
	testAt = time.Date(2026, 3, 2, 10, 4, 5, 0, eastern)
	// testNow is the test clock, which sets the Date header.
	testNow = time.Date(2026, 3, 2, 15, 5, 0, 0, time.UTC)
	team    = []string{"ops@acme.example", "Owner <owner@acme.example>"}
)

func testAlert() Alert {
	return Alert{
		ID:       42,
		Business: "Acme Plumbing",
		Kind:     "missed_call",
		Priority: PriorityNormal,
		Summary:  "Missed call from (202) 555-0143 — called 4 times in 5 minutes",
		Detail:   "Last message: \"Water everywhere, please call\"\r\nTextback sent the after-hours reply.",
		Contact:  "+12025550143",
		Link:     "https://app.example.com/leads/42",
		At:       testAt,
	}
}

// newTestMailer returns a Mailer for rawURL with the test clock.
func newTestMailer(t *testing.T, rawURL string) *Mailer {
	t.Helper()
	m, err := NewMailer(SMTPConfig{URL: rawURL, From: testFrom})
	if err != nil {
		t.Fatalf("NewMailer(%q): %v", rawURL, err)
	}
	m.now = func() time.Time { return testNow }
	return m
}

// localMailer returns a Mailer for the test server, over plain SMTP because it is on 127.0.0.1.
func localMailer(t *testing.T, s *smtpServer) *Mailer {
	t.Helper()
	return newTestMailer(t, "smtp://"+s.addr)
}

// parsedMessage is a received message with its body decoded.
type parsedMessage struct {
	header netmail.Header
	body   string
}

func parseMessage(t *testing.T, data []byte) parsedMessage {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read message body: %v", err)
	}
	return parsedMessage{header: msg.Header, body: strings.ReplaceAll(string(raw), "\r\n", "\n")}
}

// subject returns the decoded Subject header.
func (p parsedMessage) subject(t *testing.T) string {
	t.Helper()
	subject, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject %q: %v", p.header.Get("Subject"), err)
	}
	return subject
}

// addresses returns the bare addresses in an address header.
func (p parsedMessage) addresses(t *testing.T, name string) []string {
	t.Helper()
	list, err := p.header.AddressList(name)
	if err != nil {
		t.Fatalf("parse %s header %q: %v", name, p.header.Get(name), err)
	}
	var addrs []string
	for _, addr := range list {
		addrs = append(addrs, addr.Address)
	}
	return addrs
}

// onlyMessage returns the one message the server received.
func onlyMessage(t *testing.T, s *smtpServer) envelope {
	t.Helper()
	received := s.messages()
	if len(received) != 1 {
		t.Fatalf("server received %d messages, want 1", len(received))
	}
	return received[0]
}

func TestParseSMTPValid(t *testing.T) {
	tests := []struct {
		name        string
		url         string
		wantAddress string
		wantTLS     bool
		wantUser    string
		wantPolicy  string
	}{
		{"starttls default port", "smtp://apikey:" + testPassword + "@smtp.example.com", "smtp.example.com:587",
			false, "apikey", "TLSMandatory"},
		{"starttls port 25", "smtp://mail.example.com:25", "mail.example.com:25", false, "", "TLSMandatory"},
		{"implicit tls default port", "smtps://u%40x.example:" + testPassword + "@smtp.example.com",
			"smtp.example.com:465", true, "u@x.example", "NoTLS"},
		{"implicit tls port", "smtps://smtp.example.com:2465/", "smtp.example.com:2465", true, "", "NoTLS"},
		{"loopback", "smtp://127.0.0.1:2525", "127.0.0.1:2525", false, "", "NoTLS"},
		{"localhost", "SMTP://localhost:2525", "localhost:2525", false, "", "NoTLS"},
		{"ipv6 loopback", "smtp://[::1]:2525", "[::1]:2525", false, "", "NoTLS"},
		{"encoded password", "smtp://me:p%2Fa%3Fs%23s@smtp.example.com", "smtp.example.com:587", false, "me",
			"TLSMandatory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseSMTP(tt.url, testFrom)
			if err != nil {
				t.Fatalf("ParseSMTP: %v", err)
			}
			if cfg.URL != tt.url {
				t.Errorf("URL = %q, want %q", cfg.URL, tt.url)
			}
			if cfg.From != testFrom {
				t.Errorf("From = %q, want %q", cfg.From, testFrom)
			}
			if cfg.Timeout != DefaultSMTPTimeout {
				t.Errorf("Timeout = %s, want %s", cfg.Timeout, DefaultSMTPTimeout)
			}

			m, err := NewMailer(cfg)
			if err != nil {
				t.Fatalf("NewMailer: %v", err)
			}
			if got := m.relay.address(); got != tt.wantAddress {
				t.Errorf("address = %q, want %q", got, tt.wantAddress)
			}
			if m.relay.implicitTLS != tt.wantTLS {
				t.Errorf("implicit TLS = %v, want %v", m.relay.implicitTLS, tt.wantTLS)
			}
			if m.relay.username != tt.wantUser {
				t.Errorf("user name = %q, want %q", m.relay.username, tt.wantUser)
			}
			// The TLS policy is checked without connecting: STARTTLS is mandatory for any
			// smtp:// host that is not a loopback name.
			client, err := m.newClient(func(context.Context, string, string) (net.Conn, error) {
				return nil, errors.New("no connection in this test")
			})
			if err != nil {
				t.Fatalf("newClient: %v", err)
			}
			if got := client.TLSPolicy(); got != tt.wantPolicy {
				t.Errorf("TLS policy = %q, want %q", got, tt.wantPolicy)
			}
		})
	}
}

func TestParseSMTPDecodesPassword(t *testing.T) {
	cfg, err := ParseSMTP("smtp://me:p%2Fa%3Fs%23s@smtp.example.com", testFrom)
	if err != nil {
		t.Fatalf("ParseSMTP: %v", err)
	}
	m, err := NewMailer(cfg)
	if err != nil {
		t.Fatalf("NewMailer: %v", err)
	}
	if m.relay.password != "p/a?s#s" {
		t.Errorf("password = %q, want %q", m.relay.password, "p/a?s#s")
	}
}

func TestParseSMTPInvalid(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		from    string
		wantErr string
	}{
		{"empty url", "", testFrom, "URL is empty"},
		{"http scheme", "http://user:" + testPassword + "@smtp.example.com", testFrom, `scheme "http"`},
		{"no scheme", "smtp.example.com:587", testFrom, "scheme"},
		{"opaque", "smtp:user:" + testPassword + "@smtp.example.com", testFrom, "two slashes"},
		{"slash in password", "smtp://user:pa55/" + testPassword + "@smtp.example.com", testFrom, "cannot be parsed"},
		{"question mark in password", "smtp://user:x?" + testPassword + "@smtp.example.com", testFrom,
			"cannot be parsed"},
		{"hash in password", "smtp://user:x#" + testPassword + "@smtp.example.com", testFrom, "cannot be parsed"},
		{"path", "smtp://user:" + testPassword + "@smtp.example.com/relay", testFrom, "path"},
		{"query", "smtp://user:" + testPassword + "@smtp.example.com?tls=off", testFrom, "query"},
		{"missing host", "smtp://user:" + testPassword + "@:587", testFrom, "host is missing"},
		{"port zero", "smtp://user:" + testPassword + "@smtp.example.com:0", testFrom, "port must be"},
		{"port too large", "smtp://user:" + testPassword + "@smtp.example.com:70000", testFrom, "port must be"},
		{"user without password", "smtp://user@smtp.example.com", testFrom, "password is missing"},
		{"empty password", "smtp://user:@smtp.example.com", testFrom, "password is missing"},
		{"password without user", "smtp://:" + testPassword + "@smtp.example.com", testFrom, "user name is missing"},
		{"empty from", "smtp://user:" + testPassword + "@smtp.example.com", " ", "from address is missing"},
		{"invalid from", "smtp://user:" + testPassword + "@smtp.example.com", "alerts", `from address "alerts"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSMTP(tt.url, tt.from)
			if err == nil {
				t.Fatalf("ParseSMTP(%q, %q) succeeded, want an error", tt.url, tt.from)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			assertNoSecret(t, err.Error(), testPassword)

			_, err = NewMailer(SMTPConfig{URL: tt.url, From: tt.from})
			if err == nil {
				t.Fatalf("NewMailer succeeded, want an error")
			}
			assertNoSecret(t, err.Error(), testPassword)
		})
	}
}

func TestNewMailerTimeout(t *testing.T) {
	m, err := NewMailer(SMTPConfig{URL: "smtp://127.0.0.1:2525", From: testFrom})
	if err != nil {
		t.Fatalf("NewMailer: %v", err)
	}
	if m.timeout != DefaultSMTPTimeout {
		t.Errorf("timeout = %s, want %s", m.timeout, DefaultSMTPTimeout)
	}
	_, err = NewMailer(SMTPConfig{URL: "smtp://127.0.0.1:2525", From: testFrom, Timeout: -time.Second})
	if err == nil {
		t.Errorf("NewMailer with a negative timeout succeeded, want an error")
	}
}

func TestSMTPConfigString(t *testing.T) {
	cfg := SMTPConfig{URL: "smtp://apikey:" + testPassword + "@smtp.example.com", From: testFrom, Timeout: time.Second}
	want := "{URL:smtp://apikey:xxxxx@smtp.example.com:587 From:" + testFrom + " Timeout:1s}"
	if got := cfg.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, verb := range []string{"%v", "%+v", "%s"} {
		assertNoSecret(t, fmt.Sprintf(verb, cfg), testPassword)
	}
	invalid := SMTPConfig{URL: "smtp://user:" + testPassword + "/x@host", From: testFrom}
	assertNoSecret(t, invalid.String(), testPassword)
}

func TestSendAlertMessage(t *testing.T) {
	tests := []struct {
		name           string
		priority       string
		wantSubject    string
		wantImportance string
		wantXPriority  string
		wantPriority   string
	}{
		{"normal", PriorityNormal,
			"[textback] Acme Plumbing: Missed call from (202) 555-0143 — called 4 times in 5 minutes", "", "",
			"normal"},
		{"empty priority", "",
			"[textback] Acme Plumbing: Missed call from (202) 555-0143 — called 4 times in 5 minutes", "", "",
			"normal"},
		{"high", PriorityHigh,
			"[URGENT] [textback] Acme Plumbing: Missed call from (202) 555-0143 — called 4 times in 5 minutes",
			"high", "1", "high"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startSMTP(t, smtpOptions{})
			alert := testAlert()
			alert.Priority = tt.priority

			if err := localMailer(t, server).SendAlert(context.Background(), team, alert); err != nil {
				t.Fatalf("SendAlert: %v", err)
			}

			got := onlyMessage(t, server)
			if got.From != "alerts@textback.example" {
				t.Errorf("envelope sender = %q, want alerts@textback.example", got.From)
			}
			wantRcpt := []string{"ops@acme.example", "owner@acme.example"}
			if !slices.Equal(got.To, wantRcpt) {
				t.Errorf("envelope recipients = %q, want %q", got.To, wantRcpt)
			}
			if got.TLS {
				t.Errorf("message came over TLS, want plain SMTP to 127.0.0.1")
			}

			msg := parseMessage(t, got.Data)
			if from := msg.header.Get("From"); from != `"Textback Alerts" <alerts@textback.example>` {
				t.Errorf("From = %q, want %q", from, `"Textback Alerts" <alerts@textback.example>`)
			}
			if to := msg.addresses(t, "To"); !slices.Equal(to, wantRcpt) {
				t.Errorf("To = %q, want %q", to, wantRcpt)
			}
			if subject := msg.subject(t); subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", subject, tt.wantSubject)
			}
			if date := msg.header.Get("Date"); date != "Mon, 02 Mar 2026 15:05:00 +0000" {
				t.Errorf("Date = %q, want %q", date, "Mon, 02 Mar 2026 15:05:00 +0000")
			}
			wantID := fmt.Sprintf("<textback.alert.42.%d@textback.example>", testAt.Unix())
			if id := msg.header.Get("Message-ID"); id != wantID {
				t.Errorf("Message-ID = %q, want %q", id, wantID)
			}
			if auto := msg.header.Get("Auto-Submitted"); auto != "auto-generated" {
				t.Errorf("Auto-Submitted = %q, want auto-generated", auto)
			}
			if importance := msg.header.Get("Importance"); importance != tt.wantImportance {
				t.Errorf("Importance = %q, want %q", importance, tt.wantImportance)
			}
			if xPriority := msg.header.Get("X-Priority"); xPriority != tt.wantXPriority {
				t.Errorf("X-Priority = %q, want %q", xPriority, tt.wantXPriority)
			}
			if agent := msg.header.Get("User-Agent"); agent != "textback" {
				t.Errorf("User-Agent = %q, want textback", agent)
			}
			mediaType, params, err := mime.ParseMediaType(msg.header.Get("Content-Type"))
			if err != nil {
				t.Fatalf("parse Content-Type %q: %v", msg.header.Get("Content-Type"), err)
			}
			if mediaType != "text/plain" {
				t.Errorf("media type = %q, want text/plain", mediaType)
			}
			if !strings.EqualFold(params["charset"], "utf-8") {
				t.Errorf("charset = %q, want UTF-8", params["charset"])
			}

			wantBody := strings.Join([]string{
				"Missed call from (202) 555-0143 — called 4 times in 5 minutes",
				"",
				`Last message: "Water everywhere, please call"`,
				"Textback sent the after-hours reply.",
				"",
				"Business: Acme Plumbing",
				"Contact: +12025550143",
				"Kind: missed_call",
				"Priority: " + tt.wantPriority,
				"Time: Mon, 2 Mar 2026 10:04 AM EST",
				"Open: https://app.example.com/leads/42",
				"Alert ID: 42",
			}, "\n")
			if body := strings.TrimRight(msg.body, "\n"); body != wantBody {
				t.Errorf("body =\n%s\nwant\n%s", body, wantBody)
			}
		})
	}
}

func TestSendAlertSparse(t *testing.T) {
	server := startSMTP(t, smtpOptions{})
	alert := Alert{Summary: "Call back\r\nrequested", At: testAt}

	if err := localMailer(t, server).SendAlert(context.Background(), team[:1], alert); err != nil {
		t.Fatalf("SendAlert: %v", err)
	}

	msg := parseMessage(t, onlyMessage(t, server).Data)
	if subject := msg.subject(t); subject != "[textback] Call back requested" {
		t.Errorf("Subject = %q, want %q", subject, "[textback] Call back requested")
	}
	wantBody := "Call back requested\n\nPriority: normal\nTime: Mon, 2 Mar 2026 10:04 AM EST"
	if body := strings.TrimRight(msg.body, "\n"); body != wantBody {
		t.Errorf("body =\n%s\nwant\n%s", body, wantBody)
	}
	// An alert without an ID gets a random Message-ID in the sender's domain.
	if id := msg.header.Get("Message-ID"); !regexp.MustCompile(`^<[A-Z2-7]{26}@textback\.example>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want a random ID at textback.example", id)
	}
}

func TestMailerSend(t *testing.T) {
	server := startSMTP(t, smtpOptions{})
	body := "We missed your call.\nReply to this email or call us back at (202) 555-0100.\n"

	err := localMailer(t, server).Send(context.Background(), []string{"lead@example.net"},
		"Sorry we missed\nyour call", body)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := onlyMessage(t, server)
	if !slices.Equal(got.To, []string{"lead@example.net"}) {
		t.Errorf("envelope recipients = %q, want lead@example.net", got.To)
	}
	msg := parseMessage(t, got.Data)
	if subject := msg.subject(t); subject != "Sorry we missed your call" {
		t.Errorf("Subject = %q, want %q", subject, "Sorry we missed your call")
	}
	if to := msg.addresses(t, "To"); !slices.Equal(to, []string{"lead@example.net"}) {
		t.Errorf("To = %q, want lead@example.net", to)
	}
	if date := msg.header.Get("Date"); date != "Mon, 02 Mar 2026 15:05:00 +0000" {
		t.Errorf("Date = %q, want %q", date, "Mon, 02 Mar 2026 15:05:00 +0000")
	}
	if id := msg.header.Get("Message-ID"); !regexp.MustCompile(`^<[A-Z2-7]{26}@textback\.example>$`).MatchString(id) {
		t.Errorf("Message-ID = %q, want a random ID at textback.example", id)
	}
	if importance := msg.header.Get("Importance"); importance != "" {
		t.Errorf("Importance = %q, want none", importance)
	}
	if msg.body != body {
		t.Errorf("body = %q, want %q", msg.body, body)
	}
}

func TestSendInvalidInput(t *testing.T) {
	valid := testAlert()
	noSummary := testAlert()
	noSummary.Summary = " "
	noTime := testAlert()
	noTime.At = time.Time{}
	badPriority := testAlert()
	badPriority.Priority = "urgent"

	tests := []struct {
		name    string
		send    func(m *Mailer) error
		wantErr string
	}{
		{"no recipients", func(m *Mailer) error { return m.SendAlert(context.Background(), nil, valid) },
			"no recipients"},
		{"bad recipient", func(m *Mailer) error {
			return m.SendAlert(context.Background(), []string{"ops@acme.example", "not an address"}, valid)
		}, `recipient "not an address"`},
		{"recipient with line break", func(m *Mailer) error {
			return m.SendAlert(context.Background(), []string{"ops@acme.example\r\nRCPT TO:<x@evil.example>"}, valid)
		}, "invalid email recipient"},
		{"no summary", func(m *Mailer) error { return m.SendAlert(context.Background(), team, noSummary) },
			"summary is empty"},
		{"no time", func(m *Mailer) error { return m.SendAlert(context.Background(), team, noTime) },
			"time is missing"},
		{"bad priority", func(m *Mailer) error { return m.SendAlert(context.Background(), team, badPriority) },
			`priority "urgent"`},
		{"empty subject", func(m *Mailer) error { return m.Send(context.Background(), team, "\n", "body") },
			"subject is empty"},
		{"empty body", func(m *Mailer) error { return m.Send(context.Background(), team, "Hello", " ") },
			"body is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startSMTP(t, smtpOptions{})
			err := tt.send(localMailer(t, server))
			if err == nil {
				t.Fatalf("send succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			var deliveryErr *DeliveryError
			if errors.As(err, &deliveryErr) {
				t.Errorf("error is a DeliveryError, want a plain error for invalid input")
			}
			if IsRetryable(err) {
				t.Errorf("IsRetryable = true, want false")
			}
			if conversation := server.conversation(); conversation != "" {
				t.Errorf("mailer connected to the server:\n%s", conversation)
			}
		})
	}
}

func TestSendAlertRelayErrors(t *testing.T) {
	tests := []struct {
		name          string
		opts          smtpOptions
		wantCode      int
		wantRetryable bool
		wantErr       string
	}{
		{"recipient unknown", smtpOptions{rejectRcpt: map[string]*smtp.SMTPError{
			"owner@acme.example": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		}}, 550, false, "5.1.1 No such user"},
		{"recipient mailbox busy", smtpOptions{rejectRcpt: map[string]*smtp.SMTPError{
			"ops@acme.example": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"},
		}}, 451, true, "4.3.0 Try again later"},
		{"sender refused", smtpOptions{rejectMail: &smtp.SMTPError{
			Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender not allowed",
		}}, 553, false, "5.7.1 Sender not allowed"},
		{"data deferred", smtpOptions{rejectData: &smtp.SMTPError{
			Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted",
		}}, 451, true, "4.7.1 Greylisted"},
		{"data rejected", smtpOptions{rejectData: &smtp.SMTPError{
			Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message rejected",
		}}, 554, false, "5.6.0 Message rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startSMTP(t, tt.opts)

			err := localMailer(t, server).SendAlert(context.Background(), team, testAlert())

			var deliveryErr *DeliveryError
			if !errors.As(err, &deliveryErr) {
				t.Fatalf("error %v is not a DeliveryError", err)
			}
			if deliveryErr.Code != tt.wantCode {
				t.Errorf("Code = %d, want %d", deliveryErr.Code, tt.wantCode)
			}
			if deliveryErr.Retryable() != tt.wantRetryable {
				t.Errorf("Retryable() = %v, want %v", deliveryErr.Retryable(), tt.wantRetryable)
			}
			if IsRetryable(err) != tt.wantRetryable {
				t.Errorf("IsRetryable = %v, want %v", IsRetryable(err), tt.wantRetryable)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tt.wantCode)) {
				t.Errorf("error %q does not contain the reply code %d", err, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain the reply text %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), server.addr) {
				t.Errorf("error %q does not name the relay %s", err, server.addr)
			}
			// go-mail stops the transaction when any recipient is rejected, so no one gets it.
			if n := len(server.messages()); n != 0 {
				t.Errorf("server accepted %d messages, want 0", n)
			}
		})
	}
}

func TestSendAlertConnectionLostAfterAccept(t *testing.T) {
	// The relay accepted the message, so a failed RSET or QUIT must not report a failure that
	// would make the caller send the alert again.
	server := startSMTP(t, smtpOptions{dropAfterData: true})

	if err := localMailer(t, server).SendAlert(context.Background(), team, testAlert()); err != nil {
		t.Errorf("SendAlert: %v", err)
	}
	if n := len(server.messages()); n != 1 {
		t.Errorf("server accepted %d messages, want 1", n)
	}
}

func TestSendAlertConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	m := newTestMailer(t, "smtp://"+addr)

	err := m.SendAlert(context.Background(), team, testAlert())

	var deliveryErr *DeliveryError
	if !errors.As(err, &deliveryErr) {
		t.Fatalf("error %v is not a DeliveryError", err)
	}
	if !deliveryErr.Retryable() {
		t.Errorf("Retryable() = false, want true for a refused connection")
	}
	if deliveryErr.Code != 0 {
		t.Errorf("Code = %d, want 0 without a reply", deliveryErr.Code)
	}
	if !strings.Contains(err.Error(), "connect to SMTP relay "+addr) {
		t.Errorf("error %q does not name the operation and relay", err)
	}
}

func TestSendAlertTimeout(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     func() (context.Context, context.CancelFunc)
		wantErr string
	}{
		{"mailer timeout", 200 * time.Millisecond, func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, "timed out after 200ms"},
		{"context deadline", 10 * time.Second, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := hangingListener(t)
			m, err := NewMailer(SMTPConfig{URL: "smtp://" + addr, From: testFrom, Timeout: tt.timeout})
			if err != nil {
				t.Fatalf("NewMailer: %v", err)
			}
			ctx, cancel := tt.ctx()
			defer cancel()

			start := time.Now()
			err = m.SendAlert(ctx, team, testAlert())
			elapsed := time.Since(start)

			if !IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = false, want true for a timeout", err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v does not contain %q", err, tt.wantErr)
			}
			if elapsed > 5*time.Second {
				t.Errorf("SendAlert took %s, want about 200ms", elapsed)
			}
		})
	}
}

func TestSTARTTLSRequiredForRemoteRelay(t *testing.T) {
	// The relay's name is not a loopback name, so STARTTLS is required. The connection goes to a
	// local server without STARTTLS: the name is never looked up.
	server := startSMTP(t, smtpOptions{})
	m := newTestMailer(t, "smtp://apikey:"+testPassword+"@mail.example.test:587")
	m.dialAddr = server.addr

	err := m.SendAlert(context.Background(), team, testAlert())

	if err == nil {
		t.Fatalf("SendAlert succeeded without STARTTLS")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable = true, want false: the relay's configuration will not change on retry")
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q does not mention STARTTLS", err)
	}
	if !strings.Contains(err.Error(), "mail.example.test:587") {
		t.Errorf("error %q does not name the relay", err)
	}
	assertNoSecret(t, err.Error(), testPassword)
	conversation := server.conversation()
	for _, command := range []string{"AUTH", "MAIL FROM"} {
		if strings.Contains(conversation, command) {
			t.Errorf("client sent %s without TLS:\n%s", command, conversation)
		}
	}
	if n := len(server.messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
}

func TestSTARTTLSDelivers(t *testing.T) {
	cert, roots := newCertificate(t, "mail.example.test")
	server := startSMTP(t, smtpOptions{startTLS: cert})
	m := newTestMailer(t, "smtp://mail.example.test:587")
	m.dialAddr = server.addr
	m.rootCAs = roots

	if err := m.SendAlert(context.Background(), team, testAlert()); err != nil {
		t.Fatalf("SendAlert: %v", err)
	}

	if got := onlyMessage(t, server); !got.TLS {
		t.Errorf("message came without TLS, want STARTTLS")
	}
	if conversation := server.conversation(); !strings.Contains(conversation, "STARTTLS") {
		t.Errorf("client did not send STARTTLS:\n%s", conversation)
	}
}

func TestSTARTTLSUntrustedCertificate(t *testing.T) {
	cert, _ := newCertificate(t, "mail.example.test")
	server := startSMTP(t, smtpOptions{startTLS: cert})
	m := newTestMailer(t, "smtp://apikey:"+testPassword+"@mail.example.test:587")
	m.dialAddr = server.addr

	err := m.SendAlert(context.Background(), team, testAlert())

	if err == nil {
		t.Fatalf("SendAlert succeeded with an untrusted certificate")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable = true, want false for a certificate that does not verify")
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("error %q does not mention the certificate", err)
	}
	assertNoSecret(t, err.Error(), testPassword)
	if n := len(server.messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
}

func TestImplicitTLSDelivers(t *testing.T) {
	cert, roots := newCertificate(t, "127.0.0.1")
	server := startSMTP(t, smtpOptions{implicitTLS: cert})
	m := newTestMailer(t, "smtps://"+server.addr)
	m.rootCAs = roots

	if err := m.SendAlert(context.Background(), team, testAlert()); err != nil {
		t.Fatalf("SendAlert: %v", err)
	}

	if got := onlyMessage(t, server); !got.TLS {
		t.Errorf("message came without TLS, want implicit TLS")
	}
}

func TestImplicitTLSToPlainServer(t *testing.T) {
	server := startSMTP(t, smtpOptions{})
	m := newTestMailer(t, "smtps://"+server.addr)

	err := m.SendAlert(context.Background(), team, testAlert())

	if err == nil {
		t.Fatalf("SendAlert over implicit TLS to a plain server succeeded")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable(%v) = true, want false for a server that does not speak TLS", err)
	}
	if !strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("error %q does not mention the TLS handshake", err)
	}
}

func TestAuthNotOffered(t *testing.T) {
	// The test server offers no AUTH, so configured credentials cannot be used. Sending without
	// them would let the message go out unauthenticated, so the mailer fails instead.
	server := startSMTP(t, smtpOptions{})
	_, port := hostPort(t, server.addr)
	m := newTestMailer(t, "smtp://apikey:"+testPassword+"@localhost:"+port)

	err := m.SendAlert(context.Background(), team, testAlert())

	if err == nil {
		t.Fatalf("SendAlert succeeded without authenticating")
	}
	if IsRetryable(err) {
		t.Errorf("IsRetryable = true, want false")
	}
	if !strings.Contains(err.Error(), "AUTH") {
		t.Errorf("error %q does not mention AUTH", err)
	}
	assertNoSecret(t, err.Error(), testPassword)
	if n := len(server.messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
}
