package bhttp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// v is a varint; s is a length-prefixed string; cat joins parts.
func v(n uint64) []byte          { return appendVarint(nil, n) }
func s(x string) []byte          { return appendPrefixed(nil, x) }
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// getRoot is the control data of "GET https://example.com/".
var getRoot = cat(v(0), s("GET"), s("https"), s("example.com"), s("/"))

func TestRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		req  *Request
	}{
		{"bare", &Request{Method: "GET", Scheme: "https", Authority: "example.com", Path: "/"}},
		{"token request", &Request{
			Method: "POST", Scheme: "https", Authority: "api.octotable.com",
			Path: "/octotable-auth/api/v2/oauth2/token",
			Header: Fields{
				{"content-type", "application/x-www-form-urlencoded"},
				{"accept", "application/json"},
			},
			Body: []byte("grant_type=client_credentials&client_id=a&client_secret=b"),
		}},
		{"trailers, repeated names, empty value", &Request{
			Method: "PUT", Scheme: "http", Authority: "[::1]:8080", Path: "/x?y=z",
			Header:  Fields{{"x", "1"}, {"x", "2"}, {"empty", ""}, {"tab", "a\tb"}},
			Body:    bytes.Repeat([]byte{0}, 100),
			Trailer: Fields{{"checksum", "abc"}},
		}},
		{"options star", &Request{Method: "OPTIONS", Scheme: "https", Authority: "example.com", Path: "*"}},
		{"connect", &Request{Method: "CONNECT", Authority: "example.com:443"}},
		{"large body", &Request{Method: "POST", Scheme: "https", Path: "/", Body: bytes.Repeat([]byte("ab"), 1<<20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.req.MarshalBinary()
			require.NoError(t, err)
			got, err := UnmarshalRequest(b, Limits{})
			require.NoError(t, err)
			assert.Equal(t, tt.req, got)
		})
	}
}

func TestResponseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		resp *Response
	}{
		{"bare", &Response{Status: 204}},
		{"token", &Response{
			Status: 200,
			Header: Fields{{"content-type", "application/json"}, {"cache-control", "no-store"}},
			Body:   []byte(`{"access_token":"x","expires_in":1440,"type":"Bearer"}`),
		}},
		{"informational and trailers", &Response{
			Informational: []InfoResponse{{Status: 100}, {Status: 103, Header: Fields{{"link", "</a.css>"}}}},
			Status:        599,
			Header:        Fields{{"x", "y"}},
			Trailer:       Fields{{"t", "u"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.resp.MarshalBinary()
			require.NoError(t, err)
			got, err := UnmarshalResponse(b, Limits{})
			require.NoError(t, err)
			assert.Equal(t, tt.resp, got)
		})
	}
}

func TestMarshalLowerCasesNames(t *testing.T) {
	r := &Request{Method: "GET", Scheme: "https", Path: "/", Header: Fields{{"Content-Type", "text/plain"}}}
	b, err := r.MarshalBinary()
	require.NoError(t, err)
	got, err := UnmarshalRequest(b, Limits{})
	require.NoError(t, err)
	assert.Equal(t, Fields{{"content-type", "text/plain"}}, got.Header)
}

func TestMarshalRefuses(t *testing.T) {
	ok := func() *Request { return &Request{Method: "GET", Scheme: "https", Path: "/"} }
	tests := []struct {
		name   string
		modify func(r *Request)
	}{
		{"empty method", func(r *Request) { r.Method = "" }},
		{"method with space", func(r *Request) { r.Method = "GET X" }},
		{"bad scheme", func(r *Request) { r.Scheme = "1http" }},
		{"userinfo in authority", func(r *Request) { r.Authority = "user:pass@example.com" }},
		{"space in path", func(r *Request) { r.Path = "/a b" }},
		{"fragment in path", func(r *Request) { r.Path = "/a#b" }},
		{"https path without slash", func(r *Request) { r.Path = "a" }},
		{"https empty path", func(r *Request) { r.Path = "" }},
		{"empty field name", func(r *Request) { r.Header = Fields{{"", "x"}} }},
		{"pseudo-field", func(r *Request) { r.Header = Fields{{":path", "/"}} }},
		{"space in name", func(r *Request) { r.Header = Fields{{"a b", "x"}} }},
		{"newline in value", func(r *Request) { r.Header = Fields{{"a", "x\r\nevil: 1"}} }},
		{"NUL in value", func(r *Request) { r.Header = Fields{{"a", "x\x00"}} }},
		{"DEL in value", func(r *Request) { r.Header = Fields{{"a", "x\x7f"}} }},
		{"leading space in value", func(r *Request) { r.Header = Fields{{"a", " x"}} }},
		{"trailing tab in value", func(r *Request) { r.Trailer = Fields{{"a", "x\t"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok()
			tt.modify(r)
			_, err := r.MarshalBinary()
			require.ErrorIs(t, err, ErrMalformed)
			assert.True(t, strings.HasPrefix(err.Error(), "bhttp: "), err.Error())
		})
	}
	statuses := []struct {
		name string
		resp *Response
	}{
		{"final 199", &Response{Status: 199}},
		{"final 600", &Response{Status: 600}},
		{"final 0", &Response{}},
		{"informational 200", &Response{Status: 200, Informational: []InfoResponse{{Status: 200}}}},
		{"informational 99", &Response{Status: 200, Informational: []InfoResponse{{Status: 99}}}},
	}
	for _, tt := range statuses {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.resp.MarshalBinary()
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

func TestErrorsHideValues(t *testing.T) {
	r := &Request{Method: "GET", Scheme: "https", Path: "/", Header: Fields{{"authorization", "Bearer s3cret\n"}}}
	_, err := r.MarshalBinary()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")

	r.Header = Fields{{"Authorization: Bearer s3cret", ""}}
	_, err = r.MarshalBinary()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestSentinels(t *testing.T) {
	assert.ErrorIs(t, ErrTruncated, ErrMalformed)
	assert.NotErrorIs(t, ErrTooLarge, ErrMalformed)
	for _, err := range []error{ErrMalformed, ErrTruncated, ErrTooLarge} {
		assert.True(t, strings.HasPrefix(err.Error(), "bhttp: "))
	}
	_, err := UnmarshalRequest(nil, Limits{})
	assert.True(t, errors.Is(err, ErrTruncated))
}

func TestVarint(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want uint64
		n    int
	}{
		{"one byte", []byte{0x25}, 37, 1},
		{"two bytes", []byte{0x7b, 0xbd}, 15293, 2},
		{"four bytes", []byte{0x9d, 0x7f, 0x3e, 0x7d}, 494878333, 4},
		{"eight bytes", []byte{0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c}, 151288809941952652, 8},
		{"non-minimal", []byte{0x40, 0x25}, 37, 2},
		{"max", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, maxVarint, 8},
		{"empty", nil, 0, 0},
		{"short", []byte{0x80, 1, 2}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := readVarint(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.n, n)
		})
	}
	for _, x := range []uint64{0, 63, 64, 16383, 16384, 1<<30 - 1, 1 << 30, maxVarint} {
		b := appendVarint(nil, x)
		got, n := readVarint(b)
		assert.Equal(t, x, got)
		assert.Equal(t, len(b), n)
		assert.Equal(t, varintLen(x), n)
	}
}

func TestFields(t *testing.T) {
	var f Fields
	f.Add("Accept", "a")
	f.Add("x-Multi", "1")
	f.Add("other", "o")
	f.Add("X-MULTI", "2")
	assert.Equal(t, "a", f.Get("accept"))
	assert.Equal(t, "a", f.Get("ACCEPT"))
	assert.Equal(t, []string{"1", "2"}, f.Values("x-multi"))
	assert.Equal(t, "", f.Get("missing"))
	assert.Nil(t, f.Values("missing"))

	f.Set("X-Multi", "3")
	assert.Equal(t, Fields{{"accept", "a"}, {"x-multi", "3"}, {"other", "o"}}, f)
	f.Set("new", "n")
	assert.Equal(t, "n", f.Get("new"))
	f.Del("ACCEPT")
	f.Del("new")
	assert.Equal(t, Fields{{"x-multi", "3"}, {"other", "o"}}, f)

	// Only ASCII folds: the Kelvin sign is not a 'k'.
	f.Add("\u212a", "kelvin")
	assert.Equal(t, "", f.Get("k"))
}
