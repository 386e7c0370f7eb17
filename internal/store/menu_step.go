package store

import (
	"context"
	"fmt"
	"time"

	"github.com/textback/textback/internal/store/dbsqlc"
)

// HandlingMenu marks a call that a phone menu answered; its path is in its menu steps.
const HandlingMenu Handling = "menu"

// MenuStepKind is what happened at one step of a call's path through a phone menu.
type MenuStepKind string

const (
	StepEntered   MenuStepKind = "entered"   // the call reached its first menu
	StepPressed   MenuStepKind = "pressed"   // the caller pressed an option's key
	StepSaid      MenuStepKind = "said"      // the caller said an option's word
	StepNoInput   MenuStepKind = "no-input"  // the caller chose nothing before the timeout
	StepInvalid   MenuStepKind = "invalid"   // the caller pressed a key or said words that choose no option
	StepDialed    MenuStepKind = "dialed"    // the numbers an option rang stopped ringing or hung up
	StepVoicemail MenuStepKind = "voicemail" // the caller finished a voicemail, or left none
	StepLost      MenuStepKind = "lost"      // the step refers to a menu that no longer exists, or to too many steps
)

// MenuNext is the instruction that textback gave the provider after a menu step.
type MenuNext string

const (
	NextGather    MenuNext = "gather"    // wait for input at a menu
	NextDial      MenuNext = "dial"      // ring numbers
	NextRecord    MenuNext = "record"    // record a voicemail
	NextConnected MenuNext = "connected" // nothing: a rung number took the call
	NextEnd       MenuNext = "end"       // hang up
)

// CallMenuStep is one step of a call's path through a phone menu.
type CallMenuStep struct {
	CallID CallID
	// Step is the step's number: 0 for the call's first webhook, then the number textback put in
	// the callback URL of each later step.
	Step int
	// Menu is the menu the step belongs to.
	Menu string
	Kind MenuStepKind
	// Input is the key pressed or the words said, as the provider sent them.
	Input string
	// Option and Label are the key and label of the option chosen at this step, if any.
	Option string
	Label  string
	// Detail is the step in words for the call's record, such as "pressed 2 (emergency)".
	Detail string
	Next   MenuNext
	// TextBack is the text-back template of the option chosen, when it has one; Requested marks an
	// option where the caller asked for the text, such as the booking link.
	TextBack  string
	Requested bool
	// At is when the step happened. ExpectBy is when the provider's next webhook is due at the
	// latest while the caller is still on the line; zero after NextEnd and NextConnected.
	At       time.Time
	ExpectBy time.Time
}

// InsertCallMenuStep records a step of a call's path. It reports false when the step was recorded
// before, which keeps the first record.
func (o ops) InsertCallMenuStep(ctx context.Context, s CallMenuStep) (bool, error) {
	n, err := o.q.InsertCallMenuStep(ctx, dbsqlc.InsertCallMenuStepParams{
		CallID:     int64(s.CallID),
		Step:       int32(s.Step),
		Menu:       s.Menu,
		Kind:       string(s.Kind),
		Input:      s.Input,
		OptionKey:  s.Option,
		Label:      s.Label,
		Detail:     s.Detail,
		NextAction: string(s.Next),
		TextBack:   s.TextBack,
		Requested:  s.Requested,
		OccurredAt: ts(s.At),
		ExpectBy:   nullTime(s.ExpectBy),
		CreatedAt:  o.Now(),
	})
	if err != nil {
		return false, fmt.Errorf("record menu step %d of call %d: %w", s.Step, s.CallID, err)
	}
	return n == 1, nil
}

// ListCallMenuSteps returns the call's menu steps in step order.
func (o ops) ListCallMenuSteps(ctx context.Context, call CallID) ([]CallMenuStep, error) {
	rows, err := o.q.ListCallMenuSteps(ctx, int64(call))
	if err != nil {
		return nil, fmt.Errorf("list menu steps of call %d: %w", call, err)
	}
	out := make([]CallMenuStep, len(rows))
	for i, row := range rows {
		out[i] = CallMenuStep{
			CallID: CallID(row.CallID), Step: int(row.Step), Menu: row.Menu, Kind: MenuStepKind(row.Kind),
			Input: row.Input, Option: row.OptionKey, Label: row.Label, Detail: row.Detail,
			Next: MenuNext(row.NextAction), TextBack: row.TextBack, Requested: row.Requested,
			At: row.OccurredAt.UTC(), ExpectBy: timeOf(row.ExpectBy),
		}
	}
	return out, nil
}

// SetContactTextBackAt records a text back to the contact at now without checking the window,
// for a text that the caller asked for.
func (o ops) SetContactTextBackAt(ctx context.Context, business BusinessID, id ContactID, now time.Time) error {
	err := o.q.SetContactTextBackAt(ctx, dbsqlc.SetContactTextBackAtParams{
		BusinessID: int64(business), ID: int64(id), LastTextBackAt: nullTime(now),
	})
	if err != nil {
		return fmt.Errorf("record text back to contact %d: %w", id, err)
	}
	return nil
}
