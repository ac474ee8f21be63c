package server

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
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
	require.NoError(t, chromedp.Do(ctx, step1("octoplay-demo", "octoplay-demo-secret"), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))

	rows := fmt.Sprintf(`document.querySelectorAll(%q).length`, byID(ui.IDHistory)+" tbody tr")
	send := func(status string) string {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDSend)+`[aria-busy="false"][aria-disabled="false"]`)))
		before := runAction(t, ctx, chromedp.Evaluate[int](rows))
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend))))
		got := runAction(t, ctx, waitJS[string](fmt.Sprintf(`%s > %d && document.querySelector(%q).dataset.status`, rows, before, byID(ui.Step2.Status()))))
		require.Equal(t, status, got, "%s", textOf(t, ctx, byID(ui.IDStep2)))
		return textOf(t, ctx, byID(ui.Step2.AnswerBody()))
	}
	assert.Contains(t, textOf(t, ctx, fmt.Sprintf(`label[for=%q]`, ui.IDStep2Preset)), "Operation")
	assert.Equal(t, "Webhooks", runAction(t, ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`document.querySelector(%q).parentElement.label`, byID(ui.IDStep2Preset)+` option[value="POST `+wire.PMSBase+`webhooks/subscription"]`))), "grouped by area")

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "POST "+wire.PMSBase+"webhooks/subscription"), waitSel(byID(ui.IDStep2Body))))
	assert.Contains(t, runAction(t, ctx, chromedp.Value(byID(ui.IDStep2Body))), "RESERVATION_CREATED", "the example body")
	waitSnippet(t, ctx, "step2:curl", "webhooks/subscription")
	send("201")

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-create")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).value === %q`, byID(ui.IDStep2Path), wire.ReservationsPath)))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "Property: "+wire.SandboxProperty)
	created := regexp.MustCompile(`"id": (\d+)`).FindStringSubmatch(send("201"))
	require.NotNil(t, created, "the answer names the reservation")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDCheckInbox))))
	inbox := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const t = document.querySelector(%q).textContent; return t.includes("RESERVATION_CREATED") && t; })()`, byID(ui.IDInboxDeliveries))))
	assert.Contains(t, inbox, "POST https://example.com/octotable-events HTTP/1.1")
	assert.Contains(t, inbox, "Content-Type: application/json")
	assert.Contains(t, inbox, `"id": `+created[1])
	assert.Contains(t, textOf(t, ctx, byID(ui.IDInbox)), "The real OctoTable POSTs each event to the endpoint")

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "reservation-read"), waitSel(byID(ui.IDStep2ParamNamed("reservation_id")))))
	assert.Equal(t, created[1], runAction(t, ctx, chromedp.Value(byID(ui.IDStep2ParamNamed("reservation_id")))), "the id the POST made")
	assert.Equal(t, wire.ReservationsPath+"/{reservation_id}", runAction(t, ctx, chromedp.Value(byID(ui.IDStep2Path))))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "GET /sandbox"+wire.ReservationsPath+"/"+created[1]+" HTTP/1.1")
	waitSnippet(t, ctx, "step2:curl", "reservations/"+created[1])
	assert.Contains(t, send("200"), created[1])

	require.NoError(t, chromedp.Do(ctx, fillIn(byID(ui.IDStep2ParamNamed("reservation_id")), ""), waitSel(byID(ui.IDStep2ParamNamed("reservation_id"))+`[aria-invalid="true"]`)))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2ParamCheck("reservation_id"))), "enter reservation_id")
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "Nothing can go yet: enter reservation_id")
	before := runAction(t, ctx, chromedp.Evaluate[int](rows))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.Step2.Error()))))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Error())), "enter reservation_id")
	assert.Equal(t, before, runAction(t, ctx, chromedp.Evaluate[int](rows)), "nothing went")
	assert.Empty(t, msgs.all(), "console errors")
}
