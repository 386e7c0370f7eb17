package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/simulate"
	"github.com/textback/textback/internal/store"
)

// simulateUsage lists the simulator's subcommands.
const simulateUsage = `Usage:
  textback simulate call --from +1... [--to +1...] [--outcome no-answer|busy|answered|voicemail] [--digits 1,3]
  textback simulate text --from +1... --body "..." [--to +1...]

Both send the signed webhooks a provider would send to a running textback serve, so run them with
the same --db (and --public-url, if set) as the server. Against a real provider's number, the
texts textback sends in reply are real texts.`

func runSimulate(ctx context.Context, args []string, streams IO) error {
	if len(args) == 0 {
		fmt.Fprintln(streams.Stderr, simulateUsage)
		return errUsage
	}
	switch args[0] {
	case "call":
		return runSimulateCall(ctx, args, streams)
	case "text", "sms":
		return runSimulateText(ctx, args[1:], streams)
	case "-h", "--help", "help":
		fmt.Fprintln(streams.Stderr, simulateUsage)
		return flag.ErrHelp
	}
	fmt.Fprintf(streams.Stderr, "textback simulate: unknown subcommand %q\n\n%s\n", args[0], simulateUsage)
	return errUsage
}

func runSimulateCall(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("simulate call", "--from +1... [flags]", streams)
	args = args[1:]
	if err := cfg.Register(fs, streams.Env, "addr", "db", "public-url"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	from := fs.String("from", "", "the caller's number, such as +12025550143 (required; Anonymous tries a withheld caller id)")
	to := fs.String("to", "", "the business number called; defaults to the only configured number")
	outcome := fs.String("outcome", string(simulate.NoAnswer), "how the call ends: no-answer, busy, answered or voicemail")
	server := fs.String("server", "", "where to send the webhooks; defaults to http://<addr>")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for textback's decision")
	digits := fs.String("digits", "", "the caller's choices at a phone menu, comma-separated and in order: a key "+
		"such as 2, or words to say such as emergency (the menu hears nothing once they run out)")
	message := fs.String("message", "", "the words of a voicemail left in a phone menu, which the simulated "+
		"transcript returns")
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.PublicURL == "" && *server != "" {
		// A server given without its public URL is taken to be reached at that URL.
		cfg.PublicURL = *server
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	if *from == "" {
		fs.Usage()
		return errors.New("missing --from: give the caller's number, such as --from +12025550143")
	}
	if !slices.Contains(simulate.Outcomes, simulate.Outcome(*outcome)) {
		return fmt.Errorf("invalid --outcome %q: use no-answer, busy, answered or voicemail", *outcome)
	}
	if *server == "" {
		*server = "http://" + cfg.Addr
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	number, err := pickNumber(ctx, s, *to)
	if err != nil {
		return err
	}
	prov, err := s.GetProvider(ctx, number.ProviderID)
	if err != nil {
		return err
	}
	choices, err := parseDigits(*digits)
	if err != nil {
		return err
	}
	call := simulate.Call{
		Server: *server, PublicURL: cfg.PublicURL, Account: prov.Account(), Number: number, From: *from,
		Outcome: simulate.Outcome(*outcome), Client: &http.Client{Timeout: 20 * time.Second}, Log: streams.Stdout,
		Digits: choices, Message: *message,
	}
	fmt.Fprintf(streams.Stdout, "Simulating a call from %s to %s (%s), ending %s.\n", *from, number.E164, prov.Name, *outcome)
	sid, err := call.Run(ctx)
	if err != nil {
		return err
	}
	decided, msgs, err := simulate.Wait(ctx, s, prov.ID, sid, *wait)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "\nCall %s\n  decision: %s\n", sid, decided.Decision)
	voicemails, err := voicemailsOf(ctx, s, decided)
	if err != nil {
		return err
	}
	for _, vm := range voicemails {
		fmt.Fprintf(streams.Stdout, "  %s\n", vm.describe())
	}
	for _, m := range msgs {
		fmt.Fprintf(streams.Stdout, "  text to %s [%s]: %s\n", m.To, m.Status, m.Body)
		if m.HoldReason != "" {
			fmt.Fprintf(streams.Stdout, "  held: %s\n", m.HoldReason)
		}
	}
	return nil
}

func runSimulateText(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("simulate text", "--from +1... --body \"...\" [flags]", streams)
	if err := cfg.Register(fs, streams.Env, "addr", "db", "public-url"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	from := fs.String("from", "", "the lead's number, such as +12025550143 (required)")
	to := fs.String("to", "", "the business number texted; defaults to the only configured number")
	body := fs.String("body", "", "the words of the text, such as URGENT or STOP (required)")
	server := fs.String("server", "", "where to send the webhook; defaults to http://<addr>")
	wait := fs.Duration("wait", 10*time.Second, "how long to wait for textback to apply the text")
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.PublicURL == "" && *server != "" {
		cfg.PublicURL = *server
	}
	if err := cfg.Finish(); err != nil {
		return err
	}
	if *from == "" || *body == "" {
		fs.Usage()
		return errors.New("missing --from or --body: give the lead's number and the words of the text")
	}
	if *server == "" {
		*server = "http://" + cfg.Addr
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	number, err := pickNumber(ctx, s, *to)
	if err != nil {
		return err
	}
	prov, err := s.GetProvider(ctx, number.ProviderID)
	if err != nil {
		return err
	}
	text := simulate.Text{
		Server: *server, PublicURL: cfg.PublicURL, Account: prov.Account(), Number: number, From: *from, Body: *body,
		Client: &http.Client{Timeout: 20 * time.Second}, Log: streams.Stdout,
	}
	fmt.Fprintf(streams.Stdout, "Simulating a text from %s to %s (%s): %q\n", *from, number.E164, prov.Name, *body)
	sid, err := text.Send(ctx)
	if err != nil {
		return err
	}
	res, err := simulate.WaitText(ctx, s, prov.ID, sid, *wait)
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "\nText %s\n  applied: %s\n", sid, res.Result)
	if len(res.Replies) == 0 {
		fmt.Fprintln(streams.Stdout, "  no reply")
	}
	for _, m := range res.Replies {
		fmt.Fprintf(streams.Stdout, "  text to %s [%s]: %s\n", m.To, m.Status, m.Body)
		if m.HoldReason != "" {
			fmt.Fprintf(streams.Stdout, "  held: %s\n", m.HoldReason)
		}
	}
	return nil
}

// pickNumber returns the number given, or the only configured number when none is.
func pickNumber(ctx context.Context, s *store.Store, to string) (store.Number, error) {
	if to != "" {
		n, err := phone.Parse(to, "US")
		if err != nil {
			return store.Number{}, fmt.Errorf("invalid --to: %w", err)
		}
		number, err := s.GetNumberByE164(ctx, n.E164)
		if errors.Is(err, store.ErrNotFound) {
			return store.Number{}, fmt.Errorf("invalid --to %s: no business has that number; "+
				"textback calls lists the calls to configured numbers, and textback.yaml lists them", n.E164)
		}
		return number, err
	}
	businesses, err := s.ListBusinesses(ctx)
	if err != nil {
		return store.Number{}, err
	}
	var all []store.Number
	for _, b := range businesses {
		numbers, err := s.ListNumbers(ctx, b.ID)
		if err != nil {
			return store.Number{}, err
		}
		all = append(all, numbers...)
	}
	switch len(all) {
	case 0:
		return store.Number{}, errors.New("no numbers configured: start textback serve once, or run textback apply")
	case 1:
		return all[0], nil
	}
	list := make([]string, len(all))
	for i, n := range all {
		list[i] = n.E164
	}
	return store.Number{}, fmt.Errorf("several numbers configured; choose one with --to (%s)", strings.Join(list, ", "))
}

// maxDigits bounds the choices of --digits, which the menu walk stops well before.
const maxDigits = 40

// parseDigits splits --digits into the caller's choices: keys of the keypad, or words to say.
func parseDigits(raw string) ([]string, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var choices []string
	for _, part := range strings.Split(raw, ",") {
		choice := strings.TrimSpace(part)
		if choice == "" {
			return nil, fmt.Errorf("invalid --digits %q: an entry is empty; separate keys or words with commas, "+
				"such as 1,3", raw)
		}
		choices = append(choices, choice)
	}
	if len(choices) > maxDigits {
		return nil, fmt.Errorf("invalid --digits: %d choices, more than the maximum of %d", len(choices), maxDigits)
	}
	return choices, nil
}
