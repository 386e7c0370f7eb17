package assistant

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/knowledge"
	"github.com/textback/textback/internal/store"
)

// EvalCase is one labelled lead message of an evaluation set.
type EvalCase struct {
	Trade  string `json:"trade"`
	Text   string `json:"text"`
	Intent Intent `json:"intent"`
}

// Trade is the business an evaluation case is sent to: its qualifying answers, knowledge and hours.
type Trade struct {
	Qualifier []store.QualifierAnswer `json:"qualifier"`
	Knowledge store.Knowledge         `json:"knowledge"`
	Hours     hours.Week              `json:"hours"`
}

// ReadEvalSet reads JSON lines of EvalCase. It rejects a case with an unknown intent or no text.
func ReadEvalSet(r io.Reader) ([]EvalCase, error) {
	var set []EvalCase
	scanner := bufio.NewScanner(r)
	line := 0
	for scanner.Scan() {
		line++
		if strings.TrimSpace(scanner.Text()) == "" {
			continue
		}
		var c EvalCase
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("read evaluation case on line %d: %w", line, err)
		}
		if _, ok := ParseIntent(string(c.Intent)); !ok {
			return nil, fmt.Errorf("read evaluation case on line %d: unknown intent %q", line, c.Intent)
		}
		if strings.TrimSpace(c.Text) == "" {
			return nil, fmt.Errorf("read evaluation case on line %d: missing text", line)
		}
		set = append(set, c)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read evaluation set: %w", err)
	}
	return set, nil
}

// ReadTrades reads a JSON object of Trade by name.
func ReadTrades(r io.Reader) (map[string]Trade, error) {
	var trades map[string]Trade
	if err := json.NewDecoder(r).Decode(&trades); err != nil {
		return nil, fmt.Errorf("read evaluation trades: %w", err)
	}
	return trades, nil
}

// IntentScore counts the cases of one expected intent and how many a classifier got right.
type IntentScore struct {
	Intent  Intent `json:"intent"`
	Cases   int    `json:"cases"`
	Correct int    `json:"correct"`
}

// Accuracy is Correct over Cases, or 0 with no cases.
func (s IntentScore) Accuracy() float64 {
	if s.Cases == 0 {
		return 0
	}
	return float64(s.Correct) / float64(s.Cases)
}

// Miss is a case a classifier got wrong.
type Miss struct {
	Case EvalCase `json:"case"`
	Got  Intent   `json:"got"`
	Rule string   `json:"rule,omitempty"`
}

// EvalReport is the result of one classifier over an evaluation set.
type EvalReport struct {
	Name      string        `json:"name"`
	PerIntent []IntentScore `json:"per_intent"`
	Total     IntentScore   `json:"total"`
	Misses    []Miss        `json:"misses"`
	// ModelCalls and ModelErrors count the cases sent to a model and the calls that failed.
	ModelCalls  int `json:"model_calls"`
	ModelErrors int `json:"model_errors"`
}

// Evaluate classifies every case as sent to a business of its trade, right after a text back that
// asked the qualifying question, and scores the intents. With a nil model it runs the local
// classifier alone; otherwise it asks the model about each case the local classifier is unsure
// of, as a business with a model configured would.
func Evaluate(ctx context.Context, set []EvalCase, trades map[string]Trade, model *Model) (EvalReport, error) {
	report := EvalReport{Name: "local"}
	if model != nil {
		report.Name = "local and model " + model.Name()
	}
	scores := map[Intent]*IntentScore{}
	for _, c := range set {
		trade, ok := trades[c.Trade]
		if !ok {
			return EvalReport{}, fmt.Errorf("evaluate %q: unknown trade %q", c.Text, c.Trade)
		}
		in := Input{Text: c.Text, Awaiting: true, Answers: trade.Qualifier, Services: trade.Knowledge.Services}
		got := understandForEval(ctx, in, trade, model, &report)
		s := scores[c.Intent]
		if s == nil {
			s = &IntentScore{Intent: c.Intent}
			scores[c.Intent] = s
		}
		s.Cases++
		report.Total.Cases++
		if got.Intent == c.Intent {
			s.Correct++
			report.Total.Correct++
		} else {
			report.Misses = append(report.Misses, Miss{Case: c, Got: got.Intent, Rule: got.Rule})
		}
	}
	for _, i := range Intents {
		if s := scores[i]; s != nil {
			report.PerIntent = append(report.PerIntent, *s)
		}
	}
	sort.SliceStable(report.Misses, func(a, b int) bool { return report.Misses[a].Case.Intent < report.Misses[b].Case.Intent })
	return report, nil
}

// understandForEval runs Understand as a business of trade would and counts model calls.
func understandForEval(ctx context.Context, in Input, trade Trade, model *Model, report *EvalReport) Reading {
	out := Understand(ctx, Request{Business: "the business", Input: in,
		Knowledge: knowledge.Build(trade.Knowledge, trade.Hours), Model: model})
	if len(out.Details.Prompt) > 0 {
		report.ModelCalls++
	}
	if out.Details.ModelError != "" {
		report.ModelErrors++
	}
	last := out.Details.Readings[len(out.Details.Readings)-1]
	return Reading{Intent: out.Intent, Confidence: last.Confidence, Rule: last.Rule}
}
