package bhttp

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimits(t *testing.T) {
	field := cat(s("name"), s("value")) // 11 bytes
	tests := []struct {
		name string
		in   []byte
		lim  Limits
		resp bool
	}{
		{"message", cat(getRoot, make([]byte, 100)), Limits{MaxMessageSize: 50}, false},
		{"control data", cat(v(0), s("GET"), s("https"), s(strings.Repeat("a", 60)), s("/")), Limits{MaxControlDataSize: 64}, false},
		{"control data, huge length", cat(v(0), s("GET"), v(maxVarint)), Limits{}, false},
		{"known section size", cat(getRoot, v(22), field, field), Limits{MaxFieldSectionSize: 21}, false},
		{"known section, huge length", cat(getRoot, v(maxVarint)), Limits{}, false},
		{"known field count", cat(getRoot, v(33), field, field, field), Limits{MaxFields: 2}, false},
		{"indeterminate section size", cat(v(2), getRoot[1:], field, field, v(0)), Limits{MaxFieldSectionSize: 21}, false},
		{"indeterminate field count", cat(v(2), getRoot[1:], field, field, field, v(0)), Limits{MaxFields: 2}, false},
		{"indeterminate huge name", cat(v(2), getRoot[1:], v(1<<40)), Limits{}, false},
		{"trailer section size", cat(getRoot, v(0), v(0), v(22), field, field), Limits{MaxFieldSectionSize: 21}, false},
		{"known body", cat(getRoot, v(0), v(11), make([]byte, 11)), Limits{MaxBodySize: 10}, false},
		{"known body, huge length", cat(getRoot, v(0), v(maxVarint)), Limits{}, false},
		{"chunked body", cat(v(2), getRoot[1:], v(0), v(6), make([]byte, 6), v(5), make([]byte, 5), v(0)), Limits{MaxBodySize: 10}, false},
		{"informational", cat(v(1), v(100), v(0), v(100), v(0), v(100), v(0), v(200)), Limits{MaxInformational: 2}, true},
		{"response section", cat(v(1), v(200), v(22), field, field), Limits{MaxFieldSectionSize: 21}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.resp {
				_, err = UnmarshalResponse(tt.in, tt.lim)
			} else {
				_, err = UnmarshalRequest(tt.in, tt.lim)
			}
			require.ErrorIs(t, err, ErrTooLarge)
			assert.True(t, strings.HasPrefix(err.Error(), "bhttp: "), err.Error())
		})
	}
}

// TestLimitsAtTheEdge checks the limits are inclusive: a part exactly at its
// limit decodes.
func TestLimitsAtTheEdge(t *testing.T) {
	field := cat(s("name"), s("value"))
	in := cat(getRoot, v(22), field, field, v(10), make([]byte, 10))
	lim := Limits{MaxMessageSize: len(in), MaxFieldSectionSize: 22, MaxFields: 2, MaxBodySize: 10, MaxControlDataSize: 3 + 5 + 11 + 1}
	_, err := UnmarshalRequest(in, lim)
	require.NoError(t, err)
}

