package bookreply

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// token is one word of a reply, in lower case, with what the scan found it to be.
type token struct {
	text string
	// used is set once the word is read as part of a date or a time, so that it is not also read
	// as a slot number.
	used bool
}

// replacements rewrite a reply before it is split into words: typographic apostrophes become
// ASCII, the keycap and presentation selectors of emoji digits ("1️⃣") are dropped so that the
// digit stays, a thumbs-up reads as yes, and "@" reads as "at".
var replacements = strings.NewReplacer(
	"\u2019", "'", "\u2018", "'", "\u02bc", "'", "`", "'",
	"\ufe0f", "", "\u20e3", "",
	"👍", " yes ", "👌", " ok ", "✅", " yes ",
	"@", " at ",
)

// meridiemDots matches "a.m." and "p.m." with their dots, which splitting would tear apart.
var meridiemDots = regexp.MustCompile(`\b([ap])\.\s?m\b\.?`)

// tokenize returns the words of body in lower case. A word is a run of letters, digits and inner
// apostrophes; ":" and "/" stay inside a word between two digits ("3:30", "12/10"), and so does
// "." between digits ("3.30"). Everything else, "#" and emoji included, separates words.
func tokenize(body string) []token {
	s := norm.NFKC.String(body)
	s = replacements.Replace(strings.ToLower(s))
	s = meridiemDots.ReplaceAllString(s, "${1}m")
	runes := []rune(s)
	var (
		out  []token
		word []rune
	)
	flush := func() {
		w := strings.Trim(string(word), "'")
		if w != "" {
			out = append(out, token{text: w})
		}
		word = word[:0]
	}
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		case r == '\'' && len(word) > 0:
			word = append(word, r)
		case (r == ':' || r == '/' || r == '.') && len(word) > 0 && unicode.IsDigit(word[len(word)-1]) &&
			i+1 < len(runes) && unicode.IsDigit(runes[i+1]):
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// texts returns the words of tokens.
func texts(tokens []token) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = t.text
	}
	return out
}

// digits returns the value of a word made only of ASCII digits, up to four of them.
func digits(w string) (int, bool) {
	if w == "" || len(w) > 4 {
		return 0, false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(w)
	return n, err == nil
}

// numberWords are the numbers a lead may spell out, as slot numbers or hours.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12,
}

// ordinalWords are the ordinals a lead may spell out. Ordinals written with digits ("2nd", "21st")
// are read by ordinalPattern.
var ordinalWords = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
	"ninth": 9, "tenth": 10,
	// Common misspellings.
	"frist": 1, "fisrt": 1, "firts": 1, "1rst": 1, "secnd": 2, "secound": 2, "seccond": 2, "scond": 2,
	"secon": 2, "secnod": 2, "sencond": 2, "thrid": 3, "thrd": 3, "therd": 3, "forth": 4, "fouth": 4,
}

var ordinalPattern = regexp.MustCompile(`^(\d{1,2})(st|nd|rd|th)$`)

// number returns the value of a number written with digits or spelled out ("2", "two").
func number(w string) (int, bool) {
	if n, ok := digits(w); ok {
		return n, true
	}
	n, ok := numberWords[w]
	return n, ok
}

// ordinal returns the value of an ordinal ("2nd", "second").
func ordinal(w string) (int, bool) {
	if m := ordinalPattern.FindStringSubmatch(w); m != nil {
		n, err := strconv.Atoi(m[1])
		return n, err == nil
	}
	n, ok := ordinalWords[w]
	return n, ok
}

// wordSet is a set of words.
type wordSet map[string]bool

func newWordSet(words ...string) wordSet {
	s := wordSet{}
	for _, w := range words {
		s[w] = true
	}
	return s
}

// has reports whether any of tokens is in the set.
func (s wordSet) has(tokens []token) bool {
	for _, t := range tokens {
		if s[t.text] {
			return true
		}
	}
	return false
}

var (
	// choiceLabels are words that may come before a slot number: "option 2", "#2" (the "#" is
	// dropped), "number 2".
	choiceLabels = newWordSet("option", "opt", "number", "num", "slot", "choice", "time", "#")
	// negations turn a slot number or a time into the one the lead does not want: "not 1", "1
	// doesn't work". "no" is left out, because "no 2" may mean "number 2".
	negations = newWordSet("not", "don't", "dont", "doesn't", "doesnt", "can't", "cant", "cannot", "won't",
		"wont", "isn't", "isnt", "wouldn't", "wouldnt", "never", "nor", "bad")
	// alternatives make a reply undecided between offers: "1 or 2", "either", "whichever".
	alternatives = newWordSet("or", "either", "whichever", "any", "anyone", "both", "whatever")
	// moreWords ask for other slots than those offered: "none of those", "anything later".
	moreWords = newWordSet("none", "neither", "nothing", "other", "others", "else", "different", "another",
		"later", "more", "no", "nope", "nah", "naw")
	// yesWords accept a single proposed slot.
	yesWords = newWordSet("yes", "y", "yep", "yup", "yeah", "yea", "ya", "sure", "ok", "okay", "k", "kk",
		"perfect", "great", "good", "fine", "works", "confirm", "confirmed", "absolutely", "definitely",
		"correct", "sounds", "alright")
	// fillers are courtesy words and glue that change nothing about a short answer.
	fillers = newWordSet("please", "pls", "plz", "thanks", "thank", "thx", "ty", "you", "u", "the", "that", "this",
		"one", "it", "is", "will", "would", "be", "for", "me", "i'll", "ill", "take", "go", "with", "do", "does",
		"work", "lets", "let's", "of", "those", "these", "them", "times", "really", "a", "an", "and", "i", "we",
		"can", "could", "to", "want", "like", "prefer", "hi", "hey", "sir", "maam", "oh", "well", "just", "then",
		"all", "options", "option", "slot", "slots", "choice", "number", "num", "opt", "sounds", "good", "great",
		"perfect", "fine", "sure", "ok", "okay")
	// qualifiers put a condition on an answer: "yes but can it be 4".
	qualifiers = newWordSet("but", "if", "unless", "except", "maybe", "perhaps", "though", "although")
)

// maxShortReply is the most words a reply may have for a slot number, yes, no or "none of those"
// in it to count. A longer text is more likely a message with a number in it, such as an address.
const maxShortReply = 6

// maxTimeReply is the most words a reply may have for a day or time in it to count as a request.
const maxTimeReply = 20
