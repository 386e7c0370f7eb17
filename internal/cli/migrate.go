package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
)

func runMigrate(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("migrate", "[--db path-or-url]", streams)
	if err := cfg.Register(fs, streams.Env, "db", "log"); err != nil {
		return err
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	log := cfg.NewLogger(streams.Stderr)
	s, err := store.Open(ctx, cfg.DB, store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := app.Migrate(ctx, s, log); err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "database %s is up to date\n", s.Target())
	return nil
}

// openStore opens and migrates the database named by cfg, for commands that read or write it.
func openStore(ctx context.Context, cfg config.Config, streams IO) (*store.Store, error) {
	return open(ctx, cfg, streams, false)
}

// openExisting is openStore for commands that only make sense on an existing database: a
// mistyped --db path is an error instead of a new, empty database.
func openExisting(ctx context.Context, cfg config.Config, streams IO) (*store.Store, error) {
	return open(ctx, cfg, streams, true)
}

func open(ctx context.Context, cfg config.Config, streams IO, mustExist bool) (*store.Store, error) {
	log := cfg.NewLogger(streams.Stderr)
	s, err := store.Open(ctx, cfg.DB, store.Options{Logger: log, MustExist: mustExist})
	if err != nil {
		return nil, err
	}
	if err := app.Migrate(ctx, s, log); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// businessBySlug returns the business --business names, with an error that says so when no
// business has that slug.
func businessBySlug(ctx context.Context, s *store.Store, slug string) (store.Business, error) {
	b, err := s.GetBusinessBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return store.Business{}, fmt.Errorf("unknown business %q: no business has that slug", slug)
	}
	return b, err
}
