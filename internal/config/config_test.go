package config_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/config"
)

// envOf returns an environment that holds only vars.
func envOf(vars map[string]string) config.Env {
	return func(key string) (string, bool) {
		v, ok := vars[key]
		return v, ok
	}
}

// load registers which, parses args and finishes the configuration, as a command does.
func load(t *testing.T, env map[string]string, args []string, which ...string) (config.Config, error) {
	t.Helper()
	var cfg config.Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := cfg.Register(fs, envOf(env), which...); err != nil {
		return cfg, err
	}
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return cfg, cfg.Finish()
}

var allSettings = []string{"addr", "db", "public-url", "log"}

func TestLoad(t *testing.T) {
	urlFile := filepath.Join("testdata", "db-url.txt")
	pathFile := filepath.Join("testdata", "db-path.txt")
	rows := []struct {
		name string
		env  map[string]string
		args []string
		want config.Config
	}{
		{"defaults", nil, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "./textback.db", PublicURL: "http://127.0.0.1:8080", LogLevel: "info", LogFormat: "text",
		}},
		{"env", map[string]string{
			"TEXTBACK_ADDR": "127.0.0.1:9090", "TEXTBACK_DB": "/data/tb.db", "TEXTBACK_PUBLIC_URL": "https://hooks.example.com",
			"TEXTBACK_LOG_LEVEL": "debug", "TEXTBACK_LOG_FORMAT": "json",
		}, nil, config.Config{
			Addr: "127.0.0.1:9090", DB: "/data/tb.db", PublicURL: "https://hooks.example.com", LogLevel: "debug", LogFormat: "json",
		}},
		{"flags beat env", map[string]string{
			"TEXTBACK_ADDR": "127.0.0.1:9090", "TEXTBACK_DB": "/data/tb.db", "TEXTBACK_PUBLIC_URL": "https://env.example.com",
			"TEXTBACK_LOG_LEVEL": "debug", "TEXTBACK_LOG_FORMAT": "json",
		}, []string{
			"--addr", "127.0.0.1:7070", "--db", "/flag/tb.db", "--public-url", "https://flag.example.com",
			"--log-level", "warn", "--log-format", "text",
		}, config.Config{
			Addr: "127.0.0.1:7070", DB: "/flag/tb.db", PublicURL: "https://flag.example.com", LogLevel: "warn", LogFormat: "text",
		}},
		{"empty env is unset", map[string]string{
			"TEXTBACK_ADDR": "", "TEXTBACK_DB": "", "TEXTBACK_LOG_LEVEL": "",
		}, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "./textback.db", PublicURL: "http://127.0.0.1:8080", LogLevel: "info", LogFormat: "text",
		}},
		{"db file trimmed", map[string]string{"TEXTBACK_DB_FILE": urlFile}, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "postgres://textback:s3cretpw@127.0.0.1:5432/textback?sslmode=disable",
			PublicURL: "http://127.0.0.1:8080", LogLevel: "info", LogFormat: "text",
		}},
		{"db file path trimmed", map[string]string{"TEXTBACK_DB_FILE": pathFile}, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "/var/lib/textback/textback.db", PublicURL: "http://127.0.0.1:8080",
			LogLevel: "info", LogFormat: "text",
		}},
		{"db env beats db file", map[string]string{"TEXTBACK_DB": "/data/tb.db", "TEXTBACK_DB_FILE": urlFile}, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "/data/tb.db", PublicURL: "http://127.0.0.1:8080", LogLevel: "info", LogFormat: "text",
		}},
		{"db flag beats db file", map[string]string{"TEXTBACK_DB_FILE": urlFile}, []string{"--db", "/flag/tb.db"}, config.Config{
			Addr: "127.0.0.1:8080", DB: "/flag/tb.db", PublicURL: "http://127.0.0.1:8080", LogLevel: "info", LogFormat: "text",
		}},
		{"public url from addr flag", map[string]string{"TEXTBACK_ADDR": "127.0.0.1:9090"}, []string{"--addr", "127.0.0.1:0"}, config.Config{
			Addr: "127.0.0.1:0", DB: "./textback.db", PublicURL: "http://127.0.0.1:0", LogLevel: "info", LogFormat: "text",
		}},
		{"public url trailing slash", nil, []string{"--public-url", "https://hooks.example.com/"}, config.Config{
			Addr: "127.0.0.1:8080", DB: "./textback.db", PublicURL: "https://hooks.example.com", LogLevel: "info", LogFormat: "text",
		}},
		{"public url path trailing slashes", map[string]string{"TEXTBACK_PUBLIC_URL": "https://example.com/textback//"}, nil, config.Config{
			Addr: "127.0.0.1:8080", DB: "./textback.db", PublicURL: "https://example.com/textback", LogLevel: "info", LogFormat: "text",
		}},
		{"ipv6 addr", nil, []string{"--addr", "[::1]:8080"}, config.Config{
			Addr: "[::1]:8080", DB: "./textback.db", PublicURL: "http://[::1]:8080", LogLevel: "info", LogFormat: "text",
		}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got, err := load(t, row.env, row.args, allSettings...)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if got != row.want {
				t.Errorf("config = %+v, want %+v", got, row.want)
			}
		})
	}
}

