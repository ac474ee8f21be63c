package ui

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

// A link carries the non-secret choices and round-trips them; it never
// reads a credential, nor the client id, and drops what it does not know.
func TestLinkRoundTripsTheChoicesAndNothingElse(t *testing.T) {
	ready := pageLink{
		Env: "octotable", Step: 2, Profile: "partner-demo", Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingJSON,
		Method: "HEAD", Path: "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01", Property: "1001", Embed: true, Theme: "dark",
	}
	q := ready.query()
	assert.Contains(t, q, "path=/octotable-pms/api/v2/reservations%3Flimit%3D5%26start_date%3D2026-04-01", "slashes stay readable")
	back, err := url.ParseQuery(q)
	require.NoError(t, err)
	assert.Equal(t, ready, parseLink(back))

	defaults := parseLink(url.Values{})
	assert.Equal(t, pageLink{Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm, Method: "GET", Path: "/api/v2/"}, defaults)
	assert.Empty(t, defaults.query(), "a default is left out of the link")

	withSecrets, err := url.ParseQuery("env=sandbox&client_id=me&client_secret=s3cret&token=tok&access_token=tok")
	require.NoError(t, err)
	l := parseLink(withSecrets)
	assert.Equal(t, "env=sandbox", l.query(), "only the link's own parameters come back")
	for _, leak := range []string{"me", "s3cret", "tok"} {
		assert.NotContains(t, l.query(), leak)
	}
}

func TestLinkValuesAreChecked(t *testing.T) {
	odd, err := url.ParseQuery("auth=digest&encoding=xml&method=CONNECT&path=api&theme=neon&step=3&embed=yes&property=%0d%0aX:1")
	require.NoError(t, err)
	assert.Equal(t, parseLink(url.Values{}), parseLink(odd), "a value the page does not offer is the default")
}

// A link to what the playground does not have says so, with the choices.
func TestLinkNotice(t *testing.T) {
	sandbox := quickstart.Environment{Name: "sandbox", Title: "Sandbox (built in)", Profiles: []string{"demo"}}
	octotable := quickstart.Environment{Name: "octotable", Title: "OctoTable"}
	envs := []quickstart.Environment{sandbox, octotable}

	notice := linkNotice(pageLink{Env: "nope"}, envs, sandbox)
	assert.Contains(t, notice, `"nope"`)
	assert.Contains(t, notice, "sandbox (Sandbox (built in)), octotable (OctoTable)")
	assert.Contains(t, notice, "Sandbox (built in) is shown")

	assert.Contains(t, linkNotice(pageLink{Env: "octotable", Profile: "demo"}, envs, octotable), `saved credentials "demo"`)
	assert.Empty(t, linkNotice(pageLink{Env: "sandbox", Profile: "demo"}, envs, sandbox))
	assert.Empty(t, linkNotice(pageLink{}, envs, sandbox), "no environment asked: the first, silently")
}
