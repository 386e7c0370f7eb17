package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/riverqueue/river/rivertype"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/dbcopy"
	"github.com/textback/textback/internal/store"
)

// stopFirst is the warning migrate-db prints in its help and before it starts.
const stopFirst = "textback must be stopped while migrate-db runs."

// migrateDBHelp follows the flags in migrate-db's help.
const migrateDBHelp = `
migrate-db copies every row, with its id, and every job still waiting to run from a SQLite
installation into an empty PostgreSQL database, in one transaction: on any failure the target
stays empty. Afterwards run textback with --db set to the PostgreSQL URL.

` + stopFirst + ` Stop every textback process that uses the SQLite file first, and start
textback on PostgreSQL only after migrate-db ends: a process left running would write rows and
finish jobs after they were copied, and that work would be lost or done twice.
`

func runMigrateDB(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("migrate-db", "--from ./textback.db --to postgres://...", streams)
	printFlags := fs.Usage
	fs.Usage = func() {
		printFlags()
		fmt.Fprint(streams.Stderr, migrateDBHelp)
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	from := fs.String("from", "", "the SQLite file to copy from, such as ./textback.db (required)")
	to := fs.String("to", "", "the empty PostgreSQL database to copy into, as a postgres:// URL (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fs.Usage()
		return errors.New("missing --from or --to: name the SQLite file and the PostgreSQL URL")
	}
	// A missing or unreadable file is left for the copy to report.
	if _, statErr := os.Stat(*from); statErr == nil && !store.IsPostgres(*from) {
		busy, err := store.SQLiteInUse(ctx, *from)
		if err != nil {
			return err
		}
		if busy {
			return fmt.Errorf("%s is in use by another process, such as a running textback serve. %s", *from, stopFirst)
		}
	}
	report, err := dbcopy.Run(ctx, dbcopy.Options{From: *from, To: *to, Logger: cfg.NewLogger(streams.Stderr)})
	if report.Tables != nil {
		if perr := printCopyReport(streams, report); perr != nil {
			return errors.Join(err, perr)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Stdout, "copied %s into %s; start textback with --db set to that URL\n", report.From, report.To)
	return nil
}

// printCopyReport prints the rows and jobs on each side, table by table.
func printCopyReport(streams IO, report dbcopy.Report) error {
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSQLITE\tPOSTGRESQL\tNEXT ID\t")
	for _, t := range report.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", t.Name, t.Source, t.Target, t.NextID)
	}
	fmt.Fprintf(tw, "waiting jobs\t%d\t%d\t\t\n", report.Jobs.Source, report.Jobs.Target)
	if err := tw.Flush(); err != nil {
		return err
	}
	states := make([]rivertype.JobState, 0, len(report.Jobs.ByState))
	for state := range report.Jobs.ByState {
		states = append(states, state)
	}
	slices.Sort(states)
	for _, state := range states {
		fmt.Fprintf(streams.Stdout, "  %s: %d\n", state, report.Jobs.ByState[state])
	}
	return nil
}
