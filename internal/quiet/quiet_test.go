package quiet

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests need the same zone rules on every machine
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q) error = %v", name, err)
	}
	return loc
}

// at returns the instant that the wall clock of zone shows as value, written "2006-01-02 15:04".
func at(t testing.TB, zone, value string) time.Time {
	t.Helper()
	moment, err := time.ParseInLocation("2006-01-02 15:04", value, mustLoad(t, zone))
	if err != nil {
		t.Fatalf("ParseInLocation(%q) error = %v", value, err)
	}
	return moment
}

// utc returns the UTC instant written "2006-01-02 15:04".
func utc(t testing.TB, value string) time.Time {
	t.Helper()
	return at(t, "UTC", value)
}

// checkCase is one row of a table of Check calls with pinned times.
type checkCase struct {
	name      string
	now       time.Time
	recipient Recipient
	policy    Policy
	sent      int
	oldest    time.Time
	allowed   bool
	next      time.Time // zero when the text is allowed or never allowed
}

func runCheckCases(t *testing.T, tests []checkCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.now, tt.recipient, tt.policy, tt.sent, tt.oldest)
			if got.Allowed != tt.allowed {
				t.Errorf("Check(%v).Allowed = %v, want %v (reason %q)", tt.now, got.Allowed, tt.allowed, got.Reason)
			}
			if !got.Next.Equal(tt.next) {
				t.Errorf("Check(%v).Next = %v, want %v (reason %q)", tt.now, got.Next, tt.next, got.Reason)
			}
			if got.Reason == "" {
				t.Errorf("Check(%v).Reason is empty", tt.now)
			}
		})
	}
}

// The recipient's time decides, not the business's: the business is in Chicago and the contact in Los Angeles.
func TestCheckFollowUpRecipientZone(t *testing.T) {
	contact := Recipient{E164: "+12025550143", TimeZone: "America/Los_Angeles", Fallback: "America/Chicago"}
	runCheckCases(t, []checkCase{
		{name: "07:30 PDT deferred", now: utc(t, "2025-03-11 14:30"), recipient: contact,
			next: utc(t, "2025-03-11 15:00")},
		{name: "20:30 PDT sent", now: utc(t, "2025-03-12 03:30"), recipient: contact, allowed: true},
		{name: "21:03 PDT at pickup held", now: utc(t, "2025-03-12 04:03"), recipient: contact,
			next: utc(t, "2025-03-12 15:00")},
		{name: "20:59 PDT sent", now: utc(t, "2025-03-12 03:59"), recipient: contact, allowed: true},
	})
}

func TestCheckFollowUpAfterNineChicago(t *testing.T) {
	contact := Recipient{E164: "+13125550199", TimeZone: "America/Chicago"}
	now := at(t, "America/Chicago", "2025-03-11 21:30")

	got := Check(now, contact, Policy{}, 0, time.Time{})

	if got.Allowed {
		t.Errorf("Check(21:30 Chicago).Allowed = true, want false")
	}
	if want := at(t, "America/Chicago", "2025-03-12 08:00"); !got.Next.Equal(want) {
		t.Errorf("Check(21:30 Chicago).Next = %v, want %v", got.Next, want)
	}
	if want := "21:30 in America/Chicago is after 21:00; next allowed Wed 08:00"; got.Reason != want {
		t.Errorf("Check(21:30 Chicago).Reason = %q, want %q", got.Reason, want)
	}
	if want := []string{"America/Chicago"}; !slices.Equal(got.Zones, want) {
		t.Errorf("Check(21:30 Chicago).Zones = %q, want %q", got.Zones, want)
	}
	if got.State != "" {
		t.Errorf("Check(21:30 Chicago).State = %q, want none for Illinois", got.State)
	}
}

