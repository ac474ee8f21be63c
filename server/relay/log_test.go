package relay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/wire"
)

// TestLogsHoldNoSecret relays Step 1 (the partner's own secret, and a
// profile's), Step 2 with the token the upstream issued, and a few
// failures, then reads the whole log at every level in both formats: no
// secret, no token; one line per relayed request with what an operator
// needs.
func TestLogsHoldNoSecret(t *testing.T) {
	formats := map[string]func(io.Writer, *slog.HandlerOptions) slog.Handler{
		"text": func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) },
		"json": func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) },
	}
	for _, format := range []string{"text", "json"} {
		for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
			t.Run(format+" "+level.String(), func(t *testing.T) {
				// Random cores, so that no other text can contain them.
				secret, profileSecret, token := "pw+"+rand.Text()+" :/", rand.Text(), "tok_"+rand.Text()
				buf := &testkit.SyncBuffer{}
				h, up := loggedHarness(t, token, profileSecret, func(c *Config) {
					c.Logger = slog.New(formats[format](buf, &slog.HandlerOptions{Level: level}))
				})
				relayEverything(t, h, up.URL, secret, token)
				h.srv.Close() // waits for the handlers, which log after answering
				out := buf.String()

				for _, leak := range []string{
					secret[3 : len(secret)-3], profileSecret, token[4:],
					base64.StdEncoding.EncodeToString([]byte("demo:" + profileSecret)),
				} {
					assert.NotContains(t, out, leak)
				}
				assert.NotContains(t, out, "access_token=", "a query was logged")

				lines := logLines(t, format, out)
				broken := map[string]string{}
				if level <= slog.LevelInfo {
					require.Len(t, lines, 7, out)
					assert.Equal(t, map[string]string{
						"level": "INFO", "msg": "relay", "env": "up", "method": "GET", "target": "/api/rooms",
						"status": "200", "duration": lines[2]["duration"], "key_id": "2",
					}, lines[2])
					assert.NotEmpty(t, lines[2]["duration"])
					assert.Equal(t, "/auth/token", lines[0]["target"])
					assert.Equal(t, wire.ProblemTargetNotAllowed.URI, lines[4]["problem"])
					assert.Equal(t, "/auth/token", lines[4]["target"], "path only, no query")
					broken = lines[3]
				} else {
					// Only the gateway's own failure is above Info.
					require.Len(t, lines, 1, out)
					broken = lines[0]
				}
				assert.Equal(t, "ERROR", broken["level"])
				assert.Equal(t, "/api/broken", broken["target"])
				assert.Equal(t, "502", broken["status"])
				assert.Equal(t, wire.ProblemUpstreamUnreachable.URI, broken["problem"])
			})
		}
	}
}

// loggedHarness is an upstream that issues token, and a relay to it with a
// profile "demo" whose secret is profileSecret.
func loggedHarness(t *testing.T, token, profileSecret string, opts ...func(*Config)) (*harness, *upstream) {
	t.Helper()
	up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth/token":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":1440}`, token)
		case "/api/broken":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		default:
			fmt.Fprintf(w, `{"data":[],"echo":%q}`, r.Header.Get("Authorization"))
		}
	})
	env := loopbackEnv(t, "up", up, map[string]Credentials{"demo": {ClientID: "demo", ClientSecret: profileSecret}})
	return newHarness(t, []*Environment{env}, opts...), up
}

// relayEverything sends, in order: Step 1 with the secret in the body,
// Step 1 with the profile as Basic, Step 2 with the token in the header
// and the query, Step 2 to an upstream that breaks, a token request with
// the secret in the query, one with a stale Date, one naming the profile
// and carrying the secret.
func relayEverything(t *testing.T, h *harness, base, secret, token string) {
	t.Helper()
	tokenURL := base + "/auth/token"
	body := "grant_type=client_credentials&client_id=me&client_secret=" + url.QueryEscape(secret)

	step1 := h.inner("POST", tokenURL, "content-type", form)
	step1.Body = []byte(body)
	answer := h.do(t, step1)
	require.Equal(t, http.StatusOK, answer.Status)
	require.Contains(t, string(answer.Body), token)

	profile := h.inner("POST", tokenURL, "content-type", form, "octoplay-profile", "demo", "octoplay-client-auth", "basic")
	profile.Body = []byte("grant_type=client_credentials")
	require.Equal(t, http.StatusOK, h.do(t, profile).Status)

	step2 := h.inner("GET", base+"/api/rooms?access_token="+token, "authorization", "Bearer "+token)
	answer = h.do(t, step2)
	require.Equal(t, http.StatusOK, answer.Status)
	require.Contains(t, string(answer.Body), token, "the token went upstream")

	broken := h.inner("GET", base+"/api/broken", "authorization", "Bearer "+token)
	assertProblem(t, h.do(t, broken), http.StatusBadGateway, wire.ProblemUpstreamUnreachable.URI)

	inQuery := h.inner("POST", tokenURL+"?client_secret="+url.QueryEscape(secret))
	assertProblem(t, h.do(t, inQuery), http.StatusForbidden, wire.ProblemTargetNotAllowed.URI)

	stale := h.inner("POST", tokenURL, "content-type", form, "authorization", "Bearer "+token)
	stale.Header.Set("date", "Mon, 02 Jan 2006 15:04:05 GMT")
	stale.Body = []byte(body)
	assertProblem(t, h.do(t, stale), http.StatusBadRequest, wire.ProblemStaleDate.URI)

	twice := h.inner("POST", tokenURL, "content-type", form, "octoplay-profile", "demo")
	twice.Body = []byte(body)
	assertProblem(t, h.do(t, twice), http.StatusBadRequest, wire.ProblemProfile.URI)
}

// logLines reads text or JSON log lines into flat string maps.
func logLines(t *testing.T, format, out string) []map[string]string {
	t.Helper()
	var lines []map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := map[string]string{}
		if format == "json" {
			var raw map[string]any
			require.NoError(t, json.Unmarshal(sc.Bytes(), &raw), sc.Text())
			for k, v := range raw {
				line[k] = fmt.Sprint(v)
			}
		} else {
			for _, field := range strings.Fields(sc.Text()) {
				k, v, _ := strings.Cut(field, "=")
				line[k] = v
			}
		}
		delete(line, "time")
		lines = append(lines, line)
	}
	return lines
}

// heldLog holds every log line until held is closed.
type heldLog struct{ held <-chan struct{} }

func (l heldLog) Enabled(context.Context, slog.Level) bool  { return true }
func (l heldLog) Handle(context.Context, slog.Record) error { <-l.held; return nil }
func (l heldLog) WithAttrs([]slog.Attr) slog.Handler        { return l }
func (l heldLog) WithGroup(string) slog.Handler             { return l }

// The sealed answer leaves, whole, before the relay writes its log line:
// the line is the relay's time, not the browser's. Here the log holds its
// lines until the browser has read the whole answer.
func TestAnswerLeavesBeforeTheLogLine(t *testing.T) {
	answered := make(chan struct{})
	h, up := loggedHarness(t, "tok_"+rand.Text(), rand.Text(), func(c *Config) {
		c.Logger = slog.New(heldLog{held: answered})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	plain, err := h.inner(http.MethodGet, up.URL+"/api/rooms").MarshalBinary()
	require.NoError(t, err)
	sealed, cc := h.sealRaw(t, plain)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/relay", bytes.NewReader(sealed))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
	res, err := http.DefaultClient.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	close(answered)
	require.NoError(t, err, "the answer waited for the log line")
	assert.Equal(t, http.StatusOK, openAnswer(t, res, body, cc).Status)
}
