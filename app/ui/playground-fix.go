package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// fixLabel names the one-click fix an explanation offers; the other
// authentication style is the other one than auth.
func fixLabel(e *quickstart.Explanation, auth quickstart.AuthStyle) string {
	if e == nil {
		return ""
	}
	switch e.Fix {
	case quickstart.FixUseForm:
		return "Switch to form encoding and retry"
	case quickstart.FixOtherAuth:
		if auth == quickstart.AuthBasic {
			return "Use authentication in the body"
		}
		return "Use HTTP Basic authentication"
	case quickstart.FixNewToken:
		return "Request a new token and send again"
	case quickstart.FixReloadKeys:
		return "Fetch the relay's keys and send again"
	}
	return ""
}

// applyFix does what fixLabel promised for the step whose exchange is x
// and whose request resend sends; the page stays where it is. Switching
// the authentication style does not resend: the person decides to send
// the secret again.
func (p *playground) applyFix(ctx app.Context, x *exchange, resend func(ctx app.Context)) {
	if x.explain == nil {
		return
	}
	switch fix := x.explain.Fix; fix {
	case quickstart.FixUseForm:
		p.onTokenChoices(ctx, func(c tokenChoices) tokenChoices { return c.fixed(fix) })
		p.requestToken(ctx)
	case quickstart.FixOtherAuth:
		p.onTokenChoices(ctx, func(c tokenChoices) tokenChoices { return c.fixed(fix) })
		p.step1.explain = nil
	case quickstart.FixNewToken:
		// Step 2's answer stays until the call sent again replaces it.
		p.renewToken(ctx, resend)
	case quickstart.FixReloadKeys:
		// Sending fetches the keys again when the relay refuses the ones
		// the page has.
		resend(ctx)
	}
}
