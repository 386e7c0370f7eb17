package dbcopy

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/textback/textback/internal/store"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkSource fails unless path names an existing SQLite database file. It checks the file
// header itself because opening a missing path would create an empty database.
func checkSource(path string) error {
	if path == "" {
		return errors.New("missing source: name the SQLite file, such as ./textback.db")
	}
	if store.IsPostgres(path) {
		return fmt.Errorf("invalid source %s: it must be a SQLite file, not a PostgreSQL URL", store.Redact(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open source %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open source %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("invalid source %s: it is not a regular file", path)
	}
	header := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, header); err != nil || !bytes.Equal(header, sqliteHeader) {
		return fmt.Errorf("invalid source %s: it is not a SQLite database file", path)
	}
	return nil
}

// querier runs a query on a pool or in a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// checkTargetEmpty fails with ErrTargetNotEmpty when any textback table or River's job table in
// the target has a row. Tables that do not exist yet count as empty.
func checkTargetEmpty(ctx context.Context, q querier, target string) error {
	for _, table := range append(slices.Clone(Tables), "river_job") {
		var exists bool
		err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&exists)
		if err != nil {
			return fmt.Errorf("check target %s: %w", target, err)
		}
		if !exists {
			continue
		}
		var n int64
		if err := q.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
			return fmt.Errorf("check target %s: count %s: %w", target, table, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: %s already has %d row(s) in %s, so nothing was written. "+
				"Copy into a new, empty database", ErrTargetNotEmpty, target, n, table)
		}
	}
	return nil
}

// checkSourceTables fails when the SQLite database has a table that Run would not copy, so that
// a table added by a later migration cannot be left behind without notice.
func checkSourceTables(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		return fmt.Errorf("list source tables: %w", err)
	}
	defer rows.Close()
	var unknown []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("list source tables: %w", err)
		}
		if !slices.Contains(Tables, name) && !skipped(name) {
			unknown = append(unknown, name)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list source tables: %w", err)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("source has table(s) that this version of textback does not copy: %s",
			strings.Join(unknown, ", "))
	}
	return nil
}
