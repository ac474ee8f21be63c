package server

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/web"
)

// "Show all N lines" shows them all, in the page: the body no longer
// scrolls inside its box; "Show the first lines only" brings the box back.
func TestShowAllShowsTheWholeAnswer(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&path=/octotable-pms/api/v2/reservations&property=1001")
	require.NoError(t, chromedp.Do(ctx,
		choose("#source", "demo"),
		chromedp.Click("#request-token"), waitSel(`#token-status[data-state="valid"]`),
		chromedp.Click("#send"), waitSel(`#step2-status[data-status="200"]`), waitSel("#step2-answer-expand"),
	))
	scrolls := `(() => { const b = document.querySelector("#step2-answer-body"); return b.scrollHeight > b.clientHeight + 1; })()`
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](scrolls)), "a long answer starts in a box")
	var lines int
	_, err := fmt.Sscanf(textOf(t, ctx, "#step2-answer-expand"), "Show all %d lines", &lines)
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#step2-answer-expand")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-answer-expand").getAttribute("aria-expanded") === "true"`))
	assert.False(t, runAction(t, ctx, chromedp.Evaluate[bool](scrolls)), "shown all, it does not scroll inside itself")
	assert.Equal(t, int64(lines), runAction(t, ctx, chromedp.Evaluate[int64](`document.querySelector("#step2-answer-body").textContent.split("\n").length`)),
		"every line the button promised")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#step2-answer-expand")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-answer-expand").getAttribute("aria-expanded") === "false"`))
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](scrolls)), "the first lines only, in their box again")
}

// On a phone the history reads: each request a block, its URL on a line
// as wide as the card; at a desk the path field takes the row's room, so
// that a path with its query shows whole.
func TestTheHistoryReadsOnAPhoneAndThePathFitsAtADesk(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)))
	openPlayground(t, ctx, s.URL+"/?env=sandbox")
	require.NoError(t, chromedp.Do(ctx,
		choose("#source", "demo"),
		chromedp.Click("#request-token"), waitSel(`#token-status[data-state="valid"]`), waitSel("#history td.url"),
	))
	widths := runAction(t, ctx, chromedp.Evaluate[[]float64](`[document.querySelector("#history td.url").getBoundingClientRect().width, document.querySelector("#history").getBoundingClientRect().width]`))
	require.Len(t, widths, 2)
	assert.Greater(t, widths[0], 0.75*widths[1], "the URL has a line of its own, as wide as the card")

	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
	path := "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-12-07"
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue("#step2-path", path), chromedp.Evaluate[chromedp.Void](`document.querySelector("#step2-path").dispatchEvent(new Event("input", {bubbles: true}))`)))
	fits := runAction(t, ctx, chromedp.Evaluate[bool](`(() => { const p = document.querySelector("#step2-path"); return p.scrollWidth <= p.clientWidth; })()`))
	assert.True(t, fits, "the path with its query shows whole at 1440 px")
}

// On a phone, the way on is at the button: once Step 1 brought a token, a
// "Next: call the API" right below Request token (before the answer's
// details) takes the focus to Step 2's heading, in view.
func TestNextIsAtTheButtonAndTakesTheFocusToStep2(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(375, 800)))
	openPlayground(t, ctx, s.URL+"/?env=sandbox")
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes("#step1-next", chromedp.AtLeast(0))), "nowhere to go before a token")
	require.NoError(t, chromedp.Do(ctx, choose("#source", "demo"), chromedp.Click("#request-token"), waitSel("#step1-next")))
	gap := runAction(t, ctx, chromedp.Evaluate[float64](`document.querySelector("#step1-next").getBoundingClientRect().top - document.querySelector("#request-token").getBoundingClientRect().bottom`))
	assert.Less(t, gap, 150.0, "the way on is right below the button, not after the answer")
	assert.Equal(t, "Next: call the API", textOf(t, ctx, "#step1-next"))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#step1-next")))
	runAction(t, ctx, waitJS[bool](`document.activeElement.id === "step2-title"`))
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](`(() => { const r = document.querySelector("#step2-title").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`)), "Step 2's heading is in view")
}

// A link with saved credentials lands on Step 2 with one button that gets
// the token and sends: no trip up to Request token and back.
func TestALinkWithAProfileGetsTheTokenAndSendsInOneClick(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&step=2&profile=demo")
	require.NoError(t, chromedp.Do(ctx, waitSel("#step2-next")))
	assert.Equal(t, "Get a token with the demo credentials and send", textOf(t, ctx, "#step2-next"))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#step2-next"), waitSel(`#step2-status[data-status="200"]`)))
	assert.Equal(t, "valid", runAction(t, ctx, chromedp.Evaluate[string](`document.querySelector("#token-status").dataset.state`)))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes("#step2-next", chromedp.AtLeast(0))), "with a token, Send is the way")
}
