package hours

import (
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	// 2026-12-10 is a Thursday.
	now := time.Date(2026, 12, 10, 21, 0, 0, 0, chicago)
	tests := []struct {
		name string
		now  time.Time
		at   time.Time
		want string
	}{
		{"later today", now, time.Date(2026, 12, 10, 22, 15, 0, 0, chicago), "today at 10:15 PM"},
		{"now", now, now, "today at 9:00 PM"},
		{"tomorrow", now, time.Date(2026, 12, 11, 8, 0, 0, 0, chicago), "tomorrow at 8:00 AM"},
		{"tomorrow midnight", now, time.Date(2026, 12, 11, 0, 0, 0, 0, chicago), "tomorrow at 12:00 AM"},
		{"noon", now, time.Date(2026, 12, 11, 12, 0, 0, 0, chicago), "tomorrow at 12:00 PM"},
		{"two days", now, time.Date(2026, 12, 12, 10, 30, 0, 0, chicago), "Saturday at 10:30 AM"},
		{"six days", now, time.Date(2026, 12, 16, 8, 0, 0, 0, chicago), "Wednesday at 8:00 AM"},
		{"seven days", now, time.Date(2026, 12, 17, 8, 0, 0, 0, chicago), "Thu Dec 17 at 8:00 AM"},
		{"next year", now, time.Date(2027, 1, 4, 8, 0, 0, 0, chicago), "Mon Jan 4 at 8:00 AM"},
		{"yesterday", now, time.Date(2026, 12, 9, 8, 0, 0, 0, chicago), "Wed Dec 9 at 8:00 AM"},
		{"zone decides the day", time.Date(2026, 12, 11, 2, 0, 0, 0, time.UTC),
			time.Date(2026, 12, 11, 14, 0, 0, 0, time.UTC), "tomorrow at 8:00 AM"},
		{"under 24 hours but tomorrow", time.Date(2026, 12, 10, 23, 59, 0, 0, chicago),
			time.Date(2026, 12, 11, 0, 1, 0, 0, chicago), "tomorrow at 12:01 AM"},
		{"over 24 hours but tomorrow", time.Date(2026, 12, 10, 0, 1, 0, 0, chicago),
			time.Date(2026, 12, 11, 23, 59, 0, 0, chicago), "tomorrow at 11:59 PM"},
		{"spring forward", time.Date(2026, 3, 7, 23, 30, 0, 0, chicago),
			time.Date(2026, 3, 8, 3, 0, 0, 0, chicago), "tomorrow at 3:00 AM"},
		{"spring forward weekday", time.Date(2026, 3, 6, 18, 0, 0, 0, chicago),
			time.Date(2026, 3, 9, 8, 0, 0, 0, chicago), "Monday at 8:00 AM"},
		{"fall back repeated hour", time.Date(2026, 11, 1, 0, 30, 0, 0, chicago),
			time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC), "today at 1:30 AM"},
		{"fall back tomorrow", time.Date(2026, 10, 31, 23, 30, 0, 0, chicago),
			time.Date(2026, 11, 1, 23, 0, 0, 0, chicago), "tomorrow at 11:00 PM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Describe(tt.now, tt.at, chicago); got != tt.want {
				t.Errorf("Describe(%v, %v) = %q, want %q", tt.now, tt.at, got, tt.want)
			}
		})
	}
}

func TestDescribeNilLocation(t *testing.T) {
	now := time.Date(2026, 12, 10, 21, 0, 0, 0, time.UTC)
	at := time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC)
	if got, want := Describe(now, at, nil), "tomorrow at 8:00 AM"; got != want {
		t.Errorf("Describe with nil location = %q, want %q", got, want)
	}
}
