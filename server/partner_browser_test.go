package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
	"octoplay/web"
)

// A partner tests their own writes from Step 2, by the examples alone, with
// a body and extra headers, meets a failure, then saves the visit for a
// support ticket: the two files hold neither the secret nor the token in
// any form, the HAR is HAR 1.2 and DevTools imports it, and the answers'
// bodies are copied and saved with the token masked.
func TestPartnerWritesFromStep2AndExportsATranscript(t *testing.T) {
	requireBuiltWasm(t)
	buf := make([]byte, 18)
	rand.Read(buf)
	// Every character careless encoding breaks: a quote and a backslash
	// (JSON), + / = % : and a space (forms, Basic), non-ASCII.
	secret := `p"a\r+t/` + base64.RawURLEncoding.EncodeToString(buf) + " ü:%="
	id := "partner-test-client"
	s := startServer(t, web.Assets, nil, "-sandbox-client-id", id, "-sandbox-client-secret", secret)
	ctx, msgs := newBrowserFor(t, 3*time.Minute)
	downloads := allowDownloads(t, ctx)
	var net traffic
	net.record(t, ctx, "page")
	openPlayground(t, ctx, s.URL+"/")

	// Step 1 twice: the secret in HTTP Basic, then in a JSON body.
	revealToken := func() string {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRevealToken))))
		token := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const v = document.querySelector(%q).textContent; return v.includes("•") ? false : v; })()`, byID(ui.IDTokenValue))))
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRevealToken))))
		return token
	}
	requests := func(n int) chromedp.Action[bool] {
		return waitJS[bool](fmt.Sprintf(`document.querySelectorAll(%q).length === %d`, byID(ui.IDHistory)+" tbody tr", n))
	}
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDAuthStyle), "basic"), step1(id, secret), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	tokens := []string{revealToken()}
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDAuthStyle), "body"), choose(byID(ui.IDEncoding), "json"), chromedp.Click(byID(ui.IDRequestToken))))
	runAction(t, ctx, requests(2))
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	tokens = append(tokens, revealToken())
	require.NotEqual(t, tokens[0], tokens[1])

	// Step 2: the example that creates a reservation, with a header of the
	// partner's own; a refused one is flagged on its row, then removed.
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDStep2Preset), "reservation-create"),
		waitSel(byID(ui.IDStep2Body)),
		chromedp.Click(byID(ui.IDStep2HeaderAdd)),
	))
	waitFocus(t, ctx, ui.IDStep2HeaderNameRow(0)) // the focus goes to the new row
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2HeaderNameRow(0)), "X-Partner-Trace"), fillIn(byID(ui.IDStep2HeaderValueRow(0)), "trace-7"),
		clickNow(byID(ui.IDStep2HeaderAdd)), waitSel(byID(ui.IDStep2HeaderNameRow(1))), fillIn(byID(ui.IDStep2HeaderNameRow(1)), "Cookie"), fillIn(byID(ui.IDStep2HeaderValueRow(1)), "a=b")))
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDStep2HeaderNameRow(1))+`[aria-invalid="true"]`)))
	assert.NotEmpty(t, textOf(t, ctx, byID(ui.IDStep2HeaderErrorRow(1))), "the row says why")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDStep2HeaderRemoveRow(1)))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`!document.querySelector(%q)`, byID(ui.IDStep2HeaderNameRow(1)))))
	waitFocus(t, ctx, ui.IDStep2HeaderAdd)
	preview := textOf(t, ctx, byID(ui.Step2.Preview()))
	assert.Contains(t, preview, "X-Partner-Trace: trace-7")
	assert.Contains(t, preview, `"first_name": "Ada"`)
	assert.Contains(t, preview, "Content-Type: application/json")
	address := runAction(t, ctx, chromedp.Evaluate[string](`location.href`))
	assert.Contains(t, address, "method=POST", "the link follows the request")
	for _, kept := range []string{"Ada", "trace-7", "Partner-Trace", "room_id"} {
		assert.NotContains(t, address, kept, "the body and the headers stay out of the link")
	}

	// sendFor sends Step 2 and waits for its answer, a row more in the
	// history: a request that cannot be built leaves none, and says why.
	sendFor := func(status string) {
		t.Helper()
		rows := fmt.Sprintf(`document.querySelectorAll(%q).length`, byID(ui.IDHistory)+" tbody tr")
		require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(byID(ui.IDSend)+`[aria-busy="false"][aria-disabled="false"]`)))
		before := runAction(t, ctx, chromedp.Evaluate[int](rows))
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend))))
		got, err := chromedp.Run(ctx, waitJS[string](fmt.Sprintf(`%s > %d && document.querySelector(%q).dataset.status`, rows, before, byID(ui.Step2.Status()))))
		if err != nil {
			// The wait spent ctx: read the page's error with time of its own.
			late, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			why, _ := chromedp.Run(late, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, byID(ui.Step2.Error()))))
			require.NoError(t, err, "no answer came: %s", why)
		}
		require.Equal(t, status, got)
	}
	sendFor("201")
	assert.Contains(t, runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).textContent`, byID(ui.IDHistory)+" tbody tr details pre"))), "X-Partner-Trace: trace-7\n",
		"the history keeps the request's headers and body")
	saveElementShot(t, ctx, byID(ui.IDStep2), "step2-body.png")
	created := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const m = document.querySelector(%q).textContent.match(/"id": ([0-9]+)/); return m ? m[1] : false; })()`, byID(ui.Step2.AnswerBody()))))
	sendFor("409") // the same again: the one table for eight is taken
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2)+" .explain"), "409")

	// Read it, check it in and cancel it by the examples alone.
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-read"), waitSel(byID(ui.IDStep2ParamNamed("reservation_id")))))
	assert.Equal(t, created, runAction(t, ctx, chromedp.Value(byID(ui.IDStep2ParamNamed("reservation_id")))), "the path's id is the one created")
	sendFor("200")
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.AnswerBody())), created)

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-create"), waitSel(byID(ui.IDStep2Body)), fillIn(byID(ui.IDStep2Body), `{"pax": 1,}`),
		waitSel(byID(ui.IDStep2Body)+`[aria-invalid="true"]`)))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2BodyCheck)), "line 1, column 11", "where the JSON breaks, before sending")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.Step2.Error()))))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Error())), "not valid JSON", "nothing sent")
	// The error's line goes once the body is fixed, which moves the button
	// up: click it where it then is.
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2Body), `{"pax":1,"notes":"window"}`), waitSel(byID(ui.IDStep2Body)+`[aria-invalid="false"]`),
		chromedp.Click(byID(ui.IDStep2Pretty))))
	assert.Equal(t, "{\n  \"pax\": 1,\n  \"notes\": \"window\"\n}",
		runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const v = document.querySelector(%q).value; return v.includes("\n") ? v : false; })()`, byID(ui.IDStep2Body)))))
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-checkin")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).value.endsWith("/checkin")`, byID(ui.IDStep2Path))))
	assert.Equal(t, created, runAction(t, ctx, chromedp.Value(byID(ui.IDStep2ParamNamed("reservation_id")))))
	sendFor("200")

	// The answer pretty or raw, copied, saved: the token masked throughout.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step2.AnswerRaw())), waitSel(byID(ui.Step2.AnswerRaw())+`[aria-pressed="true"]`)))
	assert.NotContains(t, textOf(t, ctx, byID(ui.Step2.AnswerBody())), "\n  ", "as it came")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step2.AnswerDownload()))))
	assert.Contains(t, string(waitDownload(t, ctx, downloads, "octoplay-step2-answer.json")), `"status":"ACCEPTED"`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step1.AnswerCopy()))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent !== ""`, byID(ui.Step1.AnswerCopyFeedback()))))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step1.AnswerDownload()))))
	step1Body := string(waitDownload(t, ctx, downloads, "octoplay-step1-answer.json"))
	assert.Contains(t, step1Body, `"access_token": "••••••••"`, "masked, not emptied")

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-delete")))
	sendFor("200")

	// The transcript, as HAR and as Markdown, made in the page: saving it
	// sends nothing (a blob: URL is no network request).
	net.waitSettled(t)
	posts, _ := net.counts()
	require.GreaterOrEqual(t, posts, 7, "the record sees the page's requests")
	before := net.all()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDExportTranscript)), chromedp.Click(byID(ui.IDExportMarkdown))))
	har := waitDownload(t, ctx, downloads, "octoplay-transcript-*.har")
	md := waitDownload(t, ctx, downloads, "octoplay-transcript-*.md")
	for line := range strings.Lines(strings.TrimPrefix(net.all(), before)) {
		if strings.HasPrefix(line, "page request ") {
			assert.Contains(t, line, " blob:", "the export sent a request")
		}
	}
	assert.Contains(t, textOf(t, ctx, byID(ui.IDExportFeedback)), "7 of this visit's requests")
	assert.Empty(t, runAction(t, ctx, chromedp.Evaluate[[]string](`window.__csp`)), "the downloads broke no CSP rule")
	assert.Empty(t, msgs.all(), "console errors")

	forms := credentialForms(id, secret, tokens)
	files := map[string]string{"HAR": harText(t, har), "Markdown": string(md), "Step 1's answer": step1Body}
	for name, text := range files {
		for what, form := range forms {
			assert.NotContains(t, text, form, "the %s holds %s", name, what)
		}
	}
	// The search finds what it looks for: the secret and the Basic
	// credentials put back in the HAR as headers (JSON-escaped on the way)
	// are found as they are, escaped, and by every window.
	planted := harText(t, plantInHAR(t, har, secret, basicHeader(id, secret)))
	for what, form := range forms {
		if what == "the secret, form 0" || what == "the secret, form 3" || what == "Basic credentials" || strings.HasPrefix(what, "the secret, bytes") {
			assert.Contains(t, planted, form, "the search misses %s", what)
		}
	}
	assert.Contains(t, string(plantInHAR(t, har, secret)), forms["the secret, form 3"], "JSON-escaped in the file")

	md2 := string(md)
	for _, want := range []string{"Authorization: Basic [removed by Octoplay: client credentials]", "X-Partner-Trace: trace-7", "→ 409 Conflict",
		"`DELETE " + s.URL + "/sandbox/octotable-pms/api/v2/reservations/" + created + "` → 200 OK", `"status":"ACCEPTED"`} {
		assert.Contains(t, md2, want)
	}
	validateHAR(t, har)
	imported := importInDevTools(t, ctx, har)
	require.Len(t, imported, 7)
	assert.Equal(t, []any{"POST", s.URL + "/sandbox/octotable-pms/api/v2/reservations", 201.0, "application/json"}, imported[2][:4])
	assert.Equal(t, []any{"DELETE", s.URL + "/sandbox/octotable-pms/api/v2/reservations/" + created, 200.0}, imported[6][:3])

	// Forget ends the visit's transcript.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDForget)), waitSel(byID(ui.IDTokenStatus)+`[data-state="none"]`), chromedp.Click(byID(ui.IDExportTranscript))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.startsWith("Nothing to save yet")`, byID(ui.IDExportFeedback))))
}