func TestCheckRecipientZoneSources(t *testing.T) {
	arizona := Recipient{E164: "+16235550142", Fallback: "America/Chicago"}
	boise := Recipient{E164: "+16235550143", TimeZone: "America/Boise", Fallback: "America/Chicago"}
	newJersey := Recipient{E164: "+15515550144", Fallback: "America/Chicago"}
	idaho := Recipient{E164: "+12085550100", Fallback: "America/Chicago"}
	freephone := Recipient{E164: "+80012345678", Fallback: "America/Chicago"}

	runCheckCases(t, []checkCase{
		{name: "623 uses Phoenix not Denver", now: utc(t, "2025-07-15 14:45"), recipient: arizona,
			next: utc(t, "2025-07-15 15:00")},
		{name: "stored Boise zone beats 623", now: utc(t, "2025-07-15 14:30"), recipient: boise, allowed: true},
		{name: "551 uses New York", now: utc(t, "2025-07-15 12:30"), recipient: newJersey, allowed: true},
		{name: "208 morning waits for Los Angeles", now: utc(t, "2025-07-15 14:30"), recipient: idaho,
			next: utc(t, "2025-07-15 15:00")},
		{name: "208 inside both", now: utc(t, "2025-07-15 15:30"), recipient: idaho, allowed: true},
		{name: "208 evening ends with Boise", now: utc(t, "2025-07-16 03:00"), recipient: idaho,
			next: utc(t, "2025-07-16 15:00")},
		{name: "208 Boise 20:59 sent", now: utc(t, "2025-07-16 02:59"), recipient: idaho, allowed: true},
		{name: "number without zone uses fallback", now: at(t, "America/Chicago", "2025-07-15 07:59"),
			recipient: freephone, next: at(t, "America/Chicago", "2025-07-15 08:00")},
	})
}

func TestZones(t *testing.T) {
	tests := []struct {
		name      string
		recipient Recipient
		want      []string
	}{
		{"contact zone wins", Recipient{E164: "+16235550143", TimeZone: "America/Boise", Fallback: "America/Chicago"},
			[]string{"America/Boise"}},
		{"number zone", Recipient{E164: "+16235550142", Fallback: "America/Chicago"}, []string{"America/Phoenix"}},
		{"number spans zones", Recipient{E164: "+12085550100"}, []string{"America/Boise", "America/Los_Angeles"}},
		{"551 is New York", Recipient{E164: "+15515550144"}, []string{"America/New_York"}},
		{"fallback for freephone", Recipient{E164: "+80012345678", Fallback: "America/Chicago"},
			[]string{"America/Chicago"}},
		{"fallback for empty number", Recipient{Fallback: "America/Denver"}, []string{"America/Denver"}},
		{"invalid contact zone skipped", Recipient{E164: "+16235550142", TimeZone: "Mars/Olympus"},
			[]string{"America/Phoenix"}},
		{"local zone skipped", Recipient{TimeZone: "Local", Fallback: "Europe/London"}, []string{"Europe/London"}},
		{"invalid fallback gives UTC", Recipient{E164: "nonsense", Fallback: "Not/A_Zone"}, []string{"UTC"}},
		{"nothing gives UTC", Recipient{}, []string{"UTC"}},
		{"path escape rejected", Recipient{TimeZone: "../../etc/passwd"}, []string{"UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Zones(tt.recipient); !slices.Equal(got, tt.want) {
				t.Errorf("Zones(%+v) = %q, want %q", tt.recipient, got, tt.want)
			}
		})
	}
}

