package bookreply

import (
	"testing"
	"time"
)

var chicago = func() *time.Location {
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		panic(err)
	}
	return loc
}()

// local returns a wall-clock time in Chicago.
func local(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2025, month, day, hour, minute, 0, 0, chicago)
}

// day returns the civil date that Want uses for a date of 2025.
func day(month time.Month, d int) time.Time {
	return time.Date(2025, month, d, 0, 0, 0, 0, time.UTC)
}

// oneDay returns a want for the whole of a date of 2025.
func oneDay(month time.Month, d int) Want {
	return Want{From: day(month, d), To: day(month, d).AddDate(0, 0, 1)}
}

// slotQuestion is the offer "Reply 1 for Tue Mar 11, 3:00 PM CDT or 2 for Wed Mar 12, 9:00 AM CDT.",
// sent on Mon Mar 10 at 10:00 CDT and answered five minutes later.
var slotQuestion = Context{
	Question: AskSlots,
	Offered:  []time.Time{local(time.March, 11, 15, 0), local(time.March, 12, 9, 0)},
	Location: chicago,
	Received: local(time.March, 10, 10, 5),
}

// yesNoQuestion is "Does Tue Mar 11, 3:00 PM CDT work? Reply YES or NO.", sent at the same time.
var yesNoQuestion = Context{
	Question: AskYesNo,
	Offered:  []time.Time{local(time.March, 11, 15, 0)},
	Location: chicago,
	Received: local(time.March, 10, 10, 5),
}

type readCase struct {
	body string
	want Reading // Why is not compared
}

func choose(slot int) Reading { return Reading{Kind: Choose, Slot: slot} }
func reject(slot int) Reading { return Reading{Kind: Reject, Slot: slot} }
func request(w Want) Reading  { return Reading{Kind: Request, Want: w} }

var (
	unclear = Reading{Kind: Unclear}
	more    = Reading{Kind: More}
	other   = Reading{Kind: Other}
)

func runReadCases(t *testing.T, c Context, cases []readCase) {
	t.Helper()
	for _, tc := range cases {
		got := Read(tc.body, c)
		why := got.Why
		got.Why = ""
		if got != tc.want {
			t.Errorf("Read(%q) = %+v (%s), want %+v", tc.body, got, why, tc.want)
		}
	}
}

func TestReadSlotQuestion(t *testing.T) {
	runReadCases(t, slotQuestion, []readCase{
		// By number, in every form leads write it.
		{"1", choose(0)},
		{" 1 ", choose(0)},
		{"1.", choose(0)},
		{"#1", choose(0)},
		{"1️⃣", choose(0)},
		{"option 1", choose(0)},
		{"1 please", choose(0)},
		{"2", choose(1)},
		{"#2", choose(1)},
		{"2.", choose(1)},
		{"2!", choose(1)},
		{"Two", choose(1)},
		{"the second one", choose(1)},
		{"2nd", choose(1)},
		{"the 2nd one", choose(1)},
		{"the last one", choose(1)},
		{"Option 2 please, thanks!", choose(1)},

		// By the time of an offered slot.
		{"3pm", choose(0)},
		{"3 pm tue", choose(0)},
		{"tmrw 3", choose(0)},
		{"tomorrow at 3pm", choose(0)},
		{"9", choose(1)},
		{"wed at 9am", choose(1)},
		{"9:00 works", choose(1)},
		{"three", choose(0)},

		// A day or time that no offered slot has.
		{"Can we do Thursday?", request(oneDay(time.March, 13))},
		{"thu morning", request(Want{From: day(time.March, 13), To: day(time.March, 14), PartTo: 12 * 60})},
		{"next monday 10", request(Want{From: day(time.March, 17), To: day(time.March, 18), HasTime: true, Minute: 10 * 60})},
		{"4pm", request(Want{HasTime: true, Minute: 16 * 60, Meridiem: true})},
		{"at 4", request(Want{HasTime: true, Minute: 16 * 60})},
		{"tomorrow at 4pm", request(Want{From: day(time.March, 11), To: day(time.March, 12), HasTime: true,
			Minute: 16 * 60, Meridiem: true})},
		{"10 in the morning", request(Want{HasTime: true, Minute: 10 * 60, Meridiem: true, PartTo: 12 * 60})},
		{"march 14 at 2", request(Want{From: day(time.March, 14), To: day(time.March, 15), HasTime: true, Minute: 14 * 60})},
		{"12/10", request(oneDay(time.December, 10))},
		{"noon tomorrow", request(Want{From: day(time.March, 11), To: day(time.March, 12), HasTime: true,
			Minute: 12 * 60, Meridiem: true})},
		{"next week", request(Want{From: day(time.March, 17), To: day(time.March, 24)})},
		{"the 20th", request(oneDay(time.March, 20))},
		{"monday", request(oneDay(time.March, 10))},
		{"tues afternoon", request(Want{From: day(time.March, 11), To: day(time.March, 12), PartFrom: 12 * 60,
			PartTo: 17 * 60})},

		// Other slots.
		{"none of those", more},
		{"Neither works", more},
		{"no", more},
		{"anything later?", more},
		{"later next week", Reading{Kind: More, After: day(time.March, 17)}},
		{"tomorrow doesn't work", more},

		// Turned down.
		{"not 1", reject(0)},
		{"1 doesn't work", reject(0)},
		{"can't do 2", reject(1)},

		// Ask again.
		{"12", unclear},
		{"1 or 2", unclear},
		{"either", unclear},
		{"either is fine", unclear},
		{"yes", unclear},
		{"tue or wed", unclear},
		{"5", unclear},

		// Not about the slots. STOP never gets here: consent words are read first.
		{"STOP", other},
		{"note: gate code 4411", other},
		{"thanks!", other},
		{"", other},
		{"My address is 1200 W 12th St, unit 2, near the park on the corner", other},
	})
}

