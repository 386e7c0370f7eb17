// Package config reads textback's bootstrap settings: where to listen, which database to use,
// and the public URL providers call. Each setting has a flag and a TEXTBACK_ environment
// variable; flags win. Settings that may carry a secret also read from a file named by the
// variable with a _FILE suffix, for container secrets. Everything a business tunes lives in the
// database instead.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/textback/textback/internal/store"
)

// Defaults.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "./textback.db"
	// DefaultRetention keeps raw webhooks and the delivery log for 90 days.
	DefaultRetention = 90 * 24 * time.Hour
)

// Config is the bootstrap configuration.
type Config struct {
	Addr      string // listen address, host:port
	DB        string // SQLite file path or postgres:// URL
	PublicURL string // base URL providers call; defaults to http://Addr
	LogLevel  string // debug, info, warn or error
	LogFormat string // text or json
	// Retention is how long raw webhooks and the delivery log are kept; 0 keeps them forever.
	Retention time.Duration
	// SMTPURL is the mail relay for alerts and the email fallback, such as
	// smtp://user:pass@mail.example.com:587; empty sends no email.
	SMTPURL  string
	SMTPFrom string // the From address of textback's email
	// WebhooksAllowPrivate lets businesses register webhook URLs on loopback and private
	// addresses, for receivers on the same machine or network.
	WebhooksAllowPrivate bool
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string

	// retentionText is --retention as given; Finish parses it into Retention. It is empty when
	// the setting is not registered.
	retentionText string
}

// Env reads environment variables; tests pass their own.
type Env func(string) (string, bool)

// Register adds the flags of the settings in which to fs, with defaults from env. which lists
// setting names: "addr", "db", "public-url", "log".
func (c *Config) Register(fs *flag.FlagSet, env Env, which ...string) error {
	for _, name := range which {
		switch name {
		case "addr":
			fs.StringVar(&c.Addr, "addr", lookup(env, "TEXTBACK_ADDR", DefaultAddr),
				"listen address, host:port (env TEXTBACK_ADDR)")
		case "db":
			db, err := lookupSecret(env, "TEXTBACK_DB", DefaultDB)
			if err != nil {
				return err
			}
			fs.StringVar(&c.DB, "db", db,
				"database: a SQLite file path or a postgres:// URL (env TEXTBACK_DB or TEXTBACK_DB_FILE)")
		case "public-url":
			fs.StringVar(&c.PublicURL, "public-url", lookup(env, "TEXTBACK_PUBLIC_URL", ""),
				"base URL the provider calls, used to check signatures and build links; default http://<addr> (env TEXTBACK_PUBLIC_URL)")
		case "retention":
			text := lookup(env, "TEXTBACK_RETENTION", "90d")
			retention, err := ParseDuration(text)
			if err != nil {
				return retentionError("TEXTBACK_RETENTION", text)
			}
			c.Retention, c.retentionText = retention, text
			// The flag keeps its text so that Finish rejects a bad value with one clear message
			// instead of the flag package's error and the whole usage.
			fs.Func("retention", "how long to keep raw webhooks and the delivery log, such as 90d or 2160h; "+
				"0 keeps them forever (default 90d, env TEXTBACK_RETENTION)", func(v string) error {
				c.retentionText = v
				return nil
			})
		case "smtp":
			smtpURL, err := lookupSecret(env, "TEXTBACK_SMTP_URL", "")
			if err != nil {
				return err
			}
			fs.StringVar(&c.SMTPURL, "smtp-url", smtpURL,
				"mail relay for team alerts and the email fallback, such as smtp://user:pass@mail.example.com:587; "+
					"empty sends no email (env TEXTBACK_SMTP_URL or TEXTBACK_SMTP_URL_FILE)")
			fs.StringVar(&c.SMTPFrom, "smtp-from", lookup(env, "TEXTBACK_SMTP_FROM", ""),
				"From address of textback's email, such as textback@example.com (env TEXTBACK_SMTP_FROM)")
		case "webhooks":
			allow, err := strconv.ParseBool(lookup(env, "TEXTBACK_WEBHOOKS_ALLOW_PRIVATE", "false"))
			if err != nil {
				return errors.New("invalid TEXTBACK_WEBHOOKS_ALLOW_PRIVATE: use true or false")
			}
			fs.BoolVar(&c.WebhooksAllowPrivate, "webhooks-allow-private", allow,
				"let businesses register webhook URLs on loopback and private addresses, such as http://127.0.0.1:9000 "+
					"(env TEXTBACK_WEBHOOKS_ALLOW_PRIVATE)")
		case "metrics":
			token, err := lookupSecret(env, "TEXTBACK_METRICS_TOKEN", "")
			if err != nil {
				return err
			}
			fs.StringVar(&c.MetricsToken, "metrics-token", token,
				"bearer token that GET /metrics requires; without one /metrics is served only when --addr is a "+
					"loopback address (env TEXTBACK_METRICS_TOKEN or TEXTBACK_METRICS_TOKEN_FILE)")
		case "log":
			fs.StringVar(&c.LogLevel, "log-level", lookup(env, "TEXTBACK_LOG_LEVEL", "info"),
				"log level: debug, info, warn or error (env TEXTBACK_LOG_LEVEL)")
			fs.StringVar(&c.LogFormat, "log-format", lookup(env, "TEXTBACK_LOG_FORMAT", "text"),
				"log format: text or json (env TEXTBACK_LOG_FORMAT)")
		default:
			return fmt.Errorf("unknown setting %q", name)
		}
	}
	return nil
}

