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
			def, err := time.ParseDuration(lookup(env, "TEXTBACK_RETENTION", DefaultRetention.String()))
			if err != nil {
				return fmt.Errorf("invalid TEXTBACK_RETENTION: use a duration such as 2160h (90 days), or 0 to keep everything")
			}
			fs.DurationVar(&c.Retention, "retention", def,
				"how long to keep raw webhooks and the delivery log, such as 2160h; 0 keeps them forever (env TEXTBACK_RETENTION)")
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
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("invalid --addr %q: use host:port such as 127.0.0.1:8080", c.Addr))
		}
		if c.PublicURL == "" {
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
	if c.Retention < 0 {
		errs = append(errs, fmt.Errorf("invalid --retention %s: use a positive duration, or 0 to keep everything", c.Retention))
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("invalid --log-format %q: use text or json", c.LogFormat))
	}
	return errors.Join(errs...)
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
