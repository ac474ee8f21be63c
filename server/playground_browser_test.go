package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
	"octoplay/web"
)

// step1 fills Step 1 with the given credentials and requests a token.
func step1(id, secret string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		typeInto(byID(ui.IDClientID), id),
		typeInto(byID(ui.IDClientSecret), secret),
		chromedp.Click(byID(ui.IDRequestToken)),
	)
}

func TestPlaygroundStep1ThenStep2(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")

	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		waitSel(byID(ui.Step1.Status())+`[data-status="200"]`),
	))
	assert.Equal(t, "Bearer", textOf(t, ctx, byID(ui.IDToken)+" .facts dd code"))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDToken)), "1440 s, 24 min")
	assert.NotContains(t, textOf(t, ctx, byID(ui.IDToken)), `not in the standard "token_type"`, "the sandbox sends token_type too: no note")
	assert.Equal(t, "••••••••", textOf(t, ctx, byID(ui.IDTokenValue)))
	assert.NotContains(t, textOf(t, ctx, byID(ui.IDStep1)+" .answer-body"), "access_token\": \"\"", "the token is masked, not emptied")

	// The stepper takes the focus to a step and keeps what was done.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`.stepper-item[data-state="todo"] button`)))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.activeElement.id === %q`, ui.IDStep2Title)))
	require.NoError(t, chromedp.Do(ctx,
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2)+" .answer-body"), `"client_id": "octoplay-demo"`)
	assert.Contains(t, textOf(t, ctx, byID(ui.IDHistory)), "/sandbox/api/v2/")

	// A preset with the Property header the resources need.
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDStep2Preset), "rooms"),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("Sala Principale")`, byID(ui.IDStep2)+" .answer-body")))
	saveScreenshot(t, ctx, "playground.png")
	assert.Empty(t, msgs.all(), "console errors")
}

// saveScreenshot keeps a picture of the page where OCTOPLAY_SCREENSHOT_DIR
// says (make screenshot refreshes the README's), else in the test's temp dir.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, name, runAction(t, ctx, chromedp.FullScreenshot(100))) // 100 gives PNG, below that JPEG
}

// saveViewShot keeps a picture of what the viewport shows: a frame of
// another site is drawn only there.
func saveViewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	savePNG(t, name, runAction(t, ctx, chromedp.CaptureScreenshot()))
}

func savePNG(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("OCTOPLAY_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NotEmpty(t, png)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

func TestPlaygroundExplainsAWrongSecret(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "not-the-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="error"]`),
		waitSel(byID(ui.Step1.Status())+`[data-status="401"]`),
	))
	// The sandbox says the secret is wrong: the advice is the secret, not
	// the other authentication style, which would fail the same way.
	explain := textOf(t, ctx, byID(ui.IDStep1)+" .explain")
	assert.Contains(t, explain, "invalid_client: the secret does not match this client id")
	assert.Contains(t, explain, "Check the secret")
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDFix), chromedp.AtLeast(0))), "no one-click fix to offer")
}

func TestPlaygroundFixesJSONRejectedWithOneClick(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil, "-sandbox-json", "reject")
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDEncoding), "json"),
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.Step1.Status())+`[data-status="415"]`),
	))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep1)+" .explain"), "form")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDFix)),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	assert.Equal(t, "form", runAction(t, ctx, chromedp.Value(byID(ui.IDEncoding))))
}

