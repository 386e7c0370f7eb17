// Telnyx error codes arrive in two places: in the JSON body of a failed API request, such as
//
//	HTTP/1.1 401 Unauthorized
//	{"errors":[{"code":"10009","title":"Authentication failed",
//	  "detail":"The authentication headers are invalid or missing."}]}
//
// and in errors[0].code of a message.finalized delivery report. Codes are JSON strings.
// Meanings follow Telnyx's messaging error reference (40xxx delivery errors, 403xx request
// errors, 401xx number errors) and its general API error list (10xxx). Retry counts are
// textback's defaults.
//
// NOTE: Telnyx's messaging webhook guide lists 40300 as "destination unreachable" in one table,
// while its error reference lists it as blocked because the recipient sent STOP. This table
// follows the error reference.
//
// See https://developers.telnyx.com/docs/messaging/messages/error-codes and
// https://developers.telnyx.com/development/api-fundamentals/api-errors.

package telnyx

import (
	"fmt"
	"time"

	"github.com/textback/textback/internal/provider"
)

// errorCode is one row of errorCodes.
type errorCode struct {
	info provider.ErrorInfo
	// sendKind classifies a failed API request that carries this code. Empty means the HTTP status
	// decides, as for codes that only appear in delivery reports.
	sendKind provider.SendErrorKind
}

// errorCodes is the one table of Telnyx error codes that textback handles.
var errorCodes = map[string]errorCode{
	"10005": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "resource not found: check the API base URL",
		AlertOperator: true,
	}},
	"10009": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "authentication failed: check the Telnyx API key",
		AlertOperator: true,
	}},
	"10010": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "authorization failed: the API key may not send texts",
		AlertOperator: true,
	}},
	"10011": {sendKind: provider.Retryable, info: provider.ErrorInfo{
		Meaning: "too many requests: Telnyx is rate-limiting this account",
		Retries: 1,
	}},
	"40001": {info: provider.ErrorInfo{
		Meaning:   "not routable: the number is a landline or cannot receive texts",
		Recipient: provider.RecipientCannotText,
	}},
	"40002": {info: provider.ErrorInfo{
		Meaning:       "blocked as spam by the carrier for now; resending the same text will be blocked again",
		AlertOperator: true,
	}},
	"40003": {info: provider.ErrorInfo{
		Meaning:       "the sending number is blocked as spam by the carrier for good",
		AlertOperator: true,
		PauseSender:   true,
	}},
	"40004": {info: provider.ErrorInfo{
		Meaning: "rejected by the recipient's carrier for an unknown reason",
		Retries: 1,
	}},
	"40005": {info: provider.ErrorInfo{
		Meaning: "the text expired before the carrier delivered it",
		Retries: 1,
	}},
	"40006": {info: provider.ErrorInfo{
		Meaning:      "the recipient's carrier is unavailable; this may be temporary",
		Retries:      2,
		RetrySpacing: 30 * time.Minute,
	}},
	"40008": {info: provider.ErrorInfo{
		Meaning: "undeliverable: the carrier did not accept the text",
		Retries: 1,
	}},
	"40010": {info: provider.ErrorInfo{
		Meaning:       "the sender's US A2P 10DLC campaign is not registered; pause it until registration is fixed",
		AlertOperator: true,
		PauseSender:   true,
	}},
	"40012": {info: provider.ErrorInfo{
		Meaning:   "the carrier rejected the destination number as invalid",
		Recipient: provider.RecipientInvalid,
	}},
	"40013": {info: provider.ErrorInfo{
		Meaning:       "the carrier rejected the sending number: check that it is active and enabled for texts",
		AlertOperator: true,
		PauseSender:   true,
	}},
	"40015": {info: provider.ErrorInfo{
		Meaning:       "blocked by Telnyx's spam filter; review the text's content",
		AlertOperator: true,
	}},
	"40300": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:   "the recipient opted out by replying STOP and must text START before receiving texts again",
		Recipient: provider.RecipientOptedOut,
	}},
	"40305": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "the 'from' number is not assigned to a messaging profile of this account",
		AlertOperator: true,
	}},
	"40309": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "the destination's region is not allowed by the messaging profile",
		AlertOperator: true,
	}},
	"40310": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:   "invalid 'to' number",
		Recipient: provider.RecipientInvalid,
	}},
	"40318": {sendKind: provider.Retryable, info: provider.ErrorInfo{
		Meaning: "Telnyx's message queue is full",
		Retries: 1,
	}},
	"40329": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "the sending toll-free number is not verified; pause it until verification is done",
		AlertOperator: true,
		PauseSender:   true,
	}},
	"40333": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "the messaging profile reached its spend limit",
		AlertOperator: true,
		PauseSender:   true,
	}},
	"40100": {sendKind: provider.Permanent, info: provider.ErrorInfo{
		Meaning:       "the sending number is not enabled for texts",
		AlertOperator: true,
		PauseSender:   true,
	}},
}

// DescribeError returns what textback does about a Telnyx error code such as "40001". Unknown
// codes, including "", get one retry and no change to the recipient.
func DescribeError(code string) provider.ErrorInfo {
	if row, ok := errorCodes[code]; ok {
		return row.info
	}
	return provider.ErrorInfo{Meaning: fmt.Sprintf("unrecognised Telnyx error code %q", code), Retries: 1}
}

// DescribeError returns what textback does about a Telnyx error code, as the package function
// DescribeError does.
func (a *Adapter) DescribeError(code string) provider.ErrorInfo {
	return DescribeError(code)
}
