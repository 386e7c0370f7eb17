package bookreply

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/olebedev/when"
	"github.com/olebedev/when/rules"
	"github.com/olebedev/when/rules/en"
)

// dateParser reads weekdays ("next monday"), "today" and "tomorrow", month dates ("march 14") and
// "in 3 days". It gets only the date words the pre-pass found, never the whole reply, so that a
// word such as "may" in "may I book" or a number in an address is never read as a date. Times
// are read by the pre-pass, because when v1.1.0 does not read a bare hour ("tmrw 3") and keeps
// the reference time of day when a reply gives none.
var dateParser = func() *when.Parser {
	p := when.New(nil)
	p.Add(en.Weekday(rules.Override), en.CasualDate(rules.Override), en.ExactMonthDate(rules.Override),
		en.Deadline(rules.Override))
	return p
}()

// dayWords are the spellings of today and tomorrow that when does not know, mapped to one it does.
var dayWords = map[string]string{
	"tmrw": "tomorrow", "tmw": "tomorrow", "tmro": "tomorrow", "tmrow": "tomorrow", "tmrrw": "tomorrow",
	"tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow", "tomorrw": "tomorrow",
	"2morrow": "tomorrow", "2moro": "tomorrow", "2morow": "tomorrow", "2mrw": "tomorrow", "tmr": "tomorrow",
	"tmrrow": "tomorrow", "tomo": "tomorrow",
	"today": "today", "tdy": "today", "2day": "today", "tomorrow": "tomorrow", "tonight": "today",
	"tonite": "today",
}

// weekdays maps each weekday name and abbreviation to the full name that when reads.
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "wednesday": time.Wednesday,
	"wed": time.Wednesday, "weds": time.Wednesday, "thursday": time.Thursday, "thu": time.Thursday,
	"thur": time.Thursday, "thurs": time.Thursday, "friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
	// Common misspellings.
	"monady": time.Monday, "mondy": time.Monday, "tuesay": time.Tuesday, "tusday": time.Tuesday,
	"teusday": time.Tuesday, "tuseday": time.Tuesday, "wensday": time.Wednesday, "wendsday": time.Wednesday,
	"wednsday": time.Wednesday, "wedensday": time.Wednesday, "wednesay": time.Wednesday,
	"thrusday": time.Thursday, "thurday": time.Thursday, "thursdy": time.Thursday, "thusday": time.Thursday,
	"firday": time.Friday, "fryday": time.Friday, "fridy": time.Friday, "saterday": time.Saturday,
	"satuday": time.Saturday, "saturady": time.Saturday, "sunady": time.Sunday, "sundy": time.Sunday,
}

// months maps month names and abbreviations to months. "may" counts only next to a day number.
var months = map[string]time.Month{
	"january": time.January, "jan": time.January, "february": time.February, "feb": time.February,
	"march": time.March, "mar": time.March, "april": time.April, "apr": time.April, "may": time.May,
	"june": time.June, "jun": time.June, "july": time.July, "jul": time.July, "august": time.August,
	"aug": time.August, "september": time.September, "sep": time.September, "sept": time.September,
	"october": time.October, "oct": time.October, "november": time.November, "nov": time.November,
	"december": time.December, "dec": time.December,
}

// weekdayModifiers come before a weekday: "next monday", "this friday".
var weekdayModifiers = newWordSet("this", "next", "coming", "on")

// timeLeads come before an hour that has no AM or PM: "at 4", "around 10", "can it be 4".
var timeLeads = newWordSet("at", "around", "about", "by", "after", "before", "be", "like", "say", "til", "until",
	"till", "from")

// laterWords ask for something after a day or the slots offered: "later next week", "after friday".
var laterWords = newWordSet("later", "after", "afterwards", "sometime")

// parts are the parts of the day a lead may name, in minutes after midnight, end excluded.
var parts = map[string][2]int{
	"morning": {0, 12 * 60}, "mornings": {0, 12 * 60}, "am": {0, 12 * 60}, "morn": {0, 12 * 60},
	"mornin": {0, 12 * 60}, "morining": {0, 12 * 60}, "moring": {0, 12 * 60}, "afternon": {12 * 60, 17 * 60},
	"aftenoon": {12 * 60, 17 * 60}, "arvo": {12 * 60, 17 * 60}, "evenin": {17 * 60, 24 * 60},
	"afternoon": {12 * 60, 17 * 60}, "afternoons": {12 * 60, 17 * 60}, "pm": {12 * 60, 24 * 60},
	"evening": {17 * 60, 24 * 60}, "evenings": {17 * 60, 24 * 60}, "night": {17 * 60, 24 * 60},
	"tonight": {17 * 60, 24 * 60}, "tonite": {17 * 60, 24 * 60}, "lunchtime": {11 * 60, 14 * 60},
}