// Step 2's fix for an expired token renews it and sends Step 2 again where
// the person is: no scroll to Step 1, no second click, the focus kept. The
// token's minute passes when the test says, on the sandbox's clock and the
// page's alike: a token is never seen to expire early on a slow machine.
func TestPlaygroundExplainsAnExpiredTokenAndRenews(t *testing.T) {
	requireBuiltWasm(t)
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: web.Assets, sandboxClock: clock.Now}, nil, "-sandbox-token-ttl", "1m")
	ctx, _ := newBrowser(t)
	controlPageClock(t, ctx)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	clock.Advance(time.Minute)
	advancePageClock(t, ctx, time.Minute)
	require.NoError(t, chromedp.Do(ctx,
		waitSel(byID(ui.IDTokenStatus)+`[data-state="expired"]`),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="401"]`),
	))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2)+" .explain"), "invalid_token")
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, byID(ui.IDStep2)+" "+byID(ui.IDFix)))))
	// Where Step 2 is on the screen: the token's card above it shrinks as
	// the token renews, and the browser keeps what is in view in place.
	where := fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().top`, byID(ui.IDSend))
	before := runAction(t, ctx, chromedp.Evaluate[float64](where))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDStep2)+" "+byID(ui.IDFix)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	after := runAction(t, ctx, chromedp.Evaluate[float64](where))
	assert.InDelta(t, before, after, 2, "the page stays where the person is")
	assert.Equal(t, ui.IDSend, runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), "the focus stays in Step 2")
}

func TestPlaygroundServerProfileNeedsNoSecret(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&step=2")
	// The deep link puts Step 2 in focus.
	assert.Len(t, runAction(t, ctx, chromedp.Nodes(`.stepper-item:nth-child(2) button[aria-current="step"]`)), 1)
	runAction(t, ctx, waitJS[bool](`window.scrollY > 0`))
	// And the focus: the first Tab goes on inside Step 2, not from the top.
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.activeElement.id === %q`, ui.IDStep2Title)))
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\t")))
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).contains(document.activeElement) && document.activeElement.id !== %q`, byID(ui.IDStep2), ui.IDStep2Title))),
		"the first Tab reaches a control of Step 2")
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDSource), "demo")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes('"demo" profile')`, byID(ui.Step1.Preview()))))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDClientSecret), chromedp.AtLeast(0))), "no secret field with a profile")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
}

// A credential in the URL is never read: the fields stay empty and
// nothing is sent with it.
func TestPlaygroundIgnoresCredentialsInTheURL(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&client_id=octoplay-demo&client_secret=octoplay-demo-secret&token=abc")
	assert.Equal(t, "", runAction(t, ctx, chromedp.Value(byID(ui.IDClientID))))
	assert.Equal(t, "", runAction(t, ctx, chromedp.Value(byID(ui.IDClientSecret))))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDStep1)+` .error`)))
	assert.Equal(t, "enter your client id", textOf(t, ctx, byID(ui.IDStep1)+" .error"))
}

// encodings are the forms a secret could take in captured traffic or
// storage: as is, URL- and JSON-escaped, and base64 in both alphabets at
// every alignment (the middle of the encoding, which does not depend on
// what comes before or after).
func encodings(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	j, _ := json.Marshal(s)
	out = append(out, strings.Trim(string(j), `"`))
	for pad := 0; pad < 3; pad++ {
		raw := strings.Repeat("\x00", pad) + s
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			e := enc.EncodeToString([]byte(raw))
			out = append(out, e[4:len(e)-4])
		}
	}
	return out
}

