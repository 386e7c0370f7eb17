package ivr

import (
	"fmt"
	"strings"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// Routes that follow an unanswered ring or the hours, as MenuOption.Then writes them.
const (
	ThenVoicemail  = "voicemail"
	ThenHangup     = "hangup"
	ThenMenuPrefix = "menu:"
)

// input answers the caller's input at menu: a key, spoken words, or nothing before the timeout.
func (r *run) input(menu store.Menu) Result {
	digits := strings.TrimSpace(r.req.Event.Digits)
	speech := strings.TrimSpace(r.req.Event.Speech)
	switch {
	case digits != "":
		option, ok := menu.OptionByKey(digits)
		if !ok {
			return r.retry(menu, store.StepInvalid, digits, fmt.Sprintf("pressed %s (not an option)", digits))
		}
		step := store.CallMenuStep{Menu: menu.ID, Kind: store.StepPressed, Input: digits,
			Detail: fmt.Sprintf("pressed %s (%s)", digits, optionName(option))}
		return r.choose(menu, option, step)
	case speech != "" && r.ivr.Speech:
		option, ok := matchSpeech(menu, speech)
		if !ok {
			return r.retry(menu, store.StepInvalid, speech, fmt.Sprintf("said %q (no option)", speech))
		}
		step := store.CallMenuStep{Menu: menu.ID, Kind: store.StepSaid, Input: speech,
			Detail: fmt.Sprintf("said %q (%s)", speech, optionName(option))}
		return r.choose(menu, option, step)
	}
	return r.retry(menu, store.StepNoInput, "", "no input")
}

// retry plays menu again after no input or an invalid one, until its replays run out, and then
// takes its default option, or hangs up when it has none.
func (r *run) retry(menu store.Menu, kind store.MenuStepKind, input, detail string) Result {
	step := store.CallMenuStep{Menu: menu.ID, Kind: kind, Input: input, Detail: detail}
	if r.pos.Try <= menu.Replays {
		message := r.spokenOr(r.ivr.NoInputMessage, DefaultNoInputMessage)
		if kind == store.StepInvalid {
			message = r.spokenOr(r.ivr.InvalidMessage, DefaultInvalidMessage)
		}
		pos := r.next(menu.ID)
		pos.Try = r.pos.Try + 1
		step.Detail += ", menu played again"
		return r.result(r.gather(menu, pos, message), step, store.NextGather)
	}
	if menu.Default == "" {
		step.Detail += " → hung up"
		return r.result(r.goodbye(), step, store.NextEnd)
	}
	option, ok := menu.OptionByKey(menu.Default)
	if !ok {
		step.Kind = store.StepLost
		step.Detail += fmt.Sprintf(" → default option %s no longer exists, hung up", menu.Default)
		return r.result(r.goodbye(), step, store.NextEnd)
	}
	step.Detail += fmt.Sprintf(" → default %s (%s)", option.Key, optionName(option))
	return r.choose(menu, option, step)
}

// choose carries out option of menu, which step records.
func (r *run) choose(menu store.Menu, option store.MenuOption, step store.CallMenuStep) Result {
	step.Option, step.Label, step.TextBack = option.Key, option.Label, option.TextBack
	var before []string
	if option.Say != "" {
		before = append(before, r.spoken(option.Say))
	}
	switch option.Action {
	case store.ActionRing:
		if len(option.Ring) == 0 {
			break
		}
		script := append(sayAll(before), r.dial(menu, option, 0))
		return r.result(script, step, store.NextDial)
	case store.ActionBookingLink:
		return r.bookingLink(option, step)
	case store.ActionVoicemail:
		script := r.record(menu.ID, option.Key, option.Say)
		return r.result(script, step, store.NextRecord)
	case store.ActionHours:
		before = append(before, HoursMessage(r.req.Business, r.req.At))
		return r.then(orDefault(option.Then, ThenMenuPrefix+menu.ID), option, before, step)
	case store.ActionMenu:
		return r.then(ThenMenuPrefix+option.Target, option, before, step)
	case store.ActionHangup:
		step.Detail += " → hung up"
		if len(before) == 0 {
			return r.result(r.goodbye(), step, store.NextEnd)
		}
		return r.result(sayThenHangUp(before...), step, store.NextEnd)
	}
	step.Kind = store.StepLost
	step.Detail += fmt.Sprintf(" → option %s cannot %s, hung up", option.Key, option.Action)
	return r.result(r.goodbye(), step, store.NextEnd)
}

// bookingLink ends the call with the promise of the booking link, which the text back sends.
func (r *run) bookingLink(option store.MenuOption, step store.CallMenuStep) Result {
	switch {
	case !r.req.CallerTextable:
		step.Detail += " → hung up, because the caller id cannot be texted"
		return r.result(sayThenHangUp(noTextMessage), step, store.NextEnd)
	case r.req.Business.BookingURL == "":
		step.Detail += " → hung up, because the business has no booking link"
		return r.result(r.goodbye(), step, store.NextEnd)
	}
	step.Requested = true
	if step.TextBack == "" {
		step.TextBack = DefaultBookingText
	}
	step.Detail += " → booking link promised"
	return r.result(sayThenHangUp(r.spokenOr(option.Say, DefaultBookingSay)), step, store.NextEnd)
}

// then follows route after option, with before spoken first: a voicemail, the goodbye, or a menu.
func (r *run) then(route string, option store.MenuOption, before []string, step store.CallMenuStep) Result {
	switch {
	case route == ThenVoicemail:
		step.Detail += " → voicemail"
		script := append(sayAll(before), r.record(r.pos.Menu, option.Key, "")...)
		return r.result(script, step, store.NextRecord)
	case route == ThenHangup:
		step.Detail += " → hung up"
		return r.result(r.goodbye(before...), step, store.NextEnd)
	case strings.HasPrefix(route, ThenMenuPrefix):
		id := strings.TrimPrefix(route, ThenMenuPrefix)
		target, ok := r.ivr.MenuByID(id)
		if !ok {
			step.Kind = store.StepLost
			step.Detail += fmt.Sprintf(" → menu %s no longer exists, hung up", id)
			return r.result(r.goodbye(), step, store.NextEnd)
		}
		step.Detail += " → menu " + id
		return r.result(r.gather(target, r.next(id), before...), step, store.NextGather)
	}
	step.Kind = store.StepLost
	step.Detail += fmt.Sprintf(" → unknown route %q, hung up", route)
	return r.result(r.goodbye(), step, store.NextEnd)
}

// dial returns the Dial of option that rings from its Ring: all numbers when they ring together,
// else the one at target.
func (r *run) dial(menu store.Menu, option store.MenuOption, target int) provider.Dial {
	pos := r.next(menu.ID)
	pos.Option, pos.Target = option.Key, target
	return provider.Dial{
		Action:      r.callback(provider.CallbackMenuDial, pos),
		Numbers:     rung(option, target),
		RingSeconds: option.RingSeconds,
		AnswerCheck: r.req.Number.AnswerCheck,
	}
}

// rung returns the numbers of option that ring at target.
func rung(option store.MenuOption, target int) []string {
	if option.RingOrder != store.RingInOrder {
		return option.Ring
	}
	if target >= len(option.Ring) {
		return nil
	}
	return option.Ring[target : target+1]
}

// dialEnded answers the end of an option's Dial: nothing when a person took the call, else the
// next number of a ring in order, or the option's route for nobody answering.
func (r *run) dialEnded(menu store.Menu) Result {
	option, ok := menu.OptionByKey(r.pos.Option)
	if !ok {
		return lost(r.req, r.pos, r.pos.Step, fmt.Sprintf("option %s of menu %s no longer exists", r.pos.Option, menu.ID))
	}
	ev := r.req.Event
	numbers := strings.Join(rung(option, r.pos.Target), ", ")
	step := store.CallMenuStep{Menu: menu.ID, Kind: store.StepDialed, Input: ev.DialStatus, Option: option.Key,
		Label: option.Label}
	status := strings.ToLower(ev.DialStatus)
	if (status == "completed" || status == "answered") && !r.req.ScreenDeclined {
		step.Detail = fmt.Sprintf("rang %s: answered (%d s)", numbers, ev.DialDuration)
		return r.result(nil, step, store.NextConnected)
	}
	step.Detail = fmt.Sprintf("rang %s: %s", numbers, unansweredReason(ev.DialStatus, r.req.ScreenDeclined, option))
	if option.RingOrder == store.RingInOrder && r.pos.Target+1 < len(option.Ring) {
		step.Detail += " → next number"
		return r.result(provider.Script{r.dial(menu, option, r.pos.Target+1)}, step, store.NextDial)
	}
	return r.then(orDefault(option.Then, ThenVoicemail), option, nil, step)
}

// unansweredReason returns in words why a rung number did not take the call.
func unansweredReason(status string, screenDeclined bool, option store.MenuOption) string {
	switch {
	case screenDeclined:
		return "the screening prompt was not accepted"
	case status == "":
		return "no result"
	case strings.EqualFold(status, "no-answer") && option.RingSeconds > 0:
		return fmt.Sprintf("no answer within %d s", option.RingSeconds)
	}
	return status
}

// record returns the instructions that record a voicemail for the option with key of menu: the
// prompt (say, or the IVR's), the Record, and a Redirect to its action for when the provider
// skips the action because nothing was recorded.
func (r *run) record(menu, key, say string) provider.Script {
	pos := r.next(menu)
	pos.Option = key
	settings := r.ivr.Voicemail
	action := r.callback(provider.CallbackVoicemail, pos)
	rec := provider.Record{
		Action:    action,
		Recording: r.callback(provider.CallbackRecording, pos),
		MaxLength: settings.MaxLength,
	}
	if rec.MaxLength <= 0 {
		rec.MaxLength = DefaultVoicemailSeconds
	}
	if settings.Transcribe {
		transcription := r.callback(provider.CallbackTranscription, pos)
		rec.Transcription = &transcription
	}
	prompt := say
	if prompt == "" {
		prompt = settings.Prompt
	}
	return provider.Script{
		provider.Say{Text: r.spokenOr(prompt, DefaultVoicemailPrompt)}, rec, provider.Redirect{Target: action},
	}
}

// voicemailEnded answers the end of a Record: the caller hears the goodbye and the call ends.
func (r *run) voicemailEnded() Result {
	ev := r.req.Event
	// Input is the recording's address, or its length when the provider sent no address, so that
	// an empty Input means that no message was left.
	step := store.CallMenuStep{Menu: r.pos.Menu, Kind: store.StepVoicemail, Option: r.pos.Option,
		Detail: "left no message"}
	if ev.RecordingURL == "" && ev.RecordingDuration == 0 {
		// A caller who left nothing hears the goodbye of a missed call, which says a text follows.
		return r.result(r.goodbye(), step, store.NextEnd)
	}
	step.Detail = fmt.Sprintf("left a voicemail (%d s)", ev.RecordingDuration)
	step.Input = orDefault(ev.RecordingURL, fmt.Sprintf("%d s", ev.RecordingDuration))
	script := sayThenHangUp(r.spokenOr(r.ivr.Voicemail.Goodbye, DefaultVoicemailGoodbye))
	return r.result(script, step, store.NextEnd)
}

// optionName names an option in a call's record: its label, else its action.
func optionName(option store.MenuOption) string {
	if option.Label != "" {
		return option.Label
	}
	return strings.ReplaceAll(string(option.Action), "_", " ")
}

// sayAll returns a Say for each text.
func sayAll(texts []string) provider.Script {
	script := make(provider.Script, 0, len(texts))
	for _, text := range texts {
		script = append(script, provider.Say{Text: text})
	}
	return script
}

func orDefault(value, def string) string {
	if value == "" {
		return def
	}
	return value
}
