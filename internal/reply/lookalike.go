package reply

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// lookalikeLetters maps digits, symbols and Cyrillic and Greek letters that people type in place of Latin
// letters, as in "st0p", "$top" or a Cyrillic "ЅТОР". Capitals have their own entries because some differ from
// their lower case: Greek Ν looks like N but ν like v.
var lookalikeLetters = map[rune]rune{
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '$': 's', '@': 'a',
	// Cyrillic
	'А': 'a', 'В': 'b', 'Е': 'e', 'Н': 'h', 'І': 'i', 'Ј': 'j', 'К': 'k', 'М': 'm', 'О': 'o', 'Р': 'p',
	'С': 'c', 'Ѕ': 's', 'Т': 't', 'У': 'y', 'Х': 'x',
	'а': 'a', 'в': 'b', 'г': 'r', 'ԁ': 'd', 'е': 'e', 'і': 'i', 'ј': 'j', 'к': 'k', 'п': 'n', 'о': 'o',
	'р': 'p', 'ԛ': 'q', 'с': 'c', 'ѕ': 's', 'т': 't', 'у': 'y', 'х': 'x',
	// Greek
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n', 'Ο': 'o',
	'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u',
}

// lookalikeTargets are the opt-out words that disguised forms are compared with, without spaces.
var lookalikeTargets = []string{"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}

// Limits on the text that findLookalike examines. A disguised opt-out word is a short message:
// "u n s u b s c r i b e" has 11 words, and a few courtesy words may surround it. findReview skips the check
// for a longer normalised text, which saves a second normalisation.
const (
	maxLookalikeWords = 16
	maxLookalikeBytes = 320
)

// findLookalike returns the opt-out word, in upper case, that body spells when separators are ignored and
// look-alike characters are read as letters: "S T O P", "s.t.o.p", "ST OP", "st0p", "ＳＴＯＰ" (fullwidth),
// "stoooop". Courtesy and emphasis words at either end are ignored. Some misspellings also count, depending on
// the length of the word with repeated letters collapsed. Words of 4 or 5 letters allow one adjacent
// transposition ("sotp"). Words of 6 or 7 also allow one inserted or deleted letter ("cancle", "cancl"), and
// UNSUBSCRIBE allows any single edit ("unsubscibe").
//
// Classify calls it only for a message that has a code or a word that is neither a compliance word nor a
// filler, because the exact rules have already decided the others ("cancel it" stays a booking request).
func findLookalike(body string) (string, bool) {
	// NFKC maps compatibility forms such as fullwidth and mathematical letters to plain ones. Look-alikes are
	// read before case folding, for capitals, and after it, for letters that folding produced.
	compatible := norm.NFKC.String(strings.ToValidUTF8(body, "\uFFFD"))
	folded := strings.Map(readLookalike, fold(strings.Map(readLookalike, compatible), norm.NFKC))
	var tokens []string
	for _, clause := range splitClauses(folded) {
		tokens = append(tokens, clause...)
	}
	if len(tokens) == 0 || len(tokens) > maxLookalikeWords {
		return "", false
	}

	prefix, suffix := fillerBounds(tokens)
	for start := range tokens {
		if !prefix[start] {
			continue
		}
		for end := start + 1; end <= len(tokens); end++ {
			if !suffix[end] {
				continue
			}
			letters := squeeze(lettersOf(tokens[start:end]))
			for _, target := range lookalikeTargets {
				if resembles(letters, squeeze(target)) {
					return strings.ToUpper(target), true
				}
			}
		}
	}
	return "", false
}

func readLookalike(r rune) rune {
	if l, ok := lookalikeLetters[r]; ok {
		return l
	}
	return r
}

// lettersOf joins the letters of tokens, dropping everything else.
func lettersOf(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		for _, r := range t {
			if unicode.IsLetter(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// squeeze collapses each run of a repeated letter to one letter, so that "stoooop" becomes "stop".
func squeeze(s string) string {
	var b strings.Builder
	last := rune(-1)
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// resembles reports whether text equals target or is one of the misspellings that findLookalike accepts.
func resembles(text, target string) bool {
	if text == target {
		return true
	}
	a, b := []rune(text), []rune(target)
	switch n := len(b); {
	case n >= 8:
		return withinOneEdit(a, b)
	case n >= 6:
		// A substitution is left out because it turns real words such as "cancer" into opt-out words.
		return len(a) != len(b) && withinOneEdit(a, b) || isAdjacentTransposition(a, b)
	case n >= 4:
		return isAdjacentTransposition(a, b)
	}
	return false
}

// withinOneEdit reports whether a becomes b by at most one insertion, deletion, substitution or transposition
// of two adjacent runes.
func withinOneEdit(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return true
	}
	if len(a) > len(b) {
		return string(a[i+1:]) == string(b[i:])
	}
	if string(a[i+1:]) == string(b[i+1:]) {
		return true
	}
	return isAdjacentTransposition(a, b)
}

// isAdjacentTransposition reports whether a becomes b by swapping exactly one pair of adjacent, different runes.
func isAdjacentTransposition(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i+1 >= len(a) || a[i] == a[i+1] {
		return false
	}
	return a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:])
}
