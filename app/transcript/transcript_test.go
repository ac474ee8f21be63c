package transcript_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/transcript"
	"octoplay/internal/testkit"
)

var started = time.Date(2026, 11, 30, 14, 29, 1, 123e6, time.FixedZone("CET", 3600))

// visit is an ordinary visit with no secret in it but the token: a form
// token request through a profile, a JSON write, a binary answer, and a
// request the relay could not send.
func visit() []transcript.Exchange {
	s := transcript.Secrets{ClientID: "octoplay-demo", Token: "tok-0123456789"}
	return []transcript.Exchange{
		transcript.Record(transcript.Capture{Title: "Step 1", Started: started,
			Request: request("POST", "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token", "grant_type=client_credentials&scope=a+b",
				"content-type", "application/x-www-form-urlencoded", "accept", "application/json", "octoplay-profile", "demo",
				"date", "Mon, 30 Nov 2026 13:29:01 GMT"),
			Answer: answer(200, `{"access_token": "tok-0123456789", "expires_in": 1440}`, "content-type", "application/json", "cache-control", "no-store"),
		}, s),
		transcript.Record(transcript.Capture{Title: "Step 2", Started: started.Add(time.Second),
			Request: request("POST", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/reservations?limit=5&note=a%20b",
				"{\n  \"room_id\": 102,\n  \"n\": 1.50\n}", "accept", "application/json", "authorization", "Bearer tok-0123456789",
				"property", "1001", "content-type", "application/json", "idempotency-key", "k-1"),
			Answer: answer(201, "{\"success\":true,\"data\":{\"id\":\"RSV-ABCD2345\"}}\n", "content-type", "application/json", "location", "reservations/RSV-ABCD2345"),
		}, s),
		transcript.Record(transcript.Capture{Title: "Step 2", Started: started.Add(2 * time.Second),
			Request: request("GET", "http://127.0.0.1:8080/sandbox/api/v2/", "", "authorization", "Bearer tok-0123456789"),
			Answer:  answer(302, "\xff\xfe\x00", "location", "https://example.com/next", "content-type", "application/octet-stream"),
		}, s),
		transcript.Record(transcript.Capture{Started: started.Add(3 * time.Second),
			Request: request("GET", "http://127.0.0.1:8080/sandbox/api/v2/", ""), Failure: "the relay did not answer"}, s),
	}
}

