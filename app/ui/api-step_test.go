package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

// sandboxEnv is the sandbox as the relay lists it, with the property
// resources, so that it offers the writes' examples.
var sandboxEnv = quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
	APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"}}

// A write gets a body editor with its content type, checked as it is
// typed; a read gets none. The extra headers are a table whose rows each
// say why they cannot go.
func TestStep2EditsABodyAndHeaders(t *testing.T) {
	get := render(t, &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "GET", Path: "/api/v2/", Body: "{}"}})
	assert.False(t, get.hasID(IDStep2Body), "GET sends no body")
	assert.True(t, get.hasID(IDStep2Headers), "any method has extra headers")

	post := render(t, &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "POST", Path: "/api/v2/", ContentType: quickstart.ContentJSON,
		Body:    "[\n  1,\n  2 3\n]", // go-app writes a quote in a value as \", which the test's parser takes for the attribute's end
		Headers: []quickstart.Header{{Name: "Idempotency-Key", Value: "k-1"}, {Name: "Authorization", Value: "Bearer x"}, {Name: "", Value: ""}}}})
	body := post.byLabel(t, "Body")
	assert.Equal(t, IDStep2Body, body.attrs["id"])
	assert.Equal(t, "true", body.attrs["aria-invalid"])
	check := post.byID(t, body.attrs["aria-describedby"])
	assert.Contains(t, check.textContent(), "line 3, column 4: a comma is missing", "the JSON error says where the comma goes")
	assert.Equal(t, "error", check.attrs["class"])
	ct := post.byLabel(t, "Content type")
	assert.Equal(t, IDStep2ContentType, ct.attrs["id"])
	require.Len(t, ct.byRole("option", ""), 2)
	assert.Contains(t, ct.byRole("option", "JSON")[0].attrs, "selected", "JSON unless form is chosen")
	assert.Equal(t, "Pretty-print", post.byID(t, IDStep2Pretty).textContent())

	assert.Equal(t, "Idempotency-Key", post.byLabel(t, "Header 1 name").attrs["value"])
	assert.Equal(t, IDStep2HeaderNameRow(0), post.byLabel(t, "Header 1 name").attrs["id"])
	assert.Equal(t, IDStep2HeaderValueRow(1), post.byLabel(t, "Header 2 value").attrs["id"])
	assert.Empty(t, post.byID(t, IDStep2HeaderErrorRow(0)).textContent())
	assert.Equal(t, "false", post.byLabel(t, "Header 1 name").attrs["aria-invalid"])
	refused := post.byLabel(t, "Header 2 name")
	assert.Equal(t, "true", refused.attrs["aria-invalid"])
	assert.Contains(t, post.byID(t, refused.attrs["aria-describedby"]).textContent(), "Authorization carries the token of Step 1")
	assert.Empty(t, post.byID(t, IDStep2HeaderErrorRow(2)).textContent(), "a blank row is not sent, nor flagged")
	assert.Len(t, post.byRole("button", "Remove header"), 3)
	post.oneByRole(t, "button", "Add a header")

	form := render(t, &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "PATCH", Path: "/api/v2/", ContentType: quickstart.ContentForm, Body: "adults=2&status=checked_in\n"}})
	assert.Equal(t, "false", form.byLabel(t, "Body").attrs["aria-invalid"])
	assert.Equal(t, "26 bytes of at most 64 KiB.", form.byID(t, IDStep2BodyCheck).textContent(), "the form as it goes, trimmed")
	assert.False(t, form.hasID(IDStep2Pretty), "a form has nothing to indent")
	big := render(t, &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "PUT", Path: "/api/v2/", Body: "[" + strings.Repeat("1,", 32<<10) + "1]"}})
	assert.Contains(t, big.byID(t, IDStep2BodyCheck).textContent(), "at most 64 KiB", "the size limit, before sending")
	empty := render(t, &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "POST", Path: "/api/v2/"}})
	assert.Equal(t, "Empty: no body is sent.", empty.byID(t, IDStep2BodyCheck).textContent())
}