func TestMalformed(t *testing.T) {
	field := cat(s("name"), s("value"))
	tests := []struct {
		name      string
		in        []byte
		resp      bool
		truncated bool
	}{
		{name: "empty", in: nil, truncated: true},
		{name: "response framing for request", in: cat(v(1), v(200))},
		{name: "request framing for response", in: getRoot, resp: true},
		{name: "unknown framing", in: cat(v(4), getRoot[1:])},
		{name: "huge framing", in: cat(v(maxVarint), getRoot[1:])},
		{name: "control data cut", in: cat(v(0), s("GET"), s("https")), truncated: true},
		{name: "control data length past end", in: cat(v(0), s("GET"), v(10), []byte("http")), truncated: true},
		{name: "method not a token", in: cat(v(0), s("G T"), s("https"), s(""), s("/"))},
		{name: "path without slash", in: cat(v(0), s("GET"), s("https"), s(""), s("x"))},
		{name: "upper-case name", in: cat(getRoot, v(11), s("Name"), s("value"))},
		{name: "pseudo-field", in: cat(getRoot, v(9), s(":path"), s("/x"))},
		{name: "empty name", in: cat(getRoot, v(7), s(""), s("value"))},
		{name: "CR in value", in: cat(getRoot, v(11), s("name"), s("va\rue"))},
		{name: "NUL in value", in: cat(getRoot, v(11), s("name"), s("va\x00ue"))},
		{name: "leading space in value", in: cat(getRoot, v(11), s("name"), s(" alue"))},
		{name: "field crosses section end", in: cat(getRoot, v(10), field), truncated: true},
		{name: "section past end", in: cat(getRoot, v(12), field), truncated: true},
		{name: "name length past section end", in: cat(getRoot, v(2), v(5), []byte("a")), truncated: true},
		{name: "value length past section end", in: cat(getRoot, v(4), s("a"), v(5), []byte("b"), s("xyzzy")), truncated: true},
		{name: "content past end", in: cat(getRoot, v(0), v(5), []byte("ab")), truncated: true},
		{name: "trailer past end", in: cat(getRoot, v(0), v(0), v(12), field), truncated: true},
		{name: "non-zero padding", in: cat(getRoot, v(0), v(0), v(0), []byte{0, 1})},
		{name: "indeterminate section unterminated", in: cat(v(2), getRoot[1:], field), truncated: true},
		{name: "indeterminate content unterminated", in: cat(v(2), getRoot[1:], v(0), v(2), []byte("ab")), truncated: true},
		{name: "indeterminate chunk past end", in: cat(v(2), getRoot[1:], v(0), v(5), []byte("ab")), truncated: true},
		{name: "indeterminate trailer unterminated", in: cat(v(2), getRoot[1:], v(0), v(0), field), truncated: true},
		{name: "final status 99", in: cat(v(1), v(99)), resp: true},
		{name: "final status 600", in: cat(v(1), v(600)), resp: true},
		{name: "final status huge", in: cat(v(1), v(maxVarint)), resp: true},
		{name: "only informational", in: cat(v(1), v(103), v(0)), resp: true, truncated: true},
		{name: "informational left without section", in: cat(v(1), v(103)), resp: true, truncated: true},
		{name: "no status", in: v(1), resp: true, truncated: true},
		{name: "varint cut", in: cat(v(1), []byte{0x40}), resp: true, truncated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.resp {
				_, err = UnmarshalResponse(tt.in, Limits{})
			} else {
				_, err = UnmarshalRequest(tt.in, Limits{})
			}
			require.ErrorIs(t, err, ErrMalformed)
			assert.Equal(t, tt.truncated, errorIsTruncated(err), err.Error())
			assert.True(t, strings.HasPrefix(err.Error(), "bhttp: "), err.Error())
		})
	}
}

func errorIsTruncated(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), ErrTruncated.Error())
}

// TestDecodeCopies checks the decoded message does not alias its input,
// which a caller may reuse.
func TestDecodeCopies(t *testing.T) {
	in, err := (&Request{Method: "POST", Scheme: "https", Path: "/", Body: []byte("body")}).MarshalBinary()
	require.NoError(t, err)
	r, err := UnmarshalRequest(in, Limits{})
	require.NoError(t, err)
	for i := range in {
		in[i] = 0xff
	}
	assert.Equal(t, []byte("body"), r.Body)
}

// TestEveryTruncation cuts a full message at every length: each must decode
// or fail cleanly, and only the cuts RFC 9292 §3.8 allows may decode.
func TestEveryTruncation(t *testing.T) {
	full, err := (&Response{
		Informational: []InfoResponse{{Status: 103, Header: Fields{{"link", "</a>"}}}},
		Status:        200, Header: Fields{{"a", "b"}}, Body: []byte("xyz"), Trailer: Fields{{"c", "d"}},
	}).MarshalBinary()
	require.NoError(t, err)
	decoded := 0
	for n := range len(full) + 1 {
		_, err := UnmarshalResponse(full[:n], Limits{})
		if err == nil {
			decoded++
		} else {
			require.ErrorIs(t, err, ErrMalformed, "cut at %d", n)
		}
	}
	// After the status, after the header section, after the content, whole.
	assert.Equal(t, 4, decoded)
	assert.True(t, bytes.HasSuffix(full, []byte{4, 1, 'c', 1, 'd'}))
}
