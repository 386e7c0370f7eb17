package reply

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// quoteReplacements maps typographic quotes and apostrophe look-alikes to their ASCII forms, so that "don’t"
// compares equal to "don't".
var quoteReplacements = map[rune]rune{
	'\u2018': '\'', // left single quotation mark
	'\u2019': '\'', // right single quotation mark, the usual typographic apostrophe
	'\u201A': '\'', // single low-9 quotation mark
	'\u201B': '\'', // single high-reversed-9 quotation mark
	'\u2032': '\'', // prime
	'\u02BC': '\'', // modifier letter apostrophe
	'\u0060': '\'', // grave accent
	'\u00B4': '\'', // acute accent
	'\uFF07': '\'', // fullwidth apostrophe
	'\u201C': '"',  // left double quotation mark
	'\u201D': '"',  // right double quotation mark
	'\u201E': '"',  // double low-9 quotation mark
	'\u201F': '"',  // double high-reversed-9 quotation mark
	'\u2033': '"',  // double prime
	'\uFF02': '"',  // fullwidth quotation mark
}

// clauseBreaks contains the characters that end a clause besides terminal punctuation, symbols and line breaks.
var clauseBreaks = map[rune]bool{
	'…': true,
	'—': true, // em dash
	'–': true, // en dash
	'―': true, // horizontal bar
	'¡': true,
	'¿': true,
}

// Normalize returns body in the form that Classify compares. It replaces invalid UTF-8 with U+FFFD, applies NFC
// and Unicode case folding, and makes typographic quotes ASCII. It removes invisible format characters,
// variation selectors, and leading and trailing white space, punctuation, emoji and other symbols. Inner white
// space becomes single spaces, but inner punctuation and emoji stay, so "Stop. Thank you 🙏" becomes
// "stop. thank you".
func Normalize(body string) string {
	return trimFolded(fold(body, norm.NFC))
}

// fold applies form, case folding and rune cleanup to body but keeps its punctuation, symbols and line breaks,
// which splitClauses needs.
func fold(body string, form norm.Form) string {
	s := strings.ToValidUTF8(body, "\uFFFD")
	s = form.String(s)
	// A Caser keeps state, so each call gets its own.
	s = cases.Fold().String(s)
	s = strings.Map(cleanRune, s)
	return form.String(s)
}

// cleanRune maps typographic quotes to ASCII, drops invisible characters, turns control characters into
// spaces and corrects the case folding of Cherokee.
func cleanRune(r rune) rune {
	if q, ok := quoteReplacements[r]; ok {
		return q
	}
	switch {
	case unicode.Is(unicode.Cherokee, r) && unicode.IsLower(r):
		// Unicode folds Cherokee to its capitals, but cases.Fold in golang.org/x/text v0.44.0 swaps the two
		// cases, which would make "Ꭰ" and "ꭰ" differ after folding.
		return unicode.ToUpper(r)
	case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Variation_Selector, r):
		// Zero-width spaces and joiners, direction marks, soft hyphens, emoji tags and variation selectors.
		return -1
	case unicode.IsControl(r) && !unicode.IsSpace(r):
		return ' '
	}
	return r
}

// trimFolded removes leading and trailing edge characters from the output of fold and collapses white space.
func trimFolded(s string) string {
	s = strings.TrimFunc(s, isEdgeRune)
	return strings.Join(strings.Fields(s), " ")
}

// isEdgeRune reports whether Normalize removes r at either end of a text: white space, punctuation, symbols
// (which include emoji, skin tone modifiers and U+FFFD) and enclosing marks such as the keycap in "1️⃣".
func isEdgeRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.Is(unicode.Me, r)
}

// isWordRune reports whether r belongs to a word: a letter, a number or a combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isClauseBreak reports whether r ends a clause: terminal punctuation such as . , ; : ! ?, a dash other than the
// hyphen, a line break, or a symbol, because emoji often end a sentence in text messages.
func isClauseBreak(r rune) bool {
	switch {
	case r == '\n', r == '\r', r == '\v', r == '\f', r == '\u0085', r == '\u2028', r == '\u2029':
		return true
	case clauseBreaks[r]:
		return true
	}
	return unicode.Is(unicode.Terminal_Punctuation, r) || unicode.IsSymbol(r)
}

// splitClauses splits the output of fold into clauses of words. A word is a run of letters, numbers and marks,
// with apostrophes kept inside it ("don't") but not at its ends. Everything else separates words, and
// isClauseBreak characters also end the clause. Empty clauses are dropped.
func splitClauses(folded string) [][]string {
	var (
		clauses [][]string
		clause  []string
		word    strings.Builder
	)
	endWord := func() {
		if w := strings.TrimRight(word.String(), "'"); w != "" {
			clause = append(clause, w)
		}
		word.Reset()
	}
	endClause := func() {
		endWord()
		if len(clause) > 0 {
			clauses = append(clauses, clause)
			clause = nil
		}
	}

	for _, r := range folded {
		switch {
		case isWordRune(r):
			word.WriteRune(r)
		case r == '\'' && word.Len() > 0:
			word.WriteRune(r)
		case isClauseBreak(r):
			endClause()
		default:
			endWord()
		}
	}
	endClause()
	return clauses
}

// words returns the words of body in order, ignoring clause boundaries.
func words(body string) []string {
	var all []string
	for _, clause := range splitClauses(fold(body, norm.NFC)) {
		all = append(all, clause...)
	}
	return all
}

// hasPrefixWords reports whether tokens starts with prefix, word by word.
func hasPrefixWords(tokens, prefix []string) bool {
	if len(prefix) > len(tokens) {
		return false
	}
	for i, w := range prefix {
		if tokens[i] != w {
			return false
		}
	}
	return true
}
