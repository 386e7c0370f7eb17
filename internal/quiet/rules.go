package quiet

import (
	"fmt"
	"time"

	"github.com/textback/textback/internal/phone"
)

// minutesPerDay is the number of minutes from one local midnight to the next on a day without a DST change.
const minutesPerDay = 24 * 60

// Window is the part of each day when automated texts may go, as minutes after local midnight: Start
// inclusive, End exclusive. A window with Start >= End, or outside 0 to 1440, contains no minute.
type Window struct {
	Start, End int
}

// Default is 08:00–21:00, the federal telephone-solicitation window (47 CFR 64.1200(c)(1)).
var Default = Window{8 * 60, 21 * 60}

// Contains reports whether minute, counted from local midnight, is inside w.
func (w Window) Contains(minute int) bool {
	return !w.Empty() && minute >= w.Start && minute < w.End
}

// Empty reports whether w contains no minute.
func (w Window) Empty() bool {
	return w.Start >= w.End || w.Start < 0 || w.End > minutesPerDay
}

// String returns w as "08:00–21:00".
func (w Window) String() string {
	return clock(w.Start) + "–" + clock(w.End)
}

// clock returns minute, counted from local midnight, as "08:00".
func clock(minute int) string {
	return fmt.Sprintf("%02d:%02d", minute/60, minute%60)
}

// Rule is a US state's rule that is stricter than Default.
type Rule struct {
	// State is the two-letter postal code, for example "FL".
	State string
	// Days contains the window of each weekday, indexed by time.Weekday. A nil entry means no texts that day.
	Days [7]*Window
	// Cap24h is the maximum number of automated texts to one recipient in any 24 hours, or 0 for no cap.
	Cap24h int
	// Clock is the IANA zone of a fixed clock that the statute reads its hours in, or "" when the hours are the
	// recipient's local time. Check applies Days in Clock as well as in the recipient's zones.
	Clock string
	// Source names the statute and the pages the row was taken from.
	Source string
}

// everyDay returns the same window for all seven days.
func everyDay(w Window) [7]*Window {
	var days [7]*Window
	for i := range days {
		day := w
		days[i] = &day
	}
	return days
}

// noSunday returns w for Monday to Saturday and no texts on Sunday.
func noSunday(w Window) [7]*Window {
	days := everyDay(w)
	days[time.Sunday] = nil
	return days
}

// withSunday returns weekday for Monday to Saturday and sunday for Sunday.
func withSunday(weekday, sunday Window) [7]*Window {
	days := everyDay(weekday)
	days[time.Sunday] = &sunday
	return days
}

