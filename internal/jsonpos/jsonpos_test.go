package jsonpos_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/jsonpos"
)

// What Describe says of broken texts, as json.Unmarshal and a Decoder
// find them: the line and the column of the character that broke it.
func TestDescribe(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{name: "a stray character", text: `{"a": x}`, want: "line 1, column 7: invalid character 'x' looking for beginning of value"},
		{name: "on the third line", text: "{\n  \"a\": 1,\n  \"b\" 2\n}", want: "line 3, column 7: invalid character '2' after object key"},
		{name: "after non-ASCII", text: "{\"é\": 1,,}", want: "line 1, column 9: invalid character ',' looking for beginning of object key string"},
		{name: "a trailing comma", text: "{\"a\": 1,\n}", want: "line 2, column 1: invalid character '}' looking for beginning of object key string"},
		{name: "cut short", text: `{"a": [1, 2`, want: "it ends too soon"},
		{name: "cut short with spaces", text: "{\"a\": \n\n", want: "it ends too soon"},
		// A missing comma is where the value before it ends, not at the
		// next key, which may be lines below.
		{name: "a missing comma between members", text: "{\n  \"a\": 1\n  \"b\": 2\n}", want: "line 2, column 9: a comma is missing after this value (invalid character '\"' after object key:value pair)"},
		{name: "a missing comma between elements", text: "[1, \"x\" 3]", want: "line 1, column 8: a comma is missing after this value (invalid character '3' after array element)"},
		{name: "first character", text: `]`, want: "line 1, column 1: invalid character ']' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			err := json.Unmarshal([]byte(tt.text), &v)
			require.Error(t, err)
			assert.Equal(t, tt.want, jsonpos.Describe([]byte(tt.text), err))
			err = json.NewDecoder(bytes.NewReader([]byte(tt.text))).Decode(&v)
			require.Error(t, err)
			assert.Equal(t, tt.want, jsonpos.Describe([]byte(tt.text), err), "from a Decoder")
		})
	}
}

func TestLocate(t *testing.T) {
	text := []byte("ab\ncdé\nf")
	for _, tt := range []struct {
		offset            int64
		wantLine, wantCol int
	}{{1, 1, 1}, {2, 1, 2}, {4, 2, 1}, {8, 2, 4}, {9, 3, 1}, {0, 1, 1}, {100, 3, 2}} {
		line, col := jsonpos.Locate(text, tt.offset)
		assert.Equal(t, [2]int{tt.wantLine, tt.wantCol}, [2]int{line, col}, "offset %d", tt.offset)
	}
}
