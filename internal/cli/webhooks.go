package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/hooks"
	"github.com/textback/textback/internal/store"
)

const webhooksUsage = "Usage: textback webhooks add --business slug --url URL --events type,... | " +
	"list --business slug | remove --business slug --id N"

func runWebhooks(ctx context.Context, args []string, streams IO) error {
	if len(args) == 0 {
		fmt.Fprintln(streams.Stderr, webhooksUsage)
		return errUsage
	}
	var cfg config.Config
	fs := newFlags("webhooks "+args[0], "--business slug ...", streams)
	if err := cfg.Register(fs, streams.Env, "db", "webhooks"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the business (its slug)")
	url := fs.String("url", "", "add: the http or https URL that receives the events")
	events := fs.String("events", "", "add: comma-separated event types: "+strings.Join(hooks.Types, ", "))
	description := fs.String("description", "", "add: a note on what receives the events")
	id := fs.Int64("id", 0, "remove: the endpoint id that list shows")
	switch args[0] {
	case "add", "list", "remove":
	case "-h", "--help", "help":
		fmt.Fprintln(streams.Stderr, webhooksUsage)
		return nil
	default:
		fmt.Fprintf(streams.Stderr, "textback webhooks: unknown subcommand %q\n%s\n", args[0], webhooksUsage)
		return errUsage
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *slug == "" {
		fs.Usage()
		return errors.New("missing --business: name the business whose webhooks to change or list")
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
	switch args[0] {
	case "add":
		policy := hooks.URLPolicy{AllowPrivate: cfg.WebhooksAllowPrivate}
		return addWebhook(ctx, s, policy, hooks.NewEndpoint{
			BusinessID: business.ID, URL: *url, Events: strings.Split(*events, ","), Description: *description,
		}, streams)
	case "remove":
		return removeWebhook(ctx, s, business, *id, streams)
	}
	return listWebhooks(ctx, s, business, streams)
}

func addWebhook(ctx context.Context, s *store.Store, policy hooks.URLPolicy, e hooks.NewEndpoint, streams IO) error {
	if len(e.Events) == 1 && e.Events[0] == "" {
		e.Events = nil
	}
	created, err := hooks.AddEndpoint(ctx, s, policy, e)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "webhook %d added: %s\nsigning secret (shown only now): %s\n", created.ID, created.URL, created.Secret)
	return nil
}

func removeWebhook(ctx context.Context, s *store.Store, business store.Business, id int64, streams IO) error {
	if id <= 0 {
		return errors.New("missing --id: give the endpoint id that webhooks list shows")
	}
	removed, err := s.DeleteHookEndpoint(ctx, business.ID, store.HookEndpointID(id))
	if err != nil {
		return err
	}
	if !removed {
		return fmt.Errorf("webhook %d not found in business %s: check webhooks list", id, business.Slug)
	}
	fmt.Fprintf(streams.Stdout, "webhook %d removed\n", id)
	return nil
}

func listWebhooks(ctx context.Context, s *store.Store, business store.Business, streams IO) error {
	endpoints, err := s.ListHookEndpoints(ctx, business.ID)
	if err != nil {
		return err
	}
	if len(endpoints) == 0 {
		fmt.Fprintf(streams.Stdout, "no webhooks for %s\n", business.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tURL\tEVENTS\tDESCRIPTION")
	for _, e := range endpoints {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strconv.FormatInt(int64(e.ID), 10), e.URL, strings.Join(e.Events, ","), e.Description)
	}
	return tw.Flush()
}
