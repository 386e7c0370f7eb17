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
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecEnv is the environment variable with the path of Twilio's OpenAPI document for the
// 2010-04-01 API (twilio_api_v2010.json). When it is set, servers check requests against it and
// against the Lookup v2 document, which must be in the same directory under LookupsSpecFile.
const SpecEnv = "TEXTBACK_TWILIO_OPENAPI"

// LookupsSpecFile is the file name of Twilio's OpenAPI document for Lookup v2.
const LookupsSpecFile = "twilio_lookups_v2.json"

// contract checks requests and responses against Twilio's OpenAPI documents.
type contract struct {
	// routers find a request's operation: the 2010-04-01 API's router first, then Lookup v2's.
	routers []routers.Router
}

// The documents are loaded once per process, because loading the 2010-04-01 one takes about 0.4 s
// and 140 MB.
var (
	contractOnce   sync.Once
	contractPath   string
	loadedContract *contract
	contractErr    error
)

// RequireContract skips the test unless TEXTBACK_TWILIO_OPENAPI is set, and fails it instead of
// skipping when the CI environment variable is not empty. It fails the test when the documents
// cannot be loaded.
func RequireContract(t testing.TB) {
	t.Helper()
	if os.Getenv(SpecEnv) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI requires the Twilio contract tests: set it to the path of "+
				"Twilio's OpenAPI document twilio_api_v2010.json, with %s in the same directory", SpecEnv,
				LookupsSpecFile)
			return
		}
		t.Skipf("skipping Twilio contract test: set %s to the path of Twilio's OpenAPI document "+
			"twilio_api_v2010.json, with %s in the same directory, to run it", SpecEnv, LookupsSpecFile)
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
		return nil, fmt.Errorf("%s changed from %q to %q: the OpenAPI documents are loaded once per process",
			SpecEnv, contractPath, path)
	}
	return loadedContract, nil
}

// loadContract loads the 2010-04-01 document at path and the Lookup v2 document next to it, and
// routes requests by path alone. It checks that both files exist before it reads either.
func loadContract(path string) (*contract, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("load Twilio OpenAPI document %s: %w", path, err)
	}
	lookupsPath := filepath.Join(filepath.Dir(path), LookupsSpecFile)
	if _, err := os.Stat(lookupsPath); err != nil {
		return nil, fmt.Errorf("load Twilio Lookup v2 OpenAPI document: put %s from the same release as %s "+
			"in its directory: %w", LookupsSpecFile, path, err)
	}
	apiRouter, err := loadRouter(path, nil)
	if err != nil {
		return nil, err
	}
	lookupsRouter, err := loadRouter(lookupsPath, allowLookupNulls)
	if err != nil {
		return nil, err
	}
	return &contract{routers: []routers.Router{apiRouter, lookupsRouter}}, nil
}

// loadRouter loads the OpenAPI document at path, applies fix to it when fix is not nil, and
// returns a router that matches paths alone.
func loadRouter(path string, fix func(*openapi3.T) error) (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load Twilio OpenAPI document %s: %w", path, err)
	}
	// The documents name Twilio's hosts, such as https://api.twilio.com, as their servers. Without
	// servers, the router matches the paths of the local fake.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
		for _, operation := range item.Operations() {
			operation.Servers = nil
		}
	}
	if fix != nil {
		if err := fix(doc); err != nil {
			return nil, fmt.Errorf("adjust Twilio OpenAPI document %s: %w", path, err)
		}
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("build router for Twilio OpenAPI document %s: %w", path, err)
	}
	return router, nil
}

// allowLookupNulls marks as nullable the Lookup v2 fields that Twilio sends as null although their
// schemas do not allow it. The document's own examples for GET /v2/PhoneNumbers/{PhoneNumber} have
// a null validation_errors for a valid number, a null line_type_intelligence when Fields does not
// request it, and a null error_code when there is no error. Twilio's Line Type Intelligence page
// states that the carrier fields are null for line types without carrier data.
func allowLookupNulls(doc *openapi3.T) error {
	response, err := componentSchema(doc, "LookupResponse")
	if err != nil {
		return err
	}
	for _, name := range []string{"validation_errors", "line_type_intelligence"} {
		property := response.Properties[name]
		if property == nil || property.Value == nil {
			return fmt.Errorf("schema LookupResponse has no property %s", name)
		}
		property.Value.Nullable = true
	}
	lineType, err := componentSchema(doc, "LineTypeIntelligenceInfo")
	if err != nil {
		return err
	}
	for name, property := range lineType.Properties {
		if property == nil || property.Value == nil {
			return fmt.Errorf("schema LineTypeIntelligenceInfo has an unresolved property %s", name)
		}
		property.Value.Nullable = true
	}
	return nil
}

// componentSchema returns the schema that doc defines under components/schemas/name.
func componentSchema(doc *openapi3.T, name string) (*openapi3.Schema, error) {
	if doc.Components == nil || doc.Components.Schemas[name] == nil || doc.Components.Schemas[name].Value == nil {
		return nil, fmt.Errorf("schema %s not found", name)
	}
	return doc.Components.Schemas[name].Value, nil
}

// findRoute returns the operation of the first document that has one for req.
func (c *contract) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	var firstErr error
	for _, router := range c.routers {
		route, pathParams, err := router.FindRoute(req)
		if err == nil {
			return route, pathParams, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, nil, firstErr
}

// checkRequest validates a request whose body was already read into body. It returns the
// validation input that checkResponse needs.
func (c *contract) checkRequest(r *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, pathParams, err := c.findRoute(req)
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