// The HAR holds what HAR 1.2 asks for, with what is not a secret as it
// went: fields the relay drops left out, bodies as they were.
func TestHARShape(t *testing.T) {
	b, err := transcript.HAR(visit(), "1.0-test")
	require.NoError(t, err)
	var har struct {
		Log struct {
			Version string
			Creator map[string]string
			Pages   []map[string]any
			Entries []map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(b, &har))
	log := har.Log
	assert.Equal(t, "1.2", log.Version)
	assert.Equal(t, map[string]string{"name": "Octoplay", "version": "1.0-test"}, log.Creator)
	require.Len(t, log.Pages, 1)
	require.Len(t, log.Entries, 4)

	token := log.Entries[0]
	assert.Equal(t, "2026-11-30T13:29:01.123Z", token["startedDateTime"], "in UTC, to the millisecond")
	assert.Equal(t, 123.456, token["time"])
	assert.Equal(t, map[string]any{}, token["cache"])
	assert.Equal(t, map[string]any{"blocked": -1.0, "dns": -1.0, "connect": -1.0, "ssl": -1.0, "send": 0.0, "wait": 123.456, "receive": 0.0}, token["timings"])
	assert.Equal(t, "Step 1. The relay added the client credentials of the server's profile demo.", token["comment"])
	req := token["request"].(map[string]any)
	assert.Equal(t, []any{
		map[string]any{"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
		map[string]any{"name": "Accept", "value": "application/json"},
	}, req["headers"], "the relay's Octoplay-* and Date stay behind")
	assert.Equal(t, map[string]any{
		"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=client_credentials&scope=a+b",
		"params": []any{map[string]any{"name": "grant_type", "value": "client_credentials"}, map[string]any{"name": "scope", "value": "a b"}},
	}, req["postData"])
	assert.Equal(t, []any{-1.0, 39.0, "HTTP/1.1"}, []any{req["headersSize"], req["bodySize"], req["httpVersion"]})
	res := token["response"].(map[string]any)
	redacted := `{"access_token":"[removed by Octoplay: access token]","expires_in":1440}`
	assert.Equal(t, map[string]any{"size": float64(len(redacted)), "mimeType": "application/json", "text": redacted}, res["content"],
		"the size of what the file shows")
	assert.Equal(t, []any{200.0, "OK", -1.0}, []any{res["status"], res["statusText"], res["bodySize"]}, "a redacted body's size as sent is not told")

	write := log.Entries[1]
	req = write["request"].(map[string]any)
	assert.Equal(t, "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/reservations?limit=5&note=a%20b", req["url"])
	assert.Equal(t, []any{map[string]any{"name": "limit", "value": "5"}, map[string]any{"name": "note", "value": "a b"}}, req["queryString"])
	assert.Equal(t, map[string]any{"mimeType": "application/json", "text": "{\n  \"room_id\": 102,\n  \"n\": 1.50\n}"}, req["postData"], "a body with no secret is kept as it came")
	res = write["response"].(map[string]any)
	assert.Equal(t, "", res["redirectURL"], "only a redirect has one")
	assert.Equal(t, float64(len("{\"success\":true,\"data\":{\"id\":\"RSV-ABCD2345\"}}\n")), res["bodySize"], "a body as it came has its size")

	redirect := log.Entries[2]["response"].(map[string]any)
	assert.Equal(t, "https://example.com/next", redirect["redirectURL"])
	assert.Equal(t, map[string]any{"size": 3.0, "mimeType": "application/octet-stream", "text": "//4A", "encoding": "base64"}, redirect["content"])
	assert.Nil(t, log.Entries[2]["request"].(map[string]any)["postData"])

	failed := log.Entries[3]
	res = failed["response"].(map[string]any)
	assert.Equal(t, []any{0.0, "Not relayed: the relay did not answer."}, []any{res["status"], res["comment"]})
	assert.Equal(t, 0.0, failed["time"])
}

// The HAR passes an independent validator of the HAR 1.2 schema:
// har-validator from the npm registry, which make test-deps installs.
func TestHARValidates(t *testing.T) {
	node := testkit.NeedCommand(t, "node", "apt-get install nodejs")
	validator := os.Getenv("OCTOPLAY_HAR_VALIDATOR")
	if validator == "" {
		validator = filepath.Join("..", "..", ".cache", "npm", "node_modules", "har-validator")
	}
	validator, err := filepath.Abs(validator)
	require.NoError(t, err)
	testkit.NeedFile(t, filepath.Join(validator, "package.json"), "make test-deps installs har-validator from the npm registry")
	validate := func(t *testing.T, har []byte) (string, error) {
		path := filepath.Join(t.TempDir(), transcript.FileName(started, transcript.ExtHAR))
		require.NoError(t, os.WriteFile(path, har, 0o600))
		script := `require(process.argv[1]).har(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")))
			.then(() => console.log("valid"))
			.catch((e) => { console.log(JSON.stringify(e.errors || e.message)); process.exit(1); });`
		out, err := exec.Command(node, "-e", script, validator, path).CombinedOutput()
		return string(out), err
	}

	har, err := transcript.HAR(append(visit(), recordedFlow()...), "test")
	require.NoError(t, err)
	out, err := validate(t, har)
	assert.NoError(t, err, out)
	assert.Equal(t, "valid\n", out)
	empty, err := transcript.HAR(nil, "test")
	require.NoError(t, err)
	out, err = validate(t, empty)
	assert.NoError(t, err, "a visit with no request: %s", out)

	// The validator can fail: a HAR without its version, and one whose
	// entry has no request, are refused.
	var broken map[string]map[string]any
	require.NoError(t, json.Unmarshal(har, &broken))
	delete(broken["log"], "version")
	b, _ := json.Marshal(broken)
	out, err = validate(t, b)
	assert.Error(t, err, out)
	assert.Contains(t, out, "version")
	require.NoError(t, json.Unmarshal(har, &broken))
	delete(broken["log"]["entries"].([]any)[0].(map[string]any), "request")
	b, _ = json.Marshal(broken)
	out, err = validate(t, b)
	assert.Error(t, err, out)
	assert.Contains(t, out, "request")
}

// recordedFlow is the leak test's flow, credentials everywhere, recorded.
func recordedFlow() []transcript.Exchange {
	c := leakCases()[0]
	var out []transcript.Exchange
	for _, capture := range flow(c) {
		out = append(out, transcript.Record(capture, transcript.Secrets{ClientID: c.id, ClientSecret: c.secret, Token: c.token}))
	}
	return out
}

func TestMarkdown(t *testing.T) {
	x := visit()
	got := transcript.Markdown([]transcript.Exchange{x[1], x[3]}, time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC))
	want := "# Octoplay transcript\n\nExported 2026-11-30 14:30:00 UTC. 2 requests, as Octoplay's relay sent them upstream, and their answers.\n\n" +
		"Octoplay removed the client secret, the access token, every Authorization value, HTTP Basic credentials, cookies, and every client_secret, " +
		"access_token, refresh_token and id_token field, wherever they were; each shows as [removed by Octoplay: what it was].\n" +
		"\n## 1. Step 2: `POST http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/reservations?limit=5&note=a%20b` → 201 Created\n\n" +
		"Started 2026-11-30T13:29:02.123Z; the answer came 123ms later, through the relay.\n\nRequest:\n\n" +
		"```http\nPOST /sandbox/octotable-pms/api/v2/reservations?limit=5&note=a%20b HTTP/1.1\nHost: 127.0.0.1:8080\nAccept: application/json\n" +
		"Authorization: Bearer [removed by Octoplay: access token]\nProperty: 1001\nContent-Type: application/json\nIdempotency-Key: k-1\n\n" +
		"{\n  \"room_id\": 102,\n  \"n\": 1.50\n}\n```\n" +
		"\nAnswer:\n\n```http\nHTTP/1.1 201 Created\nContent-Type: application/json\nLocation: reservations/RSV-ABCD2345\n\n" +
		"{\"success\":true,\"data\":{\"id\":\"RSV-ABCD2345\"}}\n```\n" +
		"\n## 2. `GET http://127.0.0.1:8080/sandbox/api/v2/` → not relayed\n\nStarted 2026-11-30T13:29:04.123Z.\n\nRequest:\n\n" +
		"```http\nGET /sandbox/api/v2/ HTTP/1.1\nHost: 127.0.0.1:8080\n```\n\nNot relayed: the relay did not answer.\n"
	assert.Equal(t, want, got)

	one := transcript.Markdown(x[2:3], started)
	assert.Contains(t, one, "1 request, as Octoplay's relay sent it upstream, and its answers.")
	assert.Contains(t, one, "\n(3 bytes of binary data, not shown)\n")
}

// A body with backticks cannot close its code block early.
func TestMarkdownFences(t *testing.T) {
	x := transcript.Record(transcript.Capture{Started: started,
		Request: request("POST", "https://api.octotable.com/api/v2/x`y", "```\n# not a heading\n`````", "content-type", "text/plain")}, transcript.Secrets{})
	got := transcript.Markdown([]transcript.Exchange{x}, started)
	assert.Contains(t, got, "``````http\nPOST /api/v2/x%60y HTTP/1.1\nHost: api.octotable.com\nContent-Type: text/plain\n\n```\n# not a heading\n`````\n``````\n")
	assert.Contains(t, got, "## 1. `POST https://api.octotable.com/api/v2/x%60y` → not relayed")
}

func TestFileName(t *testing.T) {
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, time.FixedZone("CET", 3600))
	assert.Equal(t, "octoplay-transcript-20261130T143000Z.har", transcript.FileName(at, transcript.ExtHAR))
	assert.Equal(t, "octoplay-transcript-20261130T143000Z.md", transcript.FileName(at, transcript.ExtMarkdown))
}
