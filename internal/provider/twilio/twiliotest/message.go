package twiliotest

import (
	"fmt"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Message is a Message resource as the Twilio REST API returns it in JSON.
type Message struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                string            `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           *string           `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`

	// StatusCallback is the StatusCallback of the create request. Twilio does not return it.
	StatusCallback string `json:"-"`
}

// messagePage is one page of the Messages list.
type messagePage struct {
	End             int       `json:"end"`
	FirstPageURI    string    `json:"first_page_uri"`
	NextPageURI     *string   `json:"next_page_uri"`
	Page            int       `json:"page"`
	PageSize        int       `json:"page_size"`
	PreviousPageURI *string   `json:"previous_page_uri"`
	Start           int       `json:"start"`
	URI             string    `json:"uri"`
	Messages        []Message `json:"messages"`
}

// apiError is the JSON body of a failed request.
type apiError struct {
	Code     int    `json:"code,omitempty"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info,omitempty"`
	Status   int    `json:"status"`
}

// newMessage returns a queued outbound message with the given sequence number, which makes its
// SID: SM followed by the number as 32 hex digits.
func newMessage(accountSID string, seq int, to, from, body string, created time.Time) Message {
	sid := fmt.Sprintf("SM%032x", seq)
	uri := fmt.Sprintf("%s/Accounts/%s/Messages/%s", apiVersionPath, accountSID, sid)
	date := created.UTC().Format(time.RFC1123Z)
	return Message{
		AccountSID:      accountSID,
		APIVersion:      "2010-04-01",
		Body:            body,
		DateCreated:     date,
		DateUpdated:     date,
		Direction:       "outbound-api",
		From:            from,
		NumMedia:        "0",
		NumSegments:     fmt.Sprint(countSegments(body)),
		SID:             sid,
		Status:          "queued",
		SubresourceURIs: map[string]string{"media": uri + "/Media.json"},
		To:              to,
		URI:             uri + ".json",
	}
}

// countSegments estimates how many SMS segments body takes: 160 characters in one segment or 153
// per segment for ASCII text, else 70 or 67 UTF-16 code units per segment for UCS-2.
//
// NOTE: this treats all ASCII as GSM-7 and everything else as UCS-2, which is close enough for a
// fake but wrong for ASCII characters outside GSM-7 (such as '`') and for GSM-7's non-ASCII letters.
func countSegments(body string) int {
	single, multi := 160, 153
	length := utf8.RuneCountInString(body)
	if length != len(body) {
		single, multi = 70, 67
		length = len(utf16.Encode([]rune(body)))
	}
	if length <= single {
		return 1
	}
	return (length + multi - 1) / multi
}
