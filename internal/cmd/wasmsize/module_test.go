package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// section is a section of a wasm binary: its id, its length, its content.
func section(id byte, content ...[]byte) []byte {
	body := bytes.Join(content, nil)
	return append([]byte{id, byte(len(body))}, body...)
}

func name(s string) []byte { return append([]byte{byte(len(s))}, s...) }

// tinyModule imports one function and one memory, defines two functions
// whose bodies are 2 and 4 bytes, has a data section of 6 bytes and names
// the two functions (indices 1 and 2: the import is 0).
func tinyModule() []byte {
	imports := section(2, []byte{2},
		name("gojs"), name("runtime.wasmExit"), []byte{0, 0}, // function of type 0
		name("env"), name("mem"), []byte{2, 0, 1}) // memory, limits min 1
	code := section(10, []byte{2}, []byte{2, 0, 0x0b}, []byte{4, 0, 1, 1, 0x0b})
	data := section(11, []byte{1, 0, 0x41, 0, 0x0b, 0})
	fnames := bytes.Join([][]byte{{2}, {1}, name("octoplay_app_ui.Render"), {2}, name("github.com_x_y.New")}, nil)
	names := section(0, name("name"), []byte{1, byte(len(fnames))}, fnames)
	return bytes.Join([][]byte{wasmHeader, imports, code, data, names}, nil)
}

func TestParseModuleNamesFunctionsAfterImports(t *testing.T) {
	m, err := parseModule(tinyModule())
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"octoplay_app_ui.Render": 2, "github.com_x_y.New": 4}, m.functions)
	assert.Equal(t, 6, m.data)
	assert.Equal(t, map[string]int{"octoplay_app_ui": 2, "github.com_x_y": 4}, byPackage(m))
}

func TestParseModuleRefusesWhatIsNotWasmOrIsCut(t *testing.T) {
	_, err := parseModule([]byte("\x7fELF\x02\x01\x01\x00"))
	assert.ErrorContains(t, err, "not a WebAssembly")
	whole := tinyModule()
	for _, n := range []int{len(wasmHeader) + 3, len(whole) - 1} {
		_, err := parseModule(whole[:n])
		assert.ErrorIs(t, err, errTruncated, "cut at %d", n)
	}
}

func TestPackageOf(t *testing.T) {
	for name, want := range map[string]string{
		"octoplay_app_ui.__playground_.Render":                                  "octoplay_app_ui",
		"github.com_maxence_charriere_go_app_v10_pkg_app.__htmlButton_.OnClick": "github.com_maxence_charriere_go_app_v10_pkg_app",
		"crypto_internal_fips140_nistec_fiat.p521Mul":                           "crypto_internal_fips140_nistec_fiat",
		"runtime.main":    "runtime",
		"function[12]":    "function[12]",
		"go.shape.string": "go",
	} {
		assert.Equal(t, want, packageOf(name), name)
	}
}

func TestLargestOrdersByDifference(t *testing.T) {
	a := map[string]int{"x": 10, "y": 50, "z": 30}
	b := map[string]int{"y": 45}
	assert.Equal(t, []string{"z", "x"}, largest(a, b, 2))
}
