// Package bookreply reads a lead's answer to the booking bot: which of the offered slots they
// chose, which day and time they asked for instead, whether they want other times, or whether
// the answer cannot be told. It also reads whether a text asks to book, cancel or reschedule. It
// does no I/O.
//
// Words are compared whole, never as substrings, so "note" is not "no" and "12" is not "1".
// Days and times are read in the business's time zone relative to when the text arrived. Dates
// go through github.com/olebedev/when with a pre-pass and a post-pass (see resolveDate and
// readTime), because when v1.1.0 misses a bare hour ("tmrw 3"), "tmrw" itself and US slash
// dates, and keeps the time of day of the reference when a text gives none.
//
// An hour written without AM or PM is read as a working day suggests: 7 to 11 as morning hours,
// 12 and 1 to 6 as afternoon and evening hours. When such an hour is compared with an offered
// slot, either half of the day matches.
package bookreply

import (
	"fmt"
	"time"
)

// Question is what the bot's last text asked.
type Question int

const (
	// AskSlots offered numbered slots: "Reply 1, 2 or 3, or tell us a day and time".
	AskSlots Question = iota
	// AskYesNo proposed one slot: "Does Tue Mar 11, 3:00 PM CDT work? Reply YES or NO".
	AskYesNo
)

// Context is what a reply answers.
type Context struct {
	Question Question
	// Offered are the starts of the offered slots, in the order they were numbered. An AskYesNo
	// question has one.
	Offered []time.Time
	// Location is the zone the slots were written in and the reply's days and times are read in.
	Location *time.Location
	// Received is when the reply arrived; "tomorrow" is the day after it in Location.
	Received time.Time
}

// Kind is the meaning of a reply.
type Kind string

const (
	// Choose picks the offered slot Reading.Slot: "2", "the second one", "3pm", "yes".
	Choose Kind = "choose"
	// Reject turns down the offered slot Reading.Slot and asks for others: "not 1", "1 doesn't work".
	Reject Kind = "reject"
	// Request asks for the day or time in Reading.Want, which no offered slot matches: "Can we do
	// Thursday?", "next monday 10".
	Request Kind = "request"
	// More asks for other slots than those offered, starting at Reading.After when it is set:
	// "none of those", "later next week", "no".
	More Kind = "more"
	// Unclear is about the question, but it cannot be told which slot it means: "12", "1 or 2",
	// "either". The bot asks again.
	Unclear Kind = "unclear"
	// Other is not about the question at all, such as "note: gate code 4411". A person reads it,
	// and the question stays open.
	Other Kind = "other"
)

// Reading is the result of Read on one reply.
type Reading struct {
	Kind Kind
	// Slot is the 0-based index into Context.Offered for Choose and Reject.
	Slot int
	// Want is the day and time asked for, for Request.
	Want Want
	// After is the start of the day from which More asks for slots; zero means after the offered
	// slots.
	After time.Time
	// Why says how the reading was reached, for the conversation's record.
	Why string
}

// Read reads body as an answer to the question in c.
func Read(body string, c Context) Reading {
	tokens := tokenize(body)
	if len(tokens) == 0 {
		return Reading{Kind: Other, Why: "no words"}
	}
	m := scanMoment(tokens, c.Received, c.Location, len(c.Offered))
	short := len(tokens) <= maxShortReply
	choices := choiceIndexes(tokens, len(c.Offered))

	switch {
	case short && len(choices) > 1:
		return Reading{Kind: Unclear, Why: fmt.Sprintf("names %d slots", len(choices))}
	case short && len(choices) == 1:
		return readChoice(tokens, choices[0], m)
	case m.found() && len(tokens) <= maxTimeReply:
		return readMoment(tokens, m, c)
	case !short:
		return Reading{Kind: Other, Why: "a longer message without a slot, day or time"}
	}
	if r, ok := readBareHour(tokens, c); ok {
		return r
	}
	return readShort(tokens, c)
}

// readChoice reads a short reply that names one offered slot by its number.
func readChoice(tokens []token, slot int, m moment) Reading {
	switch {
	case negations.has(tokens):
		return Reading{Kind: Reject, Slot: slot, Why: fmt.Sprintf("turns down slot %d", slot+1)}
	case alternatives.has(tokens) || m.found():
		return Reading{Kind: Unclear, Why: fmt.Sprintf("names slot %d with something else", slot+1)}
	}
	return Reading{Kind: Choose, Slot: slot, Why: fmt.Sprintf("slot %d by its number", slot+1)}
}

