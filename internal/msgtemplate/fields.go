package msgtemplate

// Field names that SMS templates may use.
const (
	// FieldFirstName is the caller's first name, when a contact record has one.
	FieldFirstName = "first_name"
	// FieldBusiness is the business's display name.
	FieldBusiness = "business"
	// FieldRep is the name of the person who follows up, when the business sets one.
	FieldRep = "rep"
	// FieldBookingLink is the business's online booking URL, when it has one.
	FieldBookingLink = "booking_link"
	// FieldNextOpen is when the business opens next in words, such as "tomorrow at 8:00 AM".
	FieldNextOpen = "next_open"
	// FieldQuestion is the business's qualifying question, such as "Is this for a home or a
	// business?", when it has one.
	FieldQuestion = "question"
	// FieldTime is when a booking starts, with its date and zone, such as "Tue Mar 11, 3:00 PM CDT".
	FieldTime = "time"
	// FieldAddress is where a booking takes place: its calendar's address, which may be empty.
	FieldAddress = "address"
	// FieldCalendar is the name of a booking's calendar, such as "Repairs".
	FieldCalendar = "calendar"
)

// AllFields returns every field name an SMS template may use, in a fixed order. The slice is new on each call.
func AllFields() []string {
	return []string{FieldFirstName, FieldBusiness, FieldRep, FieldBookingLink, FieldNextOpen, FieldQuestion}
}

// BookingFields returns the field names that the texts about a booking may use (its confirmation,
// reminders and cancellation), in a fixed order. The slice is new on each call.
func BookingFields() []string {
	return []string{FieldFirstName, FieldBusiness, FieldRep, FieldTime, FieldAddress, FieldCalendar}
}
