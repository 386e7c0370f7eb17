package outbound

import "github.com/textback/textback/internal/store"

// policy is how the outbound path treats texts of one purpose.
type policy struct {
	// automated texts are written by textback, not by a person.
	automated bool
	// compliance texts answer a consent keyword (the opt-out and opt-in confirmations, the answer
	// to HELP). They are never limited, paused or held for review, since the law expects them.
	compliance bool
	// exemptOptOut texts may go to an opted-out contact: the single confirmation of the opt-out,
	// and the answer to a HELP the contact sent.
	exemptOptOut bool
	// toStaff texts go to a team member, not a lead: no limits, pauses or reviews apply.
	toStaff bool
	// quiet texts wait for the recipient's allowed hours. Instant replies (the text back, keyword
	// replies) wait only when the business says so.
	quiet   bool
	instant bool
	// unpaused texts go while a person handles the conversation: the facts of the lead's own
	// booking (its confirmation, reminders and cancellation).
	unpaused bool
	// unlimited texts are not held by the per-contact limits, though they count toward them: the
	// booking bot's answers, which its own cap per conversation bounds, and the texts about a
	// booking, which a lead must get even on a busy day.
	unlimited bool
}

// gated reports whether the text waits while a person reviews the contact and, unless unpaused,
// while a person handles the conversation, and whether it is subject to the per-contact limits
// unless unlimited.
func (p policy) gated() bool { return p.automated && !p.compliance && !p.toStaff }

// pausable reports whether the text waits while a person handles the conversation.
func (p policy) pausable() bool { return p.gated() && !p.unpaused }

// limited reports whether the per-contact limits hold the text.
func (p policy) limited() bool { return p.gated() && !p.unlimited }

// policies lists every purpose. A purpose missing here is rejected, so that a new feature must
// decide how its texts are treated.
var policies = map[store.Purpose]policy{
	store.PurposeTextBack:     {automated: true, instant: true},
	store.PurposeKeywordReply: {automated: true, instant: true},
	// An AI reply answers the lead's own text at once, like a keyword reply.
	store.PurposeAIReply:  {automated: true, instant: true},
	store.PurposeFollowUp: {automated: true, quiet: true},
	// A system that texts through the API may text many contacts unattended, so its texts count
	// and wait like follow-ups.
	store.PurposeAPI:           {automated: true, quiet: true},
	store.PurposeOptOutConfirm: {automated: true, compliance: true, exemptOptOut: true},
	store.PurposeOptInConfirm:  {automated: true, compliance: true},
	store.PurposeHelp:          {automated: true, compliance: true, exemptOptOut: true},
	store.PurposeStaffReply:    {},
	store.PurposeTeamAlert:     {automated: true, toStaff: true},
	store.PurposeStaffNotice:   {automated: true, toStaff: true},
	store.PurposeBookingReply:  {automated: true, instant: true, unlimited: true},
	store.PurposeBookingNotice: {automated: true, instant: true, unpaused: true, unlimited: true},
	store.PurposeReminder:      {automated: true, quiet: true, unpaused: true, unlimited: true},
}