func TestAPIChoicesTakeEachControl(t *testing.T) {
	c := apiChoices{Method: "GET", Headers: []quickstart.Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}}
	got := c.with(IDStep2Method, "POST").with(IDStep2Body, "{}").with(IDStep2ContentType, string(quickstart.ContentForm)).
		with(IDStep2HeaderNameRow(1), "X-B").with(IDStep2HeaderValueRow(0), "one").with(IDStep2HeaderNameRow(2), "out of range").with(IDStep2HeaderName+"x", "?")
	assert.Equal(t, apiChoices{Method: "POST", Body: "{}", ContentType: quickstart.ContentForm,
		Headers: []quickstart.Header{{Name: "A", Value: "one"}, {Name: "X-B", Value: "2"}}}, got)
	assert.Equal(t, "B", c.Headers[1].Name, "the choices it came from are left as they were")
	assert.True(t, got.same(got.clone()))
	assert.False(t, got.same(c))
}

// The examples are keyed, the writes among them; those about the
// reservation created last name it once a 201 said which.
func TestStep2PresetsFillTheWritesAndTheCreatedID(t *testing.T) {
	presetOptions := func(v *apiStepView) map[string]string {
		out := map[string]string{}
		for _, o := range render(t, v).byID(t, IDStep2Preset).byRole("option", "") {
			out[o.attrs["value"]] = o.textContent()
		}
		return out
	}
	v := &apiStepView{Env: sandboxEnv, Choices: apiChoices{Method: "GET", Path: "/api/v2/", ContentType: quickstart.ContentJSON}}
	options := presetOptions(v)
	assert.Equal(t, "Create a reservation: POST /octotable-pms/api/v2/reservations", options["reservation-create"])
	assert.Equal(t, "Read the reservation you created: GET /octotable-pms/api/v2/reservations/{id}", options["reservation-read"])
	assert.Contains(t, options, "rooms")

	create := v.presetChoices(v.presets()[4], v.Choices)
	assert.Equal(t, apiChoices{Method: "POST", Path: "/octotable-pms/api/v2/reservations", Property: "1001", ContentType: quickstart.ContentJSON,
		Body: sandboxEnv.WritePresets(time.Now())[0].Body}, create)
	v.Choices = create
	v.Choices.Headers = []quickstart.Header{{Name: "X-Trace", Value: "1"}}
	assert.Equal(t, "reservation-create", v.preset(), "extra headers stay with an example")

	v.CreatedID = "RSV-AB CD"
	remove := v.presetChoices(v.presets()[7], v.Choices)
	assert.Equal(t, "", remove.Body, "a DELETE has no body")
	assert.Equal(t, []quickstart.Header{{Name: "X-Trace", Value: "1"}}, remove.Headers)
	v.Choices = remove
	assert.Equal(t, "Cancel the reservation: DELETE /octotable-pms/api/v2/reservations/RSV-AB%20CD", presetOptions(v)["reservation-delete"])
	assert.Equal(t, "reservation-delete", v.preset())
	assert.Contains(t, render(t, v).textContent(), "RSV-AB CD, the one you created last")

	octotable := &apiStepView{Env: quickstart.Environment{Name: "octotable", TokenURL: "https://api.octotable.com/octotable-auth/api/v2/oauth2/token"}}
	assert.NotContains(t, presetOptions(octotable), "reservation-create", "the sandbox's writes are the sandbox's")
}

// A write's body and extra headers may hold anything: the link, which is
// pasted in chats and kept in histories, holds neither.
func TestLinkLeavesTheBodyAndHeadersOut(t *testing.T) {
	p := &playground{env: sandboxEnv, step1: tokenStep{choices: tokenChoices{Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}}, step2: apiStep{choices: apiChoices{Method: "POST", Path: "/octotable-pms/api/v2/reservations", Property: "1001",
		Body: `{"guest_name": "body-marker"}`, Headers: []quickstart.Header{{Name: "X-Header-Marker", Value: "value-marker"}}}}}
	q := p.link().query()
	assert.Equal(t, "env=sandbox&method=POST&path=/octotable-pms/api/v2/reservations&property=1001", q)
	back, err := url.ParseQuery(q)
	require.NoError(t, err)
	assert.Equal(t, p.link(), parseLink(back))
}

