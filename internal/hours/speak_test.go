package hours

import "testing"

func TestSpeak(t *testing.T) {
	tests := []struct {
		name string
		days map[string]string
		want string
	}{
		{"weekdays and saturday", map[string]string{
			"mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00", "thu": "08:00-18:00",
			"fri": "08:00-18:00", "sat": "09:00-12:00",
		}, "We're open Monday to Friday from 8 AM to 6 PM and Saturday from 9 AM to noon. We're closed on Sunday."},
		{"lunch break", map[string]string{"mon": "08:30-12:00, 13:00-17:30"},
			"We're open Monday from 8:30 AM to noon and from 1 PM to 5:30 PM. We're closed on Tuesday to Sunday."},
		{"three groups", map[string]string{"mon": "09:00-17:00", "wed": "09:00-17:00", "fri": "00:00-24:00"},
			"We're open Monday from 9 AM to 5 PM, Wednesday from 9 AM to 5 PM, and Friday all day. " +
				"We're closed on Tuesday, Thursday, and Saturday and Sunday."},
		{"every day", map[string]string{"mon": "07:00-23:00", "tue": "07:00-23:00", "wed": "07:00-23:00",
			"thu": "07:00-23:00", "fri": "07:00-23:00", "sat": "07:00-23:00", "sun": "07:00-23:00"},
			"We're open Monday to Sunday from 7 AM to 11 PM."},
		{"closed", nil, "We have no regular opening hours."},
		{"until midnight", map[string]string{"sat": "18:00-24:00"},
			"We're open Saturday from 6 PM to midnight. We're closed on Monday to Friday and Sunday."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Speak(mustWeek(t, tt.days)); got != tt.want {
				t.Errorf("Speak =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestSpokenClock(t *testing.T) {
	for minutes, want := range map[int]string{
		0: "midnight", 12 * 60: "noon", 24 * 60: "midnight", 60: "1 AM", 13*60 + 5: "1:05 PM", 11*60 + 59: "11:59 AM",
	} {
		if got := SpokenClock(minutes); got != want {
			t.Errorf("SpokenClock(%d) = %q, want %q", minutes, got, want)
		}
	}
}
