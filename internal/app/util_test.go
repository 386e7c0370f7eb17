package app_test

import (
	"github.com/textback/textback/internal/provider/twilio"
	"io"
	"net/http"
)

func readAll(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func signature(token, url string, form map[string][]string) string {
	return twilio.Sign(token, url, form)
}
