package assistant

import (
	"regexp"
	"slices"
	"strings"

	"github.com/textback/textback/internal/knowledge"
	"github.com/textback/textback/internal/store"
)

var (
	dayWords = wordList(`today tonight tomorrow tmrw tmr tomorow monday mon tuesday tue tues wednesday wed
		thursday thu thur thurs friday fri saturday sat sunday sun weekend`)
	partOfDay = wordList(`morning afternoon evening noon midday night am pm`)
	// clockTime matches "3pm", "3 pm", "10:30", "10:30am" and "9 a.m.".
	clockTime = regexp.MustCompile(`(?i)\b(\d{1,2}(:\d{2})?\s?(a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2})`)
	// atHour matches "at 4" and "around 3", a bare hour after a preposition.
	atHour = regexp.MustCompile(`(?i)\b(at|around|by|after|before)\s+(\d{1,2})\b`)
	// slashDate matches "3/14" and "03/14/2027".
	slashDate = regexp.MustCompile(`\b\d{1,2}/\d{1,2}(/\d{2,4})?\b`)
)

// findEntities returns the dates, times and services that text names.
func findEntities(text string, services []store.KnowledgeService) Entities {
	var e Entities
	words := knowledge.Words(text)
	for i, w := range words {
		switch {
		case dayWords[w]:
			e.Dates = appendNew(e.Dates, w)
		case (w == "next" || w == "this") && i+1 < len(words) && words[i+1] == "week":
			e.Dates = appendNew(e.Dates, w+" week")
		case partOfDay[w] && w != "am" && w != "pm":
			e.Times = appendNew(e.Times, w)
		}
	}
	for _, m := range slashDate.FindAllString(text, -1) {
		e.Dates = appendNew(e.Dates, m)
	}
	for _, m := range clockTime.FindAllString(text, -1) {
		e.Times = appendNew(e.Times, strings.ToLower(strings.ReplaceAll(m, " ", "")))
	}
	for _, m := range atHour.FindAllStringSubmatch(text, -1) {
		e.Times = appendNew(e.Times, m[2])
	}
	stems := knowledge.ContentWords(text)
	for _, s := range services {
		for _, name := range append([]string{s.Name}, s.Aliases...) {
			if nameWords := knowledge.ContentWords(name); len(nameWords) > 0 && containsAll(stems, nameWords) {
				e.Services = appendNew(e.Services, s.Name)
				break
			}
		}
	}
	return e
}

func (e Entities) hasDateOrTime() bool { return len(e.Dates) > 0 || len(e.Times) > 0 }

func containsAll(set, want []string) bool {
	for _, w := range want {
		if !slices.Contains(set, w) {
			return false
		}
	}
	return true
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func wordList(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}
