package assistant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/textback/textback/internal/knowledge"
	"github.com/textback/textback/internal/store"
)

// Request is one message to understand and, for a question, to answer.
type Request struct {
	Business  string
	Input     Input
	Knowledge knowledge.Base
	// Model is asked when the local classifier is unsure; nil uses the local classifier alone.
	Model *Model
}

// Outcome is what Understand made of a message.
type Outcome struct {
	Intent   Intent
	Entities Entities
	// Answer is the reply to a question, built from Entries; empty when the knowledge has none.
	Answer  string
	Entries []knowledge.Entry
	// HandOff is why a person must handle the message; empty when the assistant handled it.
	HandOff string
	Details store.AIDetails
}

// Understand classifies a message, asks the model when the local classifier is unsure or finds
// no knowledge for a question, and answers a question from the knowledge. It never fails: a
// model error becomes a HandOff, and the error is kept in the details.
func Understand(ctx context.Context, req Request) Outcome {
	start := time.Now()
	local, entities := ClassifyLocal(req.Input)
	out := Outcome{Intent: local.Intent, Entities: entities}
	out.Details.Text = req.Input.Text
	out.Details.Readings = append(out.Details.Readings, reading("local", local))
	out.Details.Entities = entitiesMap(entities)

	var matches []knowledge.Match
	if local.Intent == IntentQuestion {
		matches = req.Knowledge.Find(req.Input.Text)
	}
	askModel := req.Model != nil && local.Intent != IntentOptOut &&
		(local.Confidence < ConfidentEnough || (local.Intent == IntentQuestion && len(matches) == 0))
	var modelReply string
	var cited []knowledge.Entry
	if askModel {
		answer, err := askFor(ctx, req, &out.Details)
		if err != nil {
			out.Details.ModelError = err.Error()
			out.HandOff = "the model failed: " + err.Error()
			out.Details.ElapsedMS = time.Since(start).Milliseconds()
			return out
		}
		out.Intent = Intent(answer.Intent)
		out.Details.Readings = append(out.Details.Readings, store.AIReading{
			Classifier: "model", Intent: answer.Intent, Confidence: *answer.Confidence,
		})
		cited = citedEntries(req.Knowledge, answer.Entries, &out.Details)
		modelReply = strings.TrimSpace(answer.Reply)
	}
	out.Details.Intent = string(out.Intent)
	if out.Intent == IntentQuestion {
		out.answer(req.Knowledge, matches, askModel, cited, modelReply)
	}
	out.Details.ElapsedMS = time.Since(start).Milliseconds()
	return out
}

// answer fills Answer for a question. With a model, the entries it cited are the source; its own
// wording is used when checkReply finds nothing in it beyond those entries, and the entries'
// text otherwise. Without a model, the entries Find returned are quoted.
func (out *Outcome) answer(base knowledge.Base, matches []knowledge.Match, usedModel bool, cited []knowledge.Entry, modelReply string) {
	entries := cited
	if !usedModel {
		for _, m := range matches {
			entries = append(entries, m.Entry)
		}
	}
	out.Entries = entries
	for _, e := range entries {
		out.Details.Knowledge = append(out.Details.Knowledge, store.AIKnowledge{ID: e.ID, Text: e.Text})
	}
	if len(entries) == 0 {
		out.HandOff = "no knowledge entry answers the question"
		return
	}
	if modelReply != "" {
		if why := checkReply(modelReply, entries); why != "" {
			out.Details.Rejected = "model reply not used: " + why
		} else {
			out.Answer = modelReply
			return
		}
	}
	texts := make([]string, len(entries))
	for i, e := range entries {
		texts[i] = e.Text
	}
	out.Answer = strings.Join(texts, " ")
}

// askFor calls the model and records the prompt, the raw answer and the token counts in d.
func askFor(ctx context.Context, req Request, d *store.AIDetails) (modelAnswer, error) {
	prompt := buildPrompt(req.Business, req.Input.Text, req.Knowledge, req.Input.Examples)
	for _, m := range prompt {
		d.Prompt = append(d.Prompt, store.AIPromptMessage{Role: m.Role, Content: m.Content})
	}
	completion, err := req.Model.Complete(ctx, prompt)
	if err != nil {
		return modelAnswer{}, err
	}
	d.ModelAnswer = completion.Content
	d.PromptTokens, d.CompletionTokens = completion.PromptTokens, completion.CompletionTokens
	return parseModelAnswer(completion.Content)
}

// citedEntries returns the entries of ids that exist, noting unknown ids in d.Rejected.
func citedEntries(base knowledge.Base, ids []string, d *store.AIDetails) []knowledge.Entry {
	var out []knowledge.Entry
	var unknown []string
	for _, id := range ids {
		e, ok := base.Get(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if !slices.ContainsFunc(out, func(x knowledge.Entry) bool { return x.ID == id }) {
			out = append(out, e)
		}
	}
	if len(unknown) > 0 {
		d.Rejected = fmt.Sprintf("model cited unknown entries %s", strings.Join(unknown, ", "))
	}
	return out
}

func reading(classifier string, r Reading) store.AIReading {
	return store.AIReading{Classifier: classifier, Intent: string(r.Intent), Confidence: r.Confidence, Rule: r.Rule}
}

func entitiesMap(e Entities) map[string][]string {
	m := map[string][]string{}
	if len(e.Dates) > 0 {
		m["dates"] = e.Dates
	}
	if len(e.Times) > 0 {
		m["times"] = e.Times
	}
	if len(e.Services) > 0 {
		m["services"] = e.Services
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