func TestCheckFlorida(t *testing.T) {
	miami := Recipient{E164: "+13055550100", Fallback: "America/Chicago"}
	newYork := "America/New_York"

	runCheckCases(t, []checkCase{
		{name: "20:15 held until 08:00", now: at(t, newYork, "2025-07-15 20:15"), recipient: miami,
			next: at(t, newYork, "2025-07-16 08:00")},
		{name: "19:59 sent", now: at(t, newYork, "2025-07-15 19:59"), recipient: miami, allowed: true},
		{name: "third text sent", now: at(t, newYork, "2025-07-15 10:00"), recipient: miami, sent: 2,
			oldest: at(t, newYork, "2025-07-14 14:00"), allowed: true},
		{name: "fourth text waits for oldest", now: at(t, newYork, "2025-07-15 10:00"), recipient: miami, sent: 3,
			oldest: at(t, newYork, "2025-07-14 14:00"), next: at(t, newYork, "2025-07-15 14:00")},
		{name: "cap release at night waits for 08:00", now: at(t, newYork, "2025-07-15 12:00"), recipient: miami,
			sent: 3, oldest: at(t, newYork, "2025-07-14 21:30"), next: at(t, newYork, "2025-07-16 08:00")},
		{name: "cap without oldest holds a day", now: at(t, newYork, "2025-07-15 10:00"), recipient: miami,
			sent: 3, next: at(t, newYork, "2025-07-16 10:00")},
		{name: "cap with future oldest holds a day", now: at(t, newYork, "2025-07-15 10:00"), recipient: miami,
			sent: 3, oldest: at(t, newYork, "2025-07-15 11:00"), next: at(t, newYork, "2025-07-16 10:00")},
		{name: "cap with stale oldest holds a day", now: at(t, newYork, "2025-07-15 10:00"), recipient: miami,
			sent: 5, oldest: at(t, newYork, "2025-07-13 10:00"), next: at(t, newYork, "2025-07-16 10:00")},
	})
}

func TestCheckFloridaReason(t *testing.T) {
	miami := Recipient{E164: "+13055550100"}

	late := Check(at(t, "America/New_York", "2025-07-15 20:15"), miami, Policy{}, 0, time.Time{})
	if want := "20:15 in America/New_York is after 20:00 (FL rule); next allowed Wed 08:00"; late.Reason != want {
		t.Errorf("Check(20:15 Miami).Reason = %q, want %q", late.Reason, want)
	}
	if late.State != "FL" {
		t.Errorf("Check(20:15 Miami).State = %q, want FL", late.State)
	}

	capped := Check(at(t, "America/New_York", "2025-07-15 10:00"), miami, Policy{}, 3,
		at(t, "America/New_York", "2025-07-14 14:00"))
	want := "3 automated texts in the last 24 hours reach the FL cap of 3; next allowed Tue 14:00 in America/New_York"
	if capped.Reason != want {
		t.Errorf("Check(4th text Miami).Reason = %q, want %q", capped.Reason, want)
	}
}

func TestCheckStateDays(t *testing.T) {
	alabama := Recipient{E164: "+12055550100"}
	texas := Recipient{E164: "+17375550100"}
	rhodeIsland := Recipient{E164: "+14015550100"}
	mississippi := Recipient{E164: "+16015550100"}
	utah := Recipient{E164: "+18015550100"}
	chicago, newYork, denver := "America/Chicago", "America/New_York", "America/Denver"

	// 2025-07-13 is a Sunday.
	runCheckCases(t, []checkCase{
		{name: "alabama sunday noon held", now: at(t, chicago, "2025-07-13 12:00"), recipient: alabama,
			next: at(t, chicago, "2025-07-14 08:00")},
		{name: "alabama saturday night skips sunday", now: at(t, chicago, "2025-07-12 20:30"), recipient: alabama,
			next: at(t, chicago, "2025-07-14 08:00")},
		{name: "alabama monday sent", now: at(t, chicago, "2025-07-14 19:59"), recipient: alabama, allowed: true},
		{name: "texas sunday waits for noon", now: at(t, chicago, "2025-07-13 10:00"), recipient: texas,
			next: at(t, chicago, "2025-07-13 12:00")},
		{name: "texas weekday waits for nine", now: at(t, chicago, "2025-07-14 08:30"), recipient: texas,
			next: at(t, chicago, "2025-07-14 09:00")},
		{name: "rhode island saturday 17:30 waits for monday", now: at(t, newYork, "2025-07-12 17:30"),
			recipient: rhodeIsland, next: at(t, newYork, "2025-07-14 09:00")},
		{name: "rhode island weekday 18:00 held", now: at(t, newYork, "2025-07-14 18:00"),
			recipient: rhodeIsland, next: at(t, newYork, "2025-07-15 09:00")},
		{name: "mississippi summer 08:30 is 07:30 standard", now: at(t, chicago, "2025-07-14 08:30"),
			recipient: mississippi, next: at(t, chicago, "2025-07-14 09:00")},
		{name: "mississippi summer 20:30 held", now: at(t, chicago, "2025-07-14 20:30"),
			recipient: mississippi, next: at(t, chicago, "2025-07-15 09:00")},
		{name: "mississippi winter 08:00 sent", now: at(t, chicago, "2025-01-13 08:00"),
			recipient: mississippi, allowed: true},
		{name: "utah sunday held", now: at(t, denver, "2025-07-13 10:00"), recipient: utah,
			next: at(t, denver, "2025-07-14 08:00")},
	})
}

