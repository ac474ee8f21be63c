package server

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, chromedp.Do(ctx, waitSel("#step2-path")))

	// A URL as the docs write it, of this environment: trimmed to its path.
	require.NoError(t, chromedp.Do(ctx, fillIn("#step2-path", s.URL+"/sandbox/octotable-pms/api/v2/services?limit=2")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-path").value === "/octotable-pms/api/v2/services?limit=2"`))
	assert.Contains(t, textOf(t, ctx, "#step2-preview"), "GET /sandbox/octotable-pms/api/v2/services?limit=2 HTTP/1.1")

	// Of another host: kept as typed, refused beside the field by its host.
	require.NoError(t, chromedp.Do(ctx, fillIn("#step2-path", "https://elsewhere.example/api/v2/")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-path-check").textContent.includes("elsewhere.example")`))
	assert.Equal(t, "true", runAction(t, ctx, chromedp.AttributeValue("#step2-path", "aria-invalid")).Value)
	assert.NotContains(t, textOf(t, ctx, "#step2-preview"), "once the environments are loaded", "the preview says why there is no request")

	// A malformed escape is named where it is typed.
	require.NoError(t, chromedp.Do(ctx, fillIn("#step2-path", "/api/v2/?guest=%ZZ")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-path-check").textContent.includes("%ZZ")`))
	assert.Contains(t, textOf(t, ctx, "#step2-path-check"), "escape")
	assert.NotContains(t, textOf(t, ctx, "#step2-path-check"), "not part of the environment's API")

	// Extra headers: the refused ones apart, with their reason.
	require.NoError(t, chromedp.Do(ctx, fillIn("#step2-path", "/api/v2/")))
	rows := [][2]string{{"X-Trace", "t-1"}, {"Authorization", "Bearer mine"}, {"Host", "elsewhere.example"}, {"X Space", "v"}}
	for i, h := range rows {
		n := string(rune('0' + i))
		require.NoError(t, chromedp.Do(ctx, chromedp.Click("#step2-header-add"), waitSel("#step2-header-name-"+n),
			fillIn("#step2-header-name-"+n, h[0]), fillIn("#step2-header-value-"+n, h[1])))
	}
	runAction(t, ctx, waitJS[bool](`document.querySelectorAll("#step2-refused li").length === 3`))
	preview := textOf(t, ctx, "#step2-preview")
	assert.Contains(t, preview, "X-Trace: t-1")
	for _, refused := range []string{"Bearer mine", "Host: elsewhere.example", "X Space"} {
		assert.NotContains(t, preview, refused, "a refused header is not shown as sent")
	}
	refused := textOf(t, ctx, "#step2-refused")
	assert.Contains(t, refused, "the relay sets Host from the URL")
	assert.Contains(t, refused, "Authorization carries the token")
	assert.Contains(t, refused, "X Space")
	assert.Empty(t, msgs.all(), "console errors")
}