// readMoment reads a reply that names a day, a time or a part of the day.
func readMoment(tokens []token, m moment, c Context) Reading {
	switch {
	case m.dates > 1 || m.times > 1:
		return Reading{Kind: Unclear, Why: "names more than one day or time"}
	case negations.has(tokens):
		return Reading{Kind: More, Why: "turns down a day or time"}
	case m.later && !m.want.From.IsZero() && !m.want.HasTime:
		return Reading{Kind: More, After: m.want.From, Why: "asks for later slots"}
	}
	if m.want.HasTime {
		for i, start := range c.Offered {
			if m.want.Matches(start, c.Location) {
				return Reading{Kind: Choose, Slot: i, Why: fmt.Sprintf("slot %d by its time", i+1)}
			}
		}
	}
	return Reading{Kind: Request, Want: m.want, Why: "asks for " + m.want.String()}
}

// readBareHour reads a reply that is only a number which is not a slot number, such as "9" for
// a slot at 9:00, as the offered slot at that hour. Another number, such as "12" when no slot is
// at 12:00, is unclear.
func readBareHour(tokens []token, c Context) (Reading, bool) {
	var hours []int
	for _, t := range tokens {
		if t.used {
			continue
		}
		if n, ok := number(t.text); ok {
			hours = append(hours, n)
		} else if !fillers[t.text] {
			return Reading{}, false
		}
	}
	if len(hours) != 1 {
		return Reading{}, false
	}
	hour := hours[0]
	if hour >= 1 && hour <= 23 {
		want := Want{HasTime: true, Minute: hour * 60, Meridiem: hour > 12}
		for i, start := range c.Offered {
			if want.Matches(start, c.Location) {
				return Reading{Kind: Choose, Slot: i, Why: fmt.Sprintf("slot %d by its hour", i+1)}, true
			}
		}
	}
	return Reading{Kind: Unclear, Why: fmt.Sprintf("%d is neither a slot number nor the hour of a slot", hour)}, true
}

// readShort reads a short reply without a slot number, a day or a time: yes, no, "none of those",
// "either".
func readShort(tokens []token, c Context) Reading {
	switch {
	case alternatives.has(tokens):
		return Reading{Kind: Unclear, Why: "leaves the choice open"}
	case onlyWords(tokens, yesWords) && !qualifiers.has(tokens):
		if c.Question == AskYesNo || len(c.Offered) == 1 {
			return Reading{Kind: Choose, Slot: 0, Why: "yes to the slot proposed"}
		}
		return Reading{Kind: Unclear, Why: "yes, with several slots offered"}
	case moreWords.has(tokens) || negations.has(tokens):
		return Reading{Kind: More, Why: "asks for other slots"}
	case qualifiers.has(tokens) && yesWords.has(tokens):
		return Reading{Kind: Unclear, Why: "yes with a condition"}
	}
	return Reading{Kind: Other, Why: "not about the slots offered"}
}

// onlyWords reports whether every word of tokens is in set or a filler, and at least one is in
// set.
func onlyWords(tokens []token, set wordSet) bool {
	found := false
	for _, t := range tokens {
		switch {
		case set[t.text]:
			found = true
		case !fillers[t.text]:
			return false
		}
	}
	return found
}

// choiceIndexes returns the distinct 0-based slot indexes that tokens name by number: "2", "#2",
// "option 2", "two", "2nd", "the second one", "the last one". Words already read as a day or time
// are skipped.
func choiceIndexes(tokens []token, slots int) []int {
	var out []int
	add := func(n int) {
		for _, seen := range out {
			if seen == n-1 {
				return
			}
		}
		out = append(out, n-1)
	}
	for i, t := range tokens {
		if t.used {
			continue
		}
		if t.text == "one" && i > 0 && !choiceLabels[tokens[i-1].text] {
			// "the 2nd one", "that one": the word stands for a slot, not for slot 1.
			continue
		}
		if n, ok := number(t.text); ok && n >= 1 && n <= slots {
			add(n)
			continue
		}
		if n, ok := ordinal(t.text); ok && n >= 1 && n <= slots {
			add(n)
			continue
		}
		if t.text == "last" && slots > 0 && (i+1 == len(tokens) || tokens[i+1].text == "one") {
			add(slots)
		}
	}
	return out
}
