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

// "Show all N lines" shows them all, in the page: the body no longer
// scrolls inside its box; "Show the first lines only" brings the box back.
func TestShowAllShowsTheWholeAnswer(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&path=/octotable-pms/api/v2/reservations&property=1001")
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDSource), "demo"),
		chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.Step2.Status())+`[data-status="200"]`), waitSel(byID(ui.Step2.AnswerExpand())),
	))
	scrolls := fmt.Sprintf(`(() => { const b = document.querySelector(%q); return b.scrollHeight > b.clientHeight + 1; })()`, byID(ui.Step2.AnswerBody()))
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](scrolls)), "a long answer starts in a box")
	var lines int
	_, err := fmt.Sscanf(textOf(t, ctx, byID(ui.Step2.AnswerExpand())), "Show all %d lines", &lines)
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step2.AnswerExpand()))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-expanded") === "true"`, byID(ui.Step2.AnswerExpand()))))
	assert.False(t, runAction(t, ctx, chromedp.Evaluate[bool](scrolls)), "shown all, it does not scroll inside itself")
	assert.Equal(t, int64(lines), runAction(t, ctx, chromedp.Evaluate[int64](fmt.Sprintf(`document.querySelector(%q).textContent.split("\n").length`, byID(ui.Step2.AnswerBody())))),
		"every line the button promised")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step2.AnswerExpand()))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-expanded") === "false"`, byID(ui.Step2.AnswerExpand()))))
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
		choose(byID(ui.IDSource), "demo"),
		chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`), waitSel(byID(ui.IDHistory)+" td.url"),
	))
	widths := runAction(t, ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`[document.querySelector(%q).getBoundingClientRect().width, document.querySelector(%q).getBoundingClientRect().width]`, byID(ui.IDHistory)+" td.url", byID(ui.IDHistory))))
	require.Len(t, widths, 2)
	assert.Greater(t, widths[0], 0.75*widths[1], "the URL has a line of its own, as wide as the card")

	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
	path := "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-12-07"
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(byID(ui.IDStep2Path), path), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("input", {bubbles: true}))`, byID(ui.IDStep2Path)))))
	fits := runAction(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const p = document.querySelector(%q); return p.scrollWidth <= p.clientWidth; })()`, byID(ui.IDStep2Path))))
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
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.Step1.Next()), chromedp.AtLeast(0))), "nowhere to go before a token")
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDSource), "demo"), chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.Step1.Next()))))
	gap := runAction(t, ctx, chromedp.Evaluate[float64](fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().top - document.querySelector(%q).getBoundingClientRect().bottom`, byID(ui.Step1.Next()), byID(ui.IDRequestToken))))
	assert.Less(t, gap, 150.0, "the way on is right below the button, not after the answer")
	assert.Equal(t, "Next: call the API", textOf(t, ctx, byID(ui.Step1.Next())))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step1.Next()))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.activeElement.id === %q`, ui.IDStep2Title)))
	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, byID(ui.IDStep2Title)))), "Step 2's heading is in view")
}

// A link with saved credentials lands on Step 2 with one button that gets
// the token and sends: no trip up to Request token and back.
func TestALinkWithAProfileGetsTheTokenAndSendsInOneClick(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&step=2&profile=demo")
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.Step2.Next()))))
	assert.Equal(t, "Get a token with the demo credentials and send", textOf(t, ctx, byID(ui.Step2.Next())))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step2.Next())), waitSel(byID(ui.Step2.Status())+`[data-status="200"]`)))
	assert.Equal(t, "valid", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).dataset.state`, byID(ui.IDTokenStatus)))))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.Step2.Next()), chromedp.AtLeast(0))), "with a token, Send is the way")
}
