package reply

// Keyword is a business keyword, such as URGENT or TOW, with the aliases that also invoke it.
type Keyword struct {
	Word    string
	Aliases []string
}

// MatchKeyword returns the first keyword, in the order of keywords, that body invokes. Body invokes a keyword
// when its words start with the words of the keyword or of one of its aliases: "URGENT - basement flooding" and
// "tow please" invoke URGENT and TOW, but "urgently" and "tow's" do not. Case, punctuation and emoji are ignored
// as in Normalize.
//
// Compliance words are never business keywords. MatchKeyword skips a keyword whose Word Classify reads as
// anything but None (STOP, START, YES, HELP and their variants), skips such an alias, and returns false for a
// body that Classify reads as anything but None. A keyword or alias without letters or digits, such as an emoji,
// never matches.
func MatchKeyword(body string, keywords []Keyword) (Keyword, bool) {
	if Classify(body, true).Compliance != None {
		return Keyword{}, false
	}
	tokens := words(body)
	if len(tokens) == 0 {
		return Keyword{}, false
	}

	for _, keyword := range keywords {
		if isComplianceText(keyword.Word) || len(words(keyword.Word)) == 0 {
			continue
		}
		phrases := append([]string{keyword.Word}, keyword.Aliases...)
		for _, phrase := range phrases {
			phraseWords := words(phrase)
			if len(phraseWords) == 0 || isComplianceText(phrase) {
				continue
			}
			if hasPrefixWords(tokens, phraseWords) {
				return keyword, true
			}
		}
	}
	return Keyword{}, false
}

// isComplianceText reports whether Classify gives s a meaning for consent, taking YES as an opt-in word.
func isComplianceText(s string) bool {
	return Classify(s, true).Compliance != None
}
