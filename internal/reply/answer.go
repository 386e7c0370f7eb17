package reply

import (
	"slices"
	"strconv"
)

// Answer is one defined answer to the business's qualifying question, with the words that select it.
type Answer struct {
	Value string
	Words []string
}

// maxShortReplyWords is the maximum number of words in a reply that selects an answer by containing one of its
// words rather than being one.
const maxShortReplyWords = 6

// answerNegations are words that may negate an answer word in the same reply, as in "not 1" or "1 doesn't
// work".
var answerNegations = map[string]bool{
	"not": true, "don't": true, "dont": true, "doesn't": true, "doesnt": true, "didn't": true, "didnt": true,
	"can't": true, "cant": true, "cannot": true, "won't": true, "wont": true, "isn't": true, "isnt": true,
	"wouldn't": true, "wouldnt": true, "never": true, "neither": true, "nor": true,
}

// answerQualifiers are words that make a reply conditional or undecided, as in "yes but can it be 4" or
// "maybe 2".
var answerQualifiers = map[string]bool{
	"but": true, "if": true, "unless": true, "except": true, "maybe": true, "perhaps": true, "or": true,
}

// MatchAnswer returns the answer that body selects, or false when it selects none or more than one.
//
// A reply selects an answer when its words are exactly the words of one of the answer's Words. Failing that, a
// reply of at most 6 words selects an answer when it contains one of the answer's Words as whole words ("yes
// please" selects a YES answer, "note: gate code 4411" does not select NO). Such a contained match does not
// count when the reply also has a negation or a qualifier outside the matched words ("not 1", "yes but can it
// be 4"), or when it lies inside a longer match of another answer ("tomorrow morning" selects that answer over
// "morning"). Case, punctuation and emoji are ignored as in Normalize, and Words that have no letters or digits
// never match.
//
// MatchAnswer does not check compliance words, so the caller runs Classify first.
func MatchAnswer(body string, answers []Answer) (Answer, bool) {
	return matchAnswer(body, answers, false)
}

// MatchNumberedAnswer is MatchAnswer for a question that offered numbered choices. It also accepts the 1-based
// position of an answer in answers as a word: "1", "#1", "1️⃣", "option 1" and "1 please" select the first
// answer, while "12", "not 1" and "1 or 2" select none.
func MatchNumberedAnswer(body string, answers []Answer) (Answer, bool) {
	return matchAnswer(body, answers, true)
}

// answerSpan is the position of a word of answers[answer] in the reply, from word start up to but excluding
// word end.
type answerSpan struct {
	answer, start, end int
}

func matchAnswer(body string, answers []Answer, numbered bool) (Answer, bool) {
	reply := words(body)
	if len(reply) == 0 {
		return Answer{}, false
	}
	phrases := answerPhrases(answers, numbered)

	if i, found, ambiguous := findExactAnswer(reply, phrases); found {
		if ambiguous {
			return Answer{}, false
		}
		return answers[i], true
	}
	if len(reply) > maxShortReplyWords {
		return Answer{}, false
	}

	var spans []answerSpan
	for i, list := range phrases {
		for _, phrase := range list {
			for start := range reply {
				if hasPrefixWords(reply[start:], phrase) {
					spans = append(spans, answerSpan{answer: i, start: start, end: start + len(phrase)})
				}
			}
		}
	}
	spans = dropQualified(reply, spans)
	spans = dropShadowed(spans)

	selected := -1
	for _, s := range spans {
		if selected >= 0 && s.answer != selected {
			return Answer{}, false
		}
		selected = s.answer
	}
	if selected < 0 {
		return Answer{}, false
	}
	return answers[selected], true
}

// answerPhrases returns the words of each answer's Words, and its position as a number when numbered is true.
func answerPhrases(answers []Answer, numbered bool) [][][]string {
	phrases := make([][][]string, len(answers))
	for i, a := range answers {
		for _, w := range a.Words {
			if phrase := words(w); len(phrase) > 0 {
				phrases[i] = append(phrases[i], phrase)
			}
		}
		if numbered {
			phrases[i] = append(phrases[i], []string{strconv.Itoa(i + 1)})
		}
	}
	return phrases
}

// findExactAnswer returns the index of an answer that has reply as one of its phrases, and whether more than
// one answer has it.
func findExactAnswer(reply []string, phrases [][][]string) (index int, found, ambiguous bool) {
	index = -1
	for i, list := range phrases {
		for _, phrase := range list {
			if !slices.Equal(phrase, reply) {
				continue
			}
			if index >= 0 && index != i {
				ambiguous = true
			}
			if index < 0 {
				index = i
			}
		}
	}
	return index, index >= 0, ambiguous
}

// dropQualified returns no spans when the reply has a negation or qualifier outside every span, because the
// reply may then negate or put conditions on any answer it names. A negation inside a span belongs to that
// answer's word, as in "not really".
func dropQualified(reply []string, spans []answerSpan) []answerSpan {
	for position, w := range reply {
		if (answerNegations[w] || answerQualifiers[w]) && !covered(spans, position) {
			return nil
		}
	}
	return spans
}

// covered reports whether any span includes the reply word at position.
func covered(spans []answerSpan, position int) bool {
	for _, s := range spans {
		if s.start <= position && position < s.end {
			return true
		}
	}
	return false
}

// dropShadowed removes each span that lies inside a longer span of another answer.
func dropShadowed(spans []answerSpan) []answerSpan {
	var kept []answerSpan
	for _, s := range spans {
		shadowed := false
		for _, other := range spans {
			longer := other.end-other.start > s.end-s.start
			if other.answer != s.answer && longer && other.start <= s.start && s.end <= other.end {
				shadowed = true
				break
			}
		}
		if !shadowed {
			kept = append(kept, s)
		}
	}
	return kept
}
