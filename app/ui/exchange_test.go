package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// contextHolder gives a playground the context it sends on, as its own
// OnMount does in a browser, without loading a relay through fetch. Outside
// a browser go-app calls OnPreRender where a browser calls OnMount.
type contextHolder struct {
	app.Compo
	p *playground
}

func (h *contextHolder) OnPreRender(ctx app.Context) { h.p.sess.ctx = ctx }
func (h *contextHolder) Render() app.UI              { return app.Div() }

// upstreamFunc answers an opened request; an error is a relay that could
// not be reached.
type upstreamFunc func(req *bhttp.Request) (*bhttp.Response, error)

// sending is a playground whose relay is a gateway in the test, sealing
// and opening as the real one, with answers from up. restart gives the
// gateway new keys, as a restarted server has.
type sending struct {
	p         *playground
	engine    app.TestEngine
	mu        sync.Mutex
	gw        *ohttp.Gateway // opens the sealed requests
	published *ohttp.Gateway // whose keys the page fetches: gw, but for a misconfigured cluster
	sent      []*bhttp.Request
	posts     int  // sealed requests the gateway got, opened or not
	keys      int  // times the page fetched the keys
	down      bool // the server cannot be reached: every fetch fails as the browser's does
}

// unreachable is what the browser's fetch gives when nothing answers.
func unreachable(url string) error {
	return fmt.Errorf("fetch %s: Failed to fetch: %w", url, dom.ErrUnreachable)
}

// newGateway is a gateway with one key of its own.
func newGateway(t *testing.T, keyID uint8) *ohttp.Gateway {
	t.Helper()
	key, err := ohttp.GenerateKey(keyID, ohttp.KEMX25519)
	require.NoError(t, err)
	gw, err := ohttp.NewGateway(key)
	require.NoError(t, err)
	return gw
}

func newSending(t *testing.T, up upstreamFunc) *sending {
	t.Helper()
	s := &sending{gw: newGateway(t, 1)}
	s.published = s.gw
	transport := func(_ context.Context, sealed []byte) ([]byte, error) {
		s.mu.Lock()
		gw, down := s.gw, s.down
		if !down {
			s.posts++
		}
		s.mu.Unlock()
		if down {
			return nil, unreachable(wire.RelayPath)
		}
		opened, err := gw.OpenRequest(sealed)
		if errors.Is(err, ohttp.ErrUnknownKey) {
			// What the relay answers before opening (RFC 9458 §6.4).
			a := quickstart.Answer{Status: 400, Body: []byte(`{"type":"` + wire.ProblemKey.URI + `","status":400}`)}
			a.Header.Add("content-type", "application/problem+json")
			return nil, &relayError{answer: a}
		}
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
	}
	fetchKeys := func(context.Context) (*ohttp.Client, error) {
		s.mu.Lock()
		gw, down := s.published, s.down
		s.keys++
		s.mu.Unlock()
		if down {
			return nil, unreachable(wire.RelayKeysPath)
		}
		configs, err := ohttp.ParseKeyConfigs(gw.KeyConfigs())
		if err != nil {
			return nil, err
		}
		return ohttp.NewClient(configs, transport)
	}
	client, err := fetchKeys(context.Background())
	require.NoError(t, err)
	s.keys = 0
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/"}}
	s.p = &playground{
		sess:   session{relay: &relayClient{client: client, fetchKeys: fetchKeys}, token: heldToken{state: tokenNone}, secret: "s3cret"},
		env:    env,
		envs:   []quickstart.Environment{env},
		status: loadReady,
		step1:  tokenStep{choices: tokenChoices{ClientID: "id", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}},
		step2:  apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}},
	}
	s.engine = app.NewTestEngine()
	require.NoError(t, s.engine.Load(&contextHolder{p: s.p}))
	s.engine.ConsumeAll()
	return s
}

// restart gives the gateway a key of another id, as a server restarted
// without a shared key has: the page's keys are no longer held.
func (s *sending) restart(t *testing.T, keyID uint8) {
	gw := newGateway(t, keyID)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw, s.published = gw, gw
}

