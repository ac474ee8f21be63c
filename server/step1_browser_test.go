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

// chooseIndex picks a select's option by its place, as a tap or an arrow
// key does: whatever value the option carries, the one the browser reads.
func chooseIndex(sel string, i int) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`{
		const el = document.querySelector(%q);
		el.selectedIndex = %d;
		el.dispatchEvent(new Event("change", {bubbles: true}));
	}`, sel, i))
}

// Choosing the server's credentials and then one's own again brings the
// fields back, and what is typed in them is what goes.
func TestPlaygroundStep1OwnCredentialsAfterTheServers(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowserFor(t, caseLimit)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		chooseIndex(byID(ui.IDSource), 1),
		chromedp.WaitNotPresent(byID(ui.IDClientID)),
		chooseIndex(byID(ui.IDSource), 0),
		chromedp.WaitVisible(byID(ui.IDClientID)),
	))
	assert.NotContains(t, textOf(t, ctx, byID(ui.Step1.Preview())), "Octoplay-Profile", "no profile named in the preview")
	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		waitSel(byID(ui.Step1.Status())+`[data-status="200"]`),
	))
	runAction(t, ctx, waitJS[bool](`!location.search.includes("profile=")`))
	assert.Empty(t, msgs.all(), "console errors")
}

// On a phone the snippet tabs keep to one row, and a checkbox is a target
// of at least 24 px a side (WCAG 2.2, 2.5.8).
func TestPlaygroundPhoneTabsAndCheckboxes(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowserFor(t, caseLimit)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)))
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDStep1)+" .tab"), waitSel(byID(ui.IDAutoRenew))))
	assert.False(t, runAction(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).open`, byID(ui.IDStep1)+" details.snippets"))), "the code waits until asked for")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDStep1)+" details.snippets > summary")))
	tops := runAction(t, ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => Math.round(e.getBoundingClientRect().top))`, byID(ui.IDStep1)+" .tabs .tab")))
	require.Len(t, tops, 5)
	for _, top := range tops {
		assert.Equal(t, tops[0], top, "one row of tabs: %v", tops)
	}
	for _, id := range []string{ui.IDRememberID, ui.IDAutoRenew} {
		size := runAction(t, ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(r => [r.width, r.height])(document.getElementById(%q).getBoundingClientRect())`, id)))
		assert.GreaterOrEqual(t, size[0], 24.0, id)
		assert.GreaterOrEqual(t, size[1], 24.0, id)
	}
}
