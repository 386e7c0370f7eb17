package reply

import (
	"strings"
	"testing"
)

// classifyCase is one row of the Classify tables.
type classifyCase struct {
	name     string
	body     string
	optedOut bool
	want     Compliance
	matched  string
}

func runClassifyCases(t *testing.T, tests []classifyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.body, tt.optedOut)
			if got.Compliance != tt.want {
				t.Errorf("Classify(%q, %v).Compliance = %q, want %q", tt.body, tt.optedOut, got.Compliance, tt.want)
			}
			if got.Matched != tt.matched {
				t.Errorf("Classify(%q, %v).Matched = %q, want %q", tt.body, tt.optedOut, got.Matched, tt.matched)
			}
			if want := Normalize(tt.body); got.Normalized != want {
				t.Errorf("Classify(%q, %v).Normalized = %q, want %q", tt.body, tt.optedOut, got.Normalized, want)
			}
		})
	}
}

// TestClassifyKeywordTable covers the opt-out keyword table: bare keywords, padding, punctuation, emoji,
// courtesy words, a plain-language revocation, sentences that only contain a keyword and a spaced-out STOP.
func TestClassifyKeywordTable(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"row 1 upper", "STOP", false, OptOut, "STOP"},
		{"row 2 padded lower", " stop ", false, OptOut, "STOP"},
		{"row 3 full stop", "Stop.", false, OptOut, "STOP"},
		{"row 4 exclamations", "STOP!!", false, OptOut, "STOP"},
		{"row 5 emoji", "stop 😡", false, OptOut, "STOP"},
		{"row 6 stopall", "StopAll", false, OptOut, "STOPALL"},
		{"row 7 stop all", "STOP ALL", false, OptOut, "STOP ALL"},
		{"row 8 unsubscribe", "unsubscribe", false, OptOut, "UNSUBSCRIBE"},
		{"row 8 cancel", "Cancel", false, OptOut, "CANCEL"},
		{"row 8 end", "END", false, OptOut, "END"},
		{"row 8 quit", "quit", false, OptOut, "QUIT"},
		{"row 8 optout", "optout", false, OptOut, "OPTOUT"},
		{"row 8 revoke", "revoke", false, OptOut, "REVOKE"},
		{"row 9 stop please", "Stop please", false, OptOut, "STOP"},
		{"row 10 plain language", "Please stop texting me", false, OptOut, "please stop texting me"},
		{"row 11 stop thank you", "Stop. Thank you", false, OptOut, "STOP"},
		{"row 12 stop by", "Can you stop by at 3 tomorrow?", false, None, ""},
		{"row 13 stop the leak", "We need to stop the leak before Friday", false, None, ""},
		{"row 14 cancel appointment", "Cancel my appointment", false, None, ""},
		{"row 15 end of driveway", "end of the driveway, blue house", false, None, ""},
		{"row 16 spaced letters", "S T O P", false, Review, "STOP"},
	})
}

func TestClassifyOptOutVariants(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"opted out sender", "STOP", true, OptOut, "STOP"},
		{"opt out two words", "OPT OUT", false, OptOut, "OPT OUT"},
		{"opt-out hyphen", "Opt-out", false, OptOut, "OPT OUT"},
		{"stop now", "Stop now", false, OptOut, "STOP"},
		{"stop it", "stop it", false, OptOut, "STOP"},
		{"stop it now please", "Stop it now please!", false, OptOut, "STOP"},
		{"please stop", "please stop", false, OptOut, "STOP"},
		{"i said stop", "I said STOP", false, OptOut, "STOP"},
		{"can you stop", "Can you stop?", false, OptOut, "STOP"},
		{"stop stop stop", "stop stop stop", false, OptOut, "STOP"},
		{"stop unsubscribe", "STOP. UNSUBSCRIBE.", false, OptOut, "STOP"},
		{"stop help", "stop help", false, OptOut, "STOP"},
		{"unsubscribe thanks", "Unsubscribe, thanks", false, OptOut, "UNSUBSCRIBE"},
		{"cancel please", "cancel please", false, OptOut, "CANCEL"},
		{"thank you cancel", "Thank you. Cancel", false, OptOut, "CANCEL"},
		{"end thanks", "END thx", false, OptOut, "END"},
		{"quit it", "quit it", false, OptOut, "QUIT"},
		{"emoji between", "stop 😡 please", false, OptOut, "STOP"},
		{"emoji only suffix", "STOP🛑🛑", false, OptOut, "STOP"},
		{"tab and newline", "\tSTOP\n", false, OptOut, "STOP"},
		{"smart quotes", "“STOP”", false, OptOut, "STOP"},
		{"no-break space", "\u00a0stop\u00a0", false, OptOut, "STOP"},
		{"zero-width space inside", "ST\u200bOP", false, OptOut, "STOP"},
		{"invalid utf-8 suffix", "STOP\xff", false, OptOut, "STOP"},
		{"spanish marks", "¡STOP!", false, OptOut, "STOP"},
	})
}