func (s *sending) counts() (posts, keys int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts, s.keys
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
	p.requestToken(p.sess.ctx)
	p.requestToken(p.sess.ctx) // on its way already: not sent twice
	assert.True(t, p.step1.busy)
	s.engine.ConsumeAll()
	assert.Equal(t, 1, s.requests())
	assert.False(t, p.step1.busy)
	require.NotNil(t, p.step1.answer)
	assert.Equal(t, 200, p.step1.answer.Status)
	assert.Nil(t, p.step1.explain)
	assert.Equal(t, tokenValid, p.sess.token.state)
	assert.Equal(t, "tok", p.sess.token.token.AccessToken)
	assert.Equal(t, 2, p.focus, "Step 2 comes into focus")
	require.Len(t, p.sess.history, 1)
	assert.Equal(t, historyEntry{Method: "POST", URL: p.env.TokenURL, Request: p.step1.request(p.env, p.sess.secret).Preview(), Status: 200, Duration: p.sess.history[0].Duration, At: p.sess.history[0].At}, p.sess.history[0])
	assert.Contains(t, p.sess.history[0].Request, "grant_type=client_credentials", "the request as the preview showed it")

	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, 2, s.requests())
	assert.Equal(t, "Bearer tok", s.sent[1].Header.Get("authorization"))
	require.NotNil(t, p.step2.answer)
	assert.Equal(t, 401, p.step2.answer.Status)
	require.NotNil(t, p.step2.explain, "explained as Step 2's answers are")
	assert.Equal(t, quickstart.FixNewToken, p.step2.explain.Fix)
	assert.Equal(t, tokenExpired, p.sess.token.state, "the server has the last word on expiry")
	require.Len(t, p.sess.history, 2)
	assert.Equal(t, "GET", p.sess.history[0].Method, "newest first")
	assert.Equal(t, "http://127.0.0.1:8080/sandbox/api/v2/", p.sess.history[0].URL)
	assert.Equal(t, 401, p.sess.history[0].Status)
}

// A relay that cannot be reached fails both steps alike, and the history
// says so.
func TestBothStepsSayWhenNothingWasRelayed(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) { return nil, errors.New("network down") })
	p := s.p
	p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok"}}
	failedAlike := func(name string, x exchange) {
		assert.False(t, x.busy, name)
		assert.Nil(t, x.answer, name)
		assert.Contains(t, x.err, "The request could not be relayed: ", name)
		assert.Contains(t, x.err, "network down", name)
	}
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	failedAlike("step 2", p.step2.exchange)
	assert.Equal(t, tokenValid, p.sess.token.state, "the token stays")
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	failedAlike("step 1", p.step1.exchange)
	assert.Equal(t, tokenError, p.sess.token.state)
	assert.Empty(t, p.step2.err, "a new token attempt clears Step 2's outcome")
	require.Len(t, p.sess.history, 2)
	for _, h := range p.sess.history {
		assert.Equal(t, "not relayed", h.Failure)
	}
}

// A request that cannot be built goes nowhere, and the step says why.
func TestAStepThatCannotBeBuiltSaysWhy(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) { t.Fatal("sent"); return nil, nil })
	p := s.p
	p.sendAPI(p.sess.ctx)
	p.sess.secret = ""
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, "get a token in Step 1 first", p.step2.err)
	assert.Equal(t, "enter your client secret", p.step1.err)
	assert.Zero(t, s.requests())
	assert.Empty(t, p.sess.history)
}

func tokenAnswer(req *bhttp.Request) (*bhttp.Response, error) {
	if req.Method == "POST" {
		return jsonAnswer(200, `{"access_token": "tok", "expires_in": 60, "type": "Bearer"}`), nil
	}
	return jsonAnswer(200, `{"success": true}`), nil
}

// A restarted relay no longer holds the page's key: the page fetches the
// keys again and sends once more by itself (RFC 9458 §6.4), so the person
// gets the upstream's answer with no click.
func TestARestartedRelaysNewKeysAreFetchedAndTheRequestSentAgain(t *testing.T) {
	s := newSending(t, tokenAnswer)
	p := s.p
	s.restart(t, 2)
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	require.NotNil(t, p.step1.answer)
	assert.Equal(t, 200, p.step1.answer.Status, string(p.step1.answer.Body))
	assert.Equal(t, tokenValid, p.sess.token.state)
	posts, keys := s.counts()
	assert.Equal(t, 2, posts, "refused, then sent again")
	assert.Equal(t, 1, keys, "the keys fetched once")
	assert.Equal(t, 1, s.requests(), "the upstream got it once")
	require.Len(t, p.sess.history, 1, "one request in the person's eyes")

	// With the keys in, the next request goes at once.
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	posts, keys = s.counts()
	assert.Equal(t, 3, posts)
	assert.Equal(t, 1, keys)
}

