package webhook

import (
	"context"
	"errors"
	"fmt"

	"github.com/textback/textback/internal/provider"
	"github.com/textback/textback/internal/store"
)

// NumberRouted is implemented by adapters whose webhook URL names a business number by a token
// instead of naming a provider account, such as the PBX adapter. The number's webhook secret
// verifies such a webhook, and the webhook is stored under the number's own provider, the one
// that sends the text back.
type NumberRouted interface {
	// NumberToken returns the token that the webhook's URL names, or "" when it names none.
	NumberToken(w provider.Webhook) string
	// BindNumber returns w with the business number that the token names recorded in it, so that
	// Parse can check the webhook against that number both now and when the stored webhook is
	// applied. It must replace any such record that the client sent.
	BindNumber(w provider.Webhook, e164 string) provider.Webhook
}

// errUnknownToken means a number-routed webhook names no configured number. The handler responds
// with 404.
var errUnknownToken = errors.New("no number has this webhook token")

// authenticateNumber finds the number that a number-routed webhook's token names and verifies the
// webhook with the number's webhook secret. It returns the number's provider and the webhook with
// the number bound to it. It fails closed: an unknown token returns errUnknownToken, and a number
// without a secret or a wrong signature returns the adapter's error.
func (h *Handler) authenticateNumber(
	ctx context.Context, adapter provider.Adapter, routed NumberRouted, wh provider.Webhook,
) (store.Provider, provider.Webhook, error) {
	token := routed.NumberToken(wh)
	if token == "" {
		return store.Provider{}, wh, errUnknownToken
	}
	number, err := h.store.GetNumberByWebhookToken(ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		return store.Provider{}, wh, errUnknownToken
	}
	if err != nil {
		return store.Provider{}, wh, err
	}
	secret := provider.Account{
		Name: "webhook secret of " + number.E164, Kind: adapter.Kind(), AuthToken: number.WebhookSecret,
	}
	if err := adapter.Verify(secret, wh); err != nil {
		return store.Provider{}, wh, err
	}
	prov, err := h.dir.Provider(ctx, h.store, number.ProviderID)
	if err != nil {
		return store.Provider{}, wh, fmt.Errorf("find provider of %s: %w", number.E164, err)
	}
	return prov, routed.BindNumber(wh, number.E164), nil
}