func TestPlaygroundLeaksNoSecretNorToken(t *testing.T) {
	requireBuiltWasm(t)
	buf := make([]byte, 18)
	rand.Read(buf)
	secret := "s3cr+t/" + base64.RawURLEncoding.EncodeToString(buf) + " ü:%"
	id := "leak-test-client"
	s := startServer(t, web.Assets, nil, "-sandbox-client-id", id, "-sandbox-client-secret", secret)
	ctx, msgs := newBrowser(t)
	var net traffic
	net.record(t, ctx, "page")
	openPlayground(t, ctx, s.URL+"/")

	// The service worker is its own target: record its traffic too.
	waitUntil(t, ctx, func() bool {
		infos, err := chromedp.Targets(ctx)
		require.NoError(t, err)
		for _, info := range infos {
			if info.Type == "service_worker" {
				swCtx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				net.record(t, swCtx, "worker")
				return true
			}
		}
		return false
	}, "the service worker runs")
	// Reload so the worker answers this page's fetches.
	openPlayground(t, ctx, s.URL+"/")

	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDAuthStyle), "basic"),
		step1(id, secret),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDRevealToken)),
	))
	token := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const v = document.querySelector(%q).textContent; return v.includes("•") ? false : v; })()`, byID(ui.IDTokenValue))))
	require.Regexp(t, `^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`, token, "the sandbox's tokens are self-validating JWTs, in base64url")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDRevealToken)),
		choose(byID(ui.IDAuthStyle), "body"),
		choose(byID(ui.IDEncoding), "json"),
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	// Two token requests and one API call: wait until the capture has them.
	waitUntil(t, ctx, func() bool { posts, answers := net.counts(); return posts >= 3 && answers >= 3 }, "the sealed requests and answers are captured")
	net.waitSettled(t)
	stored := runAction(t, ctx, chromedp.Evaluate[string](storageDump, chromedp.EvalAwaitPromise))
	// The address bar and the history, which the page rewrites with its
	// choices (pageLink) after each of them.
	addresses := runAction(t, ctx, chromedp.Evaluate[string](`location.href`))
	history := runAction(t, ctx, chromedp.Action[*page.GetNavigationHistoryResult](func(ctx context.Context, tgt *chromedp.Target) (*page.GetNavigationHistoryResult, error) {
		h, err := cdp.Call(ctx, tgt, page.GetNavigationHistory, cdp.Empty{})
		return &h, err
	}))
	for _, e := range history.Entries {
		addresses += "\n" + e.URL
	}
	require.Contains(t, addresses, "encoding=json", "the address carries the choices")
	haystack := net.all() + "\n" + stored + "\n" + strings.Join(msgs.everything(), "\n") + "\n" + addresses

	posts, answers := net.counts()
	require.GreaterOrEqual(t, posts, 3, "the sealed requests were captured with their bodies")
	require.GreaterOrEqual(t, answers, 3, "the sealed answers were captured")
	require.Contains(t, haystack, "message/ohttp-req", "the capture saw the sealed requests' headers")

	basic := strings.TrimPrefix(basicHeader(id, secret), "Basic ")
	secrets := map[string][]string{"secret": encodings(secret), "token": encodings(token), "basic": {basic}}
	for what, forms := range secrets {
		for _, f := range forms {
			assert.NotContains(t, haystack, f, "the %s, as %q", what, f)
		}
	}
}

func basicHeader(id, secret string) string {
	pair := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(pair))
}

// Forget wipes the secret and the token at once; the client id is kept on
// the device only when the box is ticked, and never the secret.
func TestPlaygroundForgetsAndRemembersOnlyTheClientID(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDRememberID)),
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDForget)),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="none"]`),
	))
	assert.Equal(t, "", runAction(t, ctx, chromedp.Value(byID(ui.IDClientSecret))))
	assert.Equal(t, "Get a token in Step 1 first.", textOf(t, ctx, byID(ui.Step2.Unavailable())))

	stored := runAction(t, ctx, chromedp.Evaluate[string](`JSON.stringify(Object.entries(localStorage))`))
	assert.Contains(t, stored, "octoplay-demo")
	assert.NotContains(t, stored, "octoplay-demo-secret")
	openPlayground(t, ctx, s.URL+"/")
	assert.Equal(t, "octoplay-demo", runAction(t, ctx, chromedp.Value(byID(ui.IDClientID))), "remembered")
	assert.Equal(t, "", runAction(t, ctx, chromedp.Value(byID(ui.IDClientSecret))), "never the secret")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRememberID))))
	stored = runAction(t, ctx, chromedp.Evaluate[string](`JSON.stringify(Object.entries(localStorage))`))
	assert.NotContains(t, stored, "octoplay-demo", "unticking forgets the id")
}