func TestCheckAlabamaSundayReason(t *testing.T) {
	got := Check(at(t, "America/Chicago", "2025-07-13 12:00"), Recipient{E164: "+12055550100"}, Policy{}, 0,
		time.Time{})
	want := "Sunday in America/Chicago allows no texts under the AL rule; next allowed Mon 08:00"
	if got.Reason != want {
		t.Errorf("Check(Sunday Alabama).Reason = %q, want %q", got.Reason, want)
	}
}

// America/Chicago moves from CST (UTC−6) to CDT (UTC−5) at 02:00 on 2026-03-08 and back at 02:00 on
// 2026-11-01, so the same wall-clock edge falls at a different UTC time on each side.
func TestCheckChicagoDST(t *testing.T) {
	chicago := Recipient{E164: "+13125550199", TimeZone: "America/Chicago"}
	runCheckCases(t, []checkCase{
		{name: "spring night before opens at 13:00 UTC", now: utc(t, "2026-03-08 03:30"), recipient: chicago,
			next: utc(t, "2026-03-08 13:00")},
		{name: "spring 07:59 CDT held", now: utc(t, "2026-03-08 12:59"), recipient: chicago,
			next: utc(t, "2026-03-08 13:00")},
		{name: "spring 08:00 CDT sent", now: utc(t, "2026-03-08 13:00"), recipient: chicago, allowed: true},
		{name: "spring 20:59 CDT sent", now: utc(t, "2026-03-09 01:59"), recipient: chicago, allowed: true},
		{name: "spring 21:00 CDT held", now: utc(t, "2026-03-09 02:00"), recipient: chicago,
			next: utc(t, "2026-03-09 13:00")},
		{name: "spring skipped hour held", now: utc(t, "2026-03-08 08:30"), recipient: chicago,
			next: utc(t, "2026-03-08 13:00")},
		{name: "fall night before opens at 14:00 UTC", now: utc(t, "2026-11-01 03:00"), recipient: chicago,
			next: utc(t, "2026-11-01 14:00")},
		{name: "fall repeated hour held", now: utc(t, "2026-11-01 07:30"), recipient: chicago,
			next: utc(t, "2026-11-01 14:00")},
		{name: "fall 07:59 CST held", now: utc(t, "2026-11-01 13:59"), recipient: chicago,
			next: utc(t, "2026-11-01 14:00")},
		{name: "fall 20:59 CST sent", now: utc(t, "2026-11-02 02:59"), recipient: chicago, allowed: true},
		{name: "fall 21:00 CST held", now: utc(t, "2026-11-02 03:00"), recipient: chicago,
			next: utc(t, "2026-11-02 14:00")},
	})
}

