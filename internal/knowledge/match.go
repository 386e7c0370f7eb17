package knowledge

import (
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Match is an entry that matches a question, with its score: the sum of the weights of the
// question's content words found in the entry (3 for a word among the entry's keys, 1 for a word
// only in its text).
type Match struct {
	Entry Entry
	Score int
}

// MinScore is the least score of a match that Find returns. A single word found only in an
// entry's text (such as "water" in a service description) is too weak to answer from.
const MinScore = 3

// maxMatches is how many entries one answer quotes at most, to keep it to one or two texts.
const maxMatches = 2

// Find returns the entries that match question, best first, at most two. Ties keep the order of
// the entries.
func (b Base) Find(question string) []Match {
	words := ContentWords(question)
	var out []Match
	for _, e := range b.Entries {
		score := 0
		for _, w := range words {
			switch {
			case slices.Contains(e.keys, w):
				score += 3
			case slices.Contains(e.body, w):
				score++
			}
		}
		if score >= MinScore {
			out = append(out, Match{Entry: e, Score: score})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	// Keep a second entry only when it is nearly as good, so "how much is a cleaning" does not
	// also quote the payment entry.
	if len(out) > 1 && out[1].Score*2 < out[0].Score {
		out = out[:1]
	}
	if len(out) > maxMatches {
		out = out[:maxMatches]
	}
	return out
}

// Words splits s into lower-case words of letters and digits, keeping inner apostrophes.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// ContentWords returns the distinct stems of the words of s that are not function words.
func ContentWords(s string) []string {
	var out []string
	for _, w := range Words(s) {
		w = strings.Trim(w, "'")
		if w == "" || stopWords[w] {
			continue
		}
		w = Stem(w)
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// Stem removes a possessive, a plural or a common verb ending from a lower-case word, so that
// "drains", "draining" and "drain's" compare equal. It is deliberately crude: it only has to map
// a word and its usual variants to the same string, not produce a dictionary word.
func Stem(w string) string {
	w = strings.TrimSuffix(w, "'s")
	for _, suffix := range []string{"ing", "ies", "es", "ed", "s"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 3 {
			w = strings.TrimSuffix(w, suffix)
			if suffix == "ies" {
				w += "y"
			}
			break
		}
	}
	return w
}

// stopWords are function words and question words that say nothing about the topic.
var stopWords = wordSet(`a an the and or but if of to in on at by for with from about as into
		is are was were be been being am do does did doing have has had having i me my we our us you your
		u ur yours he she it its it's they them their this that these those there here what which who whom
		whose when where why how can could would should will shall may might must just also too very so
		any some all no not don't dont i'm im i'd id i've ive you're youre we're hi hello hey please pls
		thanks thank much many more get got guys y'all ya much roughly approx approximately need want
		like would know tell let one`)

// wordSet returns the words of list, separated by white space, as a set.
func wordSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}
