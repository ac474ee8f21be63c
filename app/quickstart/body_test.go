package quickstart_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

func TestCheckBody(t *testing.T) {
	tests := []struct {
		name    string
		ct      quickstart.ContentType
		body    string
		wantErr string // "" for none
	}{
		{name: "JSON object", ct: quickstart.ContentJSON, body: `{"room_id": 101, "guest_name": "Zoë"}`},
		{name: "JSON is the default", body: `[1, 2]`},
		{name: "JSON on the third line", ct: quickstart.ContentJSON, body: "{\n  \"a\": 1,\n  \"b\" 2\n}",
			wantErr: "the body is not valid JSON: line 3, column 7: invalid character '2' after object key"},
		{name: "JSON with a trailing comma", body: "{\"a\": 1,\n}",
			wantErr: "the body is not valid JSON: line 2, column 1: invalid character '}' looking for beginning of object key string"},
		{name: "JSON cut short", body: `{"a": [1,`, wantErr: "the body is not valid JSON: it ends too soon"},
		{name: "JSON with single quotes", body: `{'a': 1}`,
			wantErr: "the body is not valid JSON: line 1, column 2: invalid character '\\'' looking for beginning of object key string"},
		{name: "JSON at the size limit", body: `"` + strings.Repeat("a", wire.MaxAPIBody-2) + `"`},
		{name: "JSON over the size limit", body: `"` + strings.Repeat("a", wire.MaxAPIBody-1) + `"`,
			wantErr: "the body is 65537 bytes; the playground sends at most 64 KiB (65536 bytes), half of what the relay opens, to leave room for the headers"},
		{name: "form", ct: quickstart.ContentForm, body: "guest_name=Zo%C3%AB+Lopes&adults=2"},
		{name: "form with a line break after it", ct: quickstart.ContentForm, body: "adults=2\n"},
		{name: "form with a space", ct: quickstart.ContentForm, body: "guest_name=Ana Lopes",
			wantErr: "the form body has a space at character 15: write a space as + and other characters as %XX, their UTF-8 bytes percent-encoded"},
		{name: "form with non-ASCII", ct: quickstart.ContentForm, body: "guest=Zoë",
			wantErr: "the form body has 'ë' at character 9: write a space as + and other characters as %XX, their UTF-8 bytes percent-encoded"},
		{name: "form with a bad escape", ct: quickstart.ContentForm, body: "a=%zz", wantErr: `the form body is not valid: URL escape "%zz"`},
		{name: "form with a semicolon", ct: quickstart.ContentForm, body: "a=1;b=2", wantErr: "the form body is not valid: semicolon separator in query"},
		{name: "form over the size limit", ct: quickstart.ContentForm, body: strings.Repeat("a", wire.MaxAPIBody+1),
			wantErr: "the body is 65537 bytes; the playground sends at most 64 KiB (65536 bytes), half of what the relay opens, to leave room for the headers"},
		{name: "another content type", ct: "text/plain", body: "hi", wantErr: "choose the body's content type: application/json or application/x-www-form-urlencoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := quickstart.CheckBody(tt.ct, tt.body)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestPrettyJSON(t *testing.T) {
	got, err := quickstart.PrettyJSON(` {"z": 1, "a": {"list": [1, "é"]}, "e": {}} `)
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"z\": 1,\n  \"a\": {\n    \"list\": [\n      1,\n      \"é\"\n    ]\n  },\n  \"e\": {}\n}", got, "members keep their order")
	_, err = quickstart.PrettyJSON(`{"a": }`)
	assert.EqualError(t, err, "the body is not valid JSON: line 1, column 7: invalid character '}' looking for beginning of value")
}

// What an extra header may be: every name the relay drops is refused with
// the relay's reason, so that the playground never shows a header that
// does not reach OctoTable; those the playground sets are refused too.
func TestCheckHeader(t *testing.T) {
	relayWhy := func(name string) string { why, _ := wire.RelayDrops(name); return why }
	tests := []struct {
		name, value string
		want        string // "" when it may go
	}{
		{name: "X-Request-Id", value: "3f2a-19"},
		{name: "Idempotency-Key", value: `"8e03978e"`},
		{name: "Accept", value: "application/json, */*;q=0.5"},
		{name: "X-Empty", value: ""},
		{name: "X-Tab", value: "a\tb"},
		{name: "x!#$%&'*+-.^_`|~1", value: "tchars"},
		{name: "Authorization", value: "Bearer x", want: "Authorization carries the token of Step 1; the playground sets it"},
		{name: "authorization", value: "Basic x", want: "Authorization carries the token of Step 1; the playground sets it"},
		{name: "Content-Type", value: "text/plain", want: "the playground sets Content-Type from the body's content type"},
		{name: "Property", value: "1001", want: "use the Property field; the playground sends it once"},
	}
	for _, name := range []string{"Host", "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
		"Proxy-Authorization", "Proxy-Connection", "Cookie", "Content-Length", "Date", "Octoplay-Profile", "Forwarded", "X-Forwarded-For", "Via"} {
		tests = append(tests, struct{ name, value, want string }{name: name, value: "x", want: relayWhy(name)})
	}
	tests = append(tests, []struct{ name, value, want string }{
		{name: "", value: "x", want: "enter the header's name"},
		{name: "X Request", value: "x", want: "a name is letters, digits and !#$%&'*+-.^_`|~ only, without spaces or colons (RFC 9110 section 5.1)"},
		{name: "X-Request:", value: "x", want: "a name is letters, digits and !#$%&'*+-.^_`|~ only, without spaces or colons (RFC 9110 section 5.1)"},
		{name: "X-Zoë", value: "x", want: "a name is letters, digits and !#$%&'*+-.^_`|~ only, without spaces or colons (RFC 9110 section 5.1)"},
		{name: "X-" + strings.Repeat("n", wire.MaxFieldNameLen-1), value: "x", want: "a name is at most 64 characters"},
		{name: "X-Long", value: strings.Repeat("v", wire.MaxFieldValueLen+1), want: "a value is at most 1024 characters"},
		{name: "X-Split", value: "a\r\nX-Injected: 1", want: "a value is one line: no line breaks or NUL (RFC 9110 section 5.5)"},
		{name: "X-Split", value: "a\nb", want: "a value is one line: no line breaks or NUL (RFC 9110 section 5.5)"},
		{name: "X-Nul", value: "a\x00b", want: "a value is one line: no line breaks or NUL (RFC 9110 section 5.5)"},
		{name: "X-Space", value: " a", want: "a value has no spaces or tabs at its start or end (RFC 9110 section 5.5)"},
		{name: "X-Tab", value: "a\t", want: "a value has no spaces or tabs at its start or end (RFC 9110 section 5.5)"},
		{name: "X-Ctl", value: "a\x01b", want: "a value is visible ASCII, spaces and tabs: no control characters, and percent-encode other text (RFC 9110 section 5.5)"},
		{name: "X-Del", value: "a\x7fb", want: "a value is visible ASCII, spaces and tabs: no control characters, and percent-encode other text (RFC 9110 section 5.5)"},
		{name: "X-Guest", value: "Zoë", want: "a value is visible ASCII, spaces and tabs: no control characters, and percent-encode other text (RFC 9110 section 5.5)"},
	}...)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q: %q", tt.name, tt.value), func(t *testing.T) {
			assert.Equal(t, tt.want, quickstart.CheckHeader(quickstart.Header{Name: tt.name, Value: tt.value}))
		})
	}
	for _, tt := range tests {
		if tt.want == "" {
			_, dropped := wire.RelayDrops(tt.name)
			assert.False(t, dropped, "%s may go, and the relay passes it", tt.name)
		}
	}
}

