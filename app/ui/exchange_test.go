package ui

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
)

// contextHolder gives a playground the context it sends on, as its own
// OnMount does in a browser, without loading a relay through fetch. Outside
// a browser go-app calls OnPreRender where a browser calls OnMount.
type contextHolder struct {
	app.Compo
	p *playground
}

func (h *contextHolder) OnPreRender(ctx app.Context) { h.p.ctx = ctx }
func (h *contextHolder) Render() app.UI              { return app.Div() }

// upstreamFunc answers an opened request; an error is a relay that could
// not be reached.
type upstreamFunc func(req *bhttp.Request) (*bhttp.Response, error)

// sending is a playground whose relay is a gateway in the test, sealing
// and opening as the real one, with answers from up.
type sending struct {
	p      *playground
	engine app.TestEngine
	mu     sync.Mutex
	sent   []*bhttp.Request
}

func newSending(t *testing.T, up upstreamFunc) *sending {
	t.Helper()
	key, err := ohttp.GenerateKey(1, ohttp.KEMX25519)
	require.NoError(t, err)
	gw, err := ohttp.NewGateway(key)
	require.NoError(t, err)
	configs, err := ohttp.ParseKeyConfigs(gw.KeyConfigs())
	require.NoError(t, err)
	s := &sending{}
	client, err := ohttp.NewClient(configs, func(_ context.Context, sealed []byte) ([]byte, error) {
		opened, err := gw.OpenRequest(sealed)
		if err != nil {
			return nil, err
		}
		req, err := bhttp.UnmarshalRequest(opened.Request, bhttp.Limits{})
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.sent = append(s.sent, req)
		s.mu.Unlock()
		res, err := up(req)
		if err != nil {
			return nil, err
		}
		plain, err := res.MarshalBinary()
		if err != nil {
			return nil, err
		}
		return opened.SealResponse(plain)
	})
	require.NoError(t, err)
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/"}}
	s.p = &playground{relay: &relayClient{client: client}, env: env, envs: []quickstart.Environment{env}, status: loadReady,
		step1: tokenStep{choices: tokenChoices{ClientID: "id", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}},
		step2: apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}},
		token: heldToken{state: tokenNone}, secret: "s3cret"}
	s.engine = app.NewTestEngine()
	require.NoError(t, s.engine.Load(&contextHolder{p: s.p}))
	s.engine.ConsumeAll()
	return s
}

func (s *sending) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

func jsonAnswer(status int, body string, header ...string) *bhttp.Response {
	res := &bhttp.Response{Status: status, Body: []byte(body)}
	res.Header.Add("content-type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		res.Header.Add(header[i], header[i+1])
	}
	return res
}

// Both steps go the one way: sealed, relayed, opened, explained, recorded.
func TestBothStepsSendTheSameWay(t *testing.T) {
	s := newSending(t, func(req *bhttp.Request) (*bhttp.Response, error) {
		if req.Method == "POST" {
			return jsonAnswer(200, `{"access_token": "tok", "expires_in": 60, "type": "Bearer"}`), nil
		}
		return jsonAnswer(401, `{"success": false}`, "www-authenticate", `Bearer error="invalid_token"`), nil
	})
	p := s.p
	p.requestToken(p.ctx)
	p.requestToken(p.ctx) // on its way already: not sent twice
	assert.True(t, p.step1.busy)
	s.engine.ConsumeAll()
	assert.Equal(t, 1, s.requests())
	assert.False(t, p.step1.busy)
	require.NotNil(t, p.step1.answer)
	assert.Equal(t, 200, p.step1.answer.Status)
	assert.Nil(t, p.step1.explain)
	assert.Equal(t, tokenValid, p.token.state)
	assert.Equal(t, "tok", p.token.token.AccessToken)
	assert.Equal(t, 2, p.focus, "Step 2 comes into focus")
	require.Len(t, p.history, 1)
	assert.Equal(t, historyEntry{Method: "POST", URL: p.env.TokenURL, Status: 200, Duration: p.history[0].Duration, At: p.history[0].At}, p.history[0])

	p.sendAPI(p.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, 2, s.requests())
	assert.Equal(t, "Bearer tok", s.sent[1].Header.Get("authorization"))
	require.NotNil(t, p.step2.answer)
	assert.Equal(t, 401, p.step2.answer.Status)
	require.NotNil(t, p.step2.explain, "explained as Step 2's answers are")
	assert.Equal(t, quickstart.FixNewToken, p.step2.explain.Fix)
	assert.Equal(t, tokenExpired, p.token.state, "the server has the last word on expiry")
	require.Len(t, p.history, 2)
	assert.Equal(t, "GET", p.history[0].Method, "newest first")
	assert.Equal(t, "http://127.0.0.1:8080/sandbox/api/v2/", p.history[0].URL)
	assert.Equal(t, 401, p.history[0].Status)
}

// A relay that cannot be reached fails both steps alike, and the history
// says so.
func TestBothStepsSayWhenNothingWasRelayed(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) { return nil, errors.New("network down") })
	p := s.p
	p.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok"}}
	failedAlike := func(name string, x exchange) {
		assert.False(t, x.busy, name)
		assert.Nil(t, x.answer, name)
		assert.Contains(t, x.err, "The request could not be relayed: ", name)
		assert.Contains(t, x.err, "network down", name)
	}
	p.sendAPI(p.ctx)
	s.engine.ConsumeAll()
	failedAlike("step 2", p.step2.exchange)
	assert.Equal(t, tokenValid, p.token.state, "the token stays")
	p.requestToken(p.ctx)
	s.engine.ConsumeAll()
	failedAlike("step 1", p.step1.exchange)
	assert.Equal(t, tokenError, p.token.state)
	assert.Empty(t, p.step2.err, "a new token attempt clears Step 2's outcome")
	require.Len(t, p.history, 2)
	for _, h := range p.history {
		assert.Equal(t, "not relayed", h.Failure)
	}
}

// A request that cannot be built goes nowhere, and the step says why.
func TestAStepThatCannotBeBuiltSaysWhy(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) { t.Fatal("sent"); return nil, nil })
	p := s.p
	p.sendAPI(p.ctx)
	p.secret = ""
	p.requestToken(p.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, "get a token in Step 1 first", p.step2.err)
	assert.Equal(t, "enter your client secret", p.step1.err)
	assert.Zero(t, s.requests())
	assert.Empty(t, p.history)
}
