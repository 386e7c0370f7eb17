// Package ivr runs a business's phone menu. For each webhook of a call it returns the instructions
// that answer it, as a provider.Script that each provider adapter renders in its own markup, and
// the step of the call's path that the webhook completes, which the call's record keeps.
//
// The functions are pure: the answer depends only on the menu definition, the webhook and the
// state that textback put in the callback URL of the step (the menu, the step number, how many
// times the menu played, the chosen option). So the webhook handler, which answers the provider,
// and the processor, which records the step later, compute the same result, and a webhook that
// the provider sends twice gets the same answer twice.
package ivr

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Limits of a call's path through the menus.
const (
	// MaxSteps bounds the steps of one call. A caller who goes round the menus for more steps than
	// this hears the goodbye and the call ends, so that a menu loop cannot keep a call open.
	MaxSteps = 40
	// stepGrace is added to each step's own length, such as a ring's seconds, to give the time by
	// which the provider's next webhook is due. Past it, with no status callback, the caller is
	// taken to have hung up.
	stepGrace = 2 * time.Minute
)

// Query parameters of the menu callback URLs.
const (
	paramNumber = provider.MenuNumberParam
	paramMenu   = "menu"
	paramStep   = provider.MenuStepParam
	paramTry    = "try"
	paramOption = "option"
	paramTarget = "target"
)

// Position is the state of a menu step that textback keeps in the query string of the step's
// callback URLs.
type Position struct {
	Menu string
	// Step numbers the call's steps: the first menu is step 1, and each answer hands out the next.
	Step int
	// Try counts how many times the menu has played at a Gather, from 1.
	Try int
	// Option is the key of the option whose Dial or Record the step answers.
	Option string
	// Target is the index in the option's Ring of the number rung, for options that ring in order.
	Target int
}

// ParsePosition reads the position from a callback's encoded query string.
func ParsePosition(state string) (Position, error) {
	query, err := url.ParseQuery(state)
	if err != nil {
		return Position{}, fmt.Errorf("invalid menu state %q: %w", state, err)
	}
	p := Position{Menu: query.Get(paramMenu), Option: query.Get(paramOption)}
	if p.Menu == "" {
		return Position{}, errors.New("missing menu parameter")
	}
	if p.Step, err = positiveInt(query, paramStep, 1); err != nil {
		return Position{}, err
	}
	if p.Try, err = positiveInt(query, paramTry, 1); err != nil {
		return Position{}, err
	}
	if p.Target, err = positiveInt(query, paramTarget, 0); err != nil {
		return Position{}, err
	}
	return p, nil
}

// positiveInt reads a whole number of at least low from query; an absent value is low.
func positiveInt(query url.Values, name string, low int) (int, error) {
	raw := query.Get(name)
	if raw == "" {
		return low, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < low || n > 1_000_000 {
		return 0, fmt.Errorf("invalid %s parameter %q: expected a whole number from %d", name, raw, low)
	}
	return n, nil
}

// callback returns the callback of route at p, which names the business number for routing.
func (p Position) callback(route provider.CallbackRoute, number string) provider.Callback {
	query := url.Values{paramMenu: {p.Menu}, paramStep: {strconv.Itoa(p.Step)}}
	if number != "" {
		query.Set(paramNumber, number)
	}
	if p.Try > 1 {
		query.Set(paramTry, strconv.Itoa(p.Try))
	}
	if p.Option != "" {
		query.Set(paramOption, p.Option)
	}
	if p.Target > 0 {
		query.Set(paramTarget, strconv.Itoa(p.Target))
	}
	return provider.Callback{Route: route, Query: query}
}

// Request is one webhook of a call whose number has a menu.
type Request struct {
	Business store.Business
	Number   store.Number
	Event    provider.Event
	// At is when the webhook was first received; the hours are read at this moment.
	At time.Time
	// Goodbye is spoken before textback hangs up on a caller: the missed-call message, or for a
	// caller who cannot be texted, a message that promises no text.
	Goodbye string
	// CallerTextable is false for a withheld or invalid caller id, which cannot get the booking link.
	CallerTextable bool
	// ScreenDeclined is true when the person who answered a rung number hung up at the screening
	// prompt, so that the completed Dial reached nobody.
	ScreenDeclined bool
}

// Result is the answer to a webhook and the step of the path it completes.
type Result struct {
	Script provider.Script
	// Step is the step for the call's record, without its CallID.
	Step store.CallMenuStep
}

// ErrNoMenu means that the call's number plays no menu.
var ErrNoMenu = errors.New("the number plays no menu")

// Start returns the first menu of a call that arrives at req.At, or ErrNoMenu when the number plays
// none.
func Start(req Request) (Result, error) {
	ivr := req.Business.Settings.IVR
	first, why, ok := FirstMenu(req.Business, req.Number.E164, req.At)
	if !ok {
		return Result{}, ErrNoMenu
	}
	menu, ok := ivr.MenuByID(first)
	if !ok {
		return lost(req, Position{Menu: first}, 0, fmt.Sprintf("menu %s is not defined", first)), nil
	}
	r := newRun(req)
	pos := Position{Menu: menu.ID, Step: 1, Try: 1}
	var prompt []string
	if ivr.Greeting != "" {
		prompt = append(prompt, r.spoken(ivr.Greeting))
	}
	script := r.gather(menu, pos, prompt...)
	detail := "menu " + menu.ID
	if why != "" {
		detail += " (" + why + ")"
	}
	step := store.CallMenuStep{Menu: menu.ID, Kind: store.StepEntered, Detail: detail}
	return r.result(script, step, store.NextGather), nil
}

// Continue answers a menu webhook: the input at a menu, the end of a Dial or of a Record.
// A business whose menu was removed while the call was in it ends the call.
func Continue(req Request) (Result, error) {
	pos, err := ParsePosition(req.Event.State)
	if err != nil {
		return Result{}, fmt.Errorf("read menu step of call %s: %w", req.Event.CallID, err)
	}
	if req.Business.Settings.IVR == nil {
		return lost(req, pos, pos.Step, "the business no longer has a menu"), nil
	}
	if pos.Step >= MaxSteps {
		return lost(req, pos, pos.Step, fmt.Sprintf("stopped after %d steps", MaxSteps)), nil
	}
	menu, ok := req.Business.Settings.IVR.MenuByID(pos.Menu)
	if !ok {
		return lost(req, pos, pos.Step, fmt.Sprintf("menu %s no longer exists", pos.Menu)), nil
	}
	r := newRun(req)
	switch req.Event.Type {
	case provider.CallMenuInput:
		return r.input(menu), nil
	case provider.CallMenuDialEnded:
		return r.dialEnded(menu), nil
	case provider.CallVoicemail:
		return r.voicemailEnded(), nil
	}
	return Result{}, fmt.Errorf("event %s of call %s is not a menu step", req.Event.Type, req.Event.CallID)
}

// lost ends a call whose step cannot go on: its menu or option no longer exists, or it took too
// many steps. The caller hears the goodbye.
func lost(req Request, pos Position, step int, why string) Result {
	r := newRun(req)
	r.pos = pos
	r.pos.Step = step
	return r.result(r.goodbye(), store.CallMenuStep{Menu: pos.Menu, Kind: store.StepLost, Detail: why}, store.NextEnd)
}
