package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

// `make bench` in CI's short mode: every build, server, browser load and
// relay run of the full bench, with a few requests and one load, so that
// the bench cannot rot.
func TestShortBenchPrintsEveryRow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole bench: builds, servers, Chromium")
	}
	chromium := envOr("OCTOPLAY_CHROMIUM", "/usr/lib/chromium/chromium")
	testkit.NeedFile(t, chromium, "apt-get install chromium")
	for _, name := range []string{"app.wasm", "app.wasm.br", "app.wasm.gz"} {
		testkit.NeedFile(t, filepath.Join("..", "..", "..", "web", name), "make wasm builds it")
	}

	// Lighthouse from make test-deps; without it, its rows are left out
	// (and checked in CI, where it must be there).
	lighthouse := os.Getenv("OCTOPLAY_LIGHTHOUSE")
	_, lighthouseMissing := os.Stat(lighthouse)
	if lighthouse == "" {
		lighthouseMissing = errors.New("OCTOPLAY_LIGHTHOUSE is not set")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var out, log bytes.Buffer
	require.NoError(t, run(ctx, []string{"-short", "-chromium", chromium, "-lighthouse", lighthouse}, &out, &log), log.String())

	// Two tables: the measures (six columns), then the cold load's phases
	// (four).
	cells, phaseCells := make(map[string][]string), make(map[string][]string)
	for line := range strings.Lines(out.String()) {
		if strings.HasPrefix(line, "| ") {
			c := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
			for i := range c {
				c[i] = strings.TrimSpace(c[i])
			}
			if len(c) == 4 {
				phaseCells[c[0]] = c
				continue
			}
			require.Len(t, c, 6, line)
			cells[c[0]] = c
		}
	}
	for _, s := range phaseSpans {
		if assert.Contains(t, phaseCells, s.name) {
			assert.Regexp(t, `^-?\d+ ms$`, phaseCells[s.name][1], s.name)
			assert.Regexp(t, `^-?\d+ ms$`, phaseCells[s.name][2], s.name)
		}
	}
	assert.Len(t, phaseCells, len(phaseSpans)+3, "every phase, the wasm's arrival, the header and its rule")
	want := []string{rowFirstLoad, rowWasm, rowCold + " of 1", rowWarm + " of 1", rowPaint + " of 1", rowRSS}
	for _, c := range []int{oneAtATime, manyAtATime} {
		for _, via := range []string{viaX25519, viaXWing, viaRedis, viaInProcess, viaProxy} {
			want = append(want, relayRow(via, c))
			// Each run says what its forwarding process spent per request.
			assert.Regexp(t, `, CPU \d+ µs/req$`, cells[relayRow(via, c)][1], via)
		}
		want = append(want, stateRow(c))
		// The state store's work per sealed request to an upstream of its
		// own: two operations (the relay's limit, the replay window).
		assert.Regexp(t, `^2\.0 operations, \d+\.\d{3} ms$`, cells[stateRow(c)][1], "with Redis")
		assert.Regexp(t, `^memory: 2\.0 operations, \d+\.\d{3} ms$`, cells[stateRow(c)][2])
	}
	gateway := `; the gateway's side alone \(go test -bench\): \d+ µs/op$`
	for _, via := range []string{viaX25519, viaXWing} {
		want = append(want, addedRow(via))
		assert.Regexp(t, `^[+-]\d+\.\d{2} ms$`, cells[addedRow(via)][1], via)
		assert.Regexp(t, gateway, cells[addedRow(via)][2], via)
		// The CPU time behind the throughput targets: the whole path's,
		// and what a target leaves the relay beyond the proxy's own.
		path := pathRow(via, manyAtATime)
		want = append(want, path)
		assert.Regexp(t, `^\d+ µs/req \(the relay: \d+ µs/req\)$`, cells[path][1], via)
		assert.Regexp(t, `^bare reverse proxy: \d+ µs/req \(the proxy: \d+ µs/req\)$`, cells[path][2], via)
		budget := budgetRow(via, manyAtATime, *throughputTargets[via])
		want = append(want, budget)
		assert.Regexp(t, `^-?\d+ µs/req$`, cells[budget][1], via)
		assert.Regexp(t, `^what it costs now: -?\d+ µs/req`+gateway, cells[budget][2], via)
	}
	for _, suite := range []string{"X25519/HKDF-SHA256/AES-128-GCM", "X25519/HKDF-SHA256/AES-256-GCM", "X-Wing/HKDF-SHA256/AES-128-GCM", "X-Wing/HKDF-SHA256/AES-256-GCM"} {
		want = append(want, rowSealOpen+suite, rowGateway+suite)
	}
	number := regexp.MustCompile(`\d+(\.\d+)? (MB|ms|req/s|µs/op|µs/req)`)
	for _, name := range want {
		c, ok := cells[name]
		if !assert.True(t, ok, "row %q is missing from:\n%s", name, out.String()) {
			continue
		}
		assert.Regexp(t, number, c[1], name)
		assert.NotContains(t, c[1]+c[2]+c[3], "NaN", name)
		assert.NotContains(t, c[1]+c[2]+c[3], "Inf", name)
		if c[4] != "" {
			assert.Regexp(t, `^(met|missed by (\d+|<1) %)$`, c[5], name)
		}
	}
	for _, judged := range []string{rowFirstLoad, rowCold + " of 1", rowWarm + " of 1", rowPaint + " of 1", relayRow(viaX25519, manyAtATime), relayRow(viaXWing, manyAtATime), addedRow(viaX25519), addedRow(viaXWing), rowRSS} {
		assert.NotEmpty(t, cells[judged][4], "%s has its target", judged)
	}
	lighthouseRows := lighthouseRowNames(1)
	t.Run("Lighthouse", func(t *testing.T) {
		testkit.Need(t, "Lighthouse", lighthouseMissing, "make test-deps installs it with npm")
		assertLighthouseRows(t, cells, lighthouseRows, out.String())
	})
	if lighthouseMissing == nil {
		want = append(want, lighthouseRows...)
	}
	assert.Len(t, cells, len(want)+2, "every row, the header and its rule")
}

