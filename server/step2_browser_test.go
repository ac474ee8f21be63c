package server

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/web"
)

// The preview is the request that goes, as it is typed: a URL of the
// environment pasted whole becomes its path, one of another host is
// refused beside the field, extra headers that cannot go are set apart
// with their reason, and a malformed escape is named as such.
func TestPlaygroundStep2PreviewIsTheRequestThatGoes(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowserFor(t, caseLimit)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDStep2Path))))

	// A URL as the docs write it, of this environment: trimmed to its path.
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2Path), s.URL+"/sandbox/octotable-pms/api/v2/services?limit=2")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).value === "/octotable-pms/api/v2/services?limit=2"`, byID(ui.IDStep2Path))))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "GET /sandbox/octotable-pms/api/v2/services?limit=2 HTTP/1.1")

	// Of another host: kept as typed, refused beside the field by its host.
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2Path), "https://elsewhere.example/api/v2/")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("elsewhere.example")`, byID(ui.IDStep2PathCheck))))
	assert.Equal(t, "true", runAction(t, ctx, chromedp.AttributeValue(byID(ui.IDStep2Path), "aria-invalid")).Value)
	assert.NotContains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "once the environments are loaded", "the preview says why there is no request")

	// A malformed escape is named where it is typed.
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2Path), "/api/v2/?guest=%ZZ")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("%%ZZ")`, byID(ui.IDStep2PathCheck))))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2PathCheck)), "escape")
	assert.NotContains(t, textOf(t, ctx, byID(ui.IDStep2PathCheck)), "not part of the environment's API")

	// Extra headers: the refused ones apart, with their reason.
	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2Path), "/api/v2/")))
	rows := [][2]string{{"X-Trace", "t-1"}, {"Authorization", "Bearer mine"}, {"Host", "elsewhere.example"}, {"X Space", "v"}}
	for i, h := range rows {
		n := string(rune('0' + i))
		require.NoError(t, chromedp.Do(ctx, clickNow(byID(ui.IDStep2HeaderAdd)), waitSel(byID(ui.IDStep2HeaderName)+n),
			fillIn(byID(ui.IDStep2HeaderName)+n, h[0]), fillIn(byID(ui.IDStep2HeaderValue)+n, h[1])))
	}
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelectorAll(%q).length === 3`, byID(ui.Step2.Refused())+" li")))
	preview := textOf(t, ctx, byID(ui.Step2.Preview()))
	assert.Contains(t, preview, "X-Trace: t-1")
	for _, refused := range []string{"Bearer mine", "Host: elsewhere.example", "X Space"} {
		assert.NotContains(t, preview, refused, "a refused header is not shown as sent")
	}
	refused := textOf(t, ctx, byID(ui.Step2.Refused()))
	assert.Contains(t, refused, "the relay sets Host from the URL")
	assert.Contains(t, refused, "Authorization carries the token")
	assert.Contains(t, refused, "X Space")
	assert.Empty(t, msgs.all(), "console errors")
}
