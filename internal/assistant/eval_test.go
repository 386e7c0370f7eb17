package assistant

import (
	"context"
	"os"
	"testing"
)

func loadEval(t *testing.T) ([]EvalCase, map[string]Trade) {
	t.Helper()
	f, err := os.Open("testdata/leads.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.Open("testdata/trades.json")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	trades, err := ReadTrades(g)
	if err != nil {
		t.Fatal(err)
	}
	return set, trades
}

// The local classifier alone must get at least 90% of the evaluation set right.
func TestLocalClassifierAccuracy(t *testing.T) {
	set, trades := loadEval(t)
	if len(set) < 200 {
		t.Fatalf("evaluation set has %d cases, want at least 200", len(set))
	}
	report, err := Evaluate(context.Background(), set, trades, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range report.PerIntent {
		t.Logf("%-10s %3d/%3d %.1f%%", s.Intent, s.Correct, s.Cases, 100*s.Accuracy())
	}
	for _, m := range report.Misses {
		t.Logf("miss: %q want %s got %s (%s)", m.Case.Text, m.Case.Intent, m.Got, m.Rule)
	}
	if got := report.Total.Accuracy(); got < 0.9 {
		t.Errorf("local accuracy %.3f, want at least 0.9", got)
	}
	if report.ModelCalls != 0 {
		t.Errorf("model calls %d without a model", report.ModelCalls)
	}
}