func TestCheckBusinessWindow(t *testing.T) {
	chicago := Recipient{E164: "+13125550199"}
	nineToFive := Policy{Business: Window{9 * 60, 17 * 60}}
	wide := Policy{Business: Window{6 * 60, 23 * 60}}
	zone := "America/Chicago"

	runCheckCases(t, []checkCase{
		{name: "nine to five before nine", now: at(t, zone, "2025-07-15 08:30"), recipient: chicago,
			policy: nineToFive, next: at(t, zone, "2025-07-15 09:00")},
		{name: "nine to five noon", now: at(t, zone, "2025-07-15 12:00"), recipient: chicago, policy: nineToFive,
			allowed: true},
		{name: "nine to five at five", now: at(t, zone, "2025-07-15 17:00"), recipient: chicago,
			policy: nineToFive, next: at(t, zone, "2025-07-16 09:00")},
		{name: "wide clamped at seven", now: at(t, zone, "2025-07-15 07:00"), recipient: chicago, policy: wide,
			next: at(t, zone, "2025-07-15 08:00")},
		{name: "wide clamped at 21:30", now: at(t, zone, "2025-07-15 21:30"), recipient: chicago, policy: wide,
			next: at(t, zone, "2025-07-16 08:00")},
		{name: "wide clamped at 20:59", now: at(t, zone, "2025-07-15 20:59"), recipient: chicago, policy: wide,
			allowed: true},
		{name: "negative start clamped", now: at(t, zone, "2025-07-15 03:00"), recipient: chicago,
			policy: Policy{Business: Window{-60, 17 * 60}}, next: at(t, zone, "2025-07-15 08:00")},
		{name: "kentucky and business narrow together", now: at(t, "America/New_York", "2025-07-15 09:30"),
			recipient: Recipient{E164: "+15025550100"}, policy: nineToFive,
			next: at(t, "America/New_York", "2025-07-15 10:00")},
	})
}

func TestCheckBusinessWindowReason(t *testing.T) {
	got := Check(at(t, "America/Chicago", "2025-07-15 17:30"), Recipient{E164: "+13125550199"},
		Policy{Business: Window{9 * 60, 17 * 60}}, 0, time.Time{})
	want := "17:30 in America/Chicago is after 17:00 (business window); next allowed Wed 09:00"
	if got.Reason != want {
		t.Errorf("Check(17:30 nine to five).Reason = %q, want %q", got.Reason, want)
	}
}

func TestClampToDefault(t *testing.T) {
	tests := []struct {
		name string
		in   Window
		want Window
	}{
		{"zero means default", Window{}, Default},
		{"narrower kept", Window{9 * 60, 17 * 60}, Window{9 * 60, 17 * 60}},
		{"wider clamped", Window{6 * 60, 23 * 60}, Default},
		{"start clamped", Window{7 * 60, 18 * 60}, Window{8 * 60, 18 * 60}},
		{"end clamped", Window{10 * 60, 24 * 60}, Window{10 * 60, 21 * 60}},
		{"outside stays empty", Window{22 * 60, 23 * 60}, Window{22 * 60, 21 * 60}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clampToDefault(tt.in); got != tt.want {
				t.Errorf("clampToDefault(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckNeverAllowed(t *testing.T) {
	tests := []struct {
		name      string
		recipient Recipient
		policy    Policy
		reason    string
	}{
		{"half hour window in two zones", Recipient{E164: "+12085550100"},
			Policy{Business: Window{8 * 60, 8*60 + 30}}, "in all 2 zones at once"},
		{"reversed business window", Recipient{E164: "+13125550199"}, Policy{Business: Window{17 * 60, 9 * 60}},
			"no minute inside 08:00–21:00"},
		{"business window at night", Recipient{E164: "+13125550199"}, Policy{Business: Window{22 * 60, 23 * 60}},
			"no minute inside 08:00–21:00"},
		{"business window against kentucky", Recipient{E164: "+15025550100"},
			Policy{Business: Window{8 * 60, 9 * 60}}, "allows no texts"},
	}
	now := utc(t, "2025-01-15 17:00")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(now, tt.recipient, tt.policy, 0, time.Time{})
			if got.Allowed {
				t.Errorf("Check(%+v).Allowed = true, want false", tt.recipient)
			}
			if !got.Next.IsZero() {
				t.Errorf("Check(%+v).Next = %v, want zero", tt.recipient, got.Next)
			}
			if !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("Check(%+v).Reason = %q, want it to contain %q", tt.recipient, got.Reason, tt.reason)
			}
		})
	}
}

