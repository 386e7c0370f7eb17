package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/textback/textback/internal/apikey"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
)

const apikeyUsage = "Usage: textback apikey create --business slug [--name text] | list | revoke --prefix tbk_..."

// maxKeyName bounds the label of an API key.
const maxKeyName = 100

func runAPIKey(ctx context.Context, args []string, streams IO) error {
	if len(args) == 0 {
		fmt.Fprintln(streams.Stderr, apikeyUsage)
		return errUsage
	}
	switch args[0] {
	case "create":
		return createAPIKey(ctx, args[1:], streams)
	case "list":
		return listAPIKeys(ctx, args[1:], streams)
	case "revoke":
		return revokeAPIKey(ctx, args[1:], streams)
	case "-h", "--help", "help":
		fmt.Fprintln(streams.Stderr, apikeyUsage)
		return nil
	}
	fmt.Fprintf(streams.Stderr, "textback apikey: unknown subcommand %q\n%s\n", args[0], apikeyUsage)
	return errUsage
}

func createAPIKey(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("apikey create", "--business slug [--name text]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "the business the key reaches (its slug)")
	name := fs.String("name", "", "a label that says who uses the key, such as \"CRM sync\"")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *slug == "" {
		fs.Usage()
		return errors.New("missing --business: name the business the key is for")
	}
	label := strings.TrimSpace(*name)
	if len(label) > maxKeyName || strings.ContainsFunc(label, isControl) {
		return fmt.Errorf("invalid --name: use at most %d printable characters", maxKeyName)
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
	key, err := apikey.New()
	if err != nil {
		return err
	}
	if _, err := s.InsertAPIKey(ctx, store.NewAPIKey{
		BusinessID: business.ID, Name: label, Prefix: key.Prefix, SecretHash: key.Hash,
	}); err != nil {
		return err
	}
	fmt.Fprintln(streams.Stdout, key.Secret)
	fmt.Fprintf(streams.Stderr, "API key %s created for %s. It is shown only now: store it in a secret manager.\n",
		key.Prefix, business.Slug)
	return nil
}

func listAPIKeys(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("apikey list", "", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	keys, err := s.ListAPIKeys(ctx)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		fmt.Fprintln(streams.Stdout, "no API keys: create one with textback apikey create --business slug")
		return nil
	}
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tSCOPE\tNAME\tCREATED\tLAST USED\tSTATE")
	for _, k := range keys {
		scope := "business " + k.BusinessSlug
		if k.AgencyID != 0 {
			scope = fmt.Sprintf("agency %d", k.AgencyID)
		}
		state := "active"
		if k.Revoked() {
			state = "revoked " + k.RevokedAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, scope, k.Name, k.CreatedAt.Local().Format(time.DateTime),
			formatOptionalTime(k.LastUsedAt), state)
	}
	return tw.Flush()
}

func revokeAPIKey(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("apikey revoke", "--prefix tbk_...", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	prefix := fs.String("prefix", "", "the key's prefix as apikey list shows it (the whole key works too)")
	if err := parse(fs, args); err != nil {
		return err
	}
	p := strings.TrimSpace(*prefix)
	if len(p) < apikey.PrefixLength || !strings.HasPrefix(p, apikey.Scheme) {
		fs.Usage()
		return fmt.Errorf("invalid --prefix %q: give the %d-character prefix that apikey list shows, such as tbk_abcd2345",
			*prefix, apikey.PrefixLength)
	}
	p = p[:apikey.PrefixLength]
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	revoked, err := s.RevokeAPIKey(ctx, p)
	if err != nil {
		return err
	}
	if !revoked {
		return fmt.Errorf("no active API key has prefix %s: check apikey list", p)
	}
	fmt.Fprintf(streams.Stdout, "API key %s revoked\n", p)
	return nil
}

func formatOptionalTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format(time.DateTime)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