func TestCheckHeaders(t *testing.T) {
	h := func(pairs ...string) []quickstart.Header {
		var out []quickstart.Header
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, quickstart.Header{Name: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	assert.NoError(t, quickstart.CheckHeaders(nil))
	assert.NoError(t, quickstart.CheckHeaders(h("X-A", "1", " ", "", "X-B", "2")), "a blank row is left out")

	err := quickstart.CheckHeaders(h("X-A", "1", "", "", "x-a", "2"))
	var he *quickstart.HeaderError
	require.True(t, errors.As(err, &he), "%v", err)
	assert.Equal(t, quickstart.HeaderError{Index: 2, Name: "x-a", Reason: "it is given twice; send it once, its values separated by commas (RFC 9110 section 5.3)"}, *he)
	assert.EqualError(t, err, "header x-a: it is given twice; send it once, its values separated by commas (RFC 9110 section 5.3)")

	err = quickstart.CheckHeaders(h("X-A", "1", "", "orphan"))
	require.True(t, errors.As(err, &he))
	assert.Equal(t, 1, he.Index)
	assert.EqualError(t, err, "header 2: enter the header's name")

	var many []string
	for i := range wire.MaxExtraFields + 1 {
		many = append(many, fmt.Sprintf("X-%d", i), "v")
	}
	assert.NoError(t, quickstart.CheckHeaders(h(many[:2*wire.MaxExtraFields]...)))
	assert.EqualError(t, quickstart.CheckHeaders(h(many...)), "header X-20: the playground sends at most 20 extra headers")

	// Each row's own reason, for the table that flags it beside the row.
	assert.Equal(t, []string{
		"", "", "Authorization carries the token of Step 1; the playground sets it",
		"it is given twice; send it once, its values separated by commas (RFC 9110 section 5.3)",
		"a value is one line: no line breaks or NUL (RFC 9110 section 5.5)", "enter the header's name",
	}, quickstart.HeaderProblems(h("X-A", "1", "", "", "authorization", "Bearer x", "x-a", "2", "X-B", "a\nb", " ", "v")))
	problems := quickstart.HeaderProblems(h(many...))
	assert.Equal(t, "the playground sends at most 20 extra headers", problems[wire.MaxExtraFields])
	assert.Len(t, slices.DeleteFunc(problems, func(s string) bool { return s == "" }), 1, "the rows before it may go")
}

// A write as it goes upstream and as the preview shows it: the body with its
// Content-Type and the extra headers after the playground's own, the token
// masked in the preview; GET, HEAD and DELETE send no body.
func TestAPIRequestWithBodyAndHeaders(t *testing.T) {
	post := quickstart.APIRequest{
		Env: sandboxEnv, Method: "POST", Path: "/octotable-pms/api/v2/reservations", Property: "1001", Token: apiToken,
		Body:    "{\n  \"room_id\": 101\n}",
		Headers: []quickstart.Header{{Name: " Idempotency-Key ", Value: "k-1"}, {}, {Name: "X-Trace", Value: "a b"}},
	}
	req, err := post.Build(buildTime)
	require.NoError(t, err)
	assert.Equal(t, bhttp.Fields{
		{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken},
		{Name: "property", Value: "1001"}, {Name: "content-type", Value: "application/json"},
		{Name: "idempotency-key", Value: "k-1"}, {Name: "x-trace", Value: "a b"}, {Name: "date", Value: buildDate},
	}, req.Header)
	assert.Equal(t, post.Body, string(req.Body))
	_, err = req.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, "POST /sandbox/octotable-pms/api/v2/reservations HTTP/1.1\nHost: 127.0.0.1:8080\nAccept: application/json\n"+
		"Authorization: Bearer ••••••••\nProperty: 1001\nContent-Type: application/json\nIdempotency-Key: k-1\nX-Trace: a b\n\n{\n  \"room_id\": 101\n}",
		post.Preview())

	form := post
	form.Method, form.ContentType, form.Body = "PATCH", quickstart.ContentForm, "adults=2\n"
	form.Headers = []quickstart.Header{{Name: "Accept", Value: "*/*"}}
	req, err = form.Build(buildTime)
	require.NoError(t, err)
	assert.Equal(t, bhttp.Fields{
		{Name: "authorization", Value: "Bearer " + apiToken}, {Name: "property", Value: "1001"},
		{Name: "content-type", Value: "application/x-www-form-urlencoded"}, {Name: "accept", Value: "*/*"}, {Name: "date", Value: buildDate},
	}, req.Header, "an extra Accept replaces the playground's")
	assert.Equal(t, "adults=2", string(req.Body))

	for _, method := range []string{"GET", "HEAD", "DELETE"} {
		r := post
		r.Method = method
		req, err := r.Build(buildTime)
		require.NoError(t, err)
		assert.Nil(t, req.Body, method)
		assert.Empty(t, req.Header.Values("content-type"), method)
		assert.NotContains(t, r.Preview(), "room_id", method)
	}
	blank := post
	blank.Body = " \n "
	req, err = blank.Build(buildTime)
	require.NoError(t, err)
	assert.Nil(t, req.Body, "a blank body is none")
	assert.Empty(t, req.Header.Values("content-type"))

	refused := []struct {
		name   string
		change func(*quickstart.APIRequest)
		want   string
	}{
		{"invalid JSON", func(r *quickstart.APIRequest) { r.Body = `{"a" 1}` }, "the body is not valid JSON: line 1, column 6: invalid character '1' after object key"},
		{"a refused header", func(r *quickstart.APIRequest) { r.Headers = []quickstart.Header{{Name: "Cookie", Value: "a=b"}} },
			"header Cookie: the relay sends no cookies: OctoTable's API authenticates with the token alone"},
		{"an id still to fill in", func(r *quickstart.APIRequest) { r.Path += "/{id}" },
			"replace {id} in the path with a reservation's id: create one first, with the POST example"},
	}
	for _, tt := range refused {
		r := post
		tt.change(&r)
		_, err := r.Build(buildTime)
		assert.EqualError(t, err, tt.want, tt.name)
		assert.EqualError(t, r.Check(), tt.want, tt.name)
	}
	invalidOnGet := post
	invalidOnGet.Method, invalidOnGet.Body = "GET", "{"
	assert.NoError(t, invalidOnGet.Check(), "a body that does not go is not checked")
}

func TestCreatedID(t *testing.T) {
	created := func(location, body string) quickstart.Answer {
		a := quickstart.Answer{Status: 201, Body: []byte(body)}
		if location != "" {
			a.Header.Add("location", location)
		}
		return a
	}
	tests := []struct {
		name   string
		answer quickstart.Answer
		want   string
	}{
		{"relative Location", created("reservations/50000001", ""), "50000001"},
		{"absolute Location", created("https://api.example.com/octotable-pms/api/v2/reservations/77", ""), "77"},
		{"escaped Location", created("reservations/a%20b", ""), "a b"},
		{"from the body, OctoTable's array of one", created("", `{"data": [{"id": 50000002, "pax": 4}]}`), "50000002"},
		{"from the body, an object", created("", `{"data": {"id": "R-7"}}`), "R-7"},
		{"two objects: which one?", created("", `{"data": [{"id": 1}, {"id": 2}]}`), ""},
		{"no id", created("", `{"data": [{"name": "x"}]}`), ""},
		{"an id that is not one", created("", `{"data": [{"id": true}]}`), ""},
		{"not created", quickstart.Answer{Status: 200, Body: []byte(`{"data": [{"id": 1}]}`)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.answer.CreatedID()
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want != "", ok)
		})
	}
}
