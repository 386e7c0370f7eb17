package tz_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/textback/textback/internal/tz"
)

func TestWall(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		local  string // "2006-01-02 15:04"
		want   string // RFC 3339 in UTC
		exists bool
	}{
		{"ordinary afternoon", "America/Chicago", "2025-03-08 13:00", "2025-03-08T19:00:00Z", true},
		{"afternoon after spring forward", "America/Chicago", "2025-03-09 13:00", "2025-03-09T18:00:00Z", true},
		{"skipped time gives the jump", "America/Chicago", "2025-03-09 02:30", "2025-03-09T08:00:00Z", false},
		{"repeated time gives the first", "America/Chicago", "2025-11-02 01:30", "2025-11-02T06:30:00Z", true},
		{"after fall back", "America/Chicago", "2025-11-02 02:00", "2025-11-02T08:00:00Z", true},
		{"repeated time east of UTC", "Europe/Berlin", "2025-10-26 02:30", "2025-10-26T00:30:00Z", true},
		{"skipped time east of UTC", "Europe/Berlin", "2025-03-30 02:30", "2025-03-30T01:00:00Z", false},
		{"skipped midnight", "America/Santiago", "2024-09-08 00:00", "2024-09-08T04:00:00Z", false},
		{"hour 24 is next midnight", "America/Chicago", "2025-03-08 24:00", "2025-03-09T06:00:00Z", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := tz.Load(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			var y, mo, d, h, mi int
			if _, err := fmt.Sscanf(tt.local, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi); err != nil {
				t.Fatal(err)
			}
			got, exists := tz.Wall(y, time.Month(mo), d, h, mi, loc)
			if got.UTC().Format(time.RFC3339) != tt.want {
				t.Errorf("Wall(%s) = %s, want %s", tt.local, got.UTC().Format(time.RFC3339), tt.want)
			}
			if exists != tt.exists {
				t.Errorf("Wall(%s) exists = %v, want %v", tt.local, exists, tt.exists)
			}
		})
	}
}

func TestStartOfDay(t *testing.T) {
	chicago, err := tz.Load("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	if got := tz.StartOfDay(2025, 11, 2, chicago); !got.Equal(time.Date(2025, 11, 2, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("start of 2025-11-02 in Chicago = %s, want 05:00Z", got.UTC())
	}
	santiago, err := tz.Load("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	got := tz.StartOfDay(2024, 9, 8, santiago)
	if !got.Equal(time.Date(2024, 9, 8, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("start of 2024-09-08 in Santiago = %s, want 04:00Z (the clock skips midnight)", got.UTC())
	}
	if local := got.In(santiago); local.Day() != 8 || local.Hour() != 1 {
		t.Errorf("start of 2024-09-08 in Santiago reads %s, want 01:00 on the 8th", local)
	}
}
