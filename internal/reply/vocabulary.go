package reply

import "strings"

// wordKind is the role of a word or phrase in a compliance message.
type wordKind int

const (
	kindOther wordKind = iota
	// kindOptOut is an opt-out word that is rarely anything else in a short message, such as STOP.
	kindOptOut
	// kindOptOutWeak is an opt-out word that often starts a booking request or an address, CANCEL and END. It
	// opts out only with courtesy words around it.
	kindOptOutWeak
	// kindOptIn is START or UNSTOP, which opt in whether or not the sender is opted out.
	kindOptIn
	// kindYes is YES, which opts in only a sender who is opted out.
	kindYes
	kindHelp
	// kindCourtesy is a politeness word allowed around any compliance word: "stop please", "help thanks".
	kindCourtesy
	// kindEmphasis is a word that adds urgency or links clauses ("stop it now", "I said stop", "can you stop").
	// It is allowed only with a kindOptOut or opt-in word and inside plain-language revocations, because
	// "cancel it" or "end now" more likely refers to an appointment.
	kindEmphasis
)

// vocabularyTable lists the compliance words and fillers. Phrases are in folded form, one space between words.
var vocabularyTable = []struct {
	kind    wordKind
	phrases []string
}{
	{kindOptOut, []string{"stop", "stopall", "stop all", "unsubscribe", "quit", "revoke", "optout", "opt out"}},
	{kindOptOutWeak, []string{"cancel", "end"}},
	{kindOptIn, []string{"start", "unstop"}},
	{kindYes, []string{"yes"}},
	{kindHelp, []string{"help", "info"}},
	{kindCourtesy, []string{
		"please", "pls", "plz", "plse", "kindly", "thanks", "thank you", "thank u", "thankyou", "thx", "thnx",
		"ty", "tyvm", "ok", "okay", "sorry", "bye", "goodbye", "hi", "hey", "hello",
	}},
	{kindEmphasis, []string{
		"now", "right now", "already", "immediately", "asap", "it", "all", "anymore", "any more", "again",
		"ever again", "for good", "forever", "permanently", "just", "seriously", "i said", "no", "but", "so",
		"and", "can you", "could you", "would you", "will you", "can u", "could u",
	}},
}

// vocabularyEntry is one phrase of vocabularyTable.
type vocabularyEntry struct {
	kind wordKind
	// canonical is the phrase in upper case, as Reading.Matched records it.
	canonical string
}

var (
	// vocabulary maps each phrase of vocabularyTable to its entry.
	vocabulary = map[string]vocabularyEntry{}
	// maxVocabularyWords is the number of words in the longest phrase of vocabularyTable.
	maxVocabularyWords int
)

func init() {
	for _, group := range vocabularyTable {
		for _, phrase := range group.phrases {
			vocabulary[phrase] = vocabularyEntry{kind: group.kind, canonical: strings.ToUpper(phrase)}
			maxVocabularyWords = max(maxVocabularyWords, len(strings.Fields(phrase)))
		}
	}
}

// lookupPhrase returns the longest vocabulary phrase at the start of tokens and its length in words, or
// kindOther and 0 when none starts there.
func lookupPhrase(tokens []string) (vocabularyEntry, int) {
	for n := min(maxVocabularyWords, len(tokens)); n > 0; n-- {
		if entry, ok := vocabulary[strings.Join(tokens[:n], " ")]; ok {
			return entry, n
		}
	}
	return vocabularyEntry{}, 0
}

// isFiller reports whether kind is a courtesy or emphasis filler.
func isFiller(kind wordKind) bool {
	return kind == kindCourtesy || kind == kindEmphasis
}

// fillerBounds reports, for each i in 0..len(tokens), whether tokens[:i] (prefix) and tokens[i:] (suffix) consist
// only of courtesy and emphasis fillers. Both slices have len(tokens)+1 elements.
func fillerBounds(tokens []string) (prefix, suffix []bool) {
	n := len(tokens)
	prefix = make([]bool, n+1)
	suffix = make([]bool, n+1)
	prefix[0] = true
	suffix[n] = true
	for i := 0; i < n; i++ {
		if !prefix[i] {
			continue
		}
		for length := 1; length <= maxVocabularyWords && i+length <= n; length++ {
			entry, ok := vocabulary[strings.Join(tokens[i:i+length], " ")]
			if ok && isFiller(entry.kind) {
				prefix[i+length] = true
			}
		}
	}
	for i := n; i > 0; i-- {
		if !suffix[i] {
			continue
		}
		for length := 1; length <= maxVocabularyWords && i-length >= 0; length++ {
			entry, ok := vocabulary[strings.Join(tokens[i-length:i], " ")]
			if ok && isFiller(entry.kind) {
				suffix[i-length] = true
			}
		}
	}
	return prefix, suffix
}
