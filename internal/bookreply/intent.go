package bookreply

import "time"

// Intent is what a text asks the business to do about an appointment.
type Intent string

const (
	// NoIntent is a text that asks nothing about an appointment.
	NoIntent Intent = ""
	// Book asks for an appointment: "can I book", "schedule", "come out tomorrow".
	Book Intent = "book"
	// Cancel asks to cancel the lead's appointment: "cancel my appointment", "I need to cancel".
	// CANCEL on its own is an opt-out, which is read before this.
	Cancel Intent = "cancel"
	// Reschedule asks to move the lead's appointment: "reschedule", "can we move it".
	Reschedule Intent = "reschedule"
)

var (
	bookWords = newWordSet("book", "booking", "schedule", "scheduling", "appointment", "appointments", "appt",
		"appts", "availability", "available", "openings", "opening", "slot", "slots", "earliest")
	cancelWords     = newWordSet("cancel", "cancelled", "canceled", "cancelling", "canceling", "cancellation")
	rescheduleWords = newWordSet("reschedule", "rescheduling", "resched", "rebook", "rebooking")
	// moveVerbs with appointmentNouns, or with "different" or "another" and a day or time, ask to
	// move an appointment: "can we move my appointment", "different time".
	moveVerbs        = newWordSet("move", "change", "push", "switch", "shift", "postpone")
	appointmentNouns = newWordSet("appointment", "appt", "booking", "visit", "it", "time", "day", "date")
	// comeVerbs followed by comeTails ask for a visit: "come out", "come by", "stop by".
	comeVerbs = newWordSet("come", "coming", "stop", "swing", "drop", "send")
	comeTails = newWordSet("out", "by", "over", "round", "around", "someone", "somebody", "today", "tomorrow",
		"tmrw", "this", "next", "on", "at")
)

// maxOtherWords is the most words other than the day, the time and fillers that a text naming a
// day or time may have to count as a request to book: "Thursday at 2 works" does, "I called you
// this morning about the leak" does not.
const maxOtherWords = 2

// otherWords counts the words of tokens that were not read as a day or time and are no fillers.
func otherWords(tokens []token) int {
	n := 0
	for _, t := range tokens {
		if !t.used && !fillers[t.text] && !weekdayModifiers[t.text] && !timeLeads[t.text] {
			n++
		}
	}
	return n
}

// maxDayOnlyIntent is the most words a text may have for a day or time alone, such as "thursday
// at 2", to count as a request to book.
const maxDayOnlyIntent = 8

// ReadIntent reads whether body asks to book, cancel or reschedule an appointment, and the day and
// time it names, read in loc relative to received.
func ReadIntent(body string, loc *time.Location, received time.Time) (Intent, Want) {
	tokens := tokenize(body)
	words := texts(tokens)
	m := scanMoment(tokens, received, loc, 0)
	switch {
	case cannotMakeIt(words) && !rescheduleWords.has(tokens) && !asksToMove(words):
		// "I can't make it tomorrow" names the day that does not suit.
		return Reschedule, Want{}
	case rescheduleWords.has(tokens) || asksToMove(words) || cannotMakeIt(words):
		return Reschedule, m.want
	case cancelWords.has(tokens):
		return Cancel, m.want
	case bookWords.has(tokens) || asksToCome(words):
		return Book, m.want
	case (m.dates > 0 || m.times > 0) && len(tokens) <= maxDayOnlyIntent && otherWords(tokens) <= maxOtherWords &&
		!negations.has(tokens):
		return Book, m.want
	}
	return NoIntent, Want{}
}

// asksToMove reports whether words ask to move an appointment: a move verb with a word for the
// appointment ("move my appointment"), or "different" or "another" with "time" or "day".
func asksToMove(words []string) bool {
	verb, noun, other := false, false, false
	for i, w := range words {
		verb = verb || moveVerbs[w]
		noun = noun || appointmentNouns[w]
		if (w == "different" || w == "another") && i+1 < len(words) {
			switch words[i+1] {
			case "time", "day", "date":
				other = true
			}
		}
	}
	return (verb && noun) || other
}

// cannotMakeIt reports whether words say the lead cannot make it: "can't make it".
func cannotMakeIt(words []string) bool {
	for i := 0; i+2 < len(words); i++ {
		if negations[words[i]] && words[i+1] == "make" && words[i+2] == "it" {
			return true
		}
	}
	return false
}

// asksToCome reports whether words ask someone to come: "come out", "stop by tomorrow".
func asksToCome(words []string) bool {
	for i := 0; i+1 < len(words); i++ {
		if comeVerbs[words[i]] && comeTails[words[i+1]] {
			return true
		}
	}
	return false
}
