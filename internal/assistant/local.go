package assistant

import (
	"fmt"
	"strings"

	"github.com/textback/textback/internal/knowledge"
	"github.com/textback/textback/internal/reply"
	"github.com/textback/textback/internal/store"
)

// Example is a message whose intent a person set, kept so that similar messages get the same
// intent from then on.
type Example struct {
	ID     int64
	Text   string
	Intent Intent
}

// Input is what the classifiers read about one message.
type Input struct {
	Text string
	// OptedOut is whether the sender is opted out, which package reply needs to read YES.
	OptedOut bool
	// Awaiting is true while the conversation waits for the answer to the qualifying question.
	Awaiting bool
	Answers  []store.QualifierAnswer
	Services []store.KnowledgeService
	Examples []Example
}

// Confidence levels of the local classifier.
const (
	confidenceCertain = 1.0
	confidenceStrong  = 0.9
	confidenceFair    = 0.75
	confidenceWeak    = 0.55
	// ConfidentEnough is the local confidence at or above which no model is asked.
	ConfidentEnough = 0.7
	// exampleSimilarity is the least share of content words a message must share with a
	// correction to take its intent.
	exampleSimilarity = 0.75
)

// ClassifyLocal reads in with rules alone, offline, and returns its reading and the entities
// named in the message.
//
// The rules apply in this order: consent words as package reply reads them (opt_out); the
// business's corrections (the intent of an example whose content words are nearly the same);
// an answer to the qualifying question while one is awaited, unless another intent's phrases
// are strong; then the weighted phrases of each intent, ties going to the more urgent intent. A
// message with none of these is a question when it ends with "?", otherwise other.
func ClassifyLocal(in Input) (Reading, Entities) {
	entities := findEntities(in.Text, in.Services)
	switch r := reply.Classify(in.Text, in.OptedOut); r.Compliance {
	case reply.OptOut:
		return Reading{Intent: IntentOptOut, Confidence: confidenceCertain, Rule: "opt-out word " + r.Matched}, entities
	case reply.Review:
		return Reading{Intent: IntentOptOut, Confidence: confidenceWeak, Rule: "possible opt-out " + r.Matched}, entities
	}
	if r, ok := matchExample(in.Text, in.Examples); ok {
		return r, entities
	}
	words := knowledge.Words(strings.ReplaceAll(in.Text, "’", "'"))
	best, score, phrase := scorePhrases(words, entities)
	if in.Awaiting && len(in.Answers) > 0 && score < 3 {
		list := make([]reply.Answer, len(in.Answers))
		for i, a := range in.Answers {
			list[i] = reply.Answer{Value: a.Value, Words: a.Words}
		}
		if a, ok := reply.MatchAnswer(in.Text, list); ok {
			return Reading{Intent: IntentAnswer, Confidence: confidenceStrong, Rule: "qualifying answer " + a.Value},
				entities
		}
	}
	switch {
	case score >= 3:
		return Reading{Intent: best, Confidence: confidenceStrong, Rule: fmt.Sprintf("phrase %q", phrase)}, entities
	case score > 0:
		return Reading{Intent: best, Confidence: confidenceFair, Rule: fmt.Sprintf("phrase %q", phrase)}, entities
	case strings.HasSuffix(strings.TrimSpace(in.Text), "?"):
		return Reading{Intent: IntentQuestion, Confidence: confidenceWeak, Rule: "ends with a question mark"}, entities
	case len(words) == 0:
		return Reading{Intent: IntentOther, Confidence: confidenceFair, Rule: "no words"}, entities
	}
	return Reading{Intent: IntentOther, Confidence: confidenceWeak, Rule: "no rule matched"}, entities
}

// scorePhrases returns the intent whose phrases weigh most in words, its weight and its heaviest
// phrase. A date or time adds 2 to book, because a lead who names a day usually wants one, unless
// the message cancels or moves an appointment, where the day names the appointment.
func scorePhrases(words []string, entities Entities) (Intent, int, string) {
	var (
		best      Intent
		bestScore int
		bestWhy   string
		changes   bool
	)
	for _, intent := range ruleOrder {
		score, top, why := 0, 0, ""
		for _, rule := range intentRules[intent] {
			if containsPhrase(words, rule.phrase) {
				score += rule.weight
				if rule.weight > top {
					top, why = rule.weight, rule.phrase
				}
			}
		}
		if score > 0 && (intent == IntentCancel || intent == IntentReschedule) {
			changes = true
		}
		if intent == IntentBook && entities.hasDateOrTime() && !changes {
			score += 2
			if why == "" {
				why = "a date or time"
			}
		}
		if score > bestScore {
			best, bestScore, bestWhy = intent, score, why
		}
	}
	return best, bestScore, bestWhy
}

// matchExample returns the intent of the correction most similar to text, when it shares at least
// exampleSimilarity of their content words (Jaccard similarity).
func matchExample(text string, examples []Example) (Reading, bool) {
	words := knowledge.ContentWords(text)
	normalized := reply.Normalize(text)
	var (
		best  Example
		score float64
	)
	for _, ex := range examples {
		s := jaccard(words, knowledge.ContentWords(ex.Text))
		if reply.Normalize(ex.Text) == normalized {
			s = 1
		}
		if s > score {
			best, score = ex, s
		}
	}
	if score < exampleSimilarity {
		return Reading{}, false
	}
	return Reading{Intent: best.Intent, Confidence: score, Rule: fmt.Sprintf("correction %d %q", best.ID, best.Text)},
		true
}

func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for _, w := range a {
		for _, v := range b {
			if w == v {
				shared++
				break
			}
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}
