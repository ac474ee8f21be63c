package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/wire"
)

// exchangeLog is a reverse proxy in front of the real server that keeps
// each request as it arrived, and the status it got, by the X-Run header
// the snippets send: what a snippet put on the wire, byte for byte.
type exchangeLog struct {
	*httptest.Server
	mu   sync.Mutex
	runs map[string][]loggedExchange
}

type loggedExchange struct {
	method string
	header http.Header
	body   string
	status int
}

func newExchangeLog(t *testing.T, target string) *exchangeLog {
	u, err := url.Parse(target)
	require.NoError(t, err)
	l := &exchangeLog{runs: map[string][]loggedExchange{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(res *http.Response) error {
		req := res.Request
		l.mu.Lock()
		defer l.mu.Unlock()
		run := req.Header.Get("X-Run")
		i := len(l.runs[run]) - 1
		l.runs[run][i].status = res.StatusCode
		return nil
	}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		l.mu.Lock()
		run := r.Header.Get("X-Run")
		l.runs[run] = append(l.runs[run], loggedExchange{method: r.Method, header: r.Header.Clone(), body: string(body)})
		l.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(l.Close)
	return l
}

// last is the last exchange of a run.
func (l *exchangeLog) last(t *testing.T, run string) loggedExchange {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	require.NotEmpty(t, l.runs[run], "no request of %s arrived", run)
	return l.runs[run][len(l.runs[run])-1]
}

// Step 2's writes, as every language's snippet writes them, work against
// the sandbox: create a reservation with a JSON body and extra headers
// that need quoting, read it, move it with the full-body PUT, send a form
// (which the sandbox refuses with 415, as it takes JSON), and cancel it.
// Each request arrives with the body and the headers the playground
// showed.
func TestSnippetsWriteToTheSandbox(t *testing.T) {
	s := startServer(t, standInAssets(), nil, "-sandbox-client-id", snippetClientID, "-sandbox-client-secret", snippetClientSecret,
		"-sandbox-rate", "1000", "-sandbox-burst", "1000")
	token := sandboxToken(t, s.URL)
	log := newExchangeLog(t, s.URL)
	env := quickstart.Environment{
		Name:     "sandbox",
		TokenURL: log.URL + "/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{log.URL + "/sandbox/api/v2/", log.URL + "/sandbox/octotable-pms/api/v2/"},
	}
	day := wire.ExampleDay(time.Now())
	vars := map[string]string{snippets.EnvToken: token}
	for i, lang := range snippets.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			run := string(lang)
			extra := []quickstart.Header{
				{Name: "Idempotency-Key", Value: `it's "` + run + `" $HOME \ 100%`},
				{Name: "X-Run", Value: run},
			}
			opts := func(method, path, body string, ct quickstart.ContentType) snippets.Options {
				return snippets.Options{Env: env, Method: method, Path: path, Property: "1001", Body: body, ContentType: ct, Headers: extra}
			}
			// Each language books lunch in the main room at its own hour,
			// among five tables for two, so that they run at once without
			// a conflict.
			hour := fmt.Sprintf("%02d:%02d:00", 12+i/2, 30*(i%2))
			body := func(hour, customerID, tables string) string {
				return fmt.Sprintf("{\n  \"start_date\": %q,\n  \"start_hour\": %q,\n  \"pax\": 2,\n  \"channel\": \"OCTOTABLE_ADMIN\",\n"+
					"  \"customer\": {%s\"first_name\": \"Zoë O'Neil \\\"$HOME\\\" `date`\", \"phone\": \"3330000000\"},\n"+
					"  \"service_id\": 33840,\n  \"room_id\": 23288%s\n}\n", day, hour, customerID, tables)
			}
			create := body(hour, "", "")
			r := newSnippetRunner(t, lang, []string{generate(t, snippets.Step2, lang, opts("POST", "/octotable-pms/api/v2/reservations", create, ""))})

			out := r.mustRun(t, generate(t, snippets.Step2, lang, opts("POST", "/octotable-pms/api/v2/reservations", create, "")), vars)
			created := reservationOf(t, out)
			assert.Equal(t, "Zoë O'Neil \"$HOME\" `date`", created["customer"].(map[string]any)["first_name"])
			got := log.last(t, run)
			assert.Equal(t, http.StatusCreated, got.status)
			assert.Equal(t, "POST", got.method)
			assert.Equal(t, create, got.body, "the body as typed")
			assert.Equal(t, "application/json", got.header.Get("Content-Type"))
			assert.Equal(t, extra[0].Value, got.header.Get("Idempotency-Key"))
			assert.Equal(t, "1001", got.header.Get("Property"))
			assert.Equal(t, "Bearer "+token, got.header.Get("Authorization"))

			id := fmt.Sprint(int(created["id"].(float64)))
			customer := fmt.Sprint(int(created["customer"].(map[string]any)["id"].(float64)))
			one := "/octotable-pms/api/v2/reservations/" + id
			table := fmt.Sprint(int(created["tables"].([]any)[0].(map[string]any)["id"].(float64)))
			moved := strings.Replace(body(hour, `"id": `+customer+`, `, ",\n  \"table_ids\": ["+table+"]"), `"pax": 2`, `"pax": 1`, 1)
			read, change, form, cancel := generate(t, snippets.Step2, lang, opts("GET", one, "", "")),
				generate(t, snippets.Step2, lang, opts("PUT", one, moved, "")),
				generate(t, snippets.Step2, lang, opts("PUT", one, "pax=2&start_hour=13%3A00%3A00\n", quickstart.ContentForm)),
				generate(t, snippets.Step2, lang, opts("DELETE", one, "", ""))
			r.prepare(t, []string{read, change, form, cancel})

			assert.Equal(t, created["id"], reservationOf(t, r.mustRun(t, read, vars))["id"])
			changed := reservationOf(t, r.mustRun(t, change, vars))
			assert.Equal(t, []any{hour, float64(1)}, []any{changed["start_hour"], changed["pax"]})
			assert.Equal(t, moved, log.last(t, run).body)

			out, _ = r.run(t, form, vars) // curl and HTTPie exit 0 on a 415; the others 1
			got = log.last(t, run)
			assert.Equal(t, http.StatusUnsupportedMediaType, got.status, out)
			assert.Equal(t, "PUT", got.method)
			assert.Equal(t, "pax=2&start_hour=13%3A00%3A00", got.body, "a form goes trimmed")
			assert.Equal(t, "application/x-www-form-urlencoded", got.header.Get("Content-Type"))

			out = r.mustRun(t, cancel, vars)
			assert.JSONEq(t, `{"data": [`+id+`]}`, out)
			got = log.last(t, run)
			assert.Equal(t, http.StatusOK, got.status)
			assert.Equal(t, "DELETE", got.method)
			assert.Empty(t, got.body)
			assert.Equal(t, extra[0].Value, got.header.Get("Idempotency-Key"))
			assert.Equal(t, "CANCELLED", reservationOf(t, r.mustRun(t, read, vars))["status"], "a cancelled reservation stays")
		})
	}
}

// reservationOf reads the reservation a snippet printed.
func reservationOf(t *testing.T, out string) map[string]any {
	t.Helper()
	var got struct {
		Data []map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got.Data, 1, out)
	return got.Data[0]
}

// sandboxToken gets a token for the snippets' client from the sandbox.
func sandboxToken(t *testing.T, base string) string {
	t.Helper()
	res, err := http.PostForm(base+"/sandbox/octotable-auth/api/v2/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {snippetClientID}, "client_secret": {snippetClientSecret},
	})
	require.NoError(t, err)
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}
