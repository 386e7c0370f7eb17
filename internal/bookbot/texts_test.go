package bookbot

import (
	"testing"
	"time"

	"github.com/textback/textback/internal/bookreply"
)

func TestOfferText(t *testing.T) {
	labels := []string{"Tue Dec 8, 3:00 PM CST", "Tue Dec 8, 4:00 PM CST", "Wed Dec 9, 9:00 AM CST"}
	want := "Here are the next times we have:\n1) Tue Dec 8, 3:00 PM CST\n2) Tue Dec 8, 4:00 PM CST\n" +
		"3) Wed Dec 9, 9:00 AM CST\nReply 1, 2 or 3, or tell us a day and time."
	if got := offerText("", headingNext, labels); got != want {
		t.Errorf("offerText = %q, want %q", got, want)
	}
	if got, want := offerText("Sorry, Tue Dec 8, 2:00 PM CST was just taken. ", headingOthers, labels[:2]),
		"Sorry, Tue Dec 8, 2:00 PM CST was just taken. Here are other times we have:\n1) Tue Dec 8, 3:00 PM CST\n"+
			"2) Tue Dec 8, 4:00 PM CST\nReply 1 or 2, or tell us a day and time."; got != want {
		t.Errorf("offerText = %q, want %q", got, want)
	}
	four := bookreply.Want{HasTime: true, Minute: 16 * 60, Meridiem: true}
	if got, want := offerText("", headingAt(four), labels[:1]), "The next time we have at 4:00 PM is Tue Dec 8, "+
		"3:00 PM CST. Does that work? Reply YES or NO, or tell us another day and time."; got != want {
		t.Errorf("offerText = %q, want %q", got, want)
	}
}

func TestAskAgainText(t *testing.T) {
	got := askAgainText([]string{"Tue Dec 8, 3:00 PM CST", "Wed Dec 9, 9:00 AM CST"})
	want := "Sorry, we didn't catch which time you'd like. Reply 1 for Tue Dec 8, 3:00 PM CST or 2 for Wed Dec 9, " +
		"9:00 AM CST, or tell us a day and time."
	if got != want {
		t.Errorf("askAgainText = %q, want %q", got, want)
	}
}

func TestPhrase(t *testing.T) {
	thu := time.Date(2025, 3, 13, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		want bookreply.Want
		text string
	}{
		{bookreply.Want{From: thu, To: thu.AddDate(0, 0, 1)}, "on Thu Mar 13"},
		{bookreply.Want{From: thu, To: thu.AddDate(0, 0, 1), PartTo: 12 * 60}, "on Thu Mar 13 in the morning"},
		{bookreply.Want{From: thu, To: thu.AddDate(0, 0, 1), HasTime: true, Minute: 14*60 + 30},
			"on Thu Mar 13 at 2:30 PM"},
		{bookreply.Want{From: thu, To: thu.AddDate(0, 0, 7)}, "from Thu Mar 13 to Wed Mar 19"},
		{bookreply.Want{HasTime: true, Minute: 9 * 60}, "at 9:00 AM"},
		{bookreply.Want{PartFrom: 12 * 60, PartTo: 17 * 60}, "in the afternoon"},
	}
	for _, tc := range tests {
		if got := on(tc.want); got != tc.text {
			t.Errorf("on(%+v) = %q, want %q", tc.want, got, tc.text)
		}
	}
}