var (
	clockPattern    = regexp.MustCompile(`^(\d{1,2})[:.](\d{2})(am|pm|a|p)?$`)
	meridiemPattern = regexp.MustCompile(`^(\d{1,2})(am|pm|a|p|ish)$`)
	slashPattern    = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
)

// moment is what a reply says about a day and a time of day.
type moment struct {
	want Want
	// dates and times count the days and times named, so that "tue or wed" can be told from "tue".
	dates, times int
	// later is set when the reply asks for something after the day it names.
	later bool
}

// found reports whether the reply names a day, a time or a part of the day.
func (m moment) found() bool { return m.dates > 0 || m.times > 0 || m.want.PartTo > 0 }

// scanMoment reads the days and times in tokens, relative to ref in loc, and marks the words it
// reads as used. slots is how many slots were offered: an ordinal up to it ("2nd") is a slot,
// a larger one ("the 12th") a day of the month.
func scanMoment(tokens []token, ref time.Time, loc *time.Location, slots int) moment {
	today := civil(ref.In(loc))
	var m moment
	m.later = laterWords.has(tokens)
	var phrase []string
	for i := range tokens {
		if tokens[i].used {
			continue
		}
		if p, isDate := readDate(tokens, i, today, slots, &m); isDate {
			if len(phrase) == 0 {
				phrase = p
			}
			m.dates++
		}
	}
	for i := range tokens {
		if !tokens[i].used {
			readTime(tokens, i, &m)
		}
	}
	if len(phrase) > 0 && m.want.From.IsZero() {
		if day, ok := resolveDate(phrase, today); ok {
			m.want.From, m.want.To = day, day.AddDate(0, 0, 1)
		}
	}
	return m
}

// readDate reads a date that starts at tokens[i]. It returns the words to give when, or nil when
// the date is already resolved into m (weeks, weekends, slash dates and days of the month).
func readDate(tokens []token, i int, today time.Time, slots int, m *moment) ([]string, bool) {
	w := tokens[i].text
	use := func(j int) {
		if j >= 0 && j < len(tokens) {
			tokens[j].used = true
		}
	}
	if day, ok := dayWords[w]; ok {
		use(i)
		if w == "tonight" || w == "tonite" {
			m.want.PartFrom, m.want.PartTo = parts["tonight"][0], parts["tonight"][1]
		}
		return []string{day}, true
	}
	if _, ok := weekdays[w]; ok {
		use(i)
		out := []string{fullWeekday(w)}
		if i > 0 && weekdayModifiers[tokens[i-1].text] {
			use(i - 1)
			if modifier := tokens[i-1].text; modifier == "next" || modifier == "this" {
				out = []string{modifier, fullWeekday(w)}
			}
		}
		return out, true
	}
	if week, ok := readWeek(tokens, i, today); ok {
		m.want.From, m.want.To = week[0], week[1]
		return nil, true
	}
	if month, ok := months[w]; ok {
		if day, j, found := dayAround(tokens, i); found && day <= 31 {
			use(i)
			use(j)
			return []string{strings.ToLower(month.String()), strconv.Itoa(day)}, true
		}
		return nil, false
	}
	if s := slashPattern.FindStringSubmatch(w); s != nil {
		// People in the US write the month first: 12/10 is December 10.
		month, _ := strconv.Atoi(s[1])
		day, _ := strconv.Atoi(s[2])
		if month < 1 || month > 12 || day < 1 || day > 31 {
			return nil, false
		}
		use(i)
		return []string{strings.ToLower(time.Month(month).String()), strconv.Itoa(day)}, true
	}
	if n, ok := ordinal(w); ok && n > slots && n <= 31 && dayOfMonthContext(tokens, i) {
		use(i)
		m.want.From = nextDayOfMonth(today, n)
		m.want.To = m.want.From.AddDate(0, 0, 1)
		return nil, true
	}
	if w == "in" && i+2 < len(tokens) {
		if n, ok := number(tokens[i+1].text); ok && n > 0 && n < 60 {
			if unit := tokens[i+2].text; strings.HasPrefix(unit, "day") || strings.HasPrefix(unit, "week") {
				use(i)
				use(i + 1)
				use(i + 2)
				return []string{"in", strconv.Itoa(n), unit}, true
			}
		}
	}
	return nil, false
}

