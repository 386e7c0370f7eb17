package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/textback/textback/internal/assistant"
	"github.com/textback/textback/internal/store"
)

func runEval(ctx context.Context, args []string, streams IO) error {
	fs := newFlags("eval", "", streams)
	setPath := fs.String("set", "", "JSON lines of {trade, text, intent} to score; empty uses the built-in set")
	tradesPath := fs.String("trades", "", "JSON object of trades (qualifier, knowledge, hours) that -set uses; "+
		"empty uses the built-in trades")
	modelURL := fs.String("model-url", "", "base URL of an OpenAI-compatible API, such as "+
		"http://127.0.0.1:11434/v1; empty scores the local classifier alone")
	modelName := fs.String("model", "", "model name to request, such as llama3.1:8b")
	keyEnv := fs.String("model-key-env", "", "name of the environment variable that holds the API key, if any")
	timeout := fs.Duration("timeout", store.DefaultAITimeout, "time limit of one model call")
	misses := fs.Bool("misses", false, "list every message a classifier got wrong")
	if err := parse(fs, args); err != nil {
		return err
	}
	set, trades, err := loadEvalSet(*setPath, *tradesPath)
	if err != nil {
		return err
	}
	reports := []assistant.EvalReport{}
	local, err := assistant.Evaluate(ctx, set, trades, nil)
	if err != nil {
		return err
	}
	reports = append(reports, local)
	if *modelURL != "" {
		cfg := store.AIModel{BaseURL: *modelURL, Name: *modelName, Timeout: store.Duration(*timeout)}
		if *keyEnv != "" {
			cfg.APIKey = os.Getenv(*keyEnv)
		}
		model, err := assistant.NewModel(cfg, &http.Client{Timeout: *timeout + time.Second})
		if err != nil {
			return err
		}
		withModel, err := assistant.Evaluate(ctx, set, trades, model)
		if err != nil {
			return err
		}
		reports = append(reports, withModel)
	}
	for _, r := range reports {
		printEvalReport(streams, r, *misses)
	}
	return nil
}

func loadEvalSet(setPath, tradesPath string) ([]assistant.EvalCase, map[string]assistant.Trade, error) {
	if setPath == "" && tradesPath == "" {
		return assistant.BuiltinEvalSet()
	}
	if setPath == "" || tradesPath == "" {
		return nil, nil, fmt.Errorf("%w: give -set and -trades together, or neither for the built-in set", errUsage)
	}
	f, err := os.Open(setPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open evaluation set: %w", err)
	}
	defer f.Close()
	set, err := assistant.ReadEvalSet(f)
	if err != nil {
		return nil, nil, err
	}
	g, err := os.Open(tradesPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open evaluation trades: %w", err)
	}
	defer g.Close()
	trades, err := assistant.ReadTrades(g)
	return set, trades, err
}

func printEvalReport(streams IO, r assistant.EvalReport, misses bool) {
	fmt.Fprintf(streams.Stdout, "%s\n", r.Name)
	for _, s := range r.PerIntent {
		fmt.Fprintf(streams.Stdout, "  %-10s %4d/%-4d %5.1f%%\n", s.Intent, s.Correct, s.Cases, 100*s.Accuracy())
	}
	fmt.Fprintf(streams.Stdout, "  %-10s %4d/%-4d %5.1f%%\n", "total", r.Total.Correct, r.Total.Cases, 100*r.Total.Accuracy())
	if r.ModelCalls > 0 {
		fmt.Fprintf(streams.Stdout, "  model calls %d, failed %d (a failed call keeps the local reading)\n",
			r.ModelCalls, r.ModelErrors)
	}
	if misses {
		for _, m := range r.Misses {
			fmt.Fprintf(streams.Stdout, "  miss: %q expected %s, got %s (%s)\n", m.Case.Text, m.Case.Intent, m.Got, m.Rule)
		}
	}
	fmt.Fprintln(streams.Stdout)
}
