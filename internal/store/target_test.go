package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

func TestOpenRejectsTargets(t *testing.T) {
	dir := t.TempDir()
	rows := []struct {
		name   string
		target string
		want   []string
		hidden string // must not appear in the error
	}{
		{"mysql url", "mysql://textback:s3cretpw@127.0.0.1/textback", []string{"unsupported database", "mysql://",
			"postgres://", "SQLite file"}, "s3cretpw"},
		{"sqlite url", "sqlite:///var/lib/textback.db", []string{"unsupported database", "postgres://"}, ""},
		{"folder", dir, []string{"is a folder", filepath.Join(dir, "textback.db")}, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			for _, mustExist := range []bool{false, true} {
				s, err := store.Open(context.Background(), row.target, store.Options{MustExist: mustExist})
				if err == nil {
					_ = s.Close()
					t.Fatalf("open %s (must exist %v) succeeded", row.target, mustExist)
				}
				for _, want := range row.want {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
				if row.hidden != "" && strings.Contains(err.Error(), row.hidden) {
					t.Errorf("error %q shows the password", err)
				}
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("opening the folder created %d file(s) in it", len(entries))
	}
	if _, err := os.Stat("mysql:"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a mysql URL created a file or folder named mysql: (stat: %v)", err)
	}
}

func TestSQLiteInUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "textback.db")
	s := storetest.OpenWith(t, path, store.Options{})
	inUse, err := store.SQLiteInUse(ctx, path)
	if err != nil {
		t.Fatalf("check while open: %v", err)
	}
	if !inUse {
		t.Error("a file with an open store is reported unused")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	inUse, err = store.SQLiteInUse(ctx, path)
	if err != nil {
		t.Fatalf("check after close: %v", err)
	}
	if inUse {
		t.Error("a file nobody has open is reported in use")
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := store.SQLiteInUse(ctx, missing); err == nil {
		t.Error("check of a missing file succeeded")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("check created the missing file (stat: %v)", err)
	}
	// The check leaves the database usable.
	again := storetest.OpenWith(t, path, store.Options{})
	if _, err := again.ListBusinesses(ctx); err != nil {
		t.Errorf("list businesses after the check: %v", err)
	}
}
