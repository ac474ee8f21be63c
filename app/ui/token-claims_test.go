package ui

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

// claimsToken is a JWT as the sandbox issues them, its signature unread.
var claimsToken = func() string {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	return seg(`{"typ":"JWT","alg":"RS256"}`) + "." +
		seg(`{"sub":"octoplay-demo","iss":"OCTOTABLE-SANDBOX","groups":["api-client"],"property_id":4242,"exp":1772360640,"iat":1772359200,"jti":"6f1c0b6e-8a0e-4c1e-9b7a-3d1f2e4a5b6c"}`) +
		".c2lnbmF0dXJl"
}()

func holdingJWT() *playground {
	p := holding()
	p.sess.token.token = quickstart.Token{AccessToken: claimsToken, TokenType: "Bearer", ExpiresIn: 1440, ExpiresAt: time.Now().Add(time.Hour)}
	return p
}

// tokenCard is the token's card as the page renders it.
func tokenCard(p *playground) app.UI { return p.sess.renderToken(p.now, nil) }

// A JWT's claims are listed, iat and exp as dates, with what exp says
// against expires_in; an opaque token gets none of it.
func TestTheTokenViewShowsTheClaims(t *testing.T) {
	view := render(t, tokenCard(holdingJWT()))
	assert.Equal(t, "sub octoplay-demo iss OCTOTABLE-SANDBOX groups api-client property_id 4242 "+
		"iat 2026-03-01 10:00:00 UTC exp 2026-03-01 10:24:00 UTC", view.byID(t, IDTokenClaims).textContent())
	assert.Equal(t, "exp says it expires at 2026-03-01 10:24:00 UTC, 24 min after iat; expires_in said 1440 s, the same.",
		view.byID(t, IDTokenExpNote).textContent())

	opaque := render(t, tokenCard(holding()))
	assert.False(t, opaque.hasID(IDTokenClaims))
	assert.False(t, opaque.hasID(IDTokenExpNote))
	assert.Contains(t, opaque.textContent(), "An opaque token")
}

// The claims are shown, never the token itself: it stays in the
// session's own fields until the person asks to see it.
func TestTheClaimsHoldNoToken(t *testing.T) {
	p := holdingJWT()
	assert.False(t, holds(p, claimsToken), "what the playground renders holds the token")
	assert.Equal(t, "4242", p.sess.tokenPropertyID())
	p.sess.token.revealed = true
	assert.True(t, holds(p, claimsToken), "the positive control: the search reaches the token once shown")
}

// Step 2 offers the token's property_id as the Property header and says
// where the value came from; the examples take it too.
func TestStep2OffersTheTokensPropertyID(t *testing.T) {
	p := &playground{step2: apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}}}
	v := &apiStepView{Env: sandboxEnv, Choices: p.step2.choices, TokenProperty: "4242", OnChange: p.onAPIChoices}
	offer := render(t, v).byID(t, IDStep2PropertyFrom)
	assert.Equal(t, "Your token's property_id claim is 4242. Use 4242", offer.textContent())
	offer.oneByRole(t, "button", "Use 4242")

	v.onUseTokenProperty(app.Context{}, app.Event{})
	require.Equal(t, "4242", p.step2.choices.Property)
	v.Choices = p.step2.choices
	offer = render(t, v).byID(t, IDStep2PropertyFrom)
	assert.Equal(t, "4242: from your token's property_id claim.", offer.textContent())
	assert.Empty(t, offer.byRole("button", ""), "nothing left to offer")

	rooms := v.presetChoices(v.presets()[1], v.Choices)
	assert.Equal(t, "4242", rooms.Property, "an example takes the token's property, not the sandbox's")

	v.TokenProperty = ""
	assert.Empty(t, render(t, v).byID(t, IDStep2PropertyFrom).textContent(), "an opaque token offers nothing")
	assert.Equal(t, "1001", v.presetChoices(v.presets()[1], v.Choices).Property, "then the sandbox's own property")
}
