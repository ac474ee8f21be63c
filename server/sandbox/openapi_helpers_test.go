package sandbox_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"octoplay/server/sandbox"
)

// Every answer a test gets from a sandbox through send or sendWith is
// validated against the sandbox's OpenAPI document (the document the
// sandbox serves), so that the document and the sandbox cannot part.

var (
	docOnce sync.Once
	doc     *openapi3.T
	docErr  error
	// routerFor caches a router per server (its host), since the
	// document's server is the one the tests talk to.
	routersMu sync.Mutex
	routerFor = map[string]routers.Router{}
	// validated counts the answers validated, for the test that says the
	// validation ran at all.
	validated atomic.Int64
)

func openAPIDoc(t testing.TB) *openapi3.T {
	t.Helper()
	docOnce.Do(func() {
		var raw []byte
		raw, docErr = sandbox.OpenAPI(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), "/")
		if docErr != nil {
			return
		}
		loader := openapi3.NewLoader()
		doc, docErr = loader.LoadFromData(raw)
		if docErr == nil {
			docErr = doc.Validate(context.Background())
		}
	})
	require.NoError(t, docErr)
	return doc
}

// routerOf is a router over the document with host as its one server.
func routerOf(t testing.TB, host string) routers.Router {
	t.Helper()
	routersMu.Lock()
	defer routersMu.Unlock()
	if r, ok := routerFor[host]; ok {
		return r
	}
	d := *openAPIDoc(t)
	d.Servers = openapi3.Servers{{URL: "http://" + host}}
	r, err := gorillamux.NewRouter(&d)
	require.NoError(t, err)
	routerFor[host] = r
	return r
}

// validateAnswer checks an answer against the document, if its request is
// one of the document's operations (a path the sandbox does not have, or a
// method it does not take, has no operation to check against).
func validateAnswer(t testing.TB, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	checked, err := answerProblem(t, req, resp.StatusCode, resp.Header, body)
	require.NoError(t, err, "%s %s answered %d, which the OpenAPI document does not describe:\n%s", req.Method, req.URL, resp.StatusCode, body)
	if checked {
		validated.Add(1)
	}
}

// answerProblem is what is wrong with an answer by the document, and
// whether the request is one of its operations at all.
func answerProblem(t testing.TB, req *http.Request, status int, header http.Header, body []byte) (bool, error) {
	probe := req.Clone(context.Background())
	probe.Host = req.URL.Host
	probe.URL.Path = strings.TrimPrefix(probe.URL.Path, "/sandbox")
	route, params, err := routerOf(t, req.URL.Host).FindRoute(probe)
	if err != nil {
		return false, nil
	}
	input := &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	return true, openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
}
