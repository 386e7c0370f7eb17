package store

// Typed ids keep one table's id from being passed where another's is expected.
type (
	ProviderID int64 // a row of providers
	BusinessID int64 // a row of businesses
	NumberID   int64 // a row of numbers
	ContactID  int64 // a row of contacts
	CallID     int64 // a row of calls
	MessageID  int64 // a row of messages
	WebhookID  int64 // a row of webhooks

	ConversationID int64 // a row of conversations
	TaskID         int64 // a row of tasks
	AlertID        int64 // a row of alerts
	CalendarID     int64 // a row of calendars
	BookingID      int64 // a row of bookings
)