// createdSandbox answers a create with 201 and the reservation's Location,
// reads with 200; tokens are always "tok".
func createdSandbox(req *bhttp.Request) (*bhttp.Response, error) {
	switch {
	case strings.HasSuffix(req.Path, "/oauth2/token"):
		return jsonAnswer(200, `{"access_token": "tok-0123456789", "expires_in": 60, "type": "Bearer"}`), nil
	case req.Method == "POST":
		return jsonAnswer(201, `{"data": [{"id": 50000000}]}`), nil
	}
	return jsonAnswer(200, `{"success": true}`), nil
}

// A 201 gives the id the next examples use, so that create, read, change
// and remove work by the examples alone.
func TestACreatedRecordFillsTheNextExamples(t *testing.T) {
	s := newSending(t, createdSandbox)
	p := s.p
	p.env, p.envs = sandboxEnv, []quickstart.Environment{sandboxEnv}
	p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok-0123456789"}}
	v := &apiStepView{Env: p.env}
	v.Choices = v.presetChoices(v.Env.WritePresets(time.Now())[0], v.Choices)
	p.step2.choices = v.Choices
	p.step2.choices.Headers = []quickstart.Header{{Name: "X-Trace", Value: "t-1"}}
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, "50000000", p.step2.createdID)
	assert.Contains(t, string(s.sent[0].Body), `"room_id": 23288`, "the example's body went")
	assert.Equal(t, "application/json", s.sent[0].Header.Get("content-type"))
	// The history keeps what went: the body and the extra header, the
	// token masked.
	require.Len(t, p.sess.history, 1)
	for _, want := range []string{"POST /sandbox/octotable-pms/api/v2/reservations", "X-Trace: t-1", `"room_id": 23288`, "Bearer " + quickstart.Masked} {
		assert.Contains(t, p.sess.history[0].Request, want)
	}
	assert.NotContains(t, p.sess.history[0].Request, "tok-0123456789")

	v.CreatedID = p.step2.createdID
	p.step2.choices = v.presetChoices(v.presets()[5], v.Choices)
	p.sendAPI(p.sess.ctx)
	s.engine.ConsumeAll()
	assert.Equal(t, "/sandbox/octotable-pms/api/v2/reservations/50000000", s.sent[1].Path)
	assert.Empty(t, s.sent[1].Body)
	assert.Equal(t, "50000000", p.step2.createdID, "a read keeps it")
}

// expiringSandbox's tokens last a second; the API answers 401
// invalid_token to any but the newest.
type expiringSandbox struct {
	issued int
	calls  []string // the tokens Step 2 came with
}

func (e *expiringSandbox) answer(req *bhttp.Request) (*bhttp.Response, error) {
	if req.Method == "POST" {
		e.issued++
		return jsonAnswer(200, `{"access_token": "tok-`+strings.Repeat("x", e.issued)+`", "expires_in": 1, "type": "Bearer"}`), nil
	}
	auth := req.Header.Get("authorization")
	e.calls = append(e.calls, auth)
	if auth != "Bearer tok-"+strings.Repeat("x", e.issued) {
		return jsonAnswer(401, `{"success": false}`, "www-authenticate", `Bearer error="invalid_token"`), nil
	}
	return jsonAnswer(200, `{"success": true}`), nil
}