func TestClassifyRevocations(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"please stop texting me", "please stop texting me", false, OptOut, "please stop texting me"},
		{"don't text me anymore", "don't text me anymore", false, OptOut, "don't text me anymore"},
		{"smart apostrophe", "Don’t text me anymore!", false, OptOut, "don't text me anymore"},
		{"dont without apostrophe", "dont text me", false, OptOut, "dont text me"},
		{"do not text me", "Do not text me", false, OptOut, "do not text me"},
		{"never message again", "Never message me again", false, OptOut, "never message me again"},
		{"do not contact number", "do not contact this number", false, OptOut, "do not contact this number"},
		{"take me off your list", "Take me off your list", false, OptOut, "take me off your list"},
		{"take me off", "take me off", false, OptOut, "take me off"},
		{"take number out of system", "take my number out of your system", false, OptOut,
			"take my number out of your system"},
		{"remove me from your list", "Remove me from your list.", false, OptOut, "remove me from your list"},
		{"remove me from texting list", "remove me from the texting list", false, OptOut,
			"remove me from the texting list"},
		{"remove me please", "remove me please", false, OptOut, "remove me please"},
		{"unsubscribe me", "Unsubscribe me", false, OptOut, "unsubscribe me"},
		{"delete my number", "please delete my number", false, OptOut, "please delete my number"},
		{"opt me out", "opt me out", false, OptOut, "opt me out"},
		{"no more texts", "No more texts", false, OptOut, "no more texts"},
		{"no more messages please", "no more messages please 🙏", false, OptOut, "no more messages please"},
		{"stop messaging me", "Stop messaging me", false, OptOut, "stop messaging me"},
		{"stop texting bare", "stop texting", false, OptOut, "stop texting"},
		{"stop contacting us", "STOP CONTACTING US!!!", false, OptOut, "stop contacting us"},
		{"stop sending me texts", "stop sending me these texts", false, OptOut, "stop sending me these texts"},
		{"stop the texts", "Stop the texts", false, OptOut, "stop the texts"},
		{"stop all messages", "stop all messages", false, OptOut, "stop all messages"},
		{"cancel texts", "cancel texts", false, OptOut, "cancel texts"},
		{"dont send messages", "Don't send me any more messages", false, OptOut, "don't send me any more messages"},
		{"leave me alone", "Leave me alone", false, OptOut, "leave me alone"},
		{"leave us alone", "leave us alone!", false, OptOut, "leave us alone"},
		{"want to unsubscribe", "I want to unsubscribe", false, OptOut, "i want to unsubscribe"},
		{"would like to opt out", "I'd like to opt out", false, OptOut, "i'd like to opt out"},
		{"dont want texts", "I don't want any more texts", false, OptOut, "i don't want any more texts"},
		{"dont want to receive", "i do not want to receive these messages", false, OptOut,
			"i do not want to receive these messages"},
		{"can you stop texting", "Can you please stop texting me", false, OptOut, "can you please stop texting me"},
		{"but leading", "Thanks, but please stop texting me", false, OptOut, "but please stop texting me"},
		{"second sentence", "Stop texting me. I already hired someone", false, OptOut, "stop texting me"},
		{"after greeting", "Hi. Take me off your list", false, OptOut, "take me off your list"},
		{"with call instead", "Don't text me, call me", false, OptOut, "don't text me"},
		{"emoji ends clause", "Stop texting me 😡 who is this", false, OptOut, "stop texting me"},
		{"beats yes", "Yes. Remove me from your list", true, OptOut, "remove me from your list"},
		{"beats start", "START. Stop texting me", true, OptOut, "stop texting me"},
	})
}

