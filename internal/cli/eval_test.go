package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEvalLocalAndFakeModel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"choices":[{"message":{"content":"{\"intent\":\"other\",\"confidence\":0.5,` +
			`\"entries\":[],\"reply\":\"\"}"}}],"usage":{"prompt_tokens":10,"completion_tokens":5}}`))
	}))
	defer srv.Close()
	var out, errs bytes.Buffer
	code := Main(context.Background(), []string{"eval", "-model-url", srv.URL + "/v1", "-model", "fake"},
		IO{Stdout: &out, Stderr: &errs})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	text := out.String()
	for _, want := range []string{"local\n", "local and model fake\n", "total", "model calls"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestEvalSetNeedsTrades(t *testing.T) {
	var out, errs bytes.Buffer
	if code := Main(context.Background(), []string{"eval", "-set", "x.jsonl"}, IO{Stdout: &out, Stderr: &errs}); code == 0 {
		t.Error("eval with -set and no -trades succeeded")
	}
}