// streetWords follow an ordinal that is part of an address, as in "12th St".
var streetWords = newWordSet("st", "street", "ave", "avenue", "rd", "road", "blvd", "dr", "drive", "ln", "lane",
	"way", "pl", "place", "ct", "court", "floor", "fl", "apt", "unit")

// dayOfMonthContext reports whether the ordinal at tokens[i] is a day of the month, as in "the
// 20th" or "on the 20th", and not part of an address such as "12th St".
func dayOfMonthContext(tokens []token, i int) bool {
	if i+1 < len(tokens) && streetWords[tokens[i+1].text] {
		return false
	}
	return i > 0 && (tokens[i-1].text == "the" || tokens[i-1].text == "on")
}

// fullWeekday returns the full name of a weekday word, which when reads where it may not read an
// abbreviation such as "tues".
func fullWeekday(w string) string {
	return strings.ToLower(weekdays[w].String())
}

// dayAround returns the day number next to a month name at tokens[i]: "march 14", "march 14th",
// "14 march", "14th of march". It returns the day and the index of its word.
func dayAround(tokens []token, i int) (int, int, bool) {
	if i+1 < len(tokens) {
		if n, ok := digits(tokens[i+1].text); ok {
			return n, i + 1, true
		}
		if n, ok := ordinal(tokens[i+1].text); ok {
			return n, i + 1, true
		}
	}
	before := i - 1
	if before >= 0 && tokens[before].text == "of" {
		before--
	}
	if before >= 0 {
		if n, ok := digits(tokens[before].text); ok {
			return n, before, true
		}
		if n, ok := ordinal(tokens[before].text); ok {
			return n, before, true
		}
	}
	return 0, 0, false
}

// readWeek reads "next week", "this week", "weekend", "this weekend" and "next weekend" at
// tokens[i] as a run of dates [from, to).
func readWeek(tokens []token, i int, today time.Time) ([2]time.Time, bool) {
	w := tokens[i].text
	if w != "week" && w != "weekend" {
		return [2]time.Time{}, false
	}
	next := i > 0 && tokens[i-1].text == "next"
	tokens[i].used = true
	if i > 0 && (next || tokens[i-1].text == "this") {
		tokens[i-1].used = true
	}
	// Weeks start on Monday.
	toMonday := (8 - int(today.Weekday())) % 7
	if toMonday == 0 {
		toMonday = 7
	}
	nextMonday := today.AddDate(0, 0, toMonday)
	switch {
	case w == "week" && next:
		return [2]time.Time{nextMonday, nextMonday.AddDate(0, 0, 7)}, true
	case w == "week":
		return [2]time.Time{today, nextMonday}, true
	}
	saturday := nextMonday.AddDate(0, 0, -2)
	if today.After(saturday) {
		saturday = today
	}
	if next {
		saturday = nextMonday.AddDate(0, 0, 5)
		return [2]time.Time{saturday, saturday.AddDate(0, 0, 2)}, true
	}
	return [2]time.Time{saturday, nextMonday}, true
}

