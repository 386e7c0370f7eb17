package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/textback/textback/internal/auth"
	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/store"
)

func runUser(ctx context.Context, args []string, streams IO) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(streams.Stderr, "Usage: textback user add --email ADDRESS --role agency-admin|owner|staff [--business slug] [--agency name]")
		fmt.Fprintln(streams.Stderr, "\nRun textback user add -h for its flags.")
		if len(args) == 0 {
			return errUsage
		}
		return flag.ErrHelp
	}
	if args[0] != "add" {
		fmt.Fprintf(streams.Stderr, "textback user: unknown subcommand %q: use textback user add\n", args[0])
		return errUsage
	}
	return runUserAdd(ctx, args[1:], streams)
}

// userAdd is what textback user add was asked to do.
type userAdd struct {
	email, business, agency string
	role                    store.Role
}

func runUserAdd(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("user add", "--email ADDRESS --role agency-admin|owner|staff [--business slug] [--agency name]\n\n"+
		"Creates a dashboard user, or gives an existing user another role. The password of a new user is\n"+
		"read from the terminal, or from the first line of standard input when it is not a terminal.", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	email := fs.String("email", "", "the user's email address, which they sign in with (required)")
	role := fs.String("role", "", "agency-admin (every business of --agency), owner or staff (of --business) (required)")
	business := fs.String("business", "", "slug of the business an owner or staff member works for; with agency-admin, "+
		"a business to add to the agency")
	agency := fs.String("agency", "", "name of the agency an agency-admin runs; created when it does not exist")
	if err := parse(fs, args); err != nil {
		return err
	}
	req, err := checkUserAdd(*email, *role, *business, *agency)
	if err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	return addUser(ctx, s, req, streams)
}

// checkUserAdd validates the flags of textback user add.
func checkUserAdd(email, role, business, agency string) (userAdd, error) {
	req := userAdd{email: auth.NormalizeEmail(email), business: strings.TrimSpace(business), agency: strings.TrimSpace(agency)}
	if req.email == "" {
		return req, errors.New("missing --email: give the address the user signs in with")
	}
	if addr, err := mail.ParseAddress(req.email); err != nil || addr.Address != req.email {
		return req, fmt.Errorf("invalid --email %q: use a plain address such as dana@example.com", email)
	}
	if role == "" {
		return req, errors.New("missing --role: use agency-admin, owner or staff")
	}
	r, err := store.ParseRole(role)
	if err != nil {
		return req, fmt.Errorf("invalid --role %q: use agency-admin, owner or staff", role)
	}
	req.role = r
	switch {
	case r == store.RoleAgencyAdmin && req.agency == "":
		return req, errors.New("missing --agency: an agency-admin needs the name of the agency they run")
	case r != store.RoleAgencyAdmin && req.agency != "":
		return req, fmt.Errorf("--agency is only for --role agency-admin: an %s works for one business, named with --business", r)
	case r != store.RoleAgencyAdmin && req.business == "":
		return req, fmt.Errorf("missing --business: an %s needs the slug of their business", r)
	}
	return req, nil
}

// addUser creates the user when new, reading the password, and grants the role.
func addUser(ctx context.Context, s *store.Store, req userAdd, streams IO) error {
	var business store.Business
	if req.business != "" {
		var err error
		if business, err = businessBySlug(ctx, s, req.business); err != nil {
			return err
		}
	}
	user, err := s.GetUserByEmail(ctx, req.email)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return err
	}
	var hash string
	if isNew {
		password, err := readPassword(streams)
		if err != nil {
			return err
		}
		if hash, err = auth.HashPassword(password); err != nil {
			return err
		}
	}
	var added bool
	err = s.InTx(ctx, func(tx *store.Tx) error {
		if isNew {
			if user, err = tx.InsertUser(ctx, req.email, hash); err != nil {
				return err
			}
		}
		m := store.Membership{UserID: user.ID, Role: req.role, BusinessID: business.ID}
		if req.role == store.RoleAgencyAdmin {
			agency, err := tx.UpsertAgency(ctx, req.agency)
			if err != nil {
				return err
			}
			m.AgencyID, m.BusinessID = agency.ID, 0
			if business.ID != 0 {
				if err := tx.SetBusinessAgency(ctx, business.ID, agency.ID); err != nil {
					return err
				}
			}
		}
		added, err = tx.AddMembership(ctx, m)
		return err
	})
	if err != nil {
		return err
	}
	target := "business " + req.business
	if req.role == store.RoleAgencyAdmin {
		target = "agency " + req.agency
		if req.business != "" {
			fmt.Fprintf(streams.Stdout, "business %s is now part of agency %s\n", req.business, req.agency)
		}
	}
	switch {
	case isNew:
		fmt.Fprintf(streams.Stdout, "created user %s, %s of %s\n", req.email, req.role, target)
	case added:
		fmt.Fprintf(streams.Stdout, "user %s exists: added role %s of %s (password unchanged)\n", req.email, req.role, target)
	default:
		fmt.Fprintf(streams.Stdout, "user %s is already %s of %s: nothing changed\n", req.email, req.role, target)
	}
	return nil
}

// readPassword reads a new password: typed twice without echo on a terminal, or the first line of
// standard input otherwise. Passwords are never taken from flags, which other users of the
// machine can see in the process list.
func readPassword(streams IO) (string, error) {
	if f, ok := streams.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(f, streams.Stderr)
	}
	if streams.Stdin == nil {
		return "", errors.New("no password: type it when asked, or pipe it on standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(streams.Stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", errors.New("no password on standard input: pipe it in, such as: printf '%s\\n' \"$PASSWORD\" | textback user add ...")
	}
	return password, auth.CheckPassword(password)
}

func promptPassword(f *os.File, prompt io.Writer) (string, error) {
	for {
		fmt.Fprint(prompt, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if err := auth.CheckPassword(string(first)); err != nil {
			fmt.Fprintf(prompt, "%v\n", err)
			continue
		}
		fmt.Fprint(prompt, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			fmt.Fprintln(prompt, "the passwords differ: type the same password twice")
			continue
		}
		return string(first), nil
	}
}
