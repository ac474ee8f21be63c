package ui

import (
	"context"
	"encoding/hex"
	"net/http"
	"octoplay/internal/wire"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
)

// gatewayStandIn opens what the browser seals, as the relay does, and
// refuses as the relay does: a Date more than 30 s from its own clock
// (with its date), an enc it saw, and the first refuseReplays requests as
// replays (the replay filter's rare false refusal, which a real relay
// cannot be made to produce on demand).
type gatewayStandIn struct {
	gw            *ohttp.Gateway
	clock         time.Duration // the gateway's clock less this machine's
	refuseReplays int
	encs          map[string]bool
	dates         []time.Time // of every request opened
}

func (g *gatewayStandIn) transport(_ context.Context, sealed []byte) ([]byte, error) {
	opened, err := g.gw.OpenRequest(sealed)
	if err != nil {
		return nil, err
	}
	in, err := bhttp.UnmarshalRequest(opened.Request, bhttp.Limits{})
	if err != nil {
		return nil, err
	}
	now := time.Now().Add(g.clock)
	date, err := http.ParseTime(in.Header.Get("date"))
	if err != nil {
		return nil, err
	}
	g.dates = append(g.dates, date)
	answer := &bhttp.Response{Status: 200, Body: []byte(`{"ok":true}`)}
	refuse := func(problem string) {
		answer = &bhttp.Response{Status: 400, Body: []byte(`{"type":"` + problem + `"}`)}
		answer.Header.Set("content-type", "application/problem+json")
		answer.Header.Set("octoplay-problem", problem)
		answer.Header.Set("date", now.UTC().Format(http.TimeFormat))
	}
	enc := hex.EncodeToString(opened.Enc)
	switch skew := now.Sub(date); {
	case skew > 30*time.Second || skew < -30*time.Second:
		refuse(wire.ProblemStaleDate.URI)
	case g.encs[enc]:
		refuse(wire.ProblemReplayed.URI)
	case g.refuseReplays > 0:
		g.refuseReplays--
		refuse(wire.ProblemReplayed.URI)
	}
	g.encs[enc] = true
	plain, err := answer.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return opened.SealResponse(plain)
}

func newStandIn(t *testing.T, clock time.Duration, refuseReplays int) (*gatewayStandIn, *relayClient) {
	t.Helper()
	key, err := ohttp.GenerateKey(1, ohttp.KEMX25519)
	require.NoError(t, err)
	gw, err := ohttp.NewGateway(key)
	require.NoError(t, err)
	g := &gatewayStandIn{gw: gw, clock: clock, refuseReplays: refuseReplays, encs: map[string]bool{}}
	c, err := ohttp.NewClient([]ohttp.KeyConfig{key.Config()}, g.transport)
	require.NoError(t, err)
	return g, &relayClient{client: c}
}

func stepOne(t *testing.T) *bhttp.Request {
	t.Helper()
	req, err := quickstart.TokenRequest{
		Env:      quickstart.Environment{Name: "sandbox", TokenURL: "https://play.example/sandbox/octotable-auth/api/v2/oauth2/token"},
		ClientID: "id", ClientSecret: "secret", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm,
	}.Build(time.Now())
	require.NoError(t, err)
	return req
}

// A device whose clock is two minutes slow: the first request is refused
// for its Date and sent again, dated by the gateway's clock, and later
// requests are dated right at once (RFC 9458 §6.5).
func TestSendCorrectsTheClock(t *testing.T) {
	g, rc := newStandIn(t, 2*time.Minute, 0)
	a, err := rc.send(context.Background(), stepOne(t))
	require.NoError(t, err)
	assert.Equal(t, 200, a.Status, string(a.Body))
	require.Len(t, g.dates, 2, "refused once, then sent again")
	assert.WithinDuration(t, time.Now().Add(2*time.Minute), g.dates[1], 3*time.Second)

	a, err = rc.send(context.Background(), stepOne(t))
	require.NoError(t, err)
	assert.Equal(t, 200, a.Status)
	assert.Len(t, g.dates, 3, "the next request needs no second try")
	assert.Len(t, g.encs, 3, "every try is sealed afresh")
}

// A false refusal as a replay is retried once, sealed afresh; a second one
// is shown as it came.
func TestSendRetriesAReplayOnce(t *testing.T) {
	g, rc := newStandIn(t, 0, 1)
	a, err := rc.send(context.Background(), stepOne(t))
	require.NoError(t, err)
	assert.Equal(t, 200, a.Status, string(a.Body))
	assert.Len(t, g.encs, 2)

	g, rc = newStandIn(t, 0, 2)
	a, err = rc.send(context.Background(), stepOne(t))
	require.NoError(t, err)
	assert.Equal(t, 400, a.Status)
	assert.Equal(t, wire.ProblemReplayed.URI, a.Header.Get("octoplay-problem"))
	assert.Len(t, g.dates, 2, "one retry, not more")
}
