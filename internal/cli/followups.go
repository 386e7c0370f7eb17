package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/followup"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

func runFollowUps(ctx context.Context, args []string, streams IO) error {
	if len(args) == 0 || args[0] != "stop" {
		fmt.Fprintln(streams.Stderr, "Usage: textback followups stop --business slug --number phone")
		return errUsage
	}

	var cfg config.Config
	fs := newFlags("followups stop", "--business slug --number phone", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the business (its slug)")
	number := fs.String("number", "", "the contact's phone number")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *slug == "" || *number == "" {
		fs.Usage()
		return errors.New("missing --business or --number: name the business and the contact whose follow-ups to stop")
	}

	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()

	business, err := businessBySlug(ctx, s, *slug)
	if err != nil {
		return err
	}
	n, err := phone.Parse(*number, business.Region)
	if err != nil {
		return fmt.Errorf("invalid --number: %w", err)
	}
	contact, err := s.GetContactByE164(ctx, business.ID, n.E164)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("contact %s not found in business %s: check the number", n.E164, business.Slug)
	}
	if err != nil {
		return err
	}

	var stopped bool
	err = s.InTx(ctx, func(tx *store.Tx) error {
		var err error
		// Running servers read the sequence when the next step comes due, so they see the stop then.
		stopped, err = tx.StopSequences(ctx, business.ID, contact.ID, followup.StopManual)
		return err
	})
	if err != nil {
		return err
	}

	if !stopped {
		fmt.Fprintf(streams.Stdout, "%s had no follow-ups running\n", n.E164)
		return nil
	}
	fmt.Fprintf(streams.Stdout, "follow-ups to %s stopped for good\n", n.E164)
	return nil
}