// lighthouseRowNames are the Lighthouse rows' names for runs of each.
func lighthouseRowNames(runs int) []string {
	var names []string
	for _, name := range []string{rowLHFCP, rowLHLCP, rowLHTBT, rowLHTTI, rowLHScore, rowLHBytes, rowReady} {
		names = append(names, fmt.Sprintf("%s of %d", name, runs))
	}
	return names
}

// assertLighthouseRows checks each row's figures: parsed numbers, not zero
// or NaN, each beside its reference but ready to send, which has none.
func assertLighthouseRows(t *testing.T, cells map[string][]string, names []string, table string) {
	t.Helper()
	figure := regexp.MustCompile(`^(\d+(\.\d+)?) (ms|points|MB)$`)
	for _, name := range names {
		c, ok := cells[name]
		if !assert.True(t, ok, "row %q is missing from:\n%s", name, table) {
			continue
		}
		cellsToCheck := []string{c[1]}
		if !strings.HasPrefix(name, rowReady) {
			ref, found := strings.CutPrefix(c[2], lhHello+": ")
			if !found {
				ref, found = strings.CutPrefix(c[2], lhStatic+": ")
			}
			assert.True(t, found, "%s: its reference is named: %q", name, c[2])
			cellsToCheck = append(cellsToCheck, ref)
			assert.Regexp(t, `^\d+\.\d{2}×$`, c[3], name)
		}
		for _, cell := range cellsToCheck {
			m := figure.FindStringSubmatch(cell)
			if !assert.NotNil(t, m, "%s: %q", name, cell) {
				continue
			}
			v, err := strconv.ParseFloat(m[1], 64)
			// A score may be 0 for a slow page; every other figure is more.
			if assert.NoError(t, err, name) && m[3] != "points" && !strings.HasPrefix(name, rowLHTBT) {
				assert.Positive(t, v, "%s: %q", name, cell)
			}
		}
	}
}

// The hello world is built with the playground's flags: the Makefile's.
func TestHelloIsBuiltWithTheMakefilesFlags(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join("..", "..", "..", "Makefile"))
	require.NoError(t, err)
	wasmLine := regexp.MustCompile(`(?m)^\tGOOS=js GOARCH=wasm \$\(GO\) build (.*) -o web/app.wasm \.$`).FindSubmatch(makefile)
	require.NotNil(t, wasmLine, "the Makefile's wasm target")
	assert.Equal(t, `-trimpath -ldflags="-s -w"`, string(wasmLine[1]))
	assert.Equal(t, []string{"-trimpath", "-ldflags=-s -w"}, wasmBuildFlags)
}

