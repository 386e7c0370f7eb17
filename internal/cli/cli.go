// Package cli implements textback's commands. Each command parses its own flags, builds what it
// needs and returns an exit code; nothing here exits the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/textback/textback/internal/config"
)

// IO is the process's streams and environment.
type IO struct {
	Stdout io.Writer
	Stderr io.Writer
	Env    config.Env
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, io IO) error
}

var commands = map[string]command{
	"serve":     {"run the server (webhooks, jobs, health check)", runServe},
	"apply":     {"load businesses, numbers and providers from a textback.yaml file", runApply},
	"migrate":   {"create or upgrade the database schema and exit", runMigrate},
	"calls":     {"list recent calls with their decisions", runCalls},
	"tasks":     {"list call-back tasks, or mark one done", runTasks},
	"followups": {"stop a contact's follow-ups (followups stop)", runFollowUps},
	"simulate":  {"send provider-shaped webhooks to a running server (simulate call)", runSimulate},
	"migrate-db": {
		"copy a SQLite installation into an empty PostgreSQL database (stop textback first)", runMigrateDB,
	},
	"export": {"write one business's data as JSON", runExport},
	"forget": {"delete everything a business holds about one phone number", runForget},
}

// errUsage marks errors whose message is the usage text; they exit with code 2.
var errUsage = errors.New("usage")

// Main runs the command named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, streams IO) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(streams.Stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(streams.Stderr, "textback: unknown command %q\n\n", args[0])
		usage(streams.Stderr)
		return 2
	}
	err := cmd.run(ctx, args[1:], streams)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(streams.Stderr, "textback %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "textback texts back callers whose calls a business missed.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: textback <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-11s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run textback <command> -h for its flags.")
}

// newFlags returns a flag set that reports errors itself and prints usage to stderr.
func newFlags(name, synopsis string, streams IO) *flag.FlagSet {
	fs := flag.NewFlagSet("textback "+name, flag.ContinueOnError)
	fs.SetOutput(streams.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(streams.Stderr, "Usage: textback %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into errUsage (the flag package has printed them).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}
