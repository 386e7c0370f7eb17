package bookingpage

import (
	"net/http"
	"strconv"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/store"
)

// maxSlots bounds the slots one page lists, soonest first, so that a calendar with short slots
// and long hours still gives a page that loads fast on a phone.
const maxSlots = 400

// Layouts of the page's dates and times, in the calendar's zone with its abbreviation.
const (
	dayLayout    = "Monday, January 2"
	timeLayout   = "3:04 PM MST"
	bookedLayout = "Monday, January 2, 2006 at 3:04 PM MST"
)

// formPage is the data of book.html.
type formPage struct {
	Title    string
	Business string
	Contact  *contactView
	Days     []dayView
	// DaysAhead is how many days the slots cover, for the page without any.
	DaysAhead int
	Form      formValues
	Errors    formErrors
	// Notice explains why the form is shown again, such as a slot taken meanwhile.
	Notice formNotice
}

// dayView is one local date's slots.
type dayView struct {
	Label string
	Slots []slotView
}

// slotView is one choice of the slot radio group.
type slotView struct {
	ID    string // the radio's element id
	Value string
	Time  string // the start in the calendar's zone, such as "9:00 AM CDT"
	// Calendar names the calendar when the business has several, and is "" otherwise.
	Calendar string
	Checked  bool
}

func (p *Pages) servePage(w http.ResponseWriter, r *http.Request) {
	b, ok := p.business(w, r)
	if !ok {
		return
	}
	if len(b.Calendars) == 0 {
		p.views.message(w, http.StatusOK, unavailablePage(b))
		return
	}
	v := formValues{Key: newKey(), Token: p.tokens.issue(w, r)}
	p.renderForm(w, r, b, http.StatusOK, v, formErrors{}, formNotice{})
}

// formNotice explains why a form is shown again without a booking.
type formNotice struct {
	Text string
	// NextTimes are the next free times in their calendars' zones, for a slot taken meanwhile.
	NextTimes []string
}

// renderForm lists the free slots of the next p.days days and writes the form with v filled in.
func (p *Pages) renderForm(
	w http.ResponseWriter, r *http.Request, b businessInfo, status int, v formValues, errs formErrors, notice formNotice,
) {
	now := p.store.Now()
	slots, err := p.bookings.Free(r.Context(), b.Calendars, now, now.Add(time.Duration(p.days)*24*time.Hour))
	if err != nil {
		p.fail(w, r, err, b.ID)
		return
	}
	p.views.render(w, status, formTemplate, formPage{
		Title: "Book with " + b.Name, Business: b.Name, Contact: contactOf(b),
		Days: groupByDay(slots, b, v.Slot), DaysAhead: p.days, Form: v, Errors: errs, Notice: notice,
	})
}

// groupByDay groups slots, which are in time order, by their local date in their calendar's zone.
// The slot whose value is selected is checked.
func groupByDay(slots []booking.Slot, b businessInfo, selected string) []dayView {
	if len(slots) > maxSlots {
		slots = slots[:maxSlots]
	}
	calendars := map[store.CalendarID]store.Calendar{}
	for _, c := range b.Calendars {
		calendars[c.ID] = c
	}
	var days []dayView
	index := map[string]int{} // day label to its position in days
	for i, s := range slots {
		cal := calendars[s.CalendarID]
		local := s.Start.In(s.Location)
		view := slotView{
			ID: "slot-" + strconv.Itoa(i), Value: slotValue(cal, s.Start), Time: local.Format(timeLayout),
		}
		if len(b.Calendars) > 1 {
			view.Calendar = cal.Name
		}
		view.Checked = view.Value == selected
		label := local.Format(dayLayout)
		at, ok := index[label]
		if !ok {
			at = len(days)
			index[label] = at
			days = append(days, dayView{Label: label})
		}
		days[at].Slots = append(days[at].Slots, view)
	}
	return days
}
