// Package knowledge turns what a business wrote about itself (services and prices, service area,
// insurance, payment, policies, questions it answers often) and its opening hours into numbered
// entries, and finds the entries that match a lead's question. It does no I/O.
//
// Matching compares content words: case, punctuation and common English function words are
// ignored, and simple plural and verb endings are removed, so "drains" matches "drain". Answers
// quote the entries' text as the business wrote it, so nothing outside the knowledge reaches a
// lead from here.
package knowledge

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

// Kind is the topic of an entry.
type Kind string

const (
	KindHours     Kind = "hours"     // opening hours, from the business's hours
	KindService   Kind = "service"   // one service and its price
	KindArea      Kind = "area"      // where the business works
	KindInsurance Kind = "insurance" // insurance plans accepted
	KindPayment   Kind = "payment"   // ways to pay
	KindPolicy    Kind = "policy"    // one policy, such as cancellation
	KindFAQ       Kind = "faq"       // one question the business answers often
)

// Entry is one piece of knowledge that can answer a question.
type Entry struct {
	// ID is stable while the knowledge is unchanged, such as "service:drain-cleaning".
	ID   string
	Kind Kind
	// Title names the entry: the service name, the policy topic or the question.
	Title string
	// Text is the answer as sent to a lead, built only from what the business wrote.
	Text string
	// keys are the content words that point at this entry strongly; body are those of Text.
	keys, body []string
}

// Base is a business's knowledge as entries.
type Base struct {
	Entries []Entry
}

// Build makes the entries of k and of the opening hours week. A week closed every day gives no
// hours entry, since a business without hours set has not said when it is open.
func Build(k store.Knowledge, week hours.Week) Base {
	var b Base
	if !week.AlwaysClosed() {
		b.add(Entry{ID: "hours", Kind: KindHours, Title: "opening hours", Text: describeWeek(week)},
			"hours open opening close closing closed late early today tonight weekend weekends monday tuesday "+
				"wednesday thursday friday saturday sunday time times")
	}
	for _, s := range k.Services {
		text := s.Name
		if s.Price != "" {
			text += ": " + s.Price
		}
		if s.Details != "" {
			text += ". " + s.Details
		}
		b.add(Entry{ID: "service:" + slug(s.Name), Kind: KindService, Title: s.Name, Text: sentence(text)},
			s.Name+" "+strings.Join(s.Aliases, " "))
	}
	if k.ServiceArea != "" || len(k.Places) > 0 {
		text := k.ServiceArea
		if len(k.Places) > 0 {
			text = strings.TrimSpace(sentence(text) + " We serve " + strings.Join(k.Places, ", ") + ".")
		}
		b.add(Entry{ID: "area", Kind: KindArea, Title: "service area", Text: sentence(text)},
			"area serve service come located location near travel town city county zip "+strings.Join(k.Places, " "))
	}
	if k.Insurance != "" {
		b.add(Entry{ID: "insurance", Kind: KindInsurance, Title: "insurance", Text: sentence(k.Insurance)},
			"insurance insured plan plans coverage cover covered network ppo hmo medicaid")
	}
	if k.Payment != "" {
		b.add(Entry{ID: "payment", Kind: KindPayment, Title: "payment", Text: sentence(k.Payment)},
			"pay payment payments card cards credit debit cash check checks financing finance venmo zelle "+
				"apple paypal plan plans deposit")
	}
	for _, p := range k.Policies {
		b.add(Entry{ID: "policy:" + slug(p.Title), Kind: KindPolicy, Title: p.Title, Text: sentence(p.Answer)},
			p.Title+" policy")
	}
	for i, f := range k.FAQs {
		b.add(Entry{ID: fmt.Sprintf("faq:%d", i+1), Kind: KindFAQ, Title: f.Title, Text: sentence(f.Answer)}, f.Title)
	}
	return b
}

func (b *Base) add(e Entry, keys string) {
	e.keys = ContentWords(keys + " " + e.Title)
	e.body = ContentWords(e.Text)
	b.Entries = append(b.Entries, e)
}

// Get returns the entry with id.
func (b Base) Get(id string) (Entry, bool) {
	i := slices.IndexFunc(b.Entries, func(e Entry) bool { return e.ID == id })
	if i < 0 {
		return Entry{}, false
	}
	return b.Entries[i], true
}

// describeWeek writes the opening hours as a sentence, joining days with the same hours.
func describeWeek(week hours.Week) string {
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var parts []string
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && slices.Equal(week[order[j+1]], week[order[i]]) {
			j++
		}
		days := order[i].String()[:3]
		if j > i {
			days += "-" + order[j].String()[:3]
		}
		parts = append(parts, days+" "+hoursText(week[order[i]]))
		i = j + 1
	}
	return "Our hours: " + strings.Join(parts, "; ") + "."
}

// hoursText writes one day's ranges as "8am-5pm", or "closed".
func hoursText(ranges []hours.Range) string {
	if len(ranges) == 0 {
		return "closed"
	}
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = clock(r.Start) + "-" + clock(r.End)
	}
	return strings.Join(parts, ", ")
}

// clock writes minutes after midnight as "8am" or "5:30pm".
func clock(minutes int) string {
	h, m := minutes/60%24, minutes%60
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h%12 == 0 {
		h = 12
	} else {
		h %= 12
	}
	if m == 0 {
		return fmt.Sprintf("%d%s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h, m, suffix)
}

// sentence trims s and ends it with a full stop unless it ends with punctuation already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

// slug makes an id part from a name: lower case, words joined by hyphens.
func slug(name string) string {
	return strings.Join(Words(name), "-")
}
