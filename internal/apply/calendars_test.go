package apply

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/store/storetest"
)

// calendarsFile declares two calendars for acme-plumbing: repairs with every key set, and
// estimates with the defaults.
var calendarsFile = filepath.Join("..", "manifest", "testdata", "valid", "calendars.yaml")

// readFixture returns the text of the file at path.
func readFixture(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestApplyCalendars(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := load(t, calendarsFile)
		res, err := Apply(ctx, s, f)
		if err != nil {
			t.Fatalf("Apply error = %v", err)
		}
		if res.Calendars != 2 {
			t.Errorf("Result.Calendars = %d, want 2", res.Calendars)
		}
		b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.ListCalendars(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 2 {
			t.Fatalf("stored %d calendars, want 2", len(stored))
		}
		// ListCalendars orders by slug.
		estimates, repairs := stored[0], stored[1]
		want := f.Businesses[0].Calendars[0]
		checks := []struct {
			field     string
			got, want any
		}{
			{"Slug", repairs.Slug, "repairs"},
			{"Name", repairs.Name, want.Name},
			{"TimeZone", repairs.TimeZone, "America/Denver"},
			{"Hours", repairs.Hours, want.Hours},
			{"SlotLength", repairs.SlotLength, 90 * time.Minute},
			{"BufferBefore", repairs.BufferBefore, 15 * time.Minute},
			{"BufferAfter", repairs.BufferAfter, 30 * time.Minute},
			{"MinNotice", repairs.MinNotice, time.Duration(0)},
			{"Horizon", repairs.Horizon, 60 * 24 * time.Hour},
			{"MaxPerDay", repairs.MaxPerDay, 4},
			{"Closures", repairs.Closures, want.Closures},
			{"Address", repairs.Address, "1 Main St, Denver, CO"},
			{"estimates TimeZone", estimates.TimeZone, "America/Chicago"},
			{"estimates Hours", estimates.Hours, b.Hours},
			{"estimates Closures", len(estimates.Closures), 0},
		}
		for _, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
			}
		}
		for _, c := range stored {
			if c.FeedToken == "" {
				t.Errorf("calendar %s has no feed token", c.Slug)
			}
		}
	})
}

// Applying a changed file updates the calendar in place: its id and feed token stay, so bookings
// and feed subscriptions carry on.
func TestApplyCalendarsKeepsFeedToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		data := readFixture(t, calendarsFile)
		if _, err := Apply(ctx, s, parse(t, "textback.yaml", []byte(data))); err != nil {
			t.Fatal(err)
		}
		b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.GetCalendarBySlug(ctx, b.ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}

		changed := strings.Replace(data, "slot_length: 1h30m", "slot_length: 45m", 1)
		changed = strings.Replace(changed, "max_per_day: 4", "max_per_day: 2", 1)
		if _, err := Apply(ctx, s, parse(t, "textback.yaml", []byte(changed))); err != nil {
			t.Fatal(err)
		}
		after, err := s.GetCalendarBySlug(ctx, b.ID, "repairs")
		if err != nil {
			t.Fatal(err)
		}
		if after.ID != before.ID {
			t.Errorf("id changed from %d to %d", before.ID, after.ID)
		}
		if after.FeedToken != before.FeedToken {
			t.Error("feed token changed on apply, want it kept")
		}
		if after.SlotLength != 45*time.Minute || after.MaxPerDay != 2 {
			t.Errorf("after apply SlotLength = %s, MaxPerDay = %d, want 45m and 2", after.SlotLength, after.MaxPerDay)
		}
	})
}

// A calendar that the file stops listing stays, with its bookings, as every other row apply
// does not list does.
func TestApplyCalendarsRemovedFromFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := Apply(ctx, s, load(t, calendarsFile)); err != nil {
			t.Fatal(err)
		}
		data := readFixture(t, calendarsFile)
		withoutEstimates, _, _ := strings.Cut(data, "      - slug: estimates")
		res, err := Apply(ctx, s, parse(t, "textback.yaml", []byte(withoutEstimates)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Calendars != 1 {
			t.Errorf("Result.Calendars = %d, want 1", res.Calendars)
		}
		b, err := s.GetBusinessBySlug(ctx, "acme-plumbing")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetCalendarBySlug(ctx, b.ID, "estimates"); err != nil {
			t.Errorf("estimates after removing it from the file: %v, want it kept", err)
		}
	})
}

func TestApplyReadmeCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := mustApply(t, s, parse(t, "README.md", readmeExample(t)))
		calendars, err := s.ListCalendars(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(calendars) != 1 {
			t.Fatalf("README example stored %d calendars, want 1", len(calendars))
		}
		if c := calendars[0]; !c.Bookable() || c.TimeZone != b.TimeZone {
			t.Errorf("README calendar = %+v, want it bookable in the business's zone", c)
		}
	})
}
