// Package cli implements textback's commands. Each command parses its own flags, builds what it
// needs and returns an exit code; nothing here exits the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/textback/textback/internal/config"
)

// IO is the process's streams and environment.
type IO struct {
	Stdin  io.Reader // nil reads nothing
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
	"calendars": {
		"list a business's calendars with their feed URLs, or give one a new feed URL", runCalendars,
	},
	"version": {"print textback's version and the source revision it was built from", runVersion},
	"apikey":  {"create, list or revoke REST API keys (apikey create --business slug)", runAPIKey},
	"webhooks": {"add, list or remove a business's outbound webhooks (webhooks add --business slug ...)",
		runWebhooks},
	"user": {"add a dashboard user (user add)", runUser},
	"eval": {"score the reply classifier on a set of labelled lead messages, alone or with a model", runEval},
}

// errUsage marks errors whose message is the usage text; they exit with code 2.
var errUsage = errors.New("usage")

// Main runs the command named by args[0] and returns the process exit code: 0 on success and
// for requested help, 1 when the command failed, 2 for a usage mistake.
func Main(ctx context.Context, args []string, streams IO) int {
	if len(args) == 0 {
		usage(streams.Stderr)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return help(ctx, args[1:], streams)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(streams.Stderr, "textback: unknown command %q\n\n", args[0])
		usage(streams.Stderr)
		return 2
	}
	return exitCode(args[0], cmd.run(ctx, args[1:], streams), streams)
}

// help prints the list of commands, or the help of the command that args name, on standard
// output.
func help(ctx context.Context, args []string, streams IO) int {
	if len(args) == 0 {
		usage(streams.Stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(streams.Stderr, "textback help: unknown command %q\n\n", args[0])
		usage(streams.Stderr)
		return 2
	}
	// Commands print their help on standard error, as -h does; asked for by name it is the output.
	asked := IO{Stdout: streams.Stdout, Stderr: streams.Stdout, Env: streams.Env}
	helpArgs := append(slices.Clone(args[1:]), "-h")
	return exitCode(args[0], cmd.run(ctx, helpArgs, asked), streams)
}

// exitCode prints a command's error and returns the exit code for it.
func exitCode(name string, err error, streams IO) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(streams.Stderr, "textback %s: %v\n", name, err)
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
	fmt.Fprintln(w, "Run textback help <command>, or textback <command> -h, for its flags.")
}

// newFlags returns a flag set that reports errors itself and prints usage to stderr.
func newFlags(name, synopsis string, streams IO) *flag.FlagSet {
	fs := flag.NewFlagSet("textback "+name, flag.ContinueOnError)
	fs.SetOutput(streams.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(streams.Stderr, "Usage: textback %s %s\n", name, synopsis)
		defined := false
		fs.VisitAll(func(*flag.Flag) { defined = true })
		if defined {
			fmt.Fprint(streams.Stderr, "\nFlags:\n")
			fs.PrintDefaults()
		}
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
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args(), " "))
		if fs.Lookup("f") != nil {
			// Commands that read a file take it with -f, never as an argument.
			fmt.Fprintf(fs.Output(), "Name the file with -f, as in: %s -f %s\n\n", fs.Name(), fs.Arg(0))
		}
		fs.Usage()
		return errUsage
	}
	return nil
}
