// Package jsonpos says where in a JSON text encoding/json found it broken,
// as a line and a column a person can find in an editor, since
// json.SyntaxError gives only a byte offset. The playground checks Step 2's
// body with it before sending, and the sandbox says the same of a body it
// refuses.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Locate is the line and column, both from 1, of the byte before offset in
// text: where encoding/json stopped. The column counts characters, not
// bytes.
func Locate(text []byte, offset int64) (line, column int) {
	before := text[:max(0, min(int(offset)-1, len(text)))]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
}

// Describe says what is wrong with text, which err (from decoding it) found:
// with the line and column for a syntax error, "it ends too soon" for a text
// cut short.
func Describe(text []byte, err error) string {
	if syntax, ok := errors.AsType[*json.SyntaxError](err); ok {
		if int(syntax.Offset) >= len(bytes.TrimRight(text, " \t\r\n")) && strings.Contains(syntax.Error(), "end of JSON input") {
			return "it ends too soon"
		}
		msg := strings.TrimPrefix(syntax.Error(), "json: ")
		if strings.HasSuffix(msg, "after object key:value pair") || strings.HasSuffix(msg, "after array element") {
			// A comma is missing: say so where the value before it ends,
			// which is where it goes, not at what comes next.
			end := int64(len(bytes.TrimRight(text[:max(0, min(int(syntax.Offset)-1, len(text)))], " \t\r\n")))
			line, column := Locate(text, end+1)
			return fmt.Sprintf("line %d, column %d: a comma is missing after this value (%s)", line, column, msg)
		}
		line, column := Locate(text, syntax.Offset)
		return fmt.Sprintf("line %d, column %d: %s", line, column, msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "it ends too soon"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
