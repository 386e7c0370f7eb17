package assistant

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/textback/textback/internal/knowledge"
)

var (
	// digitRun matches a number as written, with thousands separators and decimals: "1,400", "2.5".
	digitRun = regexp.MustCompile(`\d[\d,]*(\.\d+)?`)
	// promiseWords are words that offer something: a price cut, a guarantee or a time slot. A
	// model's reply may use one only when a cited entry uses it too.
	promiseWords = wordList(`free discount discounts discounted complimentary waive waived waiving guarantee
		guaranteed guarantees promise promised promo promotion coupon deal deals off refund refunds rebate
		special specials today tonight tomorrow available availability opening openings slot slots
		immediately asap instant same-day`)
)

// checkReply returns why reply states something the entries do not: a number (price, percentage,
// duration) or a promise word missing from every entry's text. It returns "" when every such
// detail appears in the entries.
func checkReply(reply string, entries []knowledge.Entry) string {
	var source strings.Builder
	for _, e := range entries {
		source.WriteString(e.Text)
		source.WriteString(" ")
	}
	allowedNumbers := map[string]bool{}
	for _, n := range digitRun.FindAllString(source.String(), -1) {
		allowedNumbers[strings.ReplaceAll(n, ",", "")] = true
	}
	for _, n := range digitRun.FindAllString(reply, -1) {
		if !allowedNumbers[strings.ReplaceAll(n, ",", "")] {
			return fmt.Sprintf("it states %q, which no cited entry contains", n)
		}
	}
	allowedWords := map[string]bool{}
	for _, w := range knowledge.Words(source.String()) {
		allowedWords[w] = true
	}
	for _, w := range knowledge.Words(reply) {
		if promiseWords[w] && !allowedWords[w] {
			return fmt.Sprintf("it says %q, which no cited entry contains", w)
		}
	}
	if strings.Contains(reply, "%") && !strings.Contains(source.String(), "%") {
		return "it states a percentage, which no cited entry contains"
	}
	return ""
}
