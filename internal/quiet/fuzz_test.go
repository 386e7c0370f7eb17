package quiet

import (
	"testing"
	"time"
)

// fuzzZones contains the zone names that FuzzCheck picks from, including invalid ones and zones whose DST
// changes fall at unusual hours.
var fuzzZones = []string{
	"", "America/Chicago", "America/Los_Angeles", "America/Phoenix", "America/St_Johns", "Pacific/Guam",
	"Australia/Lord_Howe", "America/Havana", "Asia/Kathmandu", "Pacific/Kiritimati", "Etc/GMT+12", "UTC",
	"Local", "Mars/Olympus", "../etc/passwd",
}

func FuzzCheck(f *testing.F) {
	f.Add(int64(1741703400), "+12025550143", uint8(2), uint8(1), 0, 0, 0, int64(0))
	f.Add(int64(1752623100), "+13055550100", uint8(0), uint8(1), 0, 0, 3, int64(-20*3600))
	f.Add(int64(1752408000), "+12055550100", uint8(0), uint8(0), 9*60, 17*60, 0, int64(0))
	f.Add(int64(1772937000), "+12085550100", uint8(0), uint8(0), 6*60, 23*60, 5, int64(-86400))
	f.Add(int64(1736960400), "+18005550100", uint8(0), uint8(1), 8*60, 8*60+30, 0, int64(0))
	f.Add(int64(0), "", uint8(13), uint8(14), -5, 99999, -1, int64(1<<40))
	f.Add(int64(-62135596800), "\xff", uint8(12), uint8(0), 0, 0, 1<<30, int64(-1<<62))

	f.Fuzz(func(t *testing.T, unix int64, e164 string, zoneIndex, fallbackIndex uint8, start, end, sent int,
		oldestOffset int64) {
		now := time.Unix(unix, 0).UTC()
		recipient := Recipient{
			E164:     e164,
			TimeZone: fuzzZones[int(zoneIndex)%len(fuzzZones)],
			Fallback: fuzzZones[int(fallbackIndex)%len(fuzzZones)],
		}
		policy := Policy{Business: Window{start, end}}
		oldest := now.Add(time.Duration(oldestOffset))

		got := Check(now, recipient, policy, sent, oldest)

		if len(got.Zones) == 0 {
			t.Fatalf("Check(%v, %+v).Zones is empty, want at least UTC", now, recipient)
		}
		if got.Reason == "" {
			t.Fatalf("Check(%v, %+v).Reason is empty", now, recipient)
		}

		if got.Allowed {
			if !got.Next.IsZero() {
				t.Fatalf("Check(%v, %+v) is allowed with Next = %v, want zero", now, recipient, got.Next)
			}
			window := clampToDefault(policy.Business)
			for _, zone := range got.Zones {
				local := now.In(loadZone(zone))
				if minute := local.Hour()*60 + local.Minute(); !window.Contains(minute) {
					t.Fatalf("Check(%v, %+v) allowed a text at %s in %s, outside %v", now, recipient,
						local.Format("15:04"), zone, window)
				}
			}
			return
		}

		if got.Next.IsZero() {
			return
		}
		if !got.Next.After(now) {
			t.Fatalf("Check(%v, %+v).Next = %v, want after now", now, recipient, got.Next)
		}
		if got.Next.After(now.Add(SearchLimit)) {
			t.Fatalf("Check(%v, %+v).Next = %v, want within %v", now, recipient, got.Next, SearchLimit)
		}
		if again := Check(got.Next, recipient, policy, 0, time.Time{}); !again.Allowed {
			t.Fatalf("Check(%v, %+v) at its own Next %v is not allowed: %q", now, recipient, got.Next, again.Reason)
		}
	})
}
