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
