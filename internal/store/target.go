package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// urlScheme matches a target that starts like a URL, such as "mysql://".
var urlScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// checkTarget rejects a target that names no database textback can use: a URL of a database
// other than PostgreSQL, or a folder where a SQLite file was meant.
func checkTarget(target string) error {
	if IsPostgres(target) {
		return nil
	}
	if match := urlScheme.FindStringSubmatch(target); match != nil {
		return fmt.Errorf("unsupported database %s: textback uses a SQLite file path, such as ./textback.db, "+
			"or a postgres:// (or postgresql://) URL", redactURL(target))
	}
	if info, err := os.Stat(target); err == nil && info.IsDir() {
		return fmt.Errorf("invalid database %s: it is a folder; name a SQLite file inside it, such as %s",
			target, strings.TrimRight(target, "/")+"/textback.db")
	}
	return nil
}

// redactURL returns a URL of any scheme without its password, for messages.
func redactURL(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "(unreadable url)"
	}
	return u.Redacted()
}

// SQLiteInUse reports whether another connection, in this process or another, has the SQLite
// file at path open, such as a running textback serve. It takes an exclusive lock and releases
// it at once, and changes nothing in the database. A missing file is an error and is not created.
func SQLiteInUse(ctx context.Context, path string) (bool, error) {
	// In exclusive locking mode the first read must lock the file against every other
	// connection, which fails at once (busy_timeout 0) while any other connection has it open.
	// mode=rw opens an existing file only.
	dsn := "file:" + path + "?mode=rw&_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)"
	db, err := sql.Open(sqliteDriverName, dsn)
	if err != nil {
		return false, fmt.Errorf("check whether %s is in use: %w", path, err)
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
	if err == nil {
		return false, nil
	}
	if isBusy(err) {
		return true, nil
	}
	return false, fmt.Errorf("check whether %s is in use: %w", path, err)
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		const sqliteBusy, sqliteLocked = 5, 6
		primary := coded.Code() & 0xff
		return primary == sqliteBusy || primary == sqliteLocked
	}
	return false
}
