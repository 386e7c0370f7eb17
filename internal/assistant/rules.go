package assistant

import "strings"

// phraseRule adds weight to an intent when a message contains phrase as whole words. In a phrase,
// "..." stands for a gap of up to three words, so "move ... appointment" matches "move my
// appointment" and "move the dentist appointment".
type phraseRule struct {
	phrase string
	weight int
}

// intentRules are the phrases of each intent. They are written for the trades textback serves
// (home services, clinics, salons, auto shops) and kept general: a phrase belongs here when it
// means the same in any of them.
var intentRules = map[Intent]ruleList{
	IntentUrgent: weighted(3, "emergency", "urgent", "urgently", "asap", "a.s.a.p", "right now", "burst",
		"flooding", "flooded", "overflowing", "water everywhere", "pouring", "backing up", "backed up",
		"smell gas", "gas smell", "gas leak", "carbon monoxide", "no heat", "heat is out", "no water",
		"no hot water", "unbearable", "bleeding", "knocked out", "allergic reaction", "stranded",
		"broke down", "broken down", "side of the road", "smoke", "sparking", "on fire", "hurry",
		"need help now", "help now", "immediately").
		with(2, "pain", "swollen", "swelling", "severe", "burning", "died", "failed", "falling out",
			"need someone today", "seen today", "won't start", "wont start", "leaking", "no ac", "no air"),
	IntentCancel: weighted(3, "cancel", "won't need", "wont need", "no longer need", "no need to come",
		"take me off the schedule", "won't be able to make it", "wont be able to make it", "not coming").
		with(2, "don't need", "dont need", "fixed it", "got it fixed", "can't make it", "cant make it",
			"found another", "call it off"),
	IntentReschedule: weighted(4, "reschedule", "re-schedule", "rescheduling").
		with(3, "move my", "move ... appointment", "move ... appt", "change ... appointment", "change ... appt",
			"change the time", "change mine", "another time", "another day", "different day", "different time",
			"pick another", "push it back", "push my", "push ... to", "other day", "switch to", "later time",
			"earlier time").
		with(2, "instead", "switch", "anymore", "push back", "move it"),
	IntentCallBack: weighted(3, "call me", "call back", "callback", "call-back", "give me a call",
		"give me a ring", "ring me", "have someone call", "please call", "talk on the phone", "phone me",
		"call when", "call at", "rather talk", "can you call", "could you call"),
	IntentBook: weighted(3, "book", "schedule", "set up a visit", "send someone", "fit me in", "make an appointment",
		"get an appointment", "need an appointment", "like an appointment", "bring my", "bring it in",
		"drop off", "drop it off", "drop my", "come out", "get in", "get on the schedule", "any openings",
		"next available", "come look", "works for me", "can i come", "could i come", "come in", "come by").
		with(2, "booking", "appointment", "appt", "available", "opening", "openings", "visit", "send a",
			"someone out", "quote", "estimate", "consultation", "looking to get"),
	IntentQuestion: weighted(3, "how much", "price", "prices", "pricing", "cost", "costs", "what do you charge",
		"do you charge", "what does it run", "do you take", "do you accept", "do you offer", "do you do",
		"do you have", "do you work", "do you service", "do you see", "do you install", "do you handle",
		"do you fix", "do you cut", "do you sell", "do u", "do you guys", "do you", "are you", "is there",
		"what are your", "what's your", "whats your", "what is your", "how long", "how late", "how soon",
		"where are you", "which").
		with(2, "hours", "open", "fee", "charge", "insurance", "warranty", "policy", "financing", "payment plan",
			"located", "licensed", "insured", "deposit", "what kind"),
	IntentOther: weighted(3, "wrong number", "by mistake", "never mind", "nevermind", "nvm", "who is this",
		"who's this", "meant to call", "all set", "think about it", "called by accident").
		with(2, "thanks", "thank you", "thx", "ty", "ok", "okay", "k", "kk", "got it", "sounds good", "lol",
			"cool", "great", "perfect", "yes", "yep", "no", "nope", "sure", "sorry", "oops"),
}

// ruleOrder breaks ties between intents of equal weight: the first is the one a person would
// least want missed.
var ruleOrder = []Intent{
	IntentUrgent, IntentCancel, IntentReschedule, IntentCallBack, IntentBook, IntentQuestion, IntentOther,
}

type ruleList []phraseRule

func weighted(weight int, phrases ...string) ruleList {
	return ruleList(nil).with(weight, phrases...)
}

func (l ruleList) with(weight int, phrases ...string) ruleList {
	for _, p := range phrases {
		l = append(l, phraseRule{phrase: p, weight: weight})
	}
	return l
}

// containsPhrase reports whether words contains the words of phrase in order, where "..." in
// phrase allows a gap of up to three words.
func containsPhrase(words []string, phrase string) bool {
	parts := strings.Fields(phrase)
	for start := range words {
		if matchFrom(words, start, parts) {
			return true
		}
	}
	return false
}

func matchFrom(words []string, at int, parts []string) bool {
	if len(parts) == 0 {
		return true
	}
	if parts[0] == "..." {
		for gap := 0; gap <= 3 && at+gap <= len(words); gap++ {
			if matchFrom(words, at+gap, parts[1:]) {
				return true
			}
		}
		return false
	}
	if at >= len(words) || words[at] != parts[0] {
		return false
	}
	return matchFrom(words, at+1, parts[1:])
}