// With the switch on, a call that meets an expired token renews it and is
// sent again, once: after the API said 401 invalid_token (a restarted
// server no longer knows the token), and before the call when the
// countdown ended (the restarted server's tokens last 2 s on the page's
// clock; on the sandbox's, held still, they outlive a slow machine's
// requests).
func TestPlaygroundRenewsAnExpiredTokenWhenAsked(t *testing.T) {
	requireBuiltWasm(t)
	addr := testkit.FreeAddr(t)
	first := startServerAt(t, addr, web.Assets, nil, "-relay-key", relayKey(t, 1))
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, first.URL+"/")
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDSource), "demo"), chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDAutoRenew))))
	require.NoError(t, first.Stop())
	clock := testkit.NewClock(time.Now())
	launchServer(t, addr, swaps{assets: web.Assets, sandboxClock: clock.Now}, nil, "-relay-key", relayKey(t, 2), "-sandbox-token-ttl", "2s")

	history := func() []string {
		return runAction(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(r => r.cells[1].textContent + " " + r.cells[3].textContent)`, byID(ui.IDHistory)+" tbody tr")))
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.Step2.Status())+`[data-status="200"]`)))
	assert.Equal(t, []string{"GET 200", "POST 200", "GET 401", "POST 200"}, history(), "the call, refused, renewed and sent again, newest first")

	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDTokenStatus)+`[data-state="expired"]`), chromedp.Click(byID(ui.IDSend))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelectorAll(%q).length === 6`, byID(ui.IDHistory)+" tbody tr")))
	assert.Equal(t, []string{"GET 200", "POST 200"}, history()[:2], "renewed first: the expired token never went")
	assert.Equal(t, "200", runAction(t, ctx, chromedp.AttributeValue(byID(ui.Step2.Status()), "data-status")).Value)
}

