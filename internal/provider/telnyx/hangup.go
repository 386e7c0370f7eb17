// A Call Control call.hangup event gives the reason a leg ended in hangup_cause:
//
//	{"data":{"event_type":"call.hangup","id":"00000000-0000-4000-8000-000000000301",
//	  "payload":{"call_leg_id":"00000000-0000-4000-8000-0000000000a2",
//	    "call_session_id":"00000000-0000-4000-8000-0000000000b1","from":"+12025550143",
//	    "to":"+13125550123","hangup_cause":"timeout","hangup_source":"callee",
//	    "sip_hangup_cause":"480"}}}
//
// Telnyx's SDK models list the causes call_rejected, normal_clearing, originator_cancel, timeout,
// time_limit, user_busy, not_found, no_answer and unspecified, and hangup_source callee, caller or
// unknown. The no_answer cause is in the Ruby SDK's list but not in the PHP SDK's. It does not document what each cause means on each leg, so the table below is
// textback's reading of them, described per row.
//
// See https://developers.telnyx.com/api-reference/callbacks/call-hangup.

package telnyx

// hangupOutcome is the meaning of one hangup cause for the leg that ended, in the call statuses
// of Twilio that textback's call flow reads.
type hangupOutcome struct {
	// callStatus is the status of the caller's leg after this hangup.
	callStatus string
	// dialStatus is the outcome of the leg that rang the business's phone.
	dialStatus string
}

// hangupCauses maps each hangup_cause that textback understands to its outcome. A cause missing
// here ends the caller's leg as "completed", which by itself never counts as answered, and is
// kept as the raw dial status of a forwarded leg, which textback counts as missed.
var hangupCauses = map[string]hangupOutcome{
	// The leg was answered and then hung up normally. On the forwarded leg this stands for "the
	// owner answered": a SIP BYE, which ends with normal_clearing, exists only after an answer,
	// while ending a ringing leg is a CANCEL (originator_cancel).
	// NOTE: that reading is inferred from SIP, not documented by Telnyx.
	"normal_clearing": {callStatus: "completed", dialStatus: "completed"},
	// The leg was still ringing when its originator gave up: on the caller's leg the caller hung
	// up before anyone answered (SIP 487), on the forwarded leg the caller or the application
	// cancelled the ringing.
	"originator_cancel": {callStatus: "canceled", dialStatus: "canceled"},
	// Nobody answered before the ring timeout.
	"timeout": {callStatus: "no-answer", dialStatus: "no-answer"},
	// Nobody answered.
	"no_answer": {callStatus: "no-answer", dialStatus: "no-answer"},
	// The called phone was busy (SIP 486).
	"user_busy": {callStatus: "busy", dialStatus: "busy"},
	// The called party declined the call, such as an owner pressing decline (SIP 603). Twilio
	// reports a declined call as busy, so textback does too.
	"call_rejected": {callStatus: "busy", dialStatus: "busy"},
	// The number called does not exist or could not be reached (SIP 404).
	"not_found": {callStatus: "failed", dialStatus: "failed"},
	// The call ran into its maximum duration, so it had been connected.
	"time_limit": {callStatus: "completed", dialStatus: "completed"},
}

// unspecifiedCause stands for a call.hangup without a hangup_cause, as Telnyx's own catch-all
// value does.
const unspecifiedCause = "unspecified"

// callStatusOf returns the caller's leg status after a hangup with cause.
func callStatusOf(cause string) string {
	if outcome, ok := hangupCauses[cause]; ok {
		return outcome.callStatus
	}
	return "completed"
}

// dialStatusOf returns the forwarded leg's outcome after a hangup with cause.
func dialStatusOf(cause string) string {
	if cause == "" {
		cause = unspecifiedCause
	}
	if outcome, ok := hangupCauses[cause]; ok {
		return outcome.dialStatus
	}
	return cause
}