// With the switch on, a call that meets an expired token renews it and
// goes again, once: whether the countdown said so or the API did. Off, it
// does neither.
func TestAutoRenew(t *testing.T) {
	t.Run("off: the 401 stays", func(t *testing.T) {
		up := &expiringSandbox{issued: 1}
		s := newSending(t, up.answer)
		p := s.p
		p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok-old"}}
		p.sendAPI(p.sess.ctx)
		s.engine.ConsumeAll()
		assert.Equal(t, 401, p.step2.answer.Status)
		assert.Equal(t, 1, up.issued, "no token requested")
		assert.Equal(t, tokenExpired, p.sess.token.state)
	})
	t.Run("on: a 401 invalid_token renews and sends again once", func(t *testing.T) {
		up := &expiringSandbox{issued: 1}
		s := newSending(t, up.answer)
		p := s.p
		p.step2.autoRenew = true
		p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok-old"}}
		p.sendAPI(p.sess.ctx)
		s.engine.ConsumeAll()
		assert.Equal(t, 200, p.step2.answer.Status)
		assert.Equal(t, []string{"Bearer tok-old", "Bearer tok-xx"}, up.calls)
		assert.Equal(t, tokenValid, p.sess.token.state)
		require.Len(t, p.sess.history, 3, "the call, the token, the call again")
	})
	t.Run("on: a token the countdown expired is renewed before the call", func(t *testing.T) {
		up := &expiringSandbox{issued: 1}
		s := newSending(t, up.answer)
		p := s.p
		p.step2.autoRenew = true
		p.sess.token = heldToken{state: tokenExpired, token: quickstart.Token{AccessToken: "tok-x", ExpiresIn: 1, ExpiresAt: time.Now().Add(-time.Second)}}
		p.sendAPI(p.sess.ctx)
		s.engine.ConsumeAll()
		assert.Equal(t, 200, p.step2.answer.Status)
		assert.Equal(t, []string{"Bearer tok-xx"}, up.calls, "the expired token never went")
	})
	t.Run("on: once, not for as long as the API refuses", func(t *testing.T) {
		calls := 0
		s := newSending(t, func(req *bhttp.Request) (*bhttp.Response, error) {
			if req.Method == "POST" {
				return jsonAnswer(200, `{"access_token": "tok-new", "expires_in": 60, "type": "Bearer"}`), nil
			}
			calls++
			return jsonAnswer(401, `{"success": false}`, "www-authenticate", `Bearer error="invalid_token"`), nil
		})
		p := s.p
		p.step2.autoRenew = true
		p.sess.token = heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok-old"}}
		p.sendAPI(p.sess.ctx)
		s.engine.ConsumeAll()
		assert.Equal(t, 2, calls)
		assert.Equal(t, 401, p.step2.answer.Status)
	})
	t.Run("on: no secret in memory, Step 2 says why", func(t *testing.T) {
		s := newSending(t, func(*bhttp.Request) (*bhttp.Response, error) { t.Fatal("sent"); return nil, nil })
		p := s.p
		p.step2.autoRenew, p.sess.secret = true, ""
		p.sess.token = heldToken{state: tokenExpired, token: quickstart.Token{AccessToken: "tok-x", ExpiresIn: 1, ExpiresAt: time.Now().Add(-time.Second)}}
		p.sendAPI(p.sess.ctx)
		s.engine.ConsumeAll()
		assert.Equal(t, "The token has expired and a new one cannot be requested: enter your client secret in Step 1.", p.step2.err)
	})
}

// Two controls changed in a row, before the view is drawn again, both
// count: each change applies to the playground's choices as they are, not
// to the copy the view was last given.
func TestStep2ChangesApplyToTheChoicesAsTheyAre(t *testing.T) {
	p := &playground{step2: apiStep{choices: apiChoices{Method: "GET", Headers: []quickstart.Header{{}}}}}
	v := &apiStepView{Choices: p.step2.choices, OnChange: p.onAPIChoices}
	v.edit(app.Context{}, func(c apiChoices) apiChoices { return c.with(IDStep2HeaderNameRow(0), "X-Trace") })
	v.edit(app.Context{}, func(c apiChoices) apiChoices { return c.with(IDStep2HeaderValueRow(0), "1") })
	assert.Equal(t, []quickstart.Header{{Name: "X-Trace", Value: "1"}}, p.step2.choices.Headers)
	assert.Equal(t, []quickstart.Header{{}}, v.Choices.Headers, "the view's copy is as it was given")
}
