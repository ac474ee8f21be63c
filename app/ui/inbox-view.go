package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// inboxView is the sandbox's webhook inbox: a button that reads it with
// Step 2's token, and each delivery as OctoTable would POST it to the
// subscription's endpoint. Its section stays, empty, for an environment
// without the inbox, so that what follows keeps its place.
type inboxView struct {
	app.Compo

	Offered bool
	Busy    bool
	// Checked says the inbox answered; Deliveries are what it held, newest
	// first, and Err what stopped the check.
	Checked    bool
	Deliveries []quickstart.Delivery
	Err        string
	OnCheck    func(ctx app.Context)
}

func (v *inboxView) Render() app.UI {
	section := app.Section().ID(IDInbox).Class("card")
	if !v.Offered {
		return section.Hidden(true)
	}
	section = section.Aria("labelledby", IDInboxTitle)
	label := "Check the inbox"
	if v.Busy {
		label = "Checking…"
	}
	return section.Body(
		app.H2().ID(IDInboxTitle).Text("Webhook inbox"),
		app.P().Text("The real OctoTable POSTs each event to the endpoint of your subscription (POST "+wire.PMSBase+
			"webhooks/subscription). The sandbox calls no one: it keeps the deliveries here, each as OctoTable would POST it."),
		app.Button().ID(IDCheckInbox).Type("button").Aria("busy", strconv.FormatBool(v.Busy)).Text(label).OnClick(v.onCheck),
		app.P().ID(IDInboxError).Class("error").Role("alert").Text(v.Err),
		app.Div().ID(IDInboxDeliveries).Aria("live", "polite").Body(v.deliveries()),
	)
}

func (v *inboxView) deliveries() app.UI {
	switch {
	case !v.Checked:
		return nil
	case len(v.Deliveries) == 0:
		return app.P().Class("hint").Text("The inbox is empty: subscribe to a webhook, then create, change or cancel a reservation.")
	}
	return app.Ol().Body(app.Range(v.Deliveries).Slice(func(i int) app.UI {
		d := v.Deliveries[i]
		return app.Li().Class("delivery").Body(
			app.P().Class("hint").Text("Delivered "+d.DeliveredAt),
			app.Pre().Class("code").Text(d.Text()),
		)
	}))
}

func (v *inboxView) onCheck(ctx app.Context, e app.Event) {
	if v.OnCheck != nil && !v.Busy {
		v.OnCheck(ctx)
	}
}

// inboxView is the inbox as the page shows it, for the sandbox alone.
func (p *playground) inboxView() *inboxView {
	x := &p.step2.inbox
	return &inboxView{
		Offered: p.env.HasInbox(), Busy: x.busy, Checked: x.answer != nil && x.answer.Status == 200,
		Deliveries: p.step2.deliveries, Err: p.step2.inboxError(), OnCheck: p.checkInbox,
	}
}

// inboxError is what stopped the last check, in a line.
func (s *apiStep) inboxError() string {
	x := s.inbox
	switch {
	case x.err != "":
		return x.err
	case x.answer != nil && x.answer.Status != 200:
		why := ""
		if x.explain != nil {
			why = ": " + x.explain.Title
		}
		return "The inbox answered " + strconv.Itoa(x.answer.Status) + why + "."
	}
	return ""
}

// checkInbox reads the inbox the way Step 2 sends: sealed, through the
// relay, with the token.
func (p *playground) checkInbox(ctx app.Context) {
	r := quickstart.APIRequest{Env: p.env, Method: "GET", Path: wire.InboxPath, Token: p.sess.token.token.AccessToken}
	p.send(&p.step2.inbox, apiOutgoing(r, "Webhook inbox", IDCheckInbox), func(a *quickstart.Answer) {
		p.step2.deliveries = nil
		if a == nil || a.Status != 200 {
			return
		}
		d, err := quickstart.ParseDeliveries(a.Body)
		if err != nil {
			p.step2.inbox.err = err.Error()
		}
		p.step2.deliveries = d
	})
}
