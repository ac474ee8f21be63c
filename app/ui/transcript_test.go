package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/transcript"
	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// Every request of the visit is kept for the transcript as its answer
// comes, Step 1 and Step 2, failures and the relay's own answers included,
// with the secret and the token already gone; Forget and the idle wipe
// take the transcript with them.
func TestEveryExchangeIsKeptWithoutCredentials(t *testing.T) {
	const secret, token = "s3cret-in-the-visit", "tok-of-the-visit-0123"
	down := false
	s := newSending(t, func(req *bhttp.Request) (*bhttp.Response, error) {
		switch {
		case down:
			return nil, errors.New("network down")
		case req.Method == "POST":
			return jsonAnswer(200, `{"access_token": "`+token+`", "expires_in": 60, "type": "Bearer"}`), nil
		case req.Path == "/sandbox/api/v2/limited":
			res := jsonAnswer(429, `{"type": "`+wire.ProblemRateLimited.URI+`", "status": 429}`, "retry-after", "1")
			res.Header.Set("content-type", "application/problem+json")
			return res, nil
		}
		return jsonAnswer(200, `{"echo": "Bearer `+token+`"}`), nil
	})
	p := s.p
	p.sess.secret = secret
	p.requestToken(p.sess.ctx)
	s.engine.ConsumeAll()
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	p.step2.choices.Path = "/api/v2/limited"
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	down = true
	p.step2.choices.Path = "/api/v2/"
	p.step2.waitEnd = time.Time{}
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	require.Len(t, p.sess.transcript, 4)

	har, err := transcript.HAR(p.sess.transcript, "test")
	require.NoError(t, err)
	md := transcript.Markdown(p.sess.transcript, time.Now())
	for _, file := range []string{string(har), md} {
		assert.NotContains(t, file, secret)
		assert.NotContains(t, file, token)
		assert.Contains(t, file, "client_secret=%5Bremoved+by+Octoplay%3A+client+secret%5D", "the secret was there to remove")
		assert.Contains(t, file, "Bearer [removed by Octoplay: access token]")
	}
	assert.Contains(t, md, "## 1. Step 1: request an access token: `POST http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token` → 200 OK")
	assert.Contains(t, md, "## 2. Step 2: call the API: `GET http://127.0.0.1:8080/sandbox/api/v2/` → 200 OK")
	assert.Contains(t, md, "## 3. Step 2: call the API (the relay's own answer): ")
	assert.Contains(t, md, "## 4. Step 2: call the API: `GET http://127.0.0.1:8080/sandbox/api/v2/` → not relayed")
	assert.Contains(t, md, "network down")

	require.NotEmpty(t, p.sess.history)
	p.forget()
	assert.Empty(t, p.sess.transcript, "Forget ends the visit's transcript")
	assert.Empty(t, p.sess.history, "and the history, which the transcript would otherwise contradict")
	p.sess.transcript = append(p.sess.transcript, transcript.Exchange{})
	p.sess.lastUse = time.Now().Add(-idleWipe - time.Second)
	assert.True(t, p.tick(time.Now()))
	assert.Empty(t, p.sess.transcript, "so does the idle wipe")
}

// The transcript keeps the latest requests, at most maxTranscript.
func TestTheTranscriptIsBounded(t *testing.T) {
	p := &playground{}
	req := &bhttp.Request{Method: "GET", Scheme: "https", Authority: "api.octotable.com"}
	for i := range maxTranscript + 5 {
		req.Path = "/api/v2/" + strings.Repeat("x", i)
		p.sess.keep(outgoing{}, time.Now(), req, &quickstart.Answer{Status: 200}, "")
	}
	require.Len(t, p.sess.transcript, maxTranscript)
	md := transcript.Markdown(p.sess.transcript[:1], time.Now())
	assert.Contains(t, md, "/api/v2/"+strings.Repeat("x", 5)+"`", "the oldest went")
}

func TestTranscriptViewOffersBothFiles(t *testing.T) {
	page := render(t, &transcriptView{Count: 3, Feedback: "Saved x.har."})
	har := page.oneByRole(t, "button", "Download HAR")
	assert.Equal(t, IDExportTranscript, har.attrs["id"])
	assert.Equal(t, IDExportMarkdown, page.oneByRole(t, "button", "Download Markdown").attrs["id"])
	assert.Contains(t, page.byID(t, har.attrs["aria-describedby"]).textContent(), "3 requests so far.")
	assert.Equal(t, "polite", page.byID(t, IDExportFeedback).attrs["aria-live"])
	assert.Equal(t, "Saved x.har.", page.byID(t, IDExportFeedback).textContent())
}