// Invalid or missing inputs must never panic and never allow a text at night in any zone considered.
func TestCheckInvalidInputsNeverAtNight(t *testing.T) {
	recipients := []Recipient{
		{},
		{E164: ""},
		{E164: "garbage", TimeZone: "Mars/Olympus", Fallback: "Nowhere/Else"},
		{E164: "+1", TimeZone: "Local"},
		{E164: "+12025550143", TimeZone: "../etc"},
		{E164: "\xff\xfe", Fallback: "\x00"},
		{E164: "+18005550100"},
		{E164: "+80012345678"},
	}
	start := utc(t, "2026-03-07 00:00")
	for _, recipient := range recipients {
		for minute := 0; minute < 3*24*60; minute += 15 {
			now := start.Add(time.Duration(minute) * time.Minute)
			got := Check(now, recipient, Policy{}, -1, time.Time{})
			if !got.Allowed {
				continue
			}
			for _, zone := range got.Zones {
				local := now.In(mustLoad(t, zone))
				if !Default.Contains(local.Hour()*60 + local.Minute()) {
					t.Errorf("Check(%v, %+v) allowed a text at %s in %s", now, recipient, local.Format("15:04"), zone)
				}
			}
		}
	}
}

func TestCheckNextIsAllowed(t *testing.T) {
	recipients := []Recipient{
		{E164: "+13125550199"},
		{E164: "+12085550100"},
		{E164: "+13055550100"},
		{E164: "+12055550100"},
		{E164: "+17375550100"},
		{E164: "+14015550100"},
		{E164: "+16015550100"},
		{E164: "+447400123456"},
		{E164: "+61412345678"},
	}
	start := utc(t, "2026-10-30 00:00")
	for _, recipient := range recipients {
		for minute := 0; minute < 4*24*60; minute += 37 {
			now := start.Add(time.Duration(minute) * time.Minute)
			got := Check(now, recipient, Policy{}, 0, time.Time{})
			if got.Allowed {
				continue
			}
			if !got.Next.After(now) {
				t.Errorf("Check(%v, %s).Next = %v, want after now", now, recipient.E164, got.Next)
				continue
			}
			if again := Check(got.Next, recipient, Policy{}, 0, time.Time{}); !again.Allowed {
				t.Errorf("Check(%v, %s) at its own Next is not allowed: %q", got.Next, recipient.E164, again.Reason)
			}
			if before := Check(got.Next.Add(-time.Minute), recipient, Policy{}, 0, time.Time{}); before.Allowed &&
				got.Next.Add(-time.Minute).After(now) {
				t.Errorf("Check(%v, %s).Next = %v, but a minute earlier is already allowed", now, recipient.E164,
					got.Next)
			}
		}
	}
}

func TestWallInstants(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	tests := []struct {
		name   string
		date   string
		minute int
		want   []time.Time
	}{
		{"ordinary day", "2026-07-15", 8 * 60, []time.Time{utc(t, "2026-07-15 13:00")}},
		{"spring skipped time", "2026-03-08", 2*60 + 30, nil},
		{"spring after change", "2026-03-08", 3 * 60, []time.Time{utc(t, "2026-03-08 08:00")}},
		{"fall repeated time", "2026-11-01", 60 + 30,
			[]time.Time{utc(t, "2026-11-01 06:30"), utc(t, "2026-11-01 07:30")}},
		{"fall midnight", "2026-11-01", 0, []time.Time{utc(t, "2026-11-01 05:00")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := utc(t, tt.date+" 00:00")
			got := wallInstants(chicago, date, tt.minute)
			if !slices.EqualFunc(got, tt.want, time.Time.Equal) {
				t.Errorf("wallInstants(Chicago, %s, %s) = %v, want %v", tt.date, clock(tt.minute), got, tt.want)
			}
		})
	}
}

