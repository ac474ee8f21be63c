package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// Token states, as #token-status's data-state shows them.
const (
	tokenNone    = "none"
	tokenValid   = "valid"
	tokenExpired = "expired"
	tokenError   = "error"
)

// heldToken is the token Step 1 brought and how the page shows it. Only the
// session holds one.
type heldToken struct {
	token    quickstart.Token
	state    string // one of the token states
	revealed bool   // shown in clear rather than masked
	copied   string // what came of the last Copy
}

// statusText says what the state means for the person.
func (t heldToken) statusText() string {
	switch t.state {
	case tokenValid:
		return "Valid: send it in Step 2."
	case tokenExpired:
		return "Expired: Step 2 will answer 401 invalid_token. Request a new token."
	case tokenError:
		return "No token: Step 1 failed, see why below."
	default:
		return "No token yet: request one in Step 1."
	}
}

// renderToken shows the token Step 1 brought: its type, its lifetime, a
// live countdown, the token masked (reveal, copy), and a decoded JWT when
// it is one, at now; onRenew asks for a new one. The session renders it
// itself: it owns the token, which no component's fields may hold.
func (s *session) renderToken(now time.Time, onRenew func(ctx app.Context, e app.Event)) app.UI {
	t := s.token.token
	return app.Section().ID(IDToken).Class("card").Aria("labelledby", IDTokenTitle).Body(
		app.H2().ID(IDTokenTitle).Text("Your access token"),
		app.P().ID(IDTokenStatus).DataSet("state", s.token.state).Aria("live", "polite").Text(s.token.statusText()),
		app.If(t.AccessToken != "", func() app.UI {
			value := quickstart.Masked
			if s.token.revealed {
				value = t.AccessToken
			}
			jwt, isJWT := quickstart.DecodeJWT(t.AccessToken)
			return app.Div().Body(
				app.Dl().Class("facts").Body(
					app.Dt().Text("Type"),
					app.Dd().Body(
						app.Code().Text(t.TokenType),
						app.If(t.UsedTypeField, func() app.UI {
							return app.P().Class("hint").Text(`The answer names the type in "type", as OctoTable's quickstart shows, not in the standard "token_type" (RFC 6749 §5.1). Libraries that read token_type, such as golang.org/x/oauth2, need to be told it is Bearer.`)
						}),
					),
					app.Dt().Text("expires_in"),
					app.Dd().Text(quickstart.Lifetime(t.ExpiresIn)),
					app.If(t.ExpiresIn > 0, func() app.UI {
						return app.Div().Body(
							app.Dt().Text("Time left"),
							app.Dd().ID(IDTokenCountdown).Text(quickstart.Countdown(t.ExpiresAt, now)),
						)
					}),
				),
				app.Div().Class("token-row").Body(
					app.Code().ID(IDTokenValue).Class("token").Text(value),
					app.Button().ID(IDRevealToken).Type("button").Aria("pressed", s.token.revealed).Text(showHide(s.token.revealed)).OnClick(s.onReveal),
					app.Button().ID(IDCopyToken).Type("button").Text("Copy").OnClick(s.onCopy),
					app.Span().ID(IDCopyTokenFeedback).Class("hint").Aria("live", "polite").Text(s.token.copied),
				),
				app.If(isJWT, func() app.UI {
					claims, _ := quickstart.DecodeClaims(t.AccessToken)
					rows := claimRows(claims)
					return app.Div().Class("jwt").Body(
						app.H3().Text("What the token says (JWT claims, signature not checked)"),
						app.Dl().ID(IDTokenClaims).Class("facts").Body(
							app.Range(rows).Slice(func(i int) app.UI {
								return app.Div().Body(app.Dt().Body(app.Code().Text(rows[i][0])), app.Dd().Text(rows[i][1]))
							}),
						),
						app.P().ID(IDTokenExpNote).Class("hint").Text(claims.ExpiryNote(t.ExpiresIn)),
						app.H3().Text("Decoded JWT (signature not checked)"),
						app.Pre().Class("wire").Aria("label", "JWT header").Text(jwt.Header),
						app.Pre().Class("wire").Aria("label", "JWT claims").Text(jwt.Claims),
					)
				}).Else(func() app.UI {
					return app.P().Class("hint").Text("An opaque token: only OctoTable can read it. Treat it like a password until it expires.")
				}),
			)
		}),
		app.If(s.token.state == tokenExpired, func() app.UI {
			return app.Button().ID(IDRenew).Type("button").Class("primary").Text("Request a new token").OnClick(onRenew)
		}),
	)
}

// claimRows are the claims the token view lists, as name and value, those
// the token has: who it is for, who issued it, for which property, when.
func claimRows(c quickstart.Claims) [][2]string {
	var rows [][2]string
	add := func(name, value string) {
		if value != "" {
			rows = append(rows, [2]string{name, value})
		}
	}
	add("sub", c.Subject)
	add("iss", c.Issuer)
	add("groups", strings.Join(c.Groups, ", "))
	add("property_id", c.PropertyID)
	if !c.IssuedAt.IsZero() {
		add("iat", quickstart.DateText(c.IssuedAt))
	}
	if !c.ExpiresAt.IsZero() {
		add("exp", quickstart.DateText(c.ExpiresAt))
	}
	return rows
}

// tokenPropertyID is the property_id of the token held, "" when there is
// none or it carries none: what Step 2 offers as the Property header.
func (s *session) tokenPropertyID() string {
	claims, _ := quickstart.DecodeClaims(s.token.token.AccessToken)
	return claims.PropertyID
}

func (s *session) onReveal(ctx app.Context, e app.Event) {
	s.token.revealed = !s.token.revealed
	s.used()
}

// onCopy puts the token on the clipboard: the person asked for it, and the
// clipboard is not storage the page keeps.
func (s *session) onCopy(ctx app.Context, e app.Event) {
	held := s.token.token.AccessToken
	s.token.copied = ""
	copyText(ctx, held, func(feedback string) {
		if s.token.token.AccessToken == held {
			s.token.copied = feedback
		}
	})
	s.used()
}

// showHide is the label of a button that shows or hides a value.
func showHide(shown bool) string {
	if shown {
		return "Hide"
	}
	return "Show"
}
