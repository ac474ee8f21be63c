package ui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"octoplay/app/quickstart"
)

const (
	typedSecret = "typed-s3cret-0123"
	typedToken  = "typed-token-4567"
)

// holding is a playground in the middle of a visit: a secret typed, a
// token obtained, both steps answered, the token in both answers' bodies.
func holding() *playground {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token", Profiles: []string{"demo"}}
	body := []byte(`{"access_token": "` + typedToken + `", "echo": "Bearer ` + typedToken + `"}`)
	answer := func() exchange {
		return exchange{answer: &quickstart.Answer{Status: 200, Body: body}}
	}
	return &playground{
		sess:   session{secret: typedSecret, token: heldToken{state: tokenValid, token: quickstart.Token{AccessToken: typedToken, TokenType: "Bearer", ExpiresIn: 60}}},
		env:    env,
		envs:   []quickstart.Environment{env},
		status: loadReady,
		step1:  tokenStep{choices: tokenChoices{ClientID: "typed-id", Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingForm}, exchange: answer()},
		step2:  apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}, exchange: answer()},
	}
}

// stringsIn calls found with every string reachable from v: fields
// exported or not, through pointers, interfaces, slices and maps. Functions
// are opaque to it, as they are to go-app's copying of fields.
func stringsIn(v reflect.Value, seen map[uintptr]bool, found func(string)) {
	switch v.Kind() {
	case reflect.String:
		found(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
		}
		stringsIn(v.Elem(), seen, found)
	case reflect.Struct:
		for i := range v.NumField() {
			stringsIn(v.Field(i), seen, found)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			stringsIn(v.Index(i), seen, found)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			stringsIn(it.Key(), seen, found)
			stringsIn(it.Value(), seen, found)
		}
	}
}

// holds says whether what the playground renders holds s anywhere: in the
// elements, or in the fields it gives its child components.
func holds(p *playground, s string) bool {
	held := false
	stringsIn(reflect.ValueOf(p.Render()), map[uintptr]bool{}, func(v string) {
		held = held || strings.Contains(v, s)
	})
	return held
}

// The secret and the token stay in the session's own fields: neither
// reaches an element, nor a child component, masked or shown.
func TestThePageHoldsNeitherSecretNorToken(t *testing.T) {
	p := holding()
	for _, s := range []string{typedSecret, typedToken} {
		assert.False(t, holds(p, s), "what the playground renders holds %q", s)
		assert.False(t, strings.Contains(render(t, p).textContent(), s), "the page shows %q", s)
	}
	assert.True(t, holds(p, "typed-id"), "the search finds what the page does show")

	// The person asks to see the token: only then is it in the page.
	p.sess.token.revealed = true
	assert.True(t, holds(p, typedToken), "the search reaches the token view")
	assert.Equal(t, typedToken, render(t, p).byID(t, IDTokenValue).textContent())
}
