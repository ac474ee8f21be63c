package server

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
	"octoplay/web"
)

// Step 2 picks from the sandbox's whole API: a webhook subscription, then
// a reservation, each sent as the picker wrote it; the inbox then shows
// the event as OctoTable would POST it; the reservation is read back by
// its id, which fills the path's field, and an emptied field is named
// before anything goes.
func TestPlaygroundPicksAnOperationAndShowsTheInbox(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowserFor(t, caseLimit)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx, step1("octoplay-demo", "octoplay-demo-secret"), waitSel(`#token-status[data-state="valid"]`)))

	const rows = `document.querySelectorAll("#history tbody tr").length`
	send := func(status string) string {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, waitSel(`#send[aria-busy="false"][aria-disabled="false"]`)))
		before := runAction(t, ctx, chromedp.Evaluate[int](rows))
		require.NoError(t, chromedp.Do(ctx, chromedp.Click("#send")))
		got := runAction(t, ctx, waitJS[string](fmt.Sprintf(`%s > %d && document.querySelector("#step2-status").dataset.status`, rows, before)))
		require.Equal(t, status, got, "%s", textOf(t, ctx, "#step2"))
		return textOf(t, ctx, "#step2-answer-body")
	}
	assert.Contains(t, textOf(t, ctx, `label[for="step2-preset"]`), "Operation")
	assert.Equal(t, "Webhooks", runAction(t, ctx, chromedp.Evaluate[string](
		`document.querySelector('#step2-preset option[value="POST `+wire.PMSBase+`webhooks/subscription"]').parentElement.label`)), "grouped by area")

	require.NoError(t, chromedp.Do(ctx, choose("#step2-preset", "POST "+wire.PMSBase+"webhooks/subscription"), waitSel("#step2-body")))
	assert.Contains(t, runAction(t, ctx, chromedp.Value("#step2-body")), "RESERVATION_CREATED", "the example body")
	waitSnippet(t, ctx, "step2:curl", "webhooks/subscription")
	send("201")

	require.NoError(t, chromedp.Do(ctx, choose("#step2-preset", "reservation-create")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-path").value === "`+wire.ReservationsPath+`"`))
	assert.Contains(t, textOf(t, ctx, "#step2-preview"), "Property: "+wire.SandboxProperty)
	created := regexp.MustCompile(`"id": (\d+)`).FindStringSubmatch(send("201"))
	require.NotNil(t, created, "the answer names the reservation")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#check-inbox")))
	inbox := runAction(t, ctx, waitJS[string](`(() => { const t = document.querySelector("#inbox-deliveries").textContent; return t.includes("RESERVATION_CREATED") && t; })()`))
	assert.Contains(t, inbox, "POST https://example.com/octotable-events HTTP/1.1")
	assert.Contains(t, inbox, "Content-Type: application/json")
	assert.Contains(t, inbox, `"id": `+created[1])
	assert.Contains(t, textOf(t, ctx, "#inbox"), "The real OctoTable POSTs each event to the endpoint")

	require.NoError(t, chromedp.Do(ctx, choose("#step2-preset", "reservation-read"), waitSel("#step2-param-reservation_id")))
	assert.Equal(t, created[1], runAction(t, ctx, chromedp.Value("#step2-param-reservation_id")), "the id the POST made")
	assert.Equal(t, wire.ReservationsPath+"/{reservation_id}", runAction(t, ctx, chromedp.Value("#step2-path")))
	assert.Contains(t, textOf(t, ctx, "#step2-preview"), "GET /sandbox"+wire.ReservationsPath+"/"+created[1]+" HTTP/1.1")
	waitSnippet(t, ctx, "step2:curl", "reservations/"+created[1])
	assert.Contains(t, send("200"), created[1])

	require.NoError(t, chromedp.Do(ctx, fillIn("#step2-param-reservation_id", ""), waitSel(`#step2-param-reservation_id[aria-invalid="true"]`)))
	assert.Contains(t, textOf(t, ctx, "#step2-param-reservation_id-check"), "enter reservation_id")
	assert.Contains(t, textOf(t, ctx, "#step2-preview"), "Nothing can go yet: enter reservation_id")
	before := runAction(t, ctx, chromedp.Evaluate[int](rows))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#send"), waitSel("#step2-error")))
	assert.Contains(t, textOf(t, ctx, "#step2-error"), "enter reservation_id")
	assert.Equal(t, before, runAction(t, ctx, chromedp.Evaluate[int](rows)), "nothing went")
	assert.Empty(t, msgs.all(), "console errors")
}
