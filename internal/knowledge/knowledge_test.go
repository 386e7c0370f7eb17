package knowledge

import (
	"strings"
	"testing"

	"github.com/textback/textback/internal/hours"
	"github.com/textback/textback/internal/store"
)

func plumber() Base {
	var week hours.Week
	for _, d := range []int{1, 2, 3, 4, 5} {
		week[d] = []hours.Range{{Start: 7 * 60, End: 17*60 + 30}}
	}
	week[6] = []hours.Range{{Start: 8 * 60, End: 12 * 60}}
	return Build(store.Knowledge{
		Services: []store.KnowledgeService{
			{Name: "Drain cleaning", Aliases: []string{"clog", "unclog"}, Price: "$150-$250"},
			{Name: "Water heater install", Aliases: []string{"water heater"}, Price: "$1,400-$2,600"},
		},
		Places:   []string{"Evanston", "Skokie"},
		Payment:  "We take cards and checks.",
		Policies: []store.KnowledgeNote{{Title: "cancellation", Answer: "Cancel 4 hours ahead"}},
	}, week)
}

func TestBuildHoursEntry(t *testing.T) {
	e, ok := plumber().Get("hours")
	if !ok {
		t.Fatal("no hours entry")
	}
	want := "Our hours: Mon-Fri 7am-5:30pm; Sat 8am-12pm; Sun closed."
	if e.Text != want {
		t.Errorf("hours text %q, want %q", e.Text, want)
	}
}

func TestBuildClosedWeekHasNoHours(t *testing.T) {
	if _, ok := Build(store.Knowledge{}, hours.Week{}).Get("hours"); ok {
		t.Error("a week closed every day gave an hours entry")
	}
}

func TestFind(t *testing.T) {
	base := plumber()
	cases := []struct {
		question string
		want     string // first entry id, or "" for none
	}{
		{"How much to unclog a kitchen sink?", "service:drain-cleaning"},
		{"what's the price of a new water heater", "service:water-heater-install"},
		{"Do you come out to Skokie?", "area"},
		{"are you open saturday", "hours"},
		{"Do you take credit cards", "payment"},
		{"what is your cancellation policy", "policy:cancellation"},
		{"Do you fix garage doors?", ""},
	}
	for _, c := range cases {
		matches := base.Find(c.question)
		got := ""
		if len(matches) > 0 {
			got = matches[0].Entry.ID
		}
		if got != c.want {
			t.Errorf("Find(%q) = %q, want %q", c.question, got, c.want)
		}
	}
}

func TestServiceTextQuotesPrice(t *testing.T) {
	e, _ := plumber().Get("service:water-heater-install")
	if !strings.Contains(e.Text, "$1,400-$2,600") {
		t.Errorf("service text %q lacks the price as written", e.Text)
	}
}

func TestStem(t *testing.T) {
	for in, want := range map[string]string{"drains": "drain", "cleaning": "clean", "policies": "policy", "gas": "gas"} {
		if got := Stem(in); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
}
