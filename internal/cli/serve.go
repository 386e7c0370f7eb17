package cli

import (
	"context"
	"log/slog"

	"github.com/textback/textback/internal/app"
	"github.com/textback/textback/internal/config"
)

func runServe(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("serve", "[flags]", streams)
	if err := cfg.Register(fs, streams.Env, "addr", "db", "public-url", "log", "retention", "smtp", "webhooks", "metrics"); err != nil {
		return err
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	log := cfg.NewLogger(streams.Stderr)
	log.Info("textback starting", slog.Any("config", cfg))
	return app.Run(ctx, cfg, app.Options{Logger: log})
}