// Rules contains the states with rules stricter than Default, keyed by postal code, as compiled on 2026-12-04.
//
// Where a statute gives its hours for solicitation calls, the row applies them to automated texts. Where the
// pages disagree, the row keeps the stricter reading. Exemptions for consent or an existing business
// relationship are not modelled, so each row holds texts that the statute may allow.
//
// NOTE: Pennsylvania is missing because the one chart read for it was garbled.
var Rules = map[string]Rule{
	"AL": {
		State: "AL",
		Days:  noSunday(Window{8 * 60, 20 * 60}),
		Source: "Ala. Admin. Code r. 770-X-5-.17(1)(b), current through 2024-11-27: no automated solicitation " +
			"calls on Sundays or holidays, otherwise 08:00–20:00 (https://d1tvxue8o4w0fl.cloudfront.net/" +
			"regulation/alabama-administrative-code/title-770-alabama-public-service-commission/" +
			"chapter-770-x-5-telephone-rules/section-770-x-5-17-live-and-automated-solicitations-and-announcements)",
	},
	"CT": {
		State: "CT",
		Days:  everyDay(Window{9 * 60, 20 * 60}),
		Source: "Conn. Gen. Stat. § 42-288a as amended by Public Act 23-98 (in force 2023-10-01); " +
			"hours 09:00–20:00 from https://www.dropcowboy.com/state-compliance (updated " +
			"2025-11-01), while https://blog.clickpointsoftware.com/telemarketing-calling-hours-by-state gives " +
			"09:00–21:00, so the stricter is kept; the statute text with the hours was not read",
	},
	"FL": {
		State:  "FL",
		Days:   everyDay(Window{8 * 60, 20 * 60}),
		Cap24h: 3,
		Source: "Fla. Stat. § 501.616(6)(a) 08:00–20:00 and (6)(b) no more than 3 calls in 24 hours on the same " +
			"subject, as amended by 2021 SB 1120 " +
			"(https://flsenate.gov/Session/Bill/2021/1120/BillText/Filed/HTML, " +
			"http://www.lawserver.com/law/state/florida/statutes/florida_statutes_501-616)",
	},
	"KY": {
		State: "KY",
		Days:  everyDay(Window{10 * 60, 21 * 60}),
		Source: "Kentucky telephone solicitation law (KRS 367.46951 to 367.46999); hours 10:00–21:00 from " +
			"https://www.dropcowboy.com/state-compliance (updated 2025-11-01) and " +
			"https://blog.clickpointsoftware.com/telemarketing-calling-hours-by-state; the statute text with " +
			"the hours was not read",
	},
	"LA": {
		State: "LA",
		Days:  noSunday(Window{8 * 60, 20 * 60}),
		Source: "La. R.S. 45:811(2) and (3): automated or live sales calls only 08:00–20:00 Monday to Saturday, " +
			"none on Sundays or state holidays (https://lawserver.com/?p=30183792)",
	},
	"MA": {
		State: "MA",
		Days:  everyDay(Window{8 * 60, 20 * 60}),
		Source: "hours 08:00–20:00 from https://www.dropcowboy.com/state-compliance (updated 2025-11-01) and " +
			"https://blog.clickpointsoftware.com/telemarketing-calling-hours-by-state; the statute was not read",
	},
	"MD": {
		State:  "MD",
		Days:   everyDay(Window{8 * 60, 20 * 60}),
		Cap24h: 3,
		Source: "Stop the Spam Calls Act of 2023 (SB 90, in force 2024-01-01): 08:00–20:00 in the called " +
			"party's time zone and no more than 3 calls or texts in 24 hours on the same subject " +
			"(https://www.dnc.com/index.php/news/maryland-governor-signs-stop-spam-calls-act-2023-law, " +
			"https://www.wmar2news.com/local/law-to-prevent-spam-calls-takes-effect-first-of-the-year)",
	},
	"MI": {
		State: "MI",
		Days:  everyDay(Window{9 * 60, 21 * 60}),
		Source: "hours 09:00–21:00 from https://www.dropcowboy.com/state-compliance (updated 2025-11-01); " +
			"the statute was not read",
	},
	"MN": {
		State: "MN",
		Days:  everyDay(Window{9 * 60, 21 * 60}),
		Source: "hours 09:00–21:00 from https://www.dropcowboy.com/state-compliance (updated 2025-11-01); " +
			"the statute was not read",
	},
	"MS": {
		State: "MS",
		Days:  noSunday(Window{8 * 60, 20 * 60}),
		Clock: "Etc/GMT+6",
		Source: "Miss. Code Ann. § 77-3-723(1): 08:00–20:00 Central Standard Time, none on Sunday " +
			"(https://getpocketlaw.com/law/state_mississippi/section-77-3-723-rules-for-authorized-calls_57b73fa7ff73, " +
			"https://www.dnc.com/blog/no-more-holidays-mississippi-marketers-magnolia-state-lifts-prohibition-telemarketing-legal); " +
			"the hours are read both in standard time (UTC−6) and in the recipient's time",
	},
	"NM": {
		State: "NM",
		Days:  everyDay(Window{9 * 60, 21 * 60}),
		Source: "hours 09:00–21:00 from https://www.dropcowboy.com/state-compliance (updated 2025-11-01); " +
			"the statute was not read",
	},
	"NV": {
		State: "NV",
		Days:  everyDay(Window{9 * 60, 20 * 60}),
		Source: "hours 09:00–20:00 from https://www.dropcowboy.com/state-compliance (updated 2025-11-01); " +
			"the statute was not read",
	},
	"OK": {
		State:  "OK",
		Days:   everyDay(Window{8 * 60, 20 * 60}),
		Cap24h: 3,
		Source: "Okla. Stat. tit. 15, § 775C.4 (Telephone Solicitation Act of 2022, HB 3168, in force " +
			"2022-11-01): 08:00–20:00 and no more than 3 calls in 24 hours on the same subject " +
			"(https://dnc.dreamhosters.com/?p=1309, " +
			"https://blog.clickpointsoftware.com/federal-and-local-call-time-and-date-compliance)",
	},
	"RI": {
		State: "RI",
		Days: func() [7]*Window {
			days := noSunday(Window{9 * 60, 18 * 60})
			days[time.Saturday] = &Window{10 * 60, 17 * 60}
			return days
		}(),
		Source: "R.I. Gen. Laws § 5-61-2(2) hours of operation, Monday to Friday 09:00–18:00 and Saturday " +
			"10:00–17:00, and § 5-61-3.6, no unsolicited sales calls outside them " +
			"(https://instalawyer.io/laws/rhode-island-general-laws/section-5-61-2-definitions, " +
			"http://webserver.rilin.state.ri.us/Statutes/TITLE5/5-61/5-61-3.6.HTM)",
	},
	"TX": {
		State: "TX",
		Days:  withSunday(Window{9 * 60, 21 * 60}, Window{12 * 60, 21 * 60}),
		Source: "Texas Business and Commerce Code: 09:00–21:00 " +
			"(https://legalclarity.org/what-is-the-legal-time-to-call-customers-in-texas); the Sunday start at " +
			"12:00 was not found in the pages read and is kept because a later start only holds texts longer",
	},
	"UT": {
		State: "UT",
		Days:  noSunday(Window{8 * 60, 21 * 60}),
		Source: "Utah Code § 13-25a-103(3): no solicitation without prior express consent between 21:00 and " +
			"08:00, on a Sunday or on a legal holiday " +
			"(https://codes.findlaw.com/ut/title-13-commerce-and-trade/ut-code-sect-13-25a-103/)",
	},
	"WA": {
		State: "WA",
		Days:  everyDay(Window{8 * 60, 20 * 60}),
		Source: "RCW 19.158.040(2): no commercial solicitation calls received before 08:00 or after 20:00 at " +
			"the recipient's local time (https://app.leg.wa.gov/RCW/default.aspx?cite=19.158.040)",
	},
}

// State returns the two-letter postal code of the US state that the area code of the +1 number e164 belongs
// to, or "" for other numbers. It is phone.USState, so the result describes where the number was issued.
func State(e164 string) string {
	return phone.USState(e164)
}
