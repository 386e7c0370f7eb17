// Package reply reads an inbound text message and reports what it means for consent (opt-out, opt-in, help),
// which business keyword it invokes and which answer to a question it selects. It does no I/O.
//
// Every function compares text in the form that Normalize returns, split into words of letters, numbers and
// inner apostrophes. So case, composed or decomposed accents, typographic quotes, extra white space, punctuation
// and emoji do not change the result.
//
// Classify recognises the opt-out keywords STOP, STOPALL, STOP ALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE,
// OPTOUT and OPT OUT, the opt-in keywords START, UNSTOP and YES, and the help keywords HELP and INFO. It also
// accepts a keyword with courtesy words ("Stop. Thank you") and a short list of plain-language revocations
// ("please stop texting me"). It returns Review for a message that looks like an attempt to opt out but that no
// rule confirms, such as "S T O P" or "STOP 12345", so that automation can wait for a person.
package reply

import (
	"cmp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Compliance is the meaning of a text for consent to receive texts.
type Compliance string

// Compliance values that Classify returns.
const (
	// None is an ordinary message.
	None Compliance = ""
	// OptOut means stop texting this number.
	OptOut Compliance = "opt_out"
	// OptIn means texting may resume: START or UNSTOP, or YES from a sender who is opted out.
	OptIn Compliance = "opt_in"
	// Help is HELP or INFO, to which the business replies with its help text.
	Help Compliance = "help"
	// Review is a message that looks like an attempt to opt out that the rules cannot confirm, such as
	// "S T O P". Automation should hold until a person has read it.
	Review Compliance = "review"
)

// Reading is the result of Classify.
type Reading struct {
	Compliance Compliance
	// Matched is the word or phrase that decided the Compliance, for the record. A keyword is in upper case
	// ("STOP", "OPT OUT"). A plain-language revocation is the words of its clause, case-folded and joined by
	// single spaces ("please don't text me"). For Review it is the opt-out keyword that the message resembles
	// or contains, or the revocation or word such as "unsubscribed" that it contains. It is empty for None.
	Matched string
	// Normalized is body as Normalize returns it.
	Normalized string
}

// revocationStems are word beginnings that show an attempt to opt out even inside a longer sentence, as in
// "how do I unsubscribe?" or "I already unsubscribed". They make a message a Review.
var revocationStems = []string{"unsub", "revok", "revoc", "stopall", "optout", "optedout"}

// revocationPairs are two-word forms of revocationStems, as in "can I opt out of this".
var revocationPairs = [][2]string{{"opt", "out"}, {"opted", "out"}, {"opting", "out"}}

// Classify reads body and reports its meaning for consent. optedOut must be true while the sender is opted out,
// because YES opts in only then.
//
// The rules apply in this order, and the first that matches decides:
//  1. OptOut when any clause is a plain-language revocation with only courtesy or emphasis words around it:
//     "Please stop texting me", "Thanks. Take me off your list".
//  2. OptOut when every word is an opt-out keyword or a courtesy word: "STOP", "Stop. Thank you", "stop 😡".
//     Emphasis words such as "now", "it" or "I said" and the words HELP and INFO are allowed too, except when the
//     only opt-out words are CANCEL and END, because "cancel it" usually means an appointment.
//  3. Review when an opt-out keyword appears with other words in another clause ("Stop! Who is this?"), with a
//     code ("STOP 12345"), with START or YES ("yes stop"), or when CANCEL or END appears with HELP or INFO.
//  4. Review when a clause contains a revocation among other words ("don't text me before 9am"), a word such
//     as "unsubscribed" or "opt out" appears anywhere, or the text spells an opt-out word in disguise: "S T O P",
//     "s.t.o.p", "st0p".
//  5. OptIn when every word is START, UNSTOP, a courtesy word or an emphasis word ("start again"), or the same
//     with YES in place of START while optedOut is true. YES from a sender who is not opted out is None, because
//     it answers a question.
//  6. Help when every word is HELP, INFO or a courtesy word: "help?", "info please". "help me book" is None.
//
// Everything else is None, including sentences that merely contain a keyword ("Can you stop by at 3?",
// "Cancel my appointment", "end of the driveway").
func Classify(body string, optedOut bool) Reading {
	folded := fold(body, norm.NFC)
	reading := Reading{Normalized: trimFolded(folded)}
	clauses := splitClauses(folded)

	for _, clause := range clauses {
		if isExactRevocation(clause) {
			return reading.with(OptOut, strings.Join(clause, " "))
		}
	}

	var (
		keywords clauseScan // merged over the clauses that contain only keywords, fillers and codes
		hasOther bool
	)
	for _, clause := range clauses {
		scan := scanClause(clause)
		if scan.other {
			hasOther = true
			continue
		}
		keywords.merge(scan)
	}

	if keywords.optOut != "" {
		switch {
		case hasOther, keywords.code, keywords.optIn != "", keywords.yes:
			return reading.with(Review, keywords.optOut)
		case keywords.strong, !keywords.emphasis && keywords.help == "":
			return reading.with(OptOut, keywords.optOut)
		case keywords.help != "":
			// "help cancel" may ask for help with cancelling an appointment.
			return reading.with(Review, keywords.optOut)
		}
		// CANCEL or END with emphasis words, such as "cancel it", is left to booking.
	}

	if hasOther || keywords.code {
		if matched, ok := findReview(clauses, body, reading.Normalized); ok {
			return reading.with(Review, matched)
		}
		return reading
	}

	switch {
	case keywords.optIn != "":
		return reading.with(OptIn, keywords.optIn)
	case keywords.yes && optedOut:
		return reading.with(OptIn, "YES")
	case keywords.help != "" && !keywords.emphasis:
		return reading.with(Help, keywords.help)
	}
	return reading
}

func (r Reading) with(c Compliance, matched string) Reading {
	r.Compliance = c
	r.Matched = matched
	return r
}

// findReview applies the Review rules of step 4 of Classify to a message that has words other than compliance
// words and fillers, and returns the phrase or word that triggered one. normalized is Normalize(body).
func findReview(clauses [][]string, body, normalized string) (string, bool) {
	for _, clause := range clauses {
		if phrase, ok := findRevocation(clause); ok {
			return phrase, true
		}
	}
	for _, clause := range clauses {
		for i, w := range clause {
			for _, stem := range revocationStems {
				if strings.HasPrefix(w, stem) {
					return w, true
				}
			}
			for _, pair := range revocationPairs {
				if i+1 < len(clause) && w == pair[0] && clause[i+1] == pair[1] {
					return w + " " + clause[i+1], true
				}
			}
		}
	}
	if len(normalized) > maxLookalikeBytes {
		return "", false
	}
	return findLookalike(body)
}

// clauseScan summarises the compliance words of one clause or, merged, of several.
type clauseScan struct {
	// optOut is the first opt-out keyword in canonical form, or empty.
	optOut string
	// strong is true when an opt-out keyword other than CANCEL and END is present.
	strong bool
	// optIn is the first START or UNSTOP keyword in canonical form, or empty.
	optIn string
	yes   bool
	// help is the first HELP or INFO keyword in canonical form, or empty.
	help     string
	emphasis bool
	// code is true when a word contains a digit, as in "STOP 12345".
	code bool
	// other is true when a word is neither a vocabulary phrase nor a code.
	other bool
}

// scanClause reads clause phrase by phrase, taking the longest vocabulary phrase at each word.
func scanClause(clause []string) clauseScan {
	var s clauseScan
	for i := 0; i < len(clause); {
		entry, n := lookupPhrase(clause[i:])
		if n == 0 {
			if strings.IndexFunc(clause[i], unicode.IsDigit) >= 0 {
				s.code = true
			} else {
				s.other = true
			}
			i++
			continue
		}
		switch entry.kind {
		case kindOptOut:
			s.strong = true
			s.optOut = cmp.Or(s.optOut, entry.canonical)
		case kindOptOutWeak:
			s.optOut = cmp.Or(s.optOut, entry.canonical)
		case kindOptIn:
			s.optIn = cmp.Or(s.optIn, entry.canonical)
		case kindYes:
			s.yes = true
		case kindHelp:
			s.help = cmp.Or(s.help, entry.canonical)
		case kindEmphasis:
			s.emphasis = true
		}
		i += n
	}
	return s
}

// merge adds the findings of a later clause to s, keeping the first keyword of each kind.
func (s *clauseScan) merge(later clauseScan) {
	s.optOut = cmp.Or(s.optOut, later.optOut)
	s.strong = s.strong || later.strong
	s.optIn = cmp.Or(s.optIn, later.optIn)
	s.yes = s.yes || later.yes
	s.help = cmp.Or(s.help, later.help)
	s.emphasis = s.emphasis || later.emphasis
	s.code = s.code || later.code
	s.other = s.other || later.other
}
