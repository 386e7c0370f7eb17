package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Tables lists every textback table that Run copies, parents before children, so that each
// foreign key points at a row copied before it.
var Tables = []string{
	"providers",
	"agencies",
	"businesses",
	"numbers",
	"contacts",
	"users",
	"memberships",
	"sessions",
	"login_failures",
	"calls",
	"conversations",
	"messages",
	"message_events",
	"webhooks",
	"provider_exchanges",
	"sandbox_messages",
	"tasks",
	"alerts",
	"alert_deliveries",
	"sequences",
	"calendars",
	"bookings",
	"api_keys",
	"hook_endpoints",
	"hook_events",
	"hook_deliveries",
	"hook_attempts",
	"ai_examples",
	"ai_drafts",
	"call_menu_steps",
	"voicemails",
}

// skipped reports whether a SQLite table is deliberately not copied row by row. Those are
// SQLite's own tables, the schema version that each database's migrations keep, and River's
// tables, whose waiting jobs copyJobs re-creates. Broadcasts carry messages between running
// processes on SQLite only, because PostgreSQL uses LISTEN/NOTIFY instead.
func skipped(table string) bool {
	return strings.HasPrefix(table, "sqlite_") || strings.HasPrefix(table, "river_") ||
		table == "goose_db_version" || table == "broadcasts"
}

// column is one column of a target table and its PostgreSQL type.
type column struct {
	name     string
	dataType string // as information_schema names it, such as "timestamp with time zone"
}

// copyTable copies every row of table, ids included, and moves the table's id sequence past
// the largest id the source handed out.
func copyTable(ctx context.Context, srcTx *sql.Tx, dstTx pgx.Tx, table string) (TableReport, error) {
	tr := TableReport{Name: table}
	cols, err := targetColumns(ctx, dstTx, table)
	if err != nil {
		return tr, err
	}
	if err := matchSourceColumns(ctx, srcTx, table, cols); err != nil {
		return tr, err
	}

	names := make([]string, len(cols))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		quoted[i] = `"` + c.name + `"`
	}
	rows, err := srcTx.QueryContext(ctx, "SELECT "+strings.Join(quoted, ", ")+" FROM "+table+" ORDER BY id")
	if err != nil {
		return tr, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	source := &rowSource{table: table, rows: rows, cols: cols}
	n, err := dstTx.CopyFrom(ctx, pgx.Identifier{table}, names, source)
	if err != nil {
		return tr, fmt.Errorf("copy %s: %w", table, err)
	}
	tr.Target = n

	tr.NextID, err = nextID(ctx, srcTx, table)
	if err != nil {
		return tr, err
	}
	if _, err := dstTx.Exec(ctx, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)", table, tr.NextID); err != nil {
		return tr, fmt.Errorf("move id sequence of %s to %d: %w", table, tr.NextID, err)
	}
	return tr, nil
}

// targetColumns returns the columns of a table in the target, in table order.
func targetColumns(ctx context.Context, tx pgx.Tx, table string) ([]column, error) {
	rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s in the target: %w", table, err)
	}
	cols, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (column, error) {
		var c column
		err := row.Scan(&c.name, &c.dataType)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read columns of %s in the target: %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("read columns of %s in the target: table not found", table)
	}
	return cols, nil
}

// matchSourceColumns fails unless the SQLite table has exactly the target's columns.
func matchSourceColumns(ctx context.Context, tx *sql.Tx, table string, cols []column) error {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return fmt.Errorf("read columns of %s in the source: %w", table, err)
	}
	defer rows.Close()
	var source []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("read columns of %s in the source: %w", table, err)
		}
		source = append(source, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read columns of %s in the source: %w", table, err)
	}
	target := make([]string, len(cols))
	for i, c := range cols {
		target[i] = c.name
	}
	slices.Sort(source)
	slices.Sort(target)
	if !slices.Equal(source, target) {
		return fmt.Errorf("table %s has columns %s in the source but %s in the target. "+
			"Both databases must have the schema of the same textback version",
			table, strings.Join(source, ","), strings.Join(target, ","))
	}
	return nil
}

// nextID returns one more than the largest id the source table ever handed out. SQLite's
// AUTOINCREMENT keeps that in sqlite_sequence even after the row was deleted.
func nextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var maxID, seq int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+table).Scan(&maxID); err != nil {
		return 0, fmt.Errorf("read largest id of %s: %w", table, err)
	}
	err := tx.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = ?", table).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read id sequence of %s: %w", table, err)
	}
	return max(maxID, seq) + 1, nil
}

// rowSource feeds the rows of a SQLite query to pgx's CopyFrom, converting each value to the
// type of its target column.
type rowSource struct {
	table  string
	rows   *sql.Rows
	cols   []column
	values []any
	err    error
}

func (s *rowSource) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	raw := make([]any, len(s.cols))
	ptrs := make([]any, len(s.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := s.rows.Scan(ptrs...); err != nil {
		s.err = fmt.Errorf("read %s: %w", s.table, err)
		return false
	}
	for i, c := range s.cols {
		v, err := convert(raw[i], c.dataType)
		if err != nil {
			s.err = fmt.Errorf("convert %s.%s of row %v: %w", s.table, c.name, raw[0], err)
			return false
		}
		raw[i] = v
	}
	s.values = raw
	return true
}

func (s *rowSource) Values() ([]any, error) { return s.values, nil }

func (s *rowSource) Err() error {
	if s.err != nil {
		return s.err
	}
	if err := s.rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", s.table, err)
	}
	return nil
}

// convert turns a value read from SQLite into one for a PostgreSQL column of dataType. SQLite
// keeps booleans as integers, and its driver returns TIMESTAMP columns as time.Time and BLOB
// columns as []byte. Any other combination is an error rather than a guess.
func convert(v any, dataType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch dataType {
	case "boolean":
		if n, ok := v.(int64); ok {
			return n != 0, nil
		}
	case "bigint", "integer", "smallint":
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case "text", "character varying":
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case "bytea":
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	case "timestamp with time zone":
		switch t := v.(type) {
		case time.Time:
			return t.UTC(), nil
		case string:
			return parseTime(t)
		}
	}
	return nil, fmt.Errorf("invalid value %v (%T) for a PostgreSQL %s column", v, v, dataType)
}

// timeLayouts are the text forms of SQLite timestamps that its driver may leave unparsed.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}