func TestClassifyNearMisses(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"stop by", "Stop by tomorrow", false, None, ""},
		{"stop the leak", "stop the leak", false, None, ""},
		{"quit thinking", "I can't quit thinking about it", false, None, ""},
		{"end unit", "It's the end unit", false, None, ""},
		{"the end", "the end", false, None, ""},
		{"cancel appointment please", "Cancel my appointment please", false, None, ""},
		{"cancel it", "cancel it", false, None, ""},
		{"end now", "end now", false, None, ""},
		{"cancel tuesday", "cancel tuesday", false, None, ""},
		{"text me", "Can you text me the address?", false, None, ""},
		{"remove the old tank", "Can you remove the old water heater?", false, None, ""},
		{"leave it", "Leave it at the door", false, None, ""},
		{"no more leak", "No more leak, thanks!", false, None, ""},
		{"stopped", "It stopped leaking", false, None, ""},
		{"stopper", "stopper", false, None, ""},
		{"cancer", "Cancer", false, None, ""},
		{"ned", "Ned", false, None, ""},
		{"spot", "spot", false, None, ""},
		{"quite", "quite", false, None, ""},
		{"courtesy only", "Thanks!", false, None, ""},
		{"ok", "ok", false, None, ""},
		{"emoji only", "👍", false, None, ""},
		{"empty", "", false, None, ""},
		{"spaces only", "   \n\t ", true, None, ""},
		{"punctuation only", "?!...", true, None, ""},
	})
}

func TestClassifyReview(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"spaced", "S T O P", false, Review, "STOP"},
		{"dotted", "s.t.o.p", false, Review, "STOP"},
		{"dotted trailing", "S.T.O.P.", false, Review, "STOP"},
		{"hyphenated letters", "s-t-o-p", false, Review, "STOP"},
		{"zero for o", "st0p", false, Review, "STOP"},
		{"split word", "ST OP", false, Review, "STOP"},
		{"dollar for s", "$top", false, Review, "STOP"},
		{"fullwidth", "ＳＴＯＰ", false, Review, "STOP"},
		{"cyrillic", "ЅТОР", false, Review, "STOP"},
		{"greek", "ΕΝD", false, Review, "END"},
		{"elongated", "Stooooop", false, Review, "STOP"},
		{"doubled", "STOPP", false, Review, "STOP"},
		{"transposed", "sotp", false, Review, "STOP"},
		{"spaced with courtesy", "S T O P please", false, Review, "STOP"},
		{"spaced end", "e n d", false, Review, "END"},
		{"leet unsubscribe", "unsubscr1be", false, Review, "unsubscr1be"},
		{"transposed cancel", "cancle", false, Review, "CANCEL"},
		{"dropped letter cancel", "cancl", false, Review, "CANCEL"},
		{"spaced unsubscribe", "u n s u b s c r i b e", false, Review, "UNSUBSCRIBE"},
		{"invalid byte inside", "ST\xffOP", false, Review, "STOP"},
		{"code", "STOP 12345", false, Review, "STOP"},
		{"code first", "12345 stop", false, Review, "STOP"},
		{"cancel code", "cancel 2", false, Review, "CANCEL"},
		{"code in next clause", "Stop. 12345", false, Review, "STOP"},
		{"stop with question", "Stop! Who is this?", false, Review, "STOP"},
		{"cancel with reason", "Cancel, I found someone else", false, Review, "CANCEL"},
		{"stop on own line", "STOP\nwho gave you my number", false, Review, "STOP"},
		{"yes stop", "yes stop", false, Review, "STOP"},
		{"yes stop opted out", "Yes, stop", true, Review, "STOP"},
		{"start stop", "start stop", false, Review, "STOP"},
		{"help cancel", "help cancel", false, Review, "CANCEL"},
		{"how to unsubscribe", "How do I unsubscribe?", false, Review, "unsubscribe"},
		{"already unsubscribed", "I already unsubscribed, why are you texting", false, Review, "unsubscribed"},
		{"opt out of", "can I opt out of this", false, Review, "opt out"},
		{"revoked consent", "I revoked consent last week", false, Review, "revoked"},
		{"revocation with condition", "don't text me before 9am", false, Review, "don't text me"},
		{"revocation with topic", "stop texting me about the invoice", false, Review, "stop texting me"},
		{"revocation in sentence", "tell your guy to stop texting me", false, Review, "stop texting me"},
		{"revocation run on", "stop texting me who is this", false, Review, "stop texting me"},
		{"conditional negation", "If you don't text me back by 5 I'll call someone else", false, Review,
			"don't text me"},
		{"pasted footer", "Reply STOP to unsubscribe", false, Review, "unsubscribe"},
	})
}

