package bookreply

import (
	"testing"
	"time"
)

// Replies as leads type them: emoji, capitals, typos, shorthand, and times before the day.
func TestReadOddReplies(t *testing.T) {
	tue2pm := Want{From: day(time.March, 11), To: day(time.March, 12), HasTime: true, Minute: 14 * 60, Meridiem: true}
	runReadCases(t, slotQuestion, []readCase{
		// Emoji and symbols.
		{"2️⃣", choose(1)},
		{"#2!!", choose(1)},
		{"2 👍", choose(1)},
		{"Option #2 🙏", choose(1)},
		{"②", choose(1)},
		{"👍", unclear},
		{"none of these work 😕", more},

		// Capitals.
		{"TWO", choose(1)},
		{"2ND", choose(1)},
		{"THE SECOND ONE PLEASE", choose(1)},
		{"TOMORROW AT 3PM", choose(0)},
		{"NONE OF THOSE", more},
		{"Later next week?", Reading{Kind: More, After: day(time.March, 17)}},

		// Typos and shorthand.
		{"secnd one", choose(1)},
		{"the secound", choose(1)},
		{"frist one", choose(0)},
		{"1st", choose(0)},
		{"tmrw @ 3", choose(0)},
		{"2morrow at 3", choose(0)},
		{"tomorow 3pm", choose(0)},
		{"3p", choose(0)},
		{"3 P.M.", choose(0)},
		{"15:00", choose(0)},
		{"wensday at 9", choose(1)},
		{"thurs morn", request(Want{From: day(time.March, 13), To: day(time.March, 14), PartTo: 12 * 60})},
		{"thrusday afternoon", request(Want{From: day(time.March, 13), To: day(time.March, 14), PartFrom: 12 * 60,
			PartTo: 17 * 60})},
		{"nope none", more},

		// Words around the answer.
		{"ok 2", choose(1)},
		{"sure, 2 works", choose(1)},
		{"I'll take the 3pm", choose(0)},
		{"2 pm tmrw", request(tue2pm)},
		{"how about 2pm tomorrow", request(tue2pm)},
	})
}

// Days and times are read in the business's zone, on the dates of daylight-saving changes too.
func TestReadOnChangeDays(t *testing.T) {
	// Saturday 2026-03-07 at 23:30 CST: tomorrow is Sunday, when clocks skip from 2:00 to 3:00.
	spring := Context{Question: AskSlots, Location: chicago, Received: time.Date(2026, 3, 7, 23, 30, 0, 0, chicago),
		Offered: []time.Time{time.Date(2026, 3, 9, 9, 0, 0, 0, chicago)}}
	r := Read("tomorrow at 3pm", spring)
	sunday := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	if r.Kind != Request || !r.Want.From.Equal(sunday) || r.Want.Minute != 15*60 {
		t.Fatalf("Read(tomorrow at 3pm) = %+v, want a request for Sun Mar 8 at 3:00 PM", r)
	}
	if !r.Want.Matches(time.Date(2026, 3, 8, 20, 0, 0, 0, time.UTC), chicago) {
		t.Errorf("want does not match Sun Mar 8, 3:00 PM CDT (20:00 UTC)")
	}
	if r.Want.Matches(time.Date(2026, 3, 8, 21, 0, 0, 0, time.UTC), chicago) {
		t.Errorf("want matches 21:00 UTC, which is 4:00 PM CDT")
	}

	// Saturday 2026-10-31 at 20:00 CDT: tomorrow, 1:30 AM happens twice.
	fall := Context{Question: AskSlots, Location: chicago, Received: time.Date(2026, 10, 31, 20, 0, 0, 0, chicago),
		Offered: []time.Time{time.Date(2026, 11, 2, 9, 0, 0, 0, chicago)}}
	r = Read("tmrw 1:30am", fall)
	if r.Kind != Request || !r.Want.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) || r.Want.Minute != 90 {
		t.Fatalf("Read(tmrw 1:30am) = %+v, want a request for Sun Nov 1 at 1:30 AM", r)
	}
	if !r.Want.Matches(time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), chicago) {
		t.Errorf("want does not match 1:30 AM CDT, the first 1:30 AM, which slots offer")
	}

	// A reply on the change day itself, after the change.
	onDay := Context{Question: AskSlots, Location: chicago, Received: time.Date(2026, 3, 8, 10, 0, 0, 0, chicago),
		Offered: []time.Time{time.Date(2026, 3, 8, 15, 0, 0, 0, chicago)}}
	if r := Read("3pm", onDay); r.Kind != Choose || r.Slot != 0 {
		t.Errorf("Read(3pm) on the change day = %+v, want slot 1", r)
	}
	if r := Read("today at 3", onDay); r.Kind != Choose || r.Slot != 0 {
		t.Errorf("Read(today at 3) on the change day = %+v, want slot 1", r)
	}
}

func TestReadIntentVariants(t *testing.T) {
	received := local(time.March, 10, 10, 5)
	tests := []struct {
		body   string
		intent Intent
	}{
		{"BOOK", Book},
		{"Book!", Book},
		{"book pls 🙏", Book},
		{"need an appt", Book},
		{"any openings this week?", Book},
		{"thursday at 2 works", Book},
		{"tmrw morning?", Book},
		{"Called you this morning about the leak", NoIntent},
		{"the leak is in the basement", NoIntent},
		{"CANCEL APPOINTMENT", Cancel},
		{"cancel my appt pls", Cancel},
		{"RESCHEDULE", Reschedule},
		{"resched", Reschedule},
		{"can't make it, can we do another day", Reschedule},
	}
	for _, tc := range tests {
		if intent, _ := ReadIntent(tc.body, chicago, received); intent != tc.intent {
			t.Errorf("ReadIntent(%q) = %q, want %q", tc.body, intent, tc.intent)
		}
	}
}
