package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// module is what a wasm binary spends its bytes on: each function's body,
// by the name the name section gives it, and the data segments.
type module struct {
	functions map[string]int // name: bytes of its body
	data      int            // bytes of the data section
	size      int
}

var (
	wasmHeader   = []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	errTruncated = errors.New("wasmsize: truncated")
)

// reader reads the LEB128 and vector forms of the WebAssembly binary format
// (https://webassembly.github.io/spec/core/binary/).
type reader struct {
	b   []byte
	err error
}

func (r *reader) uint() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<31 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.fail()
		return nil
	}
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errTruncated
	}
	r.b = nil
}

// parseModule reads the sections a size listing needs: imports (function
// imports come first in the function index space), code, data and the
// name section's function names. A build with -ldflags=-s has no names:
// its functions are listed by index.
func parseModule(b []byte) (module, error) {
	m := module{functions: make(map[string]int), size: len(b)}
	if len(b) < len(wasmHeader) || string(b[:len(wasmHeader)]) != string(wasmHeader) {
		return m, errors.New("wasmsize: not a WebAssembly 1.0 binary")
	}
	r := &reader{b: b[len(wasmHeader):]}
	imported := 0
	var bodies []int
	names := make(map[int]string)
	for len(r.b) > 0 && r.err == nil {
		id := r.bytes(1)
		sec := &reader{b: r.bytes(r.uint())}
		if id == nil {
			break
		}
		switch id[0] {
		case 2:
			imported = countFunctionImports(sec)
		case 10:
			for range sec.uint() {
				n := sec.uint()
				sec.bytes(n)
				bodies = append(bodies, n)
			}
		case 11:
			m.data = len(sec.b)
		case 0:
			if string(sec.bytes(sec.uint())) == "name" {
				readFunctionNames(sec, names)
			}
		}
		if sec.err != nil {
			return m, fmt.Errorf("wasmsize: section %d: %w", id[0], sec.err)
		}
	}
	if r.err != nil {
		return m, r.err
	}
	for i, n := range bodies {
		name, ok := names[imported+i]
		if !ok {
			name = fmt.Sprintf("function[%d]", imported+i)
		}
		m.functions[name] += n
	}
	return m, nil
}

// countFunctionImports reads the import section and counts the imported
// functions; it stops reading at a kind it does not know.
func countFunctionImports(sec *reader) int {
	count := 0
	for range sec.uint() {
		sec.bytes(sec.uint()) // module
		sec.bytes(sec.uint()) // name
		kind := sec.bytes(1)
		if kind == nil {
			return count
		}
		switch kind[0] {
		case 0: // function: its type index
			sec.uint()
			count++
		case 1: // table: element type, limits
			sec.bytes(1)
			readLimits(sec)
		case 2: // memory: limits
			readLimits(sec)
		case 3: // global: value type, mutability
			sec.bytes(2)
		default:
			sec.fail()
		}
	}
	return count
}

func readLimits(sec *reader) {
	flags := sec.bytes(1)
	sec.uint()
	if flags != nil && flags[0]&1 == 1 {
		sec.uint()
	}
}

// readFunctionNames reads the name section's function names (subsection 1).
func readFunctionNames(sec *reader, names map[int]string) {
	for len(sec.b) > 0 && sec.err == nil {
		id := sec.bytes(1)
		sub := &reader{b: sec.bytes(sec.uint())}
		if id == nil || id[0] != 1 {
			continue
		}
		for range sub.uint() {
			index := sub.uint()
			names[index] = string(sub.bytes(sub.uint()))
		}
		if sub.err != nil {
			sec.err = sub.err
		}
	}
}

// host is a module path's leading host, github.com_ in Go's wasm names
// (which write / and other punctuation of a symbol as _).
var host = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+_`)

// packageOf is the package part of a Go function's name in the name section:
// "octoplay_app_ui.__playground_.Render" is octoplay_app_ui's,
// "github.com_maxence_charriere_go_app_v10_pkg_app.Div" go-app's.
func packageOf(name string) string {
	h := host.FindString(name)
	if dot := strings.IndexByte(name[len(h):], '.'); dot >= 0 {
		return name[:len(h)+dot]
	}
	return name
}
