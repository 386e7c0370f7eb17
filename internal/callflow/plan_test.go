package callflow_test

import (
	"testing"
	"time"

	"github.com/textback/textback/internal/callflow"
	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

const (
	callbackBase   = "https://hooks.example.com/webhooks/twilio"
	businessNumber = "+13125550199"
	ownerPhone     = "+13125550100"
	textableCaller = "+12025550143"
)

// Spoken messages for the business below.
const (
	defaultSay    = "Sorry we missed your call. We'll text you right away."
	untextableSay = "Sorry we missed your call. Please call again later."
	defaultScreen = "Call for Acme Plumbing. Press 1 to take it."
)

var acme = store.Business{ID: 1, Slug: "acme-plumbing", Name: "Acme Plumbing", Region: "US"}

func dialNumber(check provider.AnswerCheck) store.Number {
	return store.Number{
		ID: 1, BusinessID: 1, E164: businessNumber, Mode: store.ModeDial, ForwardTo: ownerPhone,
		RingSeconds: 18, AnswerCheck: check,
	}
}

func incoming(from, forwardedFrom string) provider.Event {
	return provider.Event{
		Type: provider.CallIncoming, CallID: "CA00000000000000000000000000000001", From: from,
		To: businessNumber, ForwardedFrom: forwardedFrom,
	}
}

func TestPlan(t *testing.T) {
	forwarded := store.Number{ID: 1, BusinessID: 1, E164: businessNumber, Mode: store.ModeForwarded}
	noForward := dialNumber(provider.AnswerCheckNone)
	noForward.ForwardTo = ""
	custom := acme
	custom.TextBack.MissedCallMessage = "Thanks for calling {business}. We will text you."
	custom.TextBack.ScreenPrompt = "{business} call, press 1."
	broken := acme
	broken.TextBack.MissedCallMessage = "Thanks for calling {nope"
	broken.TextBack.ScreenPrompt = "{first_name}, press 1"

	rows := []struct {
		name     string
		business store.Business
		number   store.Number
		event    provider.Event
		handling store.Handling
		dial     string
		ring     int
		check    provider.AnswerCheck
		say      string
		screen   string
	}{
		{"forwarded mode", acme, forwarded, incoming(textableCaller, ""),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"forwarded mode withheld caller", acme, forwarded, incoming("Anonymous", ""),
			store.HandlingNoDial, "", 0, "", untextableSay, ""},
		{"no forward_to", acme, noForward, incoming(textableCaller, ""),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop e164", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "+13125550100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop national digits", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "3125550100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop with trunk prefix", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "13125550100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop punctuated", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "(312) 555-0100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop dashed", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "1-312-555-0100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"loop tel uri", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "tel:+1-312-555-0100"),
			store.HandlingNoDial, "", 0, "", defaultSay, ""},
		{"forwarded from elsewhere", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "+13125550111"),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, defaultSay, ""},
		{"forwarded from unreadable", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, "not a number"),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, defaultSay, ""},
		{"dial no check", acme, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, defaultSay, ""},
		{"dial machine check", acme, dialNumber(provider.AnswerCheckMachine), incoming(textableCaller, ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckMachine, defaultSay, ""},
		{"dial screen check", acme, dialNumber(provider.AnswerCheckScreen), incoming(textableCaller, ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckScreen, defaultSay, defaultScreen},
		{"dial custom messages", custom, dialNumber(provider.AnswerCheckScreen), incoming(textableCaller, ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckScreen,
			"Thanks for calling Acme Plumbing. We will text you.", "Acme Plumbing call, press 1."},
		{"dial broken custom messages", broken, dialNumber(provider.AnswerCheckScreen), incoming(textableCaller, ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckScreen, defaultSay, defaultScreen},
		{"dial withheld caller", acme, dialNumber(provider.AnswerCheckNone), incoming("Anonymous", ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, untextableSay, ""},
		{"dial empty caller id", acme, dialNumber(provider.AnswerCheckNone), incoming("", ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, untextableSay, ""},
		{"dial soft phone caller", acme, dialNumber(provider.AnswerCheckNone), incoming("client:alice", ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, untextableSay, ""},
		{"dial short code caller", acme, dialNumber(provider.AnswerCheckNone), incoming("55555", ""),
			store.HandlingDial, ownerPhone, 18, provider.AnswerCheckNone, untextableSay, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			plan, handling := callflow.Plan(row.business, row.number, row.event, callbackBase)
			if handling != row.handling {
				t.Errorf("handling = %q, want %q", handling, row.handling)
			}
			if plan.Dial != row.dial {
				t.Errorf("dial = %q, want %q", plan.Dial, row.dial)
			}
			if plan.RingSeconds != row.ring {
				t.Errorf("ring seconds = %d, want %d", plan.RingSeconds, row.ring)
			}
			if plan.AnswerCheck != row.check {
				t.Errorf("answer check = %q, want %q", plan.AnswerCheck, row.check)
			}
			if plan.Say != row.say {
				t.Errorf("say = %q, want %q", plan.Say, row.say)
			}
			if plan.ScreenPrompt != row.screen {
				t.Errorf("screen prompt = %q, want %q", plan.ScreenPrompt, row.screen)
			}
			if plan.CallbackBase != callbackBase {
				t.Errorf("callback base = %q, want %q", plan.CallbackBase, callbackBase)
			}
			if plan.CallID != row.event.CallID {
				t.Errorf("call id = %q, want %q", plan.CallID, row.event.CallID)
			}
			if plan.Number != businessNumber {
				t.Errorf("number = %q, want the business number %q", plan.Number, businessNumber)
			}
		})
	}
}

// The spoken message promises a text only when one will follow.
func TestSpeakNoText(t *testing.T) {
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)
	on := acme
	on.TextBack = store.TextBackSettings{Enabled: true, Window: 24 * time.Hour}
	off := on
	off.TextBack.Enabled = false
	rows := []struct {
		name     string
		business store.Business
		contact  store.Contact
		want     string
	}{
		{"new caller", on, store.Contact{}, defaultSay},
		{"known caller", on, store.Contact{ID: 7}, defaultSay},
		{"text back off", off, store.Contact{}, untextableSay},
		{"opted out", on, store.Contact{ID: 7, OptedOutAt: now.Add(-time.Hour)}, untextableSay},
		{"cannot take texts", on, store.Contact{ID: 7, SMSBlocked: "landline"}, untextableSay},
		{"texted within the window", on, store.Contact{ID: 7, LastTextBackAt: now.Add(-time.Hour)}, untextableSay},
		{"texted before the window", on, store.Contact{ID: 7, LastTextBackAt: now.Add(-25 * time.Hour)}, defaultSay},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			plan, _ := callflow.Plan(row.business, dialNumber(provider.AnswerCheckNone), incoming(textableCaller, ""), callbackBase)
			callflow.SpeakNoText(&plan, row.business, row.contact, now)
			if plan.Say != row.want {
				t.Errorf("says %q, want %q", plan.Say, row.want)
			}
		})
	}
}
