package twilio

import (
	"testing"

	"github.com/textback/textback/internal/ivr/ivrtest"
	"github.com/textback/textback/internal/provider"
)

func TestRenderScript(t *testing.T) {
	ivrtest.CheckRenderer(t, New(Options{}), callbackBaseURL, checkGolden)
}

func TestParseMenuRoutes(t *testing.T) {
	ivrtest.CheckMenuRoutes(t, menuRoutes, "", func(route provider.Route, query, body string) (provider.Event, error) {
		return New(Options{}).Parse(rawWebhook(route, query, []byte(body)))
	})
}
