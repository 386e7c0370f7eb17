// Package analytics computes a business's missed-call figures for a period: missed calls, how
// fast the text back went out (median and 90th percentile), how many leads replied and booked,
// and the funnel from missed call to booking, with a series per day.
//
// Definitions:
//   - missed: calls in the period that nobody at the business took.
//   - texted: missed calls whose text back the provider accepted.
//   - time to first text: from the moment textback decided the call was missed to the provider's
//     acceptance of the text back.
//   - replied: texted calls whose caller texted the business within FollowWindow after the text.
//   - booked: texted calls whose caller booked within FollowWindow after the call, whether or not
//     they replied first, so booked can exceed replied.
//   - bookings: every booking made in the period, from any source.
package analytics

import (
	"slices"
	"sort"
	"time"

	"github.com/textback/textback/internal/store"
)

// FollowWindow is how long after a missed call a reply or a booking still counts for it.
const FollowWindow = 7 * 24 * time.Hour

// Report is a business's figures for one period.
type Report struct {
	Since, Until time.Time
	Missed       int
	Texted       int
	Replied      int
	Booked       int
	Bookings     int
	// FirstTextP50 and FirstTextP90 are percentiles of the time to first text; zero when no call
	// was texted.
	FirstTextP50 time.Duration
	FirstTextP90 time.Duration
	Days         []Day
	// Truncated means the period had more rows than were read, so the figures are a lower bound.
	Truncated bool
}

// ReplyRate returns Replied as a share of Texted, from 0 to 1; 0 when nothing was texted.
func (r Report) ReplyRate() float64 {
	if r.Texted == 0 {
		return 0
	}
	return float64(r.Replied) / float64(r.Texted)
}

// Day is one day of the period, in the business's time zone.
type Day struct {
	Date   time.Time // midnight, in the business's zone
	Missed int
	Texted int
}

// Compute returns the report of facts for [since, until), with days counted in loc.
func Compute(facts store.AnalyticsFacts, since, until time.Time, loc *time.Location) Report {
	r := Report{Since: since, Until: until, Truncated: facts.Truncated}
	replies := byContact(facts.Replies)
	bookings := byContact(facts.Bookings)
	days := map[time.Time]*Day{}
	for d := startOfDay(since, loc); d.Before(until); d = d.AddDate(0, 0, 1) {
		r.Days = append(r.Days, Day{Date: d})
	}
	for i := range r.Days {
		days[r.Days[i].Date] = &r.Days[i]
	}
	var delays []time.Duration
	for _, call := range facts.Calls {
		r.Missed++
		day := days[startOfDay(call.StartedAt, loc)]
		if day != nil {
			day.Missed++
		}
		if call.TextedAt.IsZero() {
			continue
		}
		r.Texted++
		if day != nil {
			day.Texted++
		}
		if !call.DecidedAt.IsZero() && !call.TextedAt.Before(call.DecidedAt) {
			delays = append(delays, call.TextedAt.Sub(call.DecidedAt))
		}
		if firstWithin(replies[call.ContactID], call.TextedAt, FollowWindow) {
			r.Replied++
		}
		if firstWithin(bookings[call.ContactID], call.StartedAt, FollowWindow) {
			r.Booked++
		}
	}
	for _, b := range facts.Bookings {
		if !b.At.Before(since) && b.At.Before(until) {
			r.Bookings++
		}
	}
	r.FirstTextP50, r.FirstTextP90 = percentile(delays, 50), percentile(delays, 90)
	return r
}

// byContact groups events by contact, each list in time order.
func byContact(events []store.ContactEvent) map[store.ContactID][]time.Time {
	out := map[store.ContactID][]time.Time{}
	for _, e := range events {
		out[e.ContactID] = append(out[e.ContactID], e.At)
	}
	for _, times := range out {
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	}
	return out
}

// firstWithin reports whether a time in times falls in [from, from+window].
func firstWithin(times []time.Time, from time.Time, window time.Duration) bool {
	i := sort.Search(len(times), func(i int) bool { return !times[i].Before(from) })
	return i < len(times) && !times[i].After(from.Add(window))
}

// percentile returns the p-th percentile of values by the nearest-rank method; 0 for none.
func percentile(values []time.Duration, p int) time.Duration {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
}