// A window edge can fall in an hour that a DST change skips or repeats. The clamped federal window has no such
// edge in US zones, so these cases use a constraint built by hand.
func TestNextAllowedEdgeInDSTChange(t *testing.T) {
	chicago := mustLoad(t, "America/Chicago")
	constraintFor := func(w Window) []constraint {
		var days [7]dayRule
		for i := range days {
			days[i] = dayRule{window: w}
		}
		return []constraint{{loc: chicago, where: "in America/Chicago", days: days}}
	}
	tests := []struct {
		name   string
		window Window
		from   time.Time
		want   time.Time
	}{
		{"skipped start opens at the change", Window{2*60 + 30, 5 * 60}, utc(t, "2026-03-08 06:00"),
			utc(t, "2026-03-08 08:00")},
		{"skipped whole window", Window{2*60 + 10, 2*60 + 50}, utc(t, "2026-03-08 06:00"),
			utc(t, "2026-03-09 07:10")},
		{"repeated start opens again", Window{60 + 30, 60 + 45}, utc(t, "2026-11-01 06:50"),
			utc(t, "2026-11-01 07:30")},
		{"fall back reenters window", Window{30, 60 + 45}, utc(t, "2026-11-01 06:50"),
			utc(t, "2026-11-01 07:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nextAllowed(constraintFor(tt.window), tt.from, tt.from.Add(SearchLimit))
			if !got.Equal(tt.want) {
				t.Errorf("nextAllowed(%v from %v) = %v, want %v", tt.window, tt.from, got, tt.want)
			}
		})
	}
}

// The zones of the +1 plan share a short window: it opens at 08:00 in Pacific/Guam (UTC+10), 22:00 UTC, and
// closes at 21:00 in America/St_Johns, 23:30 UTC in July (UTC−2:30) and 00:30 UTC in January (UTC−3:30).
func TestCheckTollFreeSharedWindow(t *testing.T) {
	tollFree := Recipient{E164: "+18005550100"}
	runCheckCases(t, []checkCase{
		{name: "july before", now: utc(t, "2025-07-15 17:00"), recipient: tollFree,
			next: utc(t, "2025-07-15 22:00")},
		{name: "july opening", now: utc(t, "2025-07-15 22:00"), recipient: tollFree, allowed: true},
		{name: "july last minute", now: utc(t, "2025-07-15 23:29"), recipient: tollFree, allowed: true},
		{name: "july after", now: utc(t, "2025-07-15 23:30"), recipient: tollFree,
			next: utc(t, "2025-07-16 22:00")},
		{name: "january last minute", now: utc(t, "2025-01-16 00:29"), recipient: tollFree, allowed: true},
		{name: "january after", now: utc(t, "2025-01-16 00:30"), recipient: tollFree,
			next: utc(t, "2025-01-16 22:00")},
	})
}

func TestCheckNextInLocationOfNow(t *testing.T) {
	now := at(t, "America/Chicago", "2025-07-15 21:30")
	got := Check(now, Recipient{E164: "+13125550199"}, Policy{}, 0, time.Time{})
	if got.Next.Location() != now.Location() {
		t.Errorf("Check(%v).Next location = %v, want %v", now, got.Next.Location(), now.Location())
	}
}

func TestCheckAllowedReason(t *testing.T) {
	got := Check(utc(t, "2025-07-15 15:30"), Recipient{E164: "+12085550100"}, Policy{}, 0, time.Time{})
	want := "09:30 in America/Boise is inside 08:00–21:00, 08:30 in America/Los_Angeles is inside 08:00–21:00"
	if got.Reason != want {
		t.Errorf("Check(208 at 15:30 UTC).Reason = %q, want %q", got.Reason, want)
	}
}

func BenchmarkCheck(b *testing.B) {
	cases := []struct {
		name      string
		recipient Recipient
		now       time.Time
	}{
		{"allowed known zone", Recipient{E164: "+13125550199", TimeZone: "America/Chicago"},
			at(b, "America/Chicago", "2025-07-15 12:00")},
		{"held florida", Recipient{E164: "+13055550100"}, at(b, "America/New_York", "2025-07-15 20:15")},
		{"held two zones", Recipient{E164: "+12085550100"}, utc(b, "2025-07-16 03:30")},
		{"held toll free", Recipient{E164: "+18005550100"}, utc(b, "2025-07-15 17:00")},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			Check(bc.now, bc.recipient, Policy{}, 0, time.Time{})
			b.ReportAllocs()
			for b.Loop() {
				Check(bc.now, bc.recipient, Policy{}, 0, time.Time{})
			}
		})
	}
}
