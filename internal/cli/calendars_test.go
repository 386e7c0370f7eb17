package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// seedCalendars adds a bookable repairs calendar and an installs calendar without hours to the
// seeded business and returns them, by slug.
func seedCalendars(t *testing.T, target string) map[string]store.Calendar {
	t.Helper()
	ctx := context.Background()
	s := storetest.OpenWith(t, target, store.Options{})
	defer s.Close()
	b, err := s.GetBusinessBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var week hours.Week
	week[time.Monday] = []hours.Range{{Start: 9 * 60, End: 17 * 60}}
	out := map[string]store.Calendar{}
	for _, c := range []store.Calendar{
		{Slug: "repairs", Name: "Repairs", Hours: week},
		{Slug: "installs", Name: "Installs"},
	} {
		c.BusinessID, c.TimeZone, c.SlotLength, c.Horizon = b.ID, "America/Chicago", time.Hour, 30*24*time.Hour
		saved, err := s.UpsertCalendar(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out[saved.Slug] = saved
	}
	return out
}

// calendarByToken returns the calendar whose feed token is token.
func calendarByToken(t *testing.T, target, token string) (store.Calendar, error) {
	t.Helper()
	s := storetest.OpenWith(t, target, store.Options{})
	defer s.Close()
	return s.GetCalendarByFeedToken(context.Background(), token)
}

func TestCalendarsCommand(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			target := seedDatabase(t, d)
			calendars := seedCalendars(t, target)
			repairsURL := publicURL + "/calendars/" + calendars["repairs"].FeedToken + ".ics"

			code, stdout, stderr := run(t, "calendars", "--db", target, "--business", "acme", "--public-url", publicURL)
			if code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			header := regexp.MustCompile(`(?m)^SLUG\s+NAME\s+TIME ZONE\s+BOOKABLE\s+FEED URL$`)
			if !header.MatchString(stdout) {
				t.Errorf("table has no header:\n%s", stdout)
			}
			rows := []*regexp.Regexp{
				regexp.MustCompile(`(?m)^installs\s+Installs\s+America/Chicago\s+no \(no hours\)\s+` +
					regexp.QuoteMeta(publicURL+"/calendars/"+calendars["installs"].FeedToken+".ics") + `$`),
				regexp.MustCompile(`(?m)^repairs\s+Repairs\s+America/Chicago\s+yes\s+` + regexp.QuoteMeta(repairsURL) + `$`),
			}
			for _, row := range rows {
				if !row.MatchString(stdout) {
					t.Errorf("table has no row matching %s:\n%s", row, stdout)
				}
			}
			if !strings.Contains(stdout, "booking page: "+publicURL+"/book/acme\n") {
				t.Errorf("output does not give the booking page:\n%s", stdout)
			}

			code, stdout, stderr = run(t, "calendars", "--db", target, "--business", "acme", "--public-url", publicURL, "--json")
			if code != 0 {
				t.Fatalf("--json: exit code %d, stderr:\n%s", code, stderr)
			}
			var list struct {
				Business       string `json:"business"`
				BookingPageURL string `json:"booking_page_url"`
				Calendars      []struct {
					Slug     string `json:"slug"`
					Bookable bool   `json:"bookable"`
					FeedURL  string `json:"feed_url"`
				} `json:"calendars"`
			}
			if err := json.Unmarshal([]byte(stdout), &list); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
			}
			if list.Business != "acme" || list.BookingPageURL != publicURL+"/book/acme" {
				t.Errorf("business %q, booking page %q", list.Business, list.BookingPageURL)
			}
			if len(list.Calendars) != 2 || list.Calendars[1].Slug != "repairs" || !list.Calendars[1].Bookable ||
				list.Calendars[1].FeedURL != repairsURL {
				t.Errorf("calendars = %+v, want installs, then repairs with %s", list.Calendars, repairsURL)
			}
		})
	}
}

func TestCalendarsRotateFeed(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			target := seedDatabase(t, d)
			old := seedCalendars(t, target)["repairs"]

			code, stdout, stderr := run(t, "calendars", "--db", target, "--business", "acme",
				"--public-url", publicURL, "--rotate-feed", "repairs")
			if code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
			}
			match := regexp.MustCompile(`^new feed URL of repairs: ` + regexp.QuoteMeta(publicURL) +
				`/calendars/(\S+)\.ics\n`).FindStringSubmatch(stdout)
			if match == nil {
				t.Fatalf("output does not give the new feed URL:\n%s", stdout)
			}
			if match[1] == old.FeedToken {
				t.Error("the feed token did not change")
			}
			if cal, err := calendarByToken(t, target, match[1]); err != nil || cal.ID != old.ID {
				t.Errorf("new token names calendar %d (%v), want %d", cal.ID, err, old.ID)
			}
			if _, err := calendarByToken(t, target, old.FeedToken); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("old token: error %v, want not found", err)
			}

			code, stdout, _ = run(t, "calendars", "--db", target, "--business", "acme",
				"--rotate-feed", "repairs", "--json")
			var row struct {
				Slug    string `json:"slug"`
				FeedURL string `json:"feed_url"`
			}
			if err := json.Unmarshal([]byte(stdout), &row); code != 0 || err != nil {
				t.Fatalf("--json: exit code %d, output %q (%v)", code, stdout, err)
			}
			// Without --public-url, URLs start from the default listen address, as serve's do.
			if row.Slug != "repairs" || !strings.HasPrefix(row.FeedURL, "http://127.0.0.1:8080/calendars/") ||
				strings.Contains(row.FeedURL, match[1]) {
				t.Errorf("--json row = %+v, want repairs with a third feed URL", row)
			}
		})
	}
}

func TestCalendarsCommandErrors(t *testing.T) {
	target := seedDatabase(t, store.SQLite)
	seedCalendars(t, target)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing business", []string{"calendars", "--db", target}, 1, "missing --business"},
		{"unknown business", []string{"calendars", "--db", target, "--business", "nope"}, 1,
			`unknown business "nope"`},
		{"unknown calendar", []string{"calendars", "--db", target, "--business", "acme", "--rotate-feed", "vans"}, 1,
			`unknown calendar "vans": acme has no calendar with that slug`},
		{"unknown flag", []string{"calendars", "--db", target, "--frobnicate"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr does not contain %q:\n%s", tt.want, stderr)
			}
		})
	}
}
