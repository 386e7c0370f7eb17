package twiliotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecEnv is the environment variable with the path of Twilio's OpenAPI document for the
// 2010-04-01 API (twilio_api_v2010.json). When it is set, servers check requests against it.
const SpecEnv = "TEXTBACK_TWILIO_OPENAPI"

// contract checks requests and responses against Twilio's OpenAPI document.
type contract struct {
	router routers.Router
}

// The document is loaded once per process, because loading it takes about 0.4 s and 140 MB.
var (
	contractOnce   sync.Once
	contractPath   string
	loadedContract *contract
	contractErr    error
)

// RequireContract skips the test unless TEXTBACK_TWILIO_OPENAPI is set, and fails it instead of
// skipping when the CI environment variable is not empty. It fails the test when the document
// cannot be loaded.
func RequireContract(t testing.TB) {
	t.Helper()
	if os.Getenv(SpecEnv) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI requires the Twilio contract tests: set it to the path of "+
				"Twilio's OpenAPI document twilio_api_v2010.json", SpecEnv)
			return
		}
		t.Skipf("skipping Twilio contract test: set %s to the path of Twilio's OpenAPI document "+
			"twilio_api_v2010.json to run it", SpecEnv)
	}
	if _, err := contractFromEnv(); err != nil {
		t.Fatalf("twiliotest: %v", err)
	}
}

// contractFromEnv returns the checker for the document named by SpecEnv, or nil when it is unset.
func contractFromEnv() (*contract, error) {
	path := os.Getenv(SpecEnv)
	if path == "" {
		return nil, nil
	}
	contractOnce.Do(func() {
		contractPath = path
		loadedContract, contractErr = loadContract(path)
	})
	if contractErr != nil {
		return nil, contractErr
	}
	if path != contractPath {
		return nil, fmt.Errorf("%s changed from %q to %q: the OpenAPI document is loaded once per process",
			SpecEnv, contractPath, path)
	}
	return loadedContract, nil
}

// loadContract loads the OpenAPI document at path and routes requests by path alone.
func loadContract(path string) (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load Twilio OpenAPI document %s: %w", path, err)
	}
	// The document names https://api.twilio.com as its server; without servers the router
	// matches the paths of the local fake.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
		for _, operation := range item.Operations() {
			operation.Servers = nil
		}
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("build router for Twilio OpenAPI document %s: %w", path, err)
	}
	return &contract{router: router}, nil
}

// checkRequest validates a request whose body was already read into body. It returns the
// validation input that checkResponse needs.
func (c *contract) checkRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, pathParams, err := c.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("no operation matches: %w", err)
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    validationOptions(),
	}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		return nil, err
	}
	// The document cannot express that a create request needs From or MessagingServiceSid, and
	// Body, MediaUrl or ContentSid.
	if route.Operation.OperationID == "CreateMessage" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("invalid form body: %w", err)
		}
		if code := createRuleViolation(form); code != 0 {
			return nil, fmt.Errorf("Twilio rejects it with error %d: %s", code, errorMessages[code])
		}
	}
	return input, nil
}

// checkResponse validates a response to a request that checkRequest accepted. Statuses that the
// document does not list, such as the error responses, are not checked.
func (c *contract) checkResponse(input *openapi3filter.RequestValidationInput, status int, header http.Header,
	body []byte) error {
	return openapi3filter.ValidateResponse(input.Request.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                validationOptions(),
	})
}

// validationOptions reports every problem of a request or response, and leaves the schema and the
// value out of each message, because the schemas of Twilio's document run to pages of text.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		AuthenticationFunc:      requireBasicAuth,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}
}

// requireBasicAuth accepts the document's HTTP basic security scheme when the request carries
// basic credentials. Whether they are right is the server's own check.
func requireBasicAuth(_ context.Context, input *openapi3filter.AuthenticationInput) error {
	scheme := input.SecurityScheme
	if scheme == nil || scheme.Type != "http" || !strings.EqualFold(scheme.Scheme, "basic") {
		return fmt.Errorf("security scheme %q is not HTTP basic authentication", input.SecuritySchemeName)
	}
	if _, _, ok := input.RequestValidationInput.Request.BasicAuth(); !ok {
		return errors.New("missing HTTP basic authentication")
	}
	return nil
}