// waitFocus waits until the element id has the focus.
func waitFocus(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	runAction(t, ctx, waitJS[bool](`document.activeElement && document.activeElement.id === `+jsString(id)))
}

// fillIn replaces a field's text and fires input, as a paste would.
func fillIn(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
	})()`, sel, value))
}

// saveElementShot keeps a picture of one element, as saveScreenshot does.
func saveElementShot(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	savePNG(t, name, runAction(t, ctx, chromedp.Screenshot(sel)))
}

// downloads are the files the browser saved, in a folder of the test's
// own, as the browser reports each one done: Chromium reserves the final
// name with an empty file at the start, so the folder alone cannot say
// when a file is whole.
type downloads struct {
	dir  string
	mu   sync.Mutex
	name map[string]string // the page's name for each download, by GUID
	done map[string]string // where each finished download is, by the page's name
}

// allowDownloads makes the browser of ctx save downloads, under the names
// the page gives them, and report them.
func allowDownloads(t *testing.T, ctx context.Context) *downloads {
	t.Helper()
	d := &downloads{dir: t.TempDir(), name: map[string]string{}, done: map[string]string{}}
	begun := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	go func() {
		for ev, err := range begun {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.name[ev.GUID] = ev.SuggestedFilename
			d.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range progress {
			if err != nil {
				return
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				d.mu.Lock()
				path := ev.FilePath
				if path == "" {
					path = filepath.Join(d.dir, d.name[ev.GUID])
				}
				d.done[d.name[ev.GUID]] = path
				d.mu.Unlock()
			}
		}
	}()
	events := true
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: d.dir, EventsEnabled: &events,
	})
	require.NoError(t, err)
	return d
}

// waitDownload waits until the browser says a download whose name matches
// pattern is done, and returns it; it is then removed, so the next
// download of the name is waited for afresh.
func waitDownload(t *testing.T, ctx context.Context, d *downloads, pattern string) []byte {
	t.Helper()
	var path string
	waitUntil(t, ctx, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		for name, p := range d.done {
			if ok, _ := filepath.Match(pattern, name); ok {
				path = p
				delete(d.done, name)
				return true
			}
		}
		return false
	}, "the download of "+pattern)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.Remove(path))
	return data
}

// credentialForms are what a transcript must not hold: the secret and the
// tokens in every form encodings gives (raw, URL- and JSON-escaped, base64
// at every alignment), Basic's credentials, and every 8 characters in a
// row of each.
func credentialForms(id, secret string, tokens []string) map[string]string {
	forms := map[string]string{"Basic credentials": strings.TrimPrefix(basicHeader(id, secret), "Basic ")}
	for i, v := range append([]string{secret}, tokens...) {
		what := "the secret"
		if i > 0 {
			what = fmt.Sprintf("token %d", i)
		}
		for j, f := range encodings(v) {
			forms[fmt.Sprintf("%s, form %d", what, j)] = f
		}
		for j := 0; j+8 <= len(v); j++ {
			forms[fmt.Sprintf("%s, bytes %d to %d", what, j, j+8)] = v[j : j+8]
		}
	}
	return forms
}

// harText is a HAR as it is written and every string in it as decoded,
// where JSON's escapes no longer hide what they stand for.
func harText(t *testing.T, har []byte) string {
	t.Helper()
	var doc any
	require.NoError(t, json.Unmarshal(har, &doc))
	var b strings.Builder
	b.Write(har)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString("\n" + v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for k, x := range v {
				b.WriteString("\n" + k)
				walk(x)
			}
		}
	}
	walk(doc)
	return b.String()
}

// plantInHAR is har with values as more request headers of its first
// entry.
func plantInHAR(t *testing.T, har []byte, values ...string) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(har, &doc))
	entry := doc["log"].(map[string]any)["entries"].([]any)[0].(map[string]any)
	req := entry["request"].(map[string]any)
	for _, v := range values {
		req["headers"] = append(req["headers"].([]any), map[string]any{"name": "X-Planted", "value": v})
	}
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

// validateHAR checks har against the HAR 1.2 schema with har-validator
// from the npm registry, as app/transcript's test does, and shows that
// the validator refuses a broken copy.
func validateHAR(t *testing.T, har []byte) {
	t.Helper()
	node := testkit.NeedCommand(t, "node", "apt-get install nodejs")
	validator := os.Getenv("OCTOPLAY_HAR_VALIDATOR")
	if validator == "" {
		validator = filepath.Join("..", ".cache", "npm", "node_modules", "har-validator")
	}
	validator, err := filepath.Abs(validator)
	require.NoError(t, err)
	testkit.NeedFile(t, filepath.Join(validator, "package.json"), "make test-deps installs har-validator from the npm registry")
	validate := func(har []byte) (string, error) {
		path := filepath.Join(t.TempDir(), "transcript.har")
		require.NoError(t, os.WriteFile(path, har, 0o600))
		out, err := exec.Command(node, "-e", `require(process.argv[1]).har(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")))
			.then(() => console.log("valid")).catch((e) => { console.log(JSON.stringify(e.errors || e.message)); process.exit(1); });`,
			validator, path).CombinedOutput()
		return string(out), err
	}
	out, err := validate(har)
	require.NoError(t, err, out)
	assert.Equal(t, "valid\n", out)
	out, err = validate([]byte(strings.Replace(string(har), `"startedDateTime"`, `"startedAt"`, 1)))
	assert.Error(t, err, "the validator refuses a HAR without a page's start: %s", out)
}

// importInDevTools reads har with Chromium's own DevTools importer (the
// Network panel's "Import HAR file"), loaded from the browser's bundled
// DevTools in a tab of its own, and returns each request it made: method,
// URL, status, MIME type. It first shows the importer refusing a HAR whose
// entry has no request.
func importInDevTools(t *testing.T, ctx context.Context, har []byte) [][]any {
	t.Helper()
	tab, _ := newTab(t, ctx)
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate("devtools://devtools/bundled/devtools_app.html")))
	load := func(har string) ([][]any, error) {
		js, _ := json.Marshal(har)
		return chromedp.Run(tab, chromedp.Evaluate[[][]any](`(async () => {
			const HAR = await import("./models/har/har.js");
			const root = new HAR.HARFormat.HARRoot(JSON.parse(`+string(js)+`));
			return HAR.Importer.Importer.requestsFromHARLog(root.log).map(r => [r.requestMethod, r.url(), r.statusCode, r.mimeType]);
		})()`, chromedp.EvalAwaitPromise))
	}
	var broken map[string]map[string]any
	require.NoError(t, json.Unmarshal(har, &broken))
	delete(broken["log"]["entries"].([]any)[0].(map[string]any), "request")
	b, _ := json.Marshal(broken)
	_, err := load(string(b))
	require.Error(t, err, "DevTools refuses an entry without its request")
	requests, err := load(string(har))
	require.NoError(t, err)
	return requests
}