// Settings a command does not register keep their zero value and derive nothing.
func TestLoadOnlyRegistered(t *testing.T) {
	got, err := load(t, map[string]string{"TEXTBACK_ADDR": "bad", "TEXTBACK_DB": "/data/tb.db"}, nil, "db")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got != (config.Config{DB: "/data/tb.db"}) {
		t.Errorf("config = %+v, want only DB set", got)
	}
}

func TestRegisterErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-secret")
	rows := []struct {
		name  string
		env   map[string]string
		which []string
		want  []string // parts of the error message
	}{
		{"unreadable db file", map[string]string{"TEXTBACK_DB_FILE": missing}, []string{"db"},
			[]string{"TEXTBACK_DB_FILE", missing}},
		{"db file is a folder", map[string]string{"TEXTBACK_DB_FILE": t.TempDir()}, []string{"db"},
			[]string{"TEXTBACK_DB_FILE"}},
		{"unknown setting", nil, []string{"addr", "colour"}, []string{`"colour"`}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			var cfg config.Config
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			err := cfg.Register(fs, envOf(row.env), row.which...)
			if err == nil {
				t.Fatalf("register succeeded, want an error naming %v", row.want)
			}
			for _, want := range row.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		})
	}
}

func TestFinishRejects(t *testing.T) {
	rows := []struct {
		name string
		args []string
		want []string // parts of the error message
	}{
		{"addr without port", []string{"--addr", "localhost"}, []string{"--addr", `"localhost"`}},
		{"addr with path", []string{"--addr", "http://127.0.0.1:8080/"}, []string{"--addr", `"http://127.0.0.1:8080/"`}},
		{"addr with letters in port", []string{"--addr", ":8089x"}, []string{"--addr", `":8089x"`, "0 to 65535"}},
		{"addr port too large", []string{"--addr", "127.0.0.1:65536"}, []string{"--addr", `"127.0.0.1:65536"`}},
		{"relative public url", []string{"--public-url", "/webhooks"}, []string{"--public-url", `"/webhooks"`}},
		{"host only public url", []string{"--public-url", "hooks.example.com"}, []string{"--public-url", `"hooks.example.com"`}},
		{"public url with query", []string{"--public-url", "https://hooks.example.com/?tenant=acme"},
			[]string{"--public-url", `"https://hooks.example.com/?tenant=acme"`}},
		{"public url with empty query", []string{"--public-url", "https://hooks.example.com?"},
			[]string{"--public-url", `"https://hooks.example.com?"`}},
		{"public url with fragment", []string{"--public-url", "https://hooks.example.com/#hooks"},
			[]string{"--public-url", `"https://hooks.example.com/#hooks"`}},
		{"ftp public url", []string{"--public-url", "ftp://hooks.example.com"}, []string{"--public-url", `"ftp://hooks.example.com"`}},
		{"unparsable public url", []string{"--public-url", "https://hooks example.com/%zz"},
			[]string{"--public-url", `"https://hooks example.com/%zz"`}},
		{"log level", []string{"--log-level", "verbose"}, []string{`"verbose"`, "debug, info, warn or error"}},
		{"log format", []string{"--log-format", "yaml"}, []string{"--log-format", `"yaml"`, "text or json"}},
		{"every mistake", []string{"--addr", "nowhere", "--log-level", "loud", "--log-format", "xml"},
			[]string{`"nowhere"`, `"loud"`, `"xml"`}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			_, err := load(t, nil, row.args, allSettings...)
			if err == nil {
				t.Fatalf("load %v succeeded, want an error", row.args)
			}
			for _, want := range row.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// A bad --addr is reported as such, not as the public URL derived from it.
func TestFinishBadAddrOnly(t *testing.T) {
	_, err := load(t, nil, []string{"--addr", ":8089x"}, allSettings...)
	if err == nil {
		t.Fatal("load succeeded, want an error about --addr")
	}
	if strings.Contains(err.Error(), "--public-url") {
		t.Errorf("error %q blames --public-url for a bad --addr", err)
	}
}

func TestRetention(t *testing.T) {
	rows := []struct {
		name string
		env  map[string]string
		args []string
		want time.Duration
	}{
		{"default", nil, nil, 90 * 24 * time.Hour},
		{"flag days", nil, []string{"--retention", "30d"}, 30 * 24 * time.Hour},
		{"flag hours", nil, []string{"--retention", "36h"}, 36 * time.Hour},
		{"flag zero", nil, []string{"--retention", "0"}, 0},
		{"env days", map[string]string{"TEXTBACK_RETENTION": "7d"}, nil, 7 * 24 * time.Hour},
		{"flag beats env", map[string]string{"TEXTBACK_RETENTION": "7d"}, []string{"--retention", "14d"}, 14 * 24 * time.Hour},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got, err := load(t, row.env, row.args, "retention")
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if got.Retention != row.want {
				t.Errorf("retention = %s, want %s", got.Retention, row.want)
			}
		})
	}
}

func TestRetentionRejects(t *testing.T) {
	for _, value := range []string{"90x", "ninety days", "1.5d", "200000d"} {
		t.Run("flag "+value, func(t *testing.T) {
			_, err := load(t, nil, []string{"--retention", value}, "retention")
			if err == nil {
				t.Fatalf("--retention %q accepted", value)
			}
			for _, want := range []string{"--retention", value, "90d"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
	t.Run("negative", func(t *testing.T) {
		if _, err := load(t, nil, []string{"--retention", "-5h"}, "retention"); err == nil {
			t.Error("negative --retention accepted")
		}
	})
	t.Run("env", func(t *testing.T) {
		var cfg config.Config
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		err := cfg.Register(fs, envOf(map[string]string{"TEXTBACK_RETENTION": "90x"}), "retention")
		if err == nil {
			t.Fatal("register accepted TEXTBACK_RETENTION=90x")
		}
		if !strings.Contains(err.Error(), "TEXTBACK_RETENTION") || !strings.Contains(err.Error(), "90d") {
			t.Errorf("error %q does not name the variable and the day form", err)
		}
	})
}

func TestParseLevel(t *testing.T) {
	rows := []struct {
		name  string
		level slog.Level
	}{
		{"debug", slog.LevelDebug},
		{"info", slog.LevelInfo},
		{"warn", slog.LevelWarn},
		{"error", slog.LevelError},
		{"WARN", slog.LevelWarn},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			got, err := config.ParseLevel(row.name)
			if err != nil {
				t.Fatalf("parse %q: %v", row.name, err)
			}
			if got != row.level {
				t.Errorf("level = %v, want %v", got, row.level)
			}
		})
	}
}

func TestNewLogger(t *testing.T) {
	var text, structured bytes.Buffer
	config.Config{LogLevel: "warn", LogFormat: "text"}.NewLogger(&text).Info("hidden")
	config.Config{LogLevel: "warn", LogFormat: "text"}.NewLogger(&text).Warn("shown")
	config.Config{LogLevel: "debug", LogFormat: "json"}.NewLogger(&structured).Debug("shown")
	if strings.Contains(text.String(), "hidden") {
		t.Errorf("warn logger wrote an info line: %q", text.String())
	}
	if !strings.Contains(text.String(), "msg=shown") {
		t.Errorf("text logger output %q lacks msg=shown", text.String())
	}
	var line map[string]any
	if err := json.Unmarshal(structured.Bytes(), &line); err != nil {
		t.Fatalf("json logger output %q is not JSON: %v", structured.String(), err)
	}
	if line["msg"] != "shown" {
		t.Errorf("json logger msg = %v, want shown", line["msg"])
	}
}

// logged returns what a text logger writes for the configuration.
func logged(cfg config.Config) string {
	var out bytes.Buffer
	slog.New(slog.NewTextHandler(&out, nil)).Info("start", slog.Any("config", cfg))
	return out.String()
}

func TestLogValue(t *testing.T) {
	const password = "s3cretpw"
	rows := []struct {
		name string
		db   string
		skip string
	}{
		{"postgres url", "postgres://textback:" + password + "@127.0.0.1:5432/textback?sslmode=disable", ""},
		{"postgresql url", "postgresql://textback:" + password + "@127.0.0.1/textback", ""},
		{"password only", "postgres://:" + password + "@127.0.0.1/textback", ""},
		{"unreadable url", "postgres://textback:" + password + "%zz@127.0.0.1/textback", ""},
		{"password in query", "postgres://textback@127.0.0.1/textback?sslmode=disable&password=" + password, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if row.skip != "" {
				t.Skip("known bug: " + row.skip)
			}
			cfg := config.Config{Addr: "127.0.0.1:8080", DB: row.db, PublicURL: "https://hooks.example.com", LogLevel: "info"}
			out := logged(cfg)
			if strings.Contains(out, password) {
				t.Errorf("log line contains the database password: %s", out)
			}
			if !strings.Contains(out, "127.0.0.1:8080") || !strings.Contains(out, "https://hooks.example.com") {
				t.Errorf("log line lacks the address or public URL: %s", out)
			}
		})
	}
}

// The SQLite path is not a secret and is logged as given.
func TestLogValueSQLite(t *testing.T) {
	out := logged(config.Config{Addr: "127.0.0.1:8080", DB: "/data/textback.db"})
	if !strings.Contains(out, "/data/textback.db") {
		t.Errorf("log line lacks the SQLite path: %s", out)
	}
}
