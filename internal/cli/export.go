package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/export"
	"github.com/textback/textback/internal/store"
)

func runExport(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("export", "--business slug [-o file] [--db path-or-url]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the slug of the business to export (required)")
	output := fs.String("o", "", "write the JSON to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		fs.Usage()
		return errors.New("missing --business: give the slug of the business to export")
	}

	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := businessBySlug(ctx, s, *slug); err != nil {
		return err
	}

	if *output == "" {
		_, err := export.Write(ctx, s, *slug, streams.Stdout)
		return err
	}
	return exportToFile(ctx, s, *slug, *output, streams.Stderr)
}

// exportToFile writes the export to a temporary file beside path and renames it into place, so
// that a failed export never leaves a truncated file under the requested name.
func exportToFile(ctx context.Context, s *store.Store, slug, path string, report io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export business %s to %s: %w", slug, path, err)
	}
	defer os.Remove(tmp.Name())
	sum, err := export.Write(ctx, s, slug, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export business %s to %s: %w", slug, path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export business %s to %s: %w", slug, path, err)
	}
	fmt.Fprintf(report, "exported business %s to %s: %d number(s), %d calendar(s), %d contact(s), "+
		"%d conversation(s), %d call(s), %d text(s), %d follow-up sequence(s), %d task(s), %d alert(s), "+
		"%d booking(s)\n",
		slug, path, sum.Numbers, sum.Calendars, sum.Contacts, sum.Conversations, sum.Calls, sum.Messages,
		sum.Sequences, sum.Tasks, sum.Alerts, sum.Bookings)
	return nil
}
