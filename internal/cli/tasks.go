package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/textback/textback/internal/config"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
)

func runTasks(ctx context.Context, args []string, streams IO) error {
	var cfg config.Config
	fs := newFlags("tasks", "[--business slug] [--state open|done|all] [--done id] [--json]", streams)
	if err := cfg.Register(fs, streams.Env, "db"); err != nil {
		return err
	}
	cfg.LogLevel, cfg.LogFormat = "warn", "text"
	slug := fs.String("business", "", "show only this business's tasks (its slug); required with --done")
	state := fs.String("state", "open", "which tasks to show: open, done or all")
	done := fs.String("done", "", "mark the task with this id done instead of listing")
	limit := fs.Int("limit", 50, "how many tasks to show, soonest due first")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	filter := *state
	switch filter {
	case "open", "done":
	case "all":
		filter = ""
	default:
		return fmt.Errorf("invalid --state %q: use open, done or all", *state)
	}
	if *limit < 1 || *limit > 10000 {
		return fmt.Errorf("invalid --limit %d: use 1 to 10000", *limit)
	}
	s, err := openExisting(ctx, cfg, streams)
	if err != nil {
		return err
	}
	defer s.Close()
	var business store.Business
	if *slug != "" {
		if business, err = businessBySlug(ctx, s, *slug); err != nil {
			return err
		}
	}
	if *done != "" {
		return completeTask(ctx, s, business, *done, streams)
	}
	tasks, err := s.ListTasks(ctx, business.ID, filter, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		rows := make([]taskRow, 0, len(tasks))
		for _, t := range tasks {
			rows = append(rows, newTaskRow(t))
		}
		enc := json.NewEncoder(streams.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(tasks) == 0 {
		if *state == "all" {
			fmt.Fprintln(streams.Stdout, "no tasks")
		} else {
			fmt.Fprintf(streams.Stdout, "no %s tasks\n", *state)
		}
		return nil
	}
	zones := newZones(s)
	tw := tabwriter.NewWriter(streams.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDUE\tBUSINESS\tPRIORITY\tSTATE\tCONTACT\tTASK")
	for _, t := range tasks {
		due := t.DueAt.In(zones.of(ctx, t.BusinessID)).Format("Jan 2 15:04 MST")
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, due, t.BusinessSlug,
			t.Priority, t.State, phone.Format(t.ContactE164, "US"), t.Title)
	}
	return tw.Flush()
}

func completeTask(ctx context.Context, s *store.Store, business store.Business, idText string, streams IO) error {
	if business.ID == 0 {
		return fmt.Errorf("missing --business: name the business of task %s", idText)
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("invalid --done %q: give a task id from the list", idText)
	}
	ok, err := s.CompleteTask(ctx, business.ID, store.TaskID(id))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("task %d of %s is not open (already done, or no such task)", id, business.Slug)
	}
	fmt.Fprintf(streams.Stdout, "task %d done\n", id)
	return nil
}
