// Package quiet decides when an automated text may be sent to a recipient, in the recipient's local time.
//
// Check takes the moment of sending as an argument and does no I/O, so it can run immediately before the
// provider API call. The decision belongs there, because a text scheduled inside the window can still leave a
// queue after the window closes. When a text may not go, Check returns the next moment it may.
//
// The federal window, 08:00 to 21:00 at the called party's location, comes from the telephone-solicitation
// rules of the FCC (47 CFR 64.1200(c)(1)). Several states set stricter hours, closed days or a cap on messages
// per 24 hours, listed in Rules. Those rules are written for solicitations. Whether a follow-up counts as one
// is a legal question that the code cannot answer, so textback applies the federal window and the state rules
// conservatively to every automated text to a lead.
//
// Rules is a snapshot compiled on 2026-12-04 from the statutes and pages named in each row's Source, the newest
// of them updated in November 2025. Rules change, so review the table before relying on it.
//
// The caller decides which texts are checked. Follow-ups and reminders are always checked. A text back to
// someone who has just called the business is the business's choice, because that person started the contact.
//
// A recipient's zones come from the contact's known zone, else from the number, else from the business's zone.
// When the number's prefix spans several zones, a text may go only when every one of them is inside its window.
// A toll-free number may be anywhere in the +1 plan, from Pacific/Guam to America/St_Johns in the zone list of
// phonenumbers v1.8.1, so its texts go only in the 1.5 to 2.5 hours a day that are inside the window in every
// one of those zones, starting at 22:00 UTC. When the
// windows never overlap, as when a narrow business window meets a number whose zones are an hour apart,
// Check never allows a text, so no zone gets one at night. Setting the contact's zone lifts that hold.
//
// NOTE: holidays are out of scope. Alabama, Louisiana, Rhode Island and Utah also forbid solicitations on legal
// holidays, and Louisiana during a declared state of emergency, but Check knows no calendar of holidays or
// emergencies and allows texts on those days within the day's window.
package quiet
