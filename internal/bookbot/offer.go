package bookbot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/textback/textback/internal/booking"
	"github.com/textback/textback/internal/bookreply"
	"github.com/textback/textback/internal/outbound"
	"github.com/textback/textback/internal/phone"
	"github.com/textback/textback/internal/store"
	"github.com/textback/textback/internal/team"
	"github.com/textback/textback/internal/tz"
)

// offerSpec narrows the slots the bot offers.
type offerSpec struct {
	// want is the day and time asked for; the zero Want matches every slot.
	want bookreply.Want
	// after skips slots that start before it; zero means now.
	after time.Time
	// skip lists slot starts not to offer.
	skip []time.Time
	// count is how many slots to offer; the business's setting when zero.
	count int
	// calendarID keeps the offer to one calendar, as when a booking moves; zero means the bot's
	// calendars.
	calendarID store.CalendarID
}

// find holds and returns the slots that spec finds, after releasing the lead's earlier holds.
func (c *chat) find(ctx context.Context, spec offerSpec) ([]booking.Offer, error) {
	req := booking.OfferRequest{
		BusinessID: c.t.Business.ID, ContactID: c.t.Contact.ID, Calendars: c.calendars, Count: spec.count,
		After: spec.after, Skip: spec.skip,
	}
	if req.Count == 0 {
		req.Count = c.count()
	}
	if spec.calendarID != 0 {
		cal, err := c.calendar(ctx, spec.calendarID)
		if err != nil {
			return nil, err
		}
		req.Calendars = []store.Calendar{cal}
	}
	if want := spec.want; want != (bookreply.Want{}) {
		loc := c.loc
		if want.HasDate() {
			req.After = later(req.After, startOfDay(want.From, loc))
			req.Before = startOfDay(want.To, loc)
		}
		req.Match = func(s booking.Slot) bool { return want.Matches(s.Start, loc) }
	}
	return c.bot.booking.OfferTx(ctx, c.tx, req)
}

// offer finds slots with spec and offers them.
func (c *chat) offer(ctx context.Context, spec offerSpec, intro string, h heading) (string, error) {
	offers, err := c.find(ctx, spec)
	if err != nil {
		return "", err
	}
	return c.send(ctx, offers, intro, h)
}

// send offers the held slots to the lead: one as a yes-or-no question, several as a numbered
// list. With no slots at all, it hands the conversation to a person.
func (c *chat) send(ctx context.Context, offers []booking.Offer, intro string, h heading) (string, error) {
	if len(offers) == 0 {
		return c.handOff(ctx, intro+"We have no times open to book by text right now. ", "no free slots")
	}
	c.state.Offers = make([]store.BotOffer, len(offers))
	labels := make([]string, len(offers))
	for i, o := range offers {
		c.state.Offers[i] = botOffer(o)
		labels[i] = o.Slot.Label()
	}
	c.state.Question, c.state.AskedAt, c.state.Unclear = store.BotAskedSlots, c.now, 0
	if len(offers) == 1 {
		c.state.Question = store.BotAskedYesNo
	}
	if err := c.reply(ctx, offerText(intro, h, labels), "offered "+strconv.Itoa(len(offers))+" slots"); err != nil {
		return "", err
	}
	if c.state.Question == "" {
		// reply handed the conversation over instead.
		return "handed to a person: the bot sent the most texts allowed", nil
	}
	return "offered " + strings.Join(labels, "; "), nil
}

// handOff gives the conversation to a person: it releases the lead's holds, alerts the team,
// tells the lead, and keeps the bot out of the conversation for the business's manual-reply
// pause.
func (c *chat) handOff(ctx context.Context, intro, why string) (string, error) {
	business := c.t.Business
	if _, err := c.tx.ReleaseHolds(ctx, business.ID, c.t.Contact.ID); err != nil {
		return "", err
	}
	who := phone.Format(c.t.Contact.E164, business.Region)
	if _, err := c.bot.team.Raise(ctx, c.tx, team.Event{
		BusinessID: business.ID, ContactID: c.t.Contact.ID, Kind: team.KindHandOff, Priority: team.Normal,
		Summary: who + " wants to book, and the booking bot handed the conversation to you",
		Detail:  fmt.Sprintf("%s (the booking bot: %s)", quote(c.t.Message.Body), why), At: c.t.Message.CreatedAt,
		DedupeKey: fmt.Sprintf("hand-off:%d", c.t.Message.ID),
	}); err != nil {
		return "", err
	}
	sent := c.state.Sent
	c.state = store.BookingBot{Sent: sent, HandedOffUntil: c.now.Add(time.Duration(business.Settings.ManualPause))}
	if sent < business.Settings.Booking.MaxMessages {
		if err := c.queue(ctx, handOffText(intro, business.Name), "handed to a person: "+why); err != nil {
			return "", err
		}
	}
	return "handed to a person: " + why, nil
}

// reply queues the bot's one text for the inbound text, unless the bot has sent as many texts in
// the conversation as the business allows: then a person takes over.
func (c *chat) reply(ctx context.Context, body, why string) error {
	most := c.t.Business.Settings.Booking.MaxMessages
	if c.state.Sent+1 >= most {
		// The last text the bot may send says that a person takes over.
		_, err := c.handOff(ctx, "", fmt.Sprintf("the bot sent the most texts allowed in one conversation (%d)", most))
		return err
	}
	return c.queue(ctx, body, why)
}

// queue queues a text of the bot, keyed by the inbound text so that it goes once.
func (c *chat) queue(ctx context.Context, body, why string) error {
	business := c.t.Business
	_, err := c.bot.sender.Queue(ctx, c.tx, outbound.Request{
		BusinessID: business.ID, ContactID: c.t.Contact.ID, NumberID: c.t.Number.ID, Body: body,
		Purpose: store.PurposeBookingReply, TemplateName: "booking bot",
		Details: store.MessageDetails{
			Trigger: fmt.Sprintf("text %d %q: %s", c.t.Message.ID, c.t.Message.Body, why),
		},
		IdempotencyKey: fmt.Sprintf("booking-reply:%d", c.t.Message.ID),
	})
	if err != nil {
		return err
	}
	c.state.Sent++
	return nil
}

// startOfDay returns when the civil date day (midnight UTC holding the date) starts in loc.
func startOfDay(day time.Time, loc *time.Location) time.Time {
	return tz.StartOfDay(day.Year(), day.Month(), day.Day(), loc)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// quote shortens a text for an alert.
func quote(body string) string {
	const most = 300
	r := []rune(body)
	if len(r) > most {
		return "\"" + string(r[:most]) + "…\""
	}
	return "\"" + body + "\""
}
