package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/textback/textback/internal/apply"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/manifest"
)

func runApply(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("apply", "-f textback.yaml [--db path-or-url]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	file := fs.String("f", "", "the configuration file to apply (required)")
	check := fs.Bool("check", false, "validate the file and print its report without writing to the database")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		fs.Usage()
		return errors.New("missing -f: name the configuration file, such as -f textback.yaml")
	}
	m, err := manifest.Load(*file, streams.Env)
	if err != nil {
		var issues manifest.Errors
		if errors.As(err, &issues) {
			for _, issue := range issues {
				fmt.Fprintln(streams.Stderr, "error:", issue.Error())
			}
			return fmt.Errorf("%s has %d problem(s); nothing was applied", *file, len(issues))
		}
		return err
	}
	for _, w := range m.Warnings {
		fmt.Fprintln(streams.Stderr, "warning:", w.Error())
	}
	for _, b := range m.Businesses {
		for _, t := range b.Templates {
			fmt.Fprintf(streams.Stdout, "%s %s: %s, %d segment(s), %d units\n", b.Slug, t.Name, t.Encoding, t.Segments, t.Units)
		}
	}
	if *check {
		fmt.Fprintf(streams.Stdout, "%s is valid\n", *file)
		return nil
	}
	s, err := openStore(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := apply.Apply(ctx, s, m)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "applied %s to %s: %d provider(s), %d business(es), %d number(s), "+
		"%d calendar(s)\n", *file, s.Target(), res.Providers, res.Businesses, res.Numbers, res.Calendars)
	return nil
}