// Finish fills derived defaults and validates the settings that were registered.
func (c *Config) Finish() error {
	var errs []error
	if c.Addr != "" {
		if err := checkAddr(c.Addr); err != nil {
			// The public URL derived from a bad address would only repeat the mistake.
			errs = append(errs, err)
		} else if c.PublicURL == "" {
			c.PublicURL = "http://" + c.Addr
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("invalid --public-url %q: use an absolute http or https URL without a query or fragment, such as https://hooks.example.com", c.PublicURL))
		}
		c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	}
	if c.LogLevel != "" {
		if _, err := ParseLevel(c.LogLevel); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SMTPURL != "" && c.SMTPFrom == "" {
		errs = append(errs, errors.New("missing --smtp-from: email needs a From address when --smtp-url is set"))
	}
	if c.retentionText != "" {
		retention, err := ParseDuration(c.retentionText)
		if err != nil {
			errs = append(errs, retentionError("--retention", c.retentionText))
		}
		c.Retention = retention
	}
	if c.Retention < 0 {
		errs = append(errs, fmt.Errorf("invalid --retention %s: use a positive duration, or 0 to keep everything", c.Retention))
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("invalid --log-format %q: use text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// checkAddr fails unless addr is host:port with a numeric port, as net.Listen takes it.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		var n int
		n, err = strconv.Atoi(port)
		if err == nil && (n < 0 || n > 65535) {
			err = errors.New("port out of range")
		}
	}
	if err != nil {
		return fmt.Errorf("invalid --addr %q: use host:port with a port from 0 to 65535, such as 127.0.0.1:8080", addr)
	}
	return nil
}

// wholeDays matches a duration written in days, such as "90d", which time.ParseDuration does not read.
var wholeDays = regexp.MustCompile(`^([0-9]+)d$`)

// maxDays keeps a day count from overflowing time.Duration, whose limit is about 106,751 days.
const maxDays = 100000

// ParseDuration reads a duration written as Go writes it, such as 2160h or 90m, or as whole
// days such as 90d, the form textback.yaml also accepts. Negative values are returned as they
// are, for the caller to reject.
func ParseDuration(s string) (time.Duration, error) {
	text := strings.TrimSpace(s)
	if match := wholeDays.FindStringSubmatch(text); match != nil {
		days, err := strconv.Atoi(match[1])
		if err != nil || days > maxDays {
			return 0, fmt.Errorf("invalid duration %q: use at most %d days", s, maxDays)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: %w", s, err)
	}
	return d, nil
}

// retentionError is the message for an unreadable retention given by name.
func retentionError(name, value string) error {
	return fmt.Errorf("invalid %s %q: use a duration such as 90d or 2160h, or 0 to keep everything", name, value)
}

// LogValue is the configuration with secrets removed, for the start-up log line.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("db", store.Redact(c.DB)),
		slog.String("public_url", c.PublicURL),
		slog.String("log_level", c.LogLevel),
		slog.Duration("retention", c.Retention),
		slog.Bool("smtp", c.SMTPURL != ""),
		slog.Bool("webhooks_allow_private", c.WebhooksAllowPrivate),
		slog.Bool("metrics_token", c.MetricsToken != ""),
	)
}

// ParseLevel reads a log level name.
func ParseLevel(s string) (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("invalid log level %q: use debug, info, warn or error", s)
	}
	return level, nil
}

// NewLogger returns the process logger for the settings.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := ParseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func lookup(env Env, key, def string) string {
	if v, ok := env(key); ok && v != "" {
		return v
	}
	return def
}

// lookupSecret reads key, or the file named by key_FILE, or returns def.
func lookupSecret(env Env, key, def string) (string, error) {
	if v, ok := env(key); ok && v != "" {
		return v, nil
	}
	path, ok := env(key + "_FILE")
	if !ok || path == "" {
		return def, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s_FILE: %w", key, err)
	}
	return strings.TrimSpace(string(data)), nil
}
