package msgtemplate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// OptOutSuffix is the opt-out instruction the sender appends, after a space, to a text that has none.
const OptOutSuffix = "Reply STOP to opt out."

// optOutPhrases are the phrases that, in the same sentence as the STOP keyword, tell the reader how to opt out.
var optOutPhrases = []string{"opt out", "opt-out", "unsubscribe", "to stop"}

// HasOptOutWording reports whether body already contains opt-out instructions, so that the sender need not
// append OptOutSuffix. That requires one sentence to contain the word STOP, in any case, together with
// "opt out", "opt-out", "unsubscribe" or "to stop". Sentences end at . ! ? and line breaks.
//
// The check errs towards false, because a false result only costs a repeated instruction. The stop in
// "to stop" does not count as the keyword, so "Remember to stop by and opt out of paper bills" returns false,
// while "Reply STOP to stop" returns true. Each phrase must stand as whole words.
func HasOptOutWording(body string) bool {
	for _, line := range strings.Split(strings.ToLower(body), "\n") {
		line = strings.Join(strings.Fields(line), " ")
		for _, sentence := range strings.FieldsFunc(line, isSentenceEnd) {
			if hasStopKeyword(sentence) && hasOptOutPhrase(sentence) {
				return true
			}
		}
	}
	return false
}

func isSentenceEnd(r rune) bool {
	return r == '.' || r == '!' || r == '?'
}

// hasStopKeyword reports whether sentence contains the word "stop" other than as part of "to stop".
func hasStopKeyword(sentence string) bool {
	for _, i := range wordIndexes(sentence, "stop") {
		if !strings.HasSuffix(sentence[:i], "to ") || !isWordStart(sentence, i-len("to ")) {
			return true
		}
	}
	return false
}

func hasOptOutPhrase(sentence string) bool {
	for _, phrase := range optOutPhrases {
		if len(wordIndexes(sentence, phrase)) > 0 {
			return true
		}
	}
	return false
}

// wordIndexes returns the byte offsets at which word occurs in s with no letter or digit directly before or
// after it.
func wordIndexes(s, word string) []int {
	var found []int
	for start := 0; start <= len(s)-len(word); {
		i := strings.Index(s[start:], word)
		if i < 0 {
			break
		}
		i += start
		if isWordStart(s, i) && isWordEnd(s, i+len(word)) {
			found = append(found, i)
		}
		start = i + 1
	}
	return found
}

// isWordStart reports whether no letter or digit ends right before byte offset i of s.
func isWordStart(s string, i int) bool {
	if i <= 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

// isWordEnd reports whether no letter or digit starts at byte offset i of s.
func isWordEnd(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
