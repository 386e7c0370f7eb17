package ivr

import (
	"strings"

	"github.com/textback/textback/internal/store"
)

// Path returns a call's path through the menus in words, such as "menu main: pressed 2
// (emergency) → rang +13125550100: no answer within 20 s → voicemail → left a voicemail (32 s)".
func Path(steps []store.CallMenuStep) string {
	var b strings.Builder
	for i, s := range steps {
		switch {
		case i == 0:
		case i == 1 && steps[0].Kind == store.StepEntered:
			b.WriteString(": ")
		default:
			b.WriteString(" → ")
		}
		b.WriteString(s.Detail)
	}
	return b.String()
}

// TextBackChoice returns the latest step whose chosen option has a text-back template, or false
// when the caller chose none, and the business's own template applies.
func TextBackChoice(steps []store.CallMenuStep) (store.CallMenuStep, bool) {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].TextBack != "" {
			return steps[i], true
		}
	}
	return store.CallMenuStep{}, false
}
