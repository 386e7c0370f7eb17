package store

// IVR is a business's phone menu: the menus callers hear when they call, which menu starts a call
// while the business is open and while it is closed, and the dates on which it counts as closed
// all day. It is stored with the business's settings.
type IVR struct {
	// Greeting is spoken once, before the first menu's prompt. It may use {business}.
	Greeting string `json:"greeting,omitempty"`
	// Menu is the id of the first menu while the business is open.
	Menu string `json:"menu"`
	// AfterHoursMenu is the id of the first menu outside the business's hours and on Closures;
	// empty means Menu at all times.
	AfterHoursMenu string `json:"after_hours_menu,omitempty"`
	// Closures are dates, read in the business's time zone, on which the business is closed.
	Closures []Closure `json:"closures,omitempty"`
	// Speech lets callers say an option's words instead of pressing its key.
	Speech bool `json:"speech,omitempty"`
	// NoInputMessage and InvalidMessage are spoken before a menu plays again after no input or a
	// key that is not an option. Empty means the defaults.
	NoInputMessage string `json:"no_input_message,omitempty"`
	InvalidMessage string `json:"invalid_message,omitempty"`
	// Voicemail sets how voicemails are recorded.
	Voicemail VoicemailSettings `json:"voicemail"`
	Menus     []Menu            `json:"menus"`
	// Numbers changes the first menus of single business numbers, keyed by E.164.
	Numbers map[string]NumberMenus `json:"numbers,omitempty"`
}

// VoicemailSettings is how a menu records a voicemail.
type VoicemailSettings struct {
	// Prompt is spoken before the beep, and Goodbye after the message. Empty means the defaults.
	Prompt  string `json:"prompt,omitempty"`
	Goodbye string `json:"goodbye,omitempty"`
	// MaxLength is the longest message in seconds.
	MaxLength int `json:"max_length"`
	// Transcribe asks the provider for a transcript of each message.
	Transcribe bool `json:"transcribe,omitempty"`
}

// NumberMenus changes the first menus on one business number.
type NumberMenus struct {
	// Off plays no menu on the number: calls ring its forward_to as without a menu.
	Off bool `json:"off,omitempty"`
	// Menu and AfterHoursMenu replace the business's first menus when set.
	Menu           string `json:"menu,omitempty"`
	AfterHoursMenu string `json:"after_hours_menu,omitempty"`
}

// Menu is one menu: a prompt and the options a caller chooses from by key or by word.
type Menu struct {
	ID     string `json:"id"`
	Prompt string `json:"prompt"`
	// Timeout is how many seconds the provider waits for a key after the prompt.
	Timeout int `json:"timeout"`
	// Replays is how many more times the menu plays after no input or a key that is not an option,
	// before Default is taken.
	Replays int `json:"replays"`
	// Default is the key of the option taken when the replays run out; empty hangs up.
	Default string       `json:"default,omitempty"`
	Options []MenuOption `json:"options"`
}

// MenuAction is what a menu option does.
type MenuAction string

const (
	ActionRing        MenuAction = "ring"              // ring Ring, at once or in order
	ActionBookingLink MenuAction = "text_booking_link" // say goodbye and text the booking link
	ActionVoicemail   MenuAction = "voicemail"         // record a voicemail
	ActionHours       MenuAction = "hours"             // speak the opening hours, then go on to Then
	ActionMenu        MenuAction = "menu"              // go to the menu Target
	ActionHangup      MenuAction = "hangup"            // say Say, hang up and text back
)

// Ring orders.
const (
	RingTogether = "together" // every number rings at once; the first to answer takes the call
	RingInOrder  = "in_order" // each number rings in turn until one answers
)

// MenuOption is one option of a menu.
type MenuOption struct {
	// Key is the key that chooses the option: a digit or *.
	Key string `json:"key"`
	// Label names the option in call records, such as "emergency".
	Label string `json:"label,omitempty"`
	// Words choose the option when the caller says one of them and the IVR accepts speech.
	Words  []string   `json:"words,omitempty"`
	Action MenuAction `json:"action"`
	// Say is spoken before the action, such as "Connecting you to our on-call technician."
	Say string `json:"say,omitempty"`
	// Ring, RingOrder and RingSeconds set the numbers that ActionRing rings, in E.164.
	Ring        []string `json:"ring,omitempty"`
	RingOrder   string   `json:"ring_order,omitempty"`
	RingSeconds int      `json:"ring_seconds,omitempty"`
	// Then is what follows an unanswered ring or the hours: "voicemail", "hangup" or "menu:<id>".
	// Empty means voicemail after a ring, and the same menu again after the hours.
	Then string `json:"then,omitempty"`
	// Target is the menu that ActionMenu goes to.
	Target string `json:"target,omitempty"`
	// TextBack is the SMS template sent when a call that chose the option ends unanswered; empty
	// means the business's own text-back template.
	TextBack string `json:"text_back,omitempty"`
}

// MenuByID returns the menu with id.
func (v *IVR) MenuByID(id string) (Menu, bool) {
	for _, m := range v.Menus {
		if m.ID == id {
			return m, true
		}
	}
	return Menu{}, false
}

// OptionByKey returns the option of m chosen by key.
func (m Menu) OptionByKey(key string) (MenuOption, bool) {
	for _, o := range m.Options {
		if o.Key == key {
			return o, true
		}
	}
	return MenuOption{}, false
}

// ClosedOn returns the closure that covers the local date (written 2006-01-02), if any.
func (v *IVR) ClosedOn(date string) (Closure, bool) {
	for _, cl := range v.Closures {
		// Dates in this layout sort as text in time order.
		if cl.From <= date && date <= cl.To {
			return cl, true
		}
	}
	return Closure{}, false
}
