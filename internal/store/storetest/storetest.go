// Package storetest opens real databases for tests: a SQLite file in a temporary folder, and a
// fresh PostgreSQL database per test on the server named by TEXTBACK_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). When PostgreSQL cannot be reached
// its tests skip with a message, unless the CI environment variable is set, when they fail.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/textback/textback/internal/store"
)

// DefaultPostgres is the server tests use when TEXTBACK_TEST_POSTGRES is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Dialects lists the databases every store test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn as a subtest once per dialect, each with its own empty, migrated database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// EachWithClock runs fn as Each does, with a store whose clock starts at start and moves only
// when the test advances it. Each dialect gets a clock of its own.
func EachWithClock(t *testing.T, start time.Time, fn func(t *testing.T, s *store.Store, clock *Clock)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			clock := NewClock(start)
			fn(t, OpenWith(t, Target(t, d), store.Options{Clock: clock.Now}), clock)
		})
	}
}

// Open returns a migrated store of the dialect, closed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenWith(t, Target(t, d), store.Options{})
}

// OpenWith opens target with opts, migrates it and closes it when the test ends.
func OpenWith(t testing.TB, target string, opts store.Options) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, target, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate store: %v", err)
	}
	return s
}

// Target returns a new, empty database of the dialect: a file path for SQLite, a URL for
// PostgreSQL. A PostgreSQL database is dropped when the test ends.
func Target(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "textback.db")
	}
	return NewPostgresDatabase(t)
}

// NewPostgresDatabase creates a database with a random name on the test server and returns its URL.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("TEXTBACK_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgres
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		RequireOrSkip(t, fmt.Sprintf("PostgreSQL is not reachable at %s (%v); set TEXTBACK_TEST_POSTGRES", store.Redact(admin), err))
		return ""
	}
	defer conn.Close(context.Background())
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "textback_test_" + hex.EncodeToString(suffix)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse TEXTBACK_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	// Tests run several packages, and several instances, against one server: a small pool each
	// keeps them inside its connection limit.
	q := u.Query()
	q.Set("pool_max_conns", "8")
	u.RawQuery = q.Encode()
	return u.String()
}

// RequireOrSkip skips the test with reason, or fails it when the CI environment variable is set,
// so that CI never passes by skipping.
func RequireOrSkip(t testing.TB, reason string) {
	t.Helper()
	if strings.TrimSpace(os.Getenv("CI")) != "" {
		t.Fatalf("%s (required because CI is set)", reason)
	}
	t.Skip(reason)
}
