package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

func runForget(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("forget", "--business slug --number +1... [--db path-or-url]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the slug of the business that holds the contact (required)")
	number := fs.String("number", "", "the contact's phone number, such as +12025550143 (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" || *number == "" {
		fs.Usage()
		return errors.New("missing --business or --number: forget deletes one contact of one business and needs both")
	}

	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := businessBySlug(ctx, s, *slug)
	if err != nil {
		return err
	}
	n, err := phone.Parse(*number, b.Region)
	if err != nil {
		return fmt.Errorf("invalid --number: %w", err)
	}

	res, err := s.ForgetContact(ctx, b, n.E164)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("unknown number %s: business %s has no contact, call or text with it", n.E164, b.Slug)
	}
	if err != nil {
		return err
	}

	fmt.Fprintf(streams.Stdout, "deleted everything business %s held about %s:\n", b.Slug, n.E164)
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	for _, row := range []struct {
		kind string
		n    int64
	}{
		{"contacts", res.Contacts},
		{"calls", res.Calls},
		{"messages", res.Messages},
		{"webhooks", res.Webhooks},
		{"provider exchanges", res.ProviderExchanges},
		{"sandbox messages", res.SandboxMessages},
		{"bookings", res.Bookings},
		{"outbound webhook events", res.HookEvents},
	} {
		fmt.Fprintf(tw, "  %s\t%d\n", row.kind, row.n)
	}
	return tw.Flush()
}
