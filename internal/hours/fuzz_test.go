package hours

import (
	"slices"
	"testing"
)

func FuzzParseDay(f *testing.F) {
	for _, seed := range []string{
		"08:00-18:00", "closed", "", "08:00-12:00, 13:00-17:30", "00:00-24:00", "22:00-24:30", "8:00-18:00",
		"+8:00-18:00", "08:00-12:00,", "18:00-08:00", "08:00-12:00, 11:00-13:00", "\xff", "24:00-24:00",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, s string) {
		ranges, err := ParseDay(s)
		if err != nil {
			return
		}
		for i, r := range ranges {
			if r.Start < 0 || r.End > 1440 || r.Start >= r.End {
				t.Fatalf("ParseDay(%q) range %d = %+v, want 0 <= Start < End <= 1440", s, i, r)
			}
			if i > 0 && r.Start < ranges[i-1].End {
				t.Fatalf("ParseDay(%q) ranges %v overlap or are out of order", s, ranges)
			}
		}
		again, err := ParseDay(FormatDay(ranges))
		if err != nil {
			t.Fatalf("ParseDay(FormatDay(%v)) error = %v", ranges, err)
		}
		if !slices.Equal(again, ranges) {
			t.Fatalf("ParseDay(FormatDay(ParseDay(%q))) = %v, want %v", s, again, ranges)
		}
	})
}
