package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
)

func runCalls(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("calls", "[--business slug] [--limit n] [--json]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "show only this business's calls (its slug)")
	limit := fs.Int("limit", 20, "how many calls to show, newest first")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 10000 {
		return fmt.Errorf("invalid --limit %d: use 1 to 10000", *limit)
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	var business store.BusinessID
	zones := map[store.BusinessID]*time.Location{}
	if *slug != "" {
		b, err := businessBySlug(ctx, s, *slug)
		if err != nil {
			return err
		}
		business = b.ID
	}
	calls, err := s.ListRecentCalls(ctx, business, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		if calls == nil {
			calls = []store.Call{} // an empty list, not null
		}
		enc := json.NewEncoder(streams.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(calls)
	}
	if len(calls) == 0 {
		fmt.Fprintln(streams.Stdout, "no calls yet")
		return nil
	}
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tBUSINESS\tFROM\tCALL\tOUTCOME\tDECISION")
	for _, c := range calls {
		loc, ok := zones[c.BusinessID]
		if !ok {
			loc = time.UTC
			if b, err := s.GetBusiness(ctx, c.BusinessID); err == nil {
				loc = b.Location()
			}
			zones[c.BusinessID] = loc
		}
		decision := c.Decision
		if decision == "" {
			decision = "(deciding)"
		}
		from := c.FromRaw
		if from == "" {
			from = "(no caller id)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.StartedAt.In(loc).Format("Jan 2 15:04:05 MST"),
			c.BusinessSlug, from, c.ProviderCallID, c.Outcome, decision)
	}
	return tw.Flush()
}
