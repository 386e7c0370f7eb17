package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

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
	rows := make([]callRow, 0, len(calls))
	for _, c := range calls {
		text, err := textBackOf(ctx, s, c)
		if err != nil {
			return err
		}
		voicemails, err := voicemailsOf(ctx, s, c)
		if err != nil {
			return err
		}
		rows = append(rows, callRow{
			ID: int64(c.ID), Business: c.BusinessSlug, ProviderCallID: c.ProviderCallID, From: c.FromRaw, To: c.To,
			ForwardedFrom: c.ForwardedFrom, StartedAt: c.StartedAt, Outcome: string(c.Outcome),
			OutcomeReason: c.OutcomeReason, TextBack: string(c.TextBack), TextBackReason: c.TextBackReason,
			Decision: c.Decision, DecidedAt: optionalTime(c.DecidedAt), Text: text, Voicemails: voicemails,
		})
	}
	if *asJSON {
		enc := json.NewEncoder(streams.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(streams.Stdout, "no calls yet")
		return nil
	}
	zones := newZones(s)
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tBUSINESS\tFROM\tCALL\tOUTCOME\tTEXT BACK\tDECISION")
	for i, r := range rows {
		decision := r.Decision
		if decision == "" {
			decision = "(deciding)"
		}
		from := r.From
		if from == "" {
			from = "(no caller id)"
		}
		started := r.StartedAt.In(zones.of(ctx, calls[i].BusinessID)).Format("Jan 2 15:04:05 MST")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", started, r.Business, from, r.ProviderCallID, r.Outcome,
			r.Text.describe(), decision)
		// The voicemail goes in the last column, so that the lines of the table stay aligned.
		for _, vm := range r.Voicemails {
			fmt.Fprintf(tw, "\t\t\t\t\t\t%s\n", vm.describe())
		}
	}
	return tw.Flush()
}