func TestClassifyOptIn(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"yes opted in", "YES", false, None, ""},
		{"yes opted out", "YES", true, OptIn, "YES"},
		{"title yes opted in", "Yes", false, None, ""},
		{"title yes opted out", "Yes", true, OptIn, "YES"},
		{"yes exclaim opted in", "yes!", false, None, ""},
		{"yes exclaim opted out", "yes!", true, OptIn, "YES"},
		{"yes full stop opted out", "Yes.", true, OptIn, "YES"},
		{"yes please opted in", "YES please", false, None, ""},
		{"yes please opted out", "YES please", true, OptIn, "YES"},
		{"yes thumbs up opted out", "YES 👍", true, OptIn, "YES"},
		{"yes with question opted out", "Yes. What time?", true, None, ""},
		{"y opted out", "Y", true, None, ""},
		{"yep opted out", "yep", true, None, ""},
		{"start opted out", "START", true, OptIn, "START"},
		{"start opted in", "START", false, OptIn, "START"},
		{"start padded", "start ", true, OptIn, "START"},
		{"start again", "Start again please", true, OptIn, "START"},
		{"unstop opted out", "UNSTOP", true, OptIn, "UNSTOP"},
		{"unstop opted in", "unstop", false, OptIn, "UNSTOP"},
		{"start with sentence", "Start. I need a plumber", true, None, ""},
		{"start monday", "start monday", true, None, ""},
		{"start code", "start 2", true, None, ""},
	})
}

func TestClassifyHelp(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"help", "HELP", false, Help, "HELP"},
		{"help opted out", "help", true, Help, "HELP"},
		{"help question", "help?", false, Help, "HELP"},
		{"help please", "Help please", false, Help, "HELP"},
		{"info", "INFO", false, Help, "INFO"},
		{"info thanks", "info, thanks", false, Help, "INFO"},
		{"yes help opted in", "yes help", false, Help, "HELP"},
		{"help me book", "help me book", false, None, ""},
		{"help me", "Help me", false, None, ""},
		{"help now", "help now!!", false, None, ""},
		{"more info", "more info", false, None, ""},
		{"help flooding", "Help! My basement is flooding", false, None, ""},
	})
}

func TestClassifyLongInput(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Compliance
	}{
		{"repeated stop", strings.Repeat("stop ", 20000), OptOut},
		{"long sentence", strings.Repeat("the water heater is leaking again ", 5000), None},
		{"revocation at end", strings.Repeat("the water heater is leaking. ", 5000) + "Stop texting me", OptOut},
		{"keyword with long text", "STOP. " + strings.Repeat("who is this ", 5000), Review},
		{"many emoji", strings.Repeat("😡", 10000) + "stop" + strings.Repeat("😡", 10000), OptOut},
		{"spaced with edge emoji", strings.Repeat("😡", 1000) + "S T O P" + strings.Repeat("😡", 1000), Review},
		{"spaced within lookalike limit", "S T O P " + strings.Repeat("😡 ", 40) + "ok", Review},
		// NOTE: a disguised opt-out word padded past maxLookalikeBytes inside the text is not recognised.
		{"spaced beyond lookalike limit", "S T O P " + strings.Repeat("😡 ", 100) + "ok", None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.body, false).Compliance; got != tt.want {
				t.Errorf("Classify(%d bytes).Compliance = %q, want %q", len(tt.body), got, tt.want)
			}
		})
	}
}

// TestRevocationPatternsIndexed checks the invariant that patternsByFirstWord relies on.
func TestRevocationPatternsIndexed(t *testing.T) {
	for i, p := range revocationPatterns {
		if len(p) == 0 {
			t.Errorf("revocationPatterns[%d] is empty", i)
			continue
		}
		if p[0].optional {
			t.Errorf("revocationPatterns[%d] starts with an optional slot", i)
		}
	}
}

// TestVocabularyFolded checks that every vocabulary phrase is already in the form that splitClauses returns,
// because a phrase in any other form could never match.
func TestVocabularyFolded(t *testing.T) {
	for phrase := range vocabulary {
		if got := strings.Join(words(phrase), " "); got != phrase {
			t.Errorf("vocabulary phrase %q reads as %q", phrase, got)
		}
	}
	for i, p := range revocationPatterns {
		for _, s := range p {
			for _, alternative := range s.alternatives {
				phrase := strings.Join(alternative, " ")
				if got := strings.Join(words(phrase), " "); got != phrase {
					t.Errorf("revocationPatterns[%d] phrase %q reads as %q", i, phrase, got)
				}
			}
		}
	}
}
