package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/textback/textback/internal/store/dbsqlc"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// Migrate applies every pending schema migration and logs each one. It is safe to run on a
// database that is up to date, and on PostgreSQL from several processes at once: a session lock
// lets one of them migrate while the others wait.
func (s *Store) Migrate(ctx context.Context) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migrate %s: create lock: %w", s.target, err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.target, err)
	}
	provider, err := goose.NewProvider(dialect, s.db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.target, err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.target, err)
	}
	for _, r := range results {
		s.log.Info("schema migration applied",
			slog.String("migration", r.Source.Path), slog.Duration("duration", r.Duration))
	}
	return s.prepare(ctx)
}

// prepare prepares every query once the schema exists. SQLite otherwise parses each statement
// again on every run, which costs more than running it.
func (s *Store) prepare(ctx context.Context) error {
	q, err := dbsqlc.Prepare(ctx, s.db)
	if err != nil {
		return fmt.Errorf("prepare queries on %s: %w", s.target, err)
	}
	old := s.q
	s.q = q
	return old.Close()
}
