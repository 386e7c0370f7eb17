package msgtemplate

// Default texts. Each reads as a complete message whether or not the optional values (first name, rep, booking
// link, next opening, qualifying question) are set. None contains opt-out wording, because the sender appends
// OptOutSuffix.
const (
	// DefaultTextBack is the text sent after a missed call while the business is open.
	DefaultTextBack = "Hi[ {first_name}], this is [{rep} at ]{business}. Sorry we missed your call! " +
		"{question|How can we help?}[ Book online: {booking_link}]"

	// DefaultAfterHours is the text sent after a missed call while the business is closed. When the business
	// never opens, next_open is empty and the clause about opening again is dropped.
	DefaultAfterHours = "Hi[ {first_name}], this is [{rep} at ]{business}. Sorry we missed your call. " +
		"We're closed right now[ and open again {next_open}]. {question|How can we help?}" +
		"[ Book online: {booking_link}]"

	// DefaultMissedCallMessage is spoken to a caller whose call goes unanswered. It is a template that may use
	// only FieldBusiness.
	DefaultMissedCallMessage = "Sorry we missed your call. We'll text you right away."

	// DefaultScreenPrompt is spoken to the person who picks up a forwarded call when screening is on. It is a
	// template that may use only FieldBusiness.
	DefaultScreenPrompt = "Call for {business}. Press 1 to take it."
)