func TestTargetVerdict(t *testing.T) {
	atMost := target{atMost: true, limit: 1.3, unit: "×"}
	atLeast := target{limit: 0.6, unit: "×"}
	rss := target{atMost: true, limit: 48, unit: " MB"}
	assert.Equal(t, "≤ 1.3×", atMost.String())
	assert.Equal(t, "≥ 0.6×", atLeast.String())
	assert.Equal(t, "≤ 48 MB", rss.String())
	assert.Equal(t, "met", atMost.verdict(1.3))
	assert.Equal(t, "missed by 10 %", atMost.verdict(1.43))
	assert.Equal(t, "met", atLeast.verdict(0.61))
	assert.Equal(t, "missed by 25 %", atLeast.verdict(0.45))
	assert.Equal(t, "missed by 50 %", rss.verdict(72))
	assert.Equal(t, "missed by <1 %", atMost.verdict(1.301))
}

func TestMedianAndPercentile(t *testing.T) {
	assert.Equal(t, int64(3), median([]int64{5, 1, 3}))
	assert.Equal(t, 3*time.Millisecond, median([]time.Duration{4 * time.Millisecond, 2 * time.Millisecond}))
	var r loadRun
	for i := 1; i <= 100; i++ {
		r.latencies = append(r.latencies, time.Duration(i))
	}
	assert.Equal(t, time.Duration(50), r.percentile(0.5))
	assert.Equal(t, time.Duration(99), r.percentile(0.99))
	assert.Equal(t, time.Duration(0), loadRun{}.percentile(0.99))
}

func TestOnlyLoadsOrRelayRunAlone(t *testing.T) {
	chromium := envOr("OCTOPLAY_CHROMIUM", "/usr/lib/chromium/chromium")
	testkit.NeedFile(t, chromium, "apt-get install chromium")
	var log bytes.Buffer
	cfg, err := parseConfig([]string{"-only", "loads", "-chromium", chromium}, &log)
	require.NoError(t, err)
	assert.Equal(t, onlyLoads, cfg.only)
	assert.Equal(t, 15, cfg.loads)
	cfg, err = parseConfig([]string{"-only", "relay", "-chromium", chromium}, &log)
	require.NoError(t, err)
	assert.Equal(t, onlyRelay, cfg.only)
	assert.Equal(t, 3000, cfg.requests)
	cfg, err = parseConfig([]string{"-chromium", chromium}, &log)
	require.NoError(t, err)
	assert.Empty(t, cfg.only, "the whole bench by default")
	_, err = parseConfig([]string{"-only", "benchmarks", "-chromium", chromium}, &log)
	require.ErrorContains(t, err, `-only "benchmarks"`)
	cfg, err = parseConfig([]string{"-only", "lighthouse", "-lighthouse", "lighthouse.go", "-chromium", chromium}, &log)
	require.NoError(t, err)
	assert.Equal(t, onlyLighthouse, cfg.only)
	assert.Equal(t, 5, cfg.lhRuns)
	_, err = parseConfig([]string{"-only", "lighthouse", "-lighthouse", "no-such-file.js", "-chromium", chromium}, &log)
	require.ErrorContains(t, err, "make test-deps installs it")
}

// A Lighthouse report is read whole, or refused: a missing figure is not
// a zero in the table.
func TestParseLighthouse(t *testing.T) {
	full := `{"categories":{"performance":{"score":0.87}},"audits":{
		"first-contentful-paint":{"numericValue":1200.5},"largest-contentful-paint":{"numericValue":2400},
		"total-blocking-time":{"numericValue":30},"interactive":{"numericValue":5100},"total-byte-weight":{"numericValue":2500000}}}`
	r, err := parseLighthouse([]byte(full))
	require.NoError(t, err)
	assert.Equal(t, lighthouseReport{fcp: 1200.5, lcp: 2400, tbt: 30, tti: 5100, score: 87, bytes: 2500000}, r)
	_, err = parseLighthouse([]byte(strings.Replace(full, `"interactive":{"numericValue":5100},`, "", 1)))
	require.ErrorContains(t, err, "no interactive")
	_, err = parseLighthouse([]byte(`{"runtimeError":{"code":"NO_FCP","message":"The page did not paint any content."}}`))
	require.ErrorContains(t, err, "NO_FCP")
	_, err = parseLighthouse([]byte(`not json`))
	require.ErrorContains(t, err, "parse the report")
}
