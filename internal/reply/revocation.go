package reply

import "strings"

// A revocation pattern is a plain-language way of withdrawing consent to texts, such as "please stop texting
// me" or "take me off your list". Each pattern is a sequence of slots. A slot matches one of its alternatives,
// each a phrase of one or more words, and an optional slot may also match nothing.
//
// The list is deliberately short. A clause that is exactly a pattern, apart from courtesy and emphasis fillers,
// opts out. A pattern inside a longer clause ("don't text me before 9am") only makes the message a Review,
// because the rest of the clause may narrow or undo it.

// slot is one position of a revocation pattern.
type slot struct {
	alternatives [][]string
	optional     bool
}

// revocationPattern is a sequence of slots. Its first slot is never optional, so that patterns can be indexed
// by their first word.
type revocationPattern []slot

// one returns a required slot that matches any of phrases.
func one(phrases ...string) slot {
	return slot{alternatives: splitPhrases(phrases)}
}

// maybe returns an optional slot that matches any of phrases or nothing.
func maybe(phrases ...string) slot {
	return slot{alternatives: splitPhrases(phrases), optional: true}
}

func splitPhrases(phrases []string) [][]string {
	split := make([][]string, len(phrases))
	for i, p := range phrases {
		split[i] = strings.Fields(p)
	}
	return split
}

// combine returns every phrase made of one phrase from each part, in order: combine({"a", "b"}, {"c"}) is
// {"a c", "b c"}.
func combine(parts ...[]string) []string {
	phrases := []string{""}
	for _, part := range parts {
		var next []string
		for _, prefix := range phrases {
			for _, p := range part {
				next = append(next, strings.TrimSpace(prefix+" "+p))
			}
		}
		phrases = next
	}
	return phrases
}

// Word sets of the revocation patterns.
var (
	// contactObjects are the ways a sender refers to themselves or their phone.
	contactObjects = []string{"me", "us", "this number", "my number", "this phone", "my phone", "my cell"}
	// textNouns are the ways a sender refers to the texts. Reminders and notifications are left out, because a
	// sender may want to stop one kind of message only.
	textNouns = []string{
		"texts", "text", "text messages", "messages", "message", "msgs", "txts", "sms", "sms messages",
		"texting", "messaging",
	}
	quantifiers = []string{
		"all", "the", "these", "those", "your", "any", "any more", "anymore", "more", "all the", "all these",
		"all your", "all of the", "all of these", "all of your", "any of these", "any of your",
	}
	negations = []string{"don't", "dont", "do not", "never"}
	listNouns = []string{
		"list", "lists", "contacts", "contact list", "system", "database", "records", "text list",
		"texting list", "sms list", "mailing list", "marketing list", "call list", "calling list",
		"messaging list",
	}
	// listTails are the endings of "remove me from your list" and similar requests.
	listTails = combine(
		[]string{"from", "off", "off of", "out of"},
		[]string{"your", "the", "this", "ur", "all", "all your", "all of your"},
		listNouns,
	)
)

// revocationPatterns lists the plain-language revocations, each with examples of the clauses it matches.
var revocationPatterns = []revocationPattern{
	// "stop texting me", "quit messaging this number", "stop contacting us"
	{
		one("stop", "quit", "cease"),
		one("texting", "txting", "messaging", "msging", "contacting", "spamming", "bothering", "harassing"),
		maybe(contactObjects...),
	},
	// "stop sending me these texts", "stop sending messages", "stop sending"
	{one("stop", "quit"), one("sending"), maybe(contactObjects...), maybe(quantifiers...), maybe(textNouns...)},
	// "stop the texts", "end all messages", "cancel texts"
	{one("stop", "quit", "end", "cancel"), maybe(quantifiers...), one(textNouns...)},
	// "no more texts", "no more messages please"
	{one("no more"), one(textNouns...)},
	// "don't text me", "do not contact this number", "never message me again"
	{one(negations...), one("text", "txt", "message", "msg", "contact", "sms"), one(contactObjects...)},
	// "don't send me texts", "do not send me any more messages"
	{one(negations...), one("send"), maybe(contactObjects...), maybe(quantifiers...), one(textNouns...)},
	// "remove me", "unsubscribe me", "delete my number from your system", "lose my number"
	{one("remove", "delete", "erase", "unsubscribe", "lose"), one(contactObjects...), maybe(listTails...)},
	// "take me off", "take me off your list", "take my number out of your system"
	{one("take"), one(contactObjects...), one(append([]string{"off"}, listTails...)...)},
	// "opt me out"
	{one("opt"), one(contactObjects...), one("out")},
	// "leave me alone"
	{one("leave"), one("me", "us"), one("alone")},
	// "I want to unsubscribe", "I'd like to opt out", "I wish to be removed from your list"
	{
		one("i want to", "i wanna", "i would like to", "i'd like to", "id like to", "i wish to", "i need to",
			"want to", "wanna"),
		one("unsubscribe", "opt out", "optout", "be removed", "be unsubscribed", "be taken off"),
		maybe(listTails...),
	},
	// "I don't want texts", "I do not want any more messages"
	{one("i don't", "i dont", "i do not"), one("want"), maybe(quantifiers...), one(textNouns...)},
	// "I don't want to receive texts", "I do not want to get these messages"
	{
		one("i don't", "i dont", "i do not"),
		one("want to"),
		one("receive", "get"),
		maybe(quantifiers...),
		one(textNouns...),
	},
}

// patternsByFirstWord indexes revocationPatterns by the first word of each alternative of their first slot.
var patternsByFirstWord = map[string][]revocationPattern{}

func init() {
	for _, p := range revocationPatterns {
		seen := map[string]bool{}
		for _, alternative := range p[0].alternatives {
			if first := alternative[0]; !seen[first] {
				seen[first] = true
				patternsByFirstWord[first] = append(patternsByFirstWord[first], p)
			}
		}
	}
}

// ends returns every index at which p, matched against tokens from start, can end.
func (p revocationPattern) ends(tokens []string, start int) []int {
	positions := []int{start}
	for _, s := range p {
		var next []int
		for _, pos := range positions {
			if s.optional {
				next = appendUnique(next, pos)
			}
			for _, alternative := range s.alternatives {
				if hasPrefixWords(tokens[pos:], alternative) {
					next = appendUnique(next, pos+len(alternative))
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		positions = next
	}
	return positions
}

func appendUnique(list []int, v int) []int {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// isExactRevocation reports whether clause is a revocation pattern with only courtesy and emphasis fillers
// before and after it.
func isExactRevocation(clause []string) bool {
	prefix, suffix := fillerBounds(clause)
	for start := range clause {
		if !prefix[start] {
			continue
		}
		for _, p := range patternsByFirstWord[clause[start]] {
			for _, end := range p.ends(clause, start) {
				if suffix[end] {
					return true
				}
			}
		}
	}
	return false
}

// findRevocation returns the first revocation pattern found anywhere in clause, as its words joined by spaces,
// choosing the longest match at the first position where any pattern starts.
func findRevocation(clause []string) (string, bool) {
	for start := range clause {
		longest := -1
		for _, p := range patternsByFirstWord[clause[start]] {
			for _, end := range p.ends(clause, start) {
				longest = max(longest, end)
			}
		}
		if longest > start {
			return strings.Join(clause[start:longest], " "), true
		}
	}
	return "", false
}
