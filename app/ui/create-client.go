package ui

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// createdPropertyName names the sandbox property create-client makes for
// the playground's visitor.
const createdPropertyName = "Playground restaurant"

// offersCreateClient says whether Step 0 is offered: in the sandbox, to a
// person who types their own credentials.
func (p *playground) offersCreateClient() bool {
	return p.env.Name == wire.SandboxEnvironment && p.step1.choices.Source == ""
}

// createClient is Step 0: the sandbox's create-client, sealed like every
// request, since its answer holds the new client's secret. The client id
// goes into Step 1's field; the secret into the page's memory, as a typed
// one (never into a field from Go); the answer that carried it is not
// kept, and the transcript removes the secret by name.
func (p *playground) createClient(ctx app.Context) {
	r := quickstart.CreateClientRequest{Env: p.env, PropertyName: createdPropertyName}
	p.made = ""
	p.send(&p.step0, outgoing{
		build:   func(now time.Time) (*bhttp.Request, error) { return r.Build(now) },
		title:   "Step 0: get sandbox credentials",
		method:  "POST",
		url:     r.URL(),
		preview: r.Preview(),
		explain: func(quickstart.Answer) *quickstart.Explanation { return nil },
		control: IDCreateClient,
	}, func(a *quickstart.Answer) {
		if a == nil {
			return
		}
		p.step0.answer = nil // it holds the secret: the page keeps it in one place
		if a.Status != 201 {
			why := fmt.Sprintf("the sandbox answered %d.", a.Status)
			if says := quickstart.OctoTableSays(*a); says != "" {
				why = "the sandbox says " + says + "."
			}
			p.step0.err = "No client was made: " + why
			return
		}
		c, err := quickstart.ParseCreatedClient(a.Body)
		if err != nil {
			p.step0.err = "No client was made: " + err.Error() + "."
			return
		}
		p.step1.choices.ClientID, p.sess.secret, p.sess.secretMade = c.ClientID, c.ClientSecret, true
		clearSecretInput()
		p.sess.used()
		until := ""
		if !c.ExpiresAt.IsZero() {
			until = ", until " + c.ExpiresAt.Local().Format("2 Jan 15:04")
		}
		p.made = fmt.Sprintf("Made a client of your own, for its own restaurant (property %d%s). Its id is below and its secret is in this tab's memory: request a token.", c.PropertyID, until)
	})
}