// When fetching the keys again does not help (instances behind one name
// that do not share a key), the page sends once more, not forever, stays
// usable, and says what is left to do; its fix sends again.
func TestKeysThatStayRefusedAreSentAgainOnceAndExplained(t *testing.T) {
	s := newSending(t, tokenAnswer)
	p := s.p
	p.mounted = true
	old := s.gw
	s.restart(t, 2)
	s.published = old // another instance's keys
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	require.NotNil(t, p.step1.answer)
	assert.Equal(t, 400, p.step1.answer.Status)
	require.NotNil(t, p.step1.explain)
	assert.Equal(t, quickstart.FixReloadKeys, p.step1.explain.Fix)
	posts, keys := s.counts()
	assert.Equal(t, 2, posts)
	assert.Equal(t, 1, keys)
	assert.Zero(t, s.requests())
	assert.Equal(t, loadReady, p.status, "the page never goes back to loading")
	assert.Empty(t, p.unavailable(), "and its buttons still send")

	s.published = s.gw // the cluster agrees again
	p.applyFix(p.sess.ctx, &p.step1.exchange, p.requestToken)
	s.engine.ConsumeAll()
	require.NotNil(t, p.step1.answer)
	assert.Equal(t, 200, p.step1.answer.Status)
	assert.Equal(t, tokenValid, p.sess.token.state)
}

// Step 2's fix for an expired token renews it where the person is and
// sends Step 2 again: its answer stays until the new one replaces it.
func TestTheExpiredTokenFixRenewsAndSendsStep2Again(t *testing.T) {
	calls := 0
	s := newSending(t, func(req *bhttp.Request) (*bhttp.Response, error) {
		if req.Method == "POST" {
			return jsonAnswer(200, `{"access_token": "new", "expires_in": 60, "type": "Bearer"}`), nil
		}
		calls++
		if req.Header.Get("authorization") != "Bearer new" {
			return jsonAnswer(401, `{"success": false}`, "www-authenticate", `Bearer error="invalid_token"`), nil
		}
		return jsonAnswer(200, `{"success": true}`), nil
	})
	p := s.p
	p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "old"}}
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	require.NotNil(t, p.step2.explain)
	require.Equal(t, quickstart.FixNewToken, p.step2.explain.Fix)

	p.applyFix(p.sess.ctx, &p.step2.exchange, p.sendAPI)
	assert.NotNil(t, p.step2.answer, "Step 2's answer stays while the token is renewed")
	s.engine.ConsumeAll()
	assert.Equal(t, "new", p.sess.token.token.AccessToken)
	require.NotNil(t, p.step2.answer)
	assert.Equal(t, 200, p.step2.answer.Status, "Step 2 sent again with the new token")
	assert.Nil(t, p.step2.explain)
	assert.Equal(t, 2, calls)
	assert.Equal(t, 2, p.focus)
}

// What a step showed of its last request goes with the next attempt: an
// error that stops a request does not sit above the previous answer.
func TestANewAttemptClearsTheLastAnswer(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) {
		return jsonAnswer(429, `{"error": "slow_down"}`, "retry-after", "55"), nil
	})
	p := s.p
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	require.NotNil(t, p.step1.answer)
	p.step1.choices.ClientID = ""
	p.requestToken(p.sess.ctx)
	assert.Equal(t, "enter your client id", p.step1.err)
	assert.Nil(t, p.step1.answer, "the 429 is not left beside the new error")
	assert.Nil(t, p.step1.explain)
}

// A 429 counts down beside the button, which sends again once the wait is
// over.
func TestARateLimitedAnswerCountsDownAndFreesTheButton(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) {
		return jsonAnswer(429, `{"error": "slow_down"}`, "retry-after", "55"), nil
	})
	p := s.p
	p.mounted = true
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	p.now = time.Now()
	x := p.stepExchange(&p.step1.exchange, "", p.unavailable(), nil, nil)
	assert.Contains(t, x.Unavailable, "you can send again in 0:5")
	assert.True(t, p.tick(p.now.Add(time.Second)), "the countdown moves")
	assert.Contains(t, p.stepExchange(&p.step1.exchange, "", p.unavailable(), nil, nil).Unavailable, "0:54")
	assert.True(t, p.tick(p.now.Add(55*time.Second)), "the end of the wait shows")
	assert.Empty(t, p.stepExchange(&p.step1.exchange, "", p.unavailable(), nil, nil).Unavailable, "the button sends again")
	assert.False(t, p.tick(p.now.Add(time.Second)), "then nothing moves")
}