func TestReadThreeSlots(t *testing.T) {
	c := slotQuestion
	c.Offered = append(c.Offered, local(time.March, 12, 13, 0))
	runReadCases(t, c, []readCase{
		{"3", choose(2)},
		{"third", choose(2)},
		{"the last one", choose(2)},
		{"1pm", choose(2)},
		{"2 or 3", unclear},
		{"not 3", reject(2)},
	})
}

func TestReadYesNoQuestion(t *testing.T) {
	runReadCases(t, yesNoQuestion, []readCase{
		{"Yes", choose(0)},
		{"yes!", choose(0)},
		{"Y", choose(0)},
		{"yep", choose(0)},
		{"Yes.", choose(0)},
		{"yes please", choose(0)},
		{"YES 👍", choose(0)},
		{"Sure", choose(0)},
		{"ok", choose(0)},
		{"👍", choose(0)},
		{"sounds good", choose(0)},
		{"1", choose(0)},
		{"No", more},
		{"nope", more},
		{"no thanks", more},
		{"Not really", more},
		{"note: gate code 4411", other},
		{"Yes but can it be 4?", request(Want{HasTime: true, Minute: 16 * 60})},
		{"yes but", unclear},
	})
}

// A reply late on the evening before a daylight-saving change still means the next date.
func TestReadAcrossDaylightSaving(t *testing.T) {
	c := slotQuestion
	c.Received = time.Date(2025, time.March, 8, 23, 30, 0, 0, chicago)
	c.Offered = []time.Time{time.Date(2025, time.March, 10, 9, 0, 0, 0, chicago)}
	got := Read("tomorrow at 3pm", c)
	want := Want{From: day(time.March, 9), To: day(time.March, 10), HasTime: true, Minute: 15 * 60, Meridiem: true}
	if got.Kind != Request || got.Want != want {
		t.Fatalf("Read = %+v, want a request for %v", got, want)
	}
	if !got.Want.Matches(time.Date(2025, time.March, 9, 15, 0, 0, 0, chicago), chicago) {
		t.Errorf("want does not match Sun Mar 9, 3:00 PM CDT")
	}
	if got.Want.Matches(time.Date(2025, time.March, 9, 14, 0, 0, 0, chicago), chicago) {
		t.Errorf("want matches Sun Mar 9, 2:00 PM CDT")
	}
}

// A month date that has passed this year means next year's.
func TestReadPastMonthDate(t *testing.T) {
	got := Read("jan 5", slotQuestion)
	if got.Kind != Request || !got.Want.From.Equal(time.Date(2026, time.January, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Read(jan 5) = %+v, want a request for Jan 5 2026", got)
	}
}

func TestWantMatches(t *testing.T) {
	threePM := Want{HasTime: true, Minute: 15 * 60}
	if !threePM.Matches(local(time.March, 11, 3, 0), chicago) {
		t.Errorf("3 without AM or PM does not match 3:00 AM")
	}
	certain := Want{HasTime: true, Minute: 15 * 60, Meridiem: true}
	if certain.Matches(local(time.March, 11, 3, 0), chicago) {
		t.Errorf("3pm matches 3:00 AM")
	}
	morning := Want{From: day(time.March, 13), To: day(time.March, 14), PartTo: 12 * 60}
	if !morning.Matches(local(time.March, 13, 11, 30), chicago) {
		t.Errorf("Thursday morning does not match Thu 11:30")
	}
	if morning.Matches(local(time.March, 13, 12, 0), chicago) {
		t.Errorf("Thursday morning matches Thu 12:00")
	}
	if morning.Matches(local(time.March, 14, 9, 0), chicago) {
		t.Errorf("Thursday morning matches Fri 9:00")
	}
}

func TestReadIntent(t *testing.T) {
	received := local(time.March, 10, 10, 5)
	tests := []struct {
		body   string
		intent Intent
		want   Want
	}{
		{"can I book", Book, Want{}},
		{"BOOK", Book, Want{}},
		{"I'd like to schedule a repair", Book, Want{}},
		{"Do you have an appointment this week?", Book, Want{From: day(time.March, 10), To: day(time.March, 17)}},
		{"can you come out tomorrow", Book, oneDay(time.March, 11)},
		{"Can you stop by at 3 tomorrow?", Book, Want{From: day(time.March, 11), To: day(time.March, 12), HasTime: true,
			Minute: 15 * 60}},
		{"Thursday at 2", Book, Want{From: day(time.March, 13), To: day(time.March, 14), HasTime: true, Minute: 14 * 60}},
		{"cancel my appointment", Cancel, Want{}},
		{"I need to cancel", Cancel, Want{}},
		{"cancel it please", Cancel, Want{}},
		{"reschedule", Reschedule, Want{}},
		{"RESCHEDULE", Reschedule, Want{}},
		{"can we move my appointment to friday", Reschedule, oneDay(time.March, 14)},
		{"I can't make it tomorrow", Reschedule, Want{}},
		{"need a different time", Reschedule, Want{}},
		{"thanks!", NoIntent, Want{}},
		{"My sink is leaking", NoIntent, Want{}},
		{"I booked online already", NoIntent, Want{}},
		{"may I ask what this is about", NoIntent, Want{}},
	}
	for _, tc := range tests {
		intent, want := ReadIntent(tc.body, chicago, received)
		if intent != tc.intent || want != tc.want {
			t.Errorf("ReadIntent(%q) = %q %+v, want %q %+v", tc.body, intent, want, tc.intent, tc.want)
		}
	}
}
