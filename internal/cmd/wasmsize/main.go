// Command wasmsize lists what a Go WebAssembly binary spends its bytes on,
// package by package, beside a reference binary: `go tool nm` does not read
// wasm, so this reads the binary's own name section. Build both without
// -ldflags=-s (which drops the names; the sizes are the same):
//
//	GOOS=js GOARCH=wasm go build -trimpath -o /tmp/app.wasm .
//	GOOS=js GOARCH=wasm go build -trimpath -o /tmp/hello.wasm ./internal/cmd/bench/testdata/hello
//	go run ./internal/cmd/wasmsize -ref /tmp/hello.wasm /tmp/app.wasm
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wasmsize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ref := fs.String("ref", "", "the reference `wasm`, such as the go-app hello world")
	top := fs.Int("top", 30, "packages and functions to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: wasmsize [-ref hello.wasm] [-top N] app.wasm")
	}
	app, err := load(fs.Arg(0))
	if err != nil {
		return err
	}
	reference := module{functions: map[string]int{}}
	if *ref != "" {
		if reference, err = load(*ref); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %s\n", fs.Arg(0), summary(app))
	if *ref != "" {
		fmt.Fprintf(stdout, "%s: %s\n", *ref, summary(reference))
	}
	fmt.Fprintln(stdout, "\ncode bytes by package (the app's, the reference's, the difference), largest difference first:")
	appPkgs, refPkgs := byPackage(app), byPackage(reference)
	for _, p := range largest(appPkgs, refPkgs, *top) {
		fmt.Fprintf(stdout, "%9d %9d %+9d  %s\n", appPkgs[p], refPkgs[p], appPkgs[p]-refPkgs[p], p)
	}
	fmt.Fprintln(stdout, "\nlargest functions the reference does not have:")
	for _, f := range largest(app.functions, reference.functions, *top) {
		if reference.functions[f] == 0 {
			fmt.Fprintf(stdout, "%9d  %s\n", app.functions[f], f)
		}
	}
	return nil
}

func load(path string) (module, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return module{}, fmt.Errorf("wasmsize: %w", err)
	}
	m, err := parseModule(b)
	if err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func summary(m module) string {
	code := 0
	for _, n := range m.functions {
		code += n
	}
	return fmt.Sprintf("%d bytes: code %d in %d functions, data %d", m.size, code, len(m.functions), m.data)
}

func byPackage(m module) map[string]int {
	pkgs := make(map[string]int)
	for name, n := range m.functions {
		pkgs[packageOf(name)] += n
	}
	return pkgs
}

// largest are the n keys of a with the largest a[k]-b[k], the names in
// order where they tie.
func largest(a, b map[string]int, n int) []string {
	keys := slices.SortedFunc(maps.Keys(a), func(x, y string) int {
		return cmp.Or(cmp.Compare(a[y]-b[y], a[x]-b[x]), cmp.Compare(x, y))
	})
	return keys[:min(n, len(keys))]
}