func (s *sending) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// A server that cannot be reached is said in words, not as the browser's
// "Failed to fetch"; the page tries again by itself, waiting longer each
// time, on a clock the test moves, and says when the server is back,
// sending nothing again by itself.
func TestAnUnreachableServerIsSaidAndTriedAgain(t *testing.T) {
	s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) {
		return &bhttp.Response{Status: 200, Body: []byte(`{"data":[]}`)}, nil
	})
	p := s.p
	p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok"}}
	s.setDown(true)
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Contains(t, p.step2.err, "The playground's server cannot be reached")
	assert.NotContains(t, p.step2.err, "Failed to fetch", "no browser jargon")
	require.True(t, p.reconnect.down)
	p.mounted = true // as in a browser, where unavailable speaks of the server
	assert.Contains(t, p.unavailable(), "cannot be reached", "nothing can be sent while it is down")

	at := time.Now()
	p.now = at
	assert.Contains(t, p.reconnect.say(at), "trying again in 1 s")
	_, keys := s.counts()
	p.tick(at.Add(500 * time.Millisecond))
	s.engine.ConsumeAll()
	_, after := s.counts()
	assert.Equal(t, keys, after, "not before the wait is over")

	// Each failed attempt doubles the wait.
	for _, wait := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
		p.tick(p.reconnect.next)
		s.engine.ConsumeAll()
		_, n := s.counts()
		assert.Equal(t, after+1, n, "one attempt when it is due")
		after = n
		require.True(t, p.reconnect.down)
		assert.InDelta(t, float64(wait), float64(p.reconnect.wait), float64(time.Millisecond))
	}

	// Back: said, and nothing sent again by itself.
	posts, _ := s.counts()
	s.setDown(false)
	p.tick(p.reconnect.next)
	s.engine.ConsumeAll()
	assert.False(t, p.reconnect.down)
	assert.True(t, p.reconnect.back)
	assert.Empty(t, p.unavailable())
	again, _ := s.counts()
	assert.Equal(t, posts, again, "the request that may have arrived is not sent again by itself")
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.False(t, p.reconnect.back, "the next send ends the notice")
	require.NotNil(t, p.step2.answer)
	assert.Equal(t, 200, p.step2.answer.Status)
}

// Step 0 fills Step 1 with the client it made: the id in the choices, the
// secret in the page's memory alone (not in the exchange's answer, and
// removed from the transcript by name); a refusal says why in words.
func TestStep0FillsStep1WithTheClientItMade(t *testing.T) {
	made := `{"data": [{"client_id": "public_0001e848-6950a1c0-0a0b0c0d-0123456789abcdef", "client_secret": "made-s3cret-9d2f0d38",` +
		` "id": 2000123, "properties": [{"id": 2000123, "name": "Playground restaurant", "enabled": true, "sandbox": true, "expires_at": "2026-12-08T12:00:00Z"}]}]}`
	status := 201
	s := newSending(t, func(req *bhttp.Request) (*bhttp.Response, error) {
		if status != 201 {
			body := `{"success": false, "error": {"code": "LIMIT_EXCEEDED", "message": "your network has made 5 clients lately", "class_name": "LimitExceededException"}}`
			r := &bhttp.Response{Status: status, Body: []byte(body)}
			r.Header.Set("content-type", "application/json")
			return r, nil
		}
		assert.Equal(t, "/sandbox"+wire.CreateClientPath, req.Path)
		r := &bhttp.Response{Status: 201, Body: []byte(made)}
		r.Header.Set("content-type", "application/json")
		return r, nil
	})
	p := s.p
	p.step1.choices.ClientID, p.sess.secret = "", ""
	require.True(t, p.offersCreateClient())
	p.createClient(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, "public_0001e848-6950a1c0-0a0b0c0d-0123456789abcdef", p.step1.choices.ClientID)
	assert.Equal(t, "made-s3cret-9d2f0d38", p.sess.secret)
	assert.True(t, p.sess.secretMade)
	assert.Nil(t, p.step0.answer, "the answer that held the secret is not kept")
	assert.Contains(t, p.made, "property 2000123")
	assert.NotContains(t, p.made, "made-s3cret")
	require.Len(t, p.sess.transcript, 1)
	assert.NotContains(t, fmt.Sprint(p.sess.transcript), "made-s3cret-9d2f0d38", "the transcript removes the secret by name")

	status = 429
	p.createClient(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Contains(t, p.step0.err, "No client was made")
	assert.Contains(t, p.step0.err, "your network has made 5 clients lately")
	assert.Empty(t, p.made)
}