// nextDayOfMonth returns the next date, from today on, whose day of the month is day.
func nextDayOfMonth(today time.Time, day int) time.Time {
	for months := 0; months < 12; months++ {
		first := time.Date(today.Year(), today.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
		candidate := first.AddDate(0, 0, day-1)
		if candidate.Month() == first.Month() && !candidate.Before(today) {
			return candidate
		}
	}
	return today
}

// resolveDate turns the words of one date into a date with when, counted from today. It is the
// post-pass around when: when adds whole days to the reference, so the reference is noon of today
// in UTC, where no daylight-saving change moves it to another date. Only the date of the result is
// kept. A weekday without "next" that is today's means today, not a week ahead, and a date that
// falls before today moves to its next occurrence.
func resolveDate(phrase []string, today time.Time) (time.Time, bool) {
	ref := today.Add(12 * time.Hour)
	res, err := dateParser.Parse(strings.Join(phrase, " "), ref)
	if err != nil || res == nil {
		return time.Time{}, false
	}
	day := civil(res.Time)
	if len(phrase) == 1 {
		if wd, ok := weekdays[phrase[0]]; ok && wd == today.Weekday() {
			return today, true
		}
	}
	if day.Before(today) {
		if _, isMonth := months[phrase[0]]; isMonth {
			return day.AddDate(1, 0, 0), true
		}
		for day.Before(today) {
			day = day.AddDate(0, 0, 7)
		}
	}
	return day, true
}

// readTime reads a time of day or a part of the day that starts at tokens[i] into m.
func readTime(tokens []token, i int, m *moment) {
	w := tokens[i].text
	if w == "noon" || w == "midday" {
		tokens[i].used = true
		m.setTime(12*60, true)
		return
	}
	if c := clockPattern.FindStringSubmatch(w); c != nil {
		hour, _ := strconv.Atoi(c[1])
		minute, _ := strconv.Atoi(c[2])
		if hour > 23 || minute > 59 {
			return
		}
		tokens[i].used = true
		meridiem := c[3]
		if meridiem == "" {
			meridiem = meridiemAfter(tokens, i)
		}
		m.setClock(hour, minute, meridiem)
		return
	}
	if c := meridiemPattern.FindStringSubmatch(w); c != nil {
		hour, _ := strconv.Atoi(c[1])
		if hour < 1 || hour > 12 {
			return
		}
		tokens[i].used = true
		meridiem := c[2]
		if meridiem == "ish" {
			meridiem = meridiemAfter(tokens, i)
		}
		m.setClock(hour, 0, meridiem)
		return
	}
	if p, ok := parts[w]; ok {
		tokens[i].used = true
		m.want.PartFrom, m.want.PartTo = p[0], p[1]
		return
	}
	hour, ok := number(w)
	if !ok || hour > 23 || !hourContext(tokens, i) {
		return
	}
	tokens[i].used = true
	m.setClock(hour, 0, meridiemAfter(tokens, i))
}

// meridiemAfter returns "am" or "pm" when the words after tokens[i] say which: "3 pm", "10 in the
// morning", "4 o'clock in the afternoon". It marks those words used.
func meridiemAfter(tokens []token, i int) string {
	j := i + 1
	if j < len(tokens) && (tokens[j].text == "o'clock" || tokens[j].text == "oclock" || tokens[j].text == "ish") {
		tokens[j].used = true
		j++
	}
	if j < len(tokens) {
		switch tokens[j].text {
		case "am", "a":
			tokens[j].used = true
			return "am"
		case "pm", "p":
			tokens[j].used = true
			return "pm"
		}
	}
	if j+2 < len(tokens) && tokens[j].text == "in" && tokens[j+1].text == "the" {
		switch tokens[j+2].text {
		case "morning":
			return "am"
		case "afternoon", "evening":
			return "pm"
		}
	}
	return ""
}

// hourContext reports whether the number at tokens[i] is an hour: a word such as "at" comes
// before it, AM, PM or "o'clock" after it, or a day word ("tmrw 3", "next monday 10") next to it.
func hourContext(tokens []token, i int) bool {
	if i > 0 && timeLeads[tokens[i-1].text] {
		return true
	}
	if meridiemNext(tokens, i) {
		return true
	}
	return isDayWord(tokens, i-1) || isDayWord(tokens, i+1)
}

// meridiemNext reports whether AM, PM or "o'clock" follows tokens[i].
func meridiemNext(tokens []token, i int) bool {
	if i+1 >= len(tokens) {
		return false
	}
	switch tokens[i+1].text {
	case "am", "pm", "o'clock", "oclock", "ish":
		return true
	}
	return i+3 < len(tokens) && tokens[i+1].text == "in" && tokens[i+2].text == "the" && parts[tokens[i+3].text][1] > 0
}

// isDayWord reports whether tokens[i] names a day: a weekday, today, tomorrow or tonight.
func isDayWord(tokens []token, i int) bool {
	if i < 0 || i >= len(tokens) {
		return false
	}
	w := tokens[i].text
	_, day := dayWords[w]
	_, weekday := weekdays[w]
	_, part := parts[w]
	return day || weekday || (part && w != "am" && w != "pm")
}

// setClock records a time of day. An hour without AM or PM is read as the working day suggests:
// 7 to 11 in the morning, 12 to 6 in the afternoon and evening.
func (m *moment) setClock(hour, minute int, meridiem string) {
	switch {
	case meridiem == "am" || meridiem == "a":
		m.setTime((hour%12)*60+minute, true)
	case meridiem == "pm" || meridiem == "p":
		m.setTime((hour%12+12)*60+minute, true)
	case hour == 0 || hour > 12:
		m.setTime(hour*60+minute, true)
	case hour < 7:
		m.setTime((hour+12)*60+minute, false)
	default:
		m.setTime(hour*60+minute, false)
	}
}

// setTime records a time of day, keeping the first when a reply names several.
func (m *moment) setTime(minute int, meridiem bool) {
	m.times++
	if m.want.HasTime {
		return
	}
	m.want.HasTime, m.want.Minute, m.want.Meridiem = true, minute, meridiem
}

// civil returns t's calendar date as midnight UTC, so that adding days to it never meets a
// daylight-saving change.
func civil(t time.Time) time.Time {
	y, mo, d := t.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}
