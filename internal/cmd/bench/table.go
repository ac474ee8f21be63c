package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rows' names; the test checks that each is there with its figures.
const (
	rowFirstLoad = "First load, bytes over the wire (brotli)"
	rowWasm      = "app.wasm, raw / brotli / gzip"
	rowCold      = "Cold load to interactive, median"
	rowWarm      = "Warm load (service worker), median"
	rowPaint     = "First contentful paint, cold, median"
	rowRSS       = "Server peak RSS (VmHWM) under the relay load"
	rowSealOpen  = "Seal + open (go test -bench), "
	rowGateway   = "The gateway's side alone, open and seal the answer (go test -bench), "
	rowState     = "State store per sealed request, in the server, Redis"
)

// stateRow names the row of the state store's cost in the X25519 runs.
func stateRow(concurrency int) string {
	return fmt.Sprintf("%s, %d at a time", rowState, concurrency)
}

// addedRow names the row of the latency a relay adds over the proxy.
func addedRow(via string) string {
	return fmt.Sprintf("Step 1, %s, 1 at a time, p50 added over the bare reverse proxy", via)
}

// pathRow names the row of the whole path's CPU time in a relay run.
func pathRow(via string, concurrency int) string {
	return fmt.Sprintf("Step 1, %s, %d at a time, CPU of the whole path per request (forwarder, load generator, sandbox)", via, concurrency)
}

// budgetRow names the row of what a throughput target leaves the relay.
func budgetRow(via string, concurrency int, t target) string {
	return fmt.Sprintf("Step 1, %s, %d at a time, the relay's CPU per request beyond the proxy's that %s leaves", via, concurrency, t)
}

// relayRow names the row of a relay run.
func relayRow(via string, concurrency int) string {
	return fmt.Sprintf("Step 1, %s, %d at a time", via, concurrency)
}

// row is one line of the table. ratio is 0 where there is none; target
// judges judged (the ratio, or the value in MB).
type row struct {
	measure, value, reference string
	ratio                     float64
	target                    *target
	judged                    float64
}

// target is an issue's goal: judged at most, or at least, limit.
type target struct {
	atMost bool
	limit  float64
	unit   string
}

func (t target) String() string {
	op := "≥"
	if t.atMost {
		op = "≤"
	}
	return op + " " + strconv.FormatFloat(t.limit, 'f', -1, 64) + t.unit
}

// verdict says "met", or by how much the goal is missed.
func (t target) verdict(v float64) string {
	miss := (t.limit - v) / t.limit
	if t.atMost {
		miss = (v - t.limit) / t.limit
	}
	switch {
	case miss <= 0:
		return "met"
	case miss < 0.005:
		return "missed by <1 %"
	}
	return fmt.Sprintf("missed by %.0f %%", 100*miss)
}

// loadRows are the rows of the browser loads: bytes, times, first paint.
func loadRows(cfg config, wasm wasms, l loads) []row {
	firstLoad := ratio(float64(median(l.playground.bytes)), float64(median(l.hello.bytes)))
	cold := ratio(median(l.playground.cold).Seconds(), median(l.hello.cold).Seconds())
	warm := ratio(median(l.playground.warm).Seconds(), median(l.hello.warm).Seconds())
	paint, helloPaint := medianPhase(l.playground.phases, firstPaint), medianPhase(l.hello.phases, firstPaint)
	return []row{
		{measure: rowFirstLoad, value: megabytes(median(l.playground.bytes)), reference: "hello world: " + megabytes(median(l.hello.bytes)),
			ratio: firstLoad, target: &target{atMost: true, limit: 1.3, unit: "×"}, judged: firstLoad},
		{measure: rowWasm, value: wasmCell(wasm.playground), reference: "hello world: " + wasmCell(wasm.hello),
			ratio: ratio(float64(wasm.playground.br), float64(wasm.hello.br))},
		{measure: fmt.Sprintf("%s of %d", rowCold, cfg.loads), value: millis(median(l.playground.cold)), reference: "hello world: " + millis(median(l.hello.cold)),
			ratio: cold, target: &target{atMost: true, limit: 1.3, unit: "×"}, judged: cold},
		{measure: fmt.Sprintf("%s of %d", rowWarm, cfg.loads), value: millis(median(l.playground.warm)), reference: "hello world: " + millis(median(l.hello.warm)),
			ratio: warm, target: &target{atMost: true, limit: 1.2, unit: "×"}, judged: warm},
		{measure: fmt.Sprintf("%s of %d", rowPaint, cfg.loads), value: fmt.Sprintf("%.0f ms", paint), reference: fmt.Sprintf("hello world: %.0f ms", helloPaint),
			ratio: ratio(paint, helloPaint), target: &target{atMost: true, limit: 1.1, unit: "×"}, judged: ratio(paint, helloPaint)},
	}
}

func buildRows(cfg config, wasm wasms, l loads, relay relayResults, benches []goBench) []row {
	rows := append(loadRows(cfg, wasm, l), relayRows(relay, benches)...)
	for _, name := range []struct{ bench, row string }{{benchSealOpen, rowSealOpen}, {benchGateway, rowGateway}} {
		var base *goBench
		for _, b := range benches {
			if b.name != name.bench {
				continue
			}
			r := row{measure: name.row + b.suite, value: benchCell(b)}
			if base == nil {
				base = &b
			} else {
				r.reference, r.ratio = base.suite+": "+micros(base.nsPerOp), ratio(b.nsPerOp, base.nsPerOp)
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// throughputTargets are the relay's throughput targets at 32 at a time,
// against the proxy's on the same path.
var throughputTargets = map[string]*target{
	viaX25519: {limit: 0.8, unit: "×"},
	viaXWing:  {limit: 0.7, unit: "×"},
}

// The suites of the relay runs, as the Go benchmarks name them.
var benchSuites = map[string]string{
	viaX25519: "X25519/HKDF-SHA256/AES-128-GCM",
	viaXWing:  "X-Wing/HKDF-SHA256/AES-128-GCM",
}

// gatewayCell is the gateway's side alone in via's suite, from the Go
// benchmarks; "" when they did not run.
func gatewayCell(benches []goBench, via string) string {
	for _, b := range benches {
		if b.name == benchGateway && b.suite == benchSuites[via] {
			return fmt.Sprintf("; the gateway's side alone (go test -bench): %s", micros(b.nsPerOp))
		}
	}
	return ""
}

// relayRows are the relay's runs, each beside its reference, what the
// relay adds to a request's latency, the CPU time behind the throughput
// targets, the state store's cost and the server's peak RSS. benches,
// when the Go benchmarks ran, give the gateway's own cost beside them.
func relayRows(relay relayResults, benches []goBench) []row {
	var rows []row
	for _, r := range []struct {
		via, against string
		concurrency  int
		target       *target
	}{
		{viaX25519, viaProxy, oneAtATime, nil},
		{viaX25519, viaProxy, manyAtATime, throughputTargets[viaX25519]},
		{viaXWing, viaProxy, oneAtATime, nil},
		{viaXWing, viaProxy, manyAtATime, throughputTargets[viaXWing]},
		{viaRedis, viaX25519, oneAtATime, nil},
		{viaRedis, viaX25519, manyAtATime, nil},
		{viaInProcess, viaX25519, oneAtATime, nil},
		{viaInProcess, viaX25519, manyAtATime, nil},
		{viaProxy, viaSandbox, oneAtATime, nil},
		{viaProxy, viaSandbox, manyAtATime, nil},
	} {
		run, ref := relay.runs[runKey{r.via, r.concurrency}], relay.runs[runKey{r.against, r.concurrency}]
		rt := ratio(run.perSecond(), ref.perSecond())
		rows = append(rows, row{measure: relayRow(r.via, r.concurrency), value: runCell(run), reference: r.against + ": " + runCell(ref),
			ratio: rt, target: r.target, judged: rt})
	}
	// On two shared cores the throughput follows the CPU time of the whole
	// path. Given the rest of the path's time in the relay's run, a target
	// leaves the relay's process proxy path / target - rest; what is left
	// beyond the proxy's own time is what opening, checking and sealing
	// may cost.
	for _, via := range []string{viaX25519, viaXWing} {
		t := *throughputTargets[via]
		run, ref := relay.runs[runKey{via, manyAtATime}], relay.runs[runKey{viaProxy, manyAtATime}]
		path, refPath := run.pathCPUPerRequest(), ref.pathCPUPerRequest()
		rows = append(rows, row{measure: pathRow(via, manyAtATime),
			value:     fmt.Sprintf("%s (the relay: %s)", microsPerRequest(path), microsPerRequest(run.cpuPerRequest())),
			reference: fmt.Sprintf("%s: %s (the proxy: %s)", viaProxy, microsPerRequest(refPath), microsPerRequest(ref.cpuPerRequest())),
			ratio:     ratio(float64(refPath), float64(path))})
		rest := path - run.cpuPerRequest()
		budget := time.Duration(float64(refPath)/t.limit) - rest - ref.cpuPerRequest()
		rows = append(rows, row{measure: budgetRow(via, manyAtATime, t), value: microsPerRequest(budget),
			reference: fmt.Sprintf("what it costs now: %s%s", microsPerRequest(run.cpuPerRequest()-ref.cpuPerRequest()), gatewayCell(benches, via))})
	}
	// What the relay adds to a request's latency, one at a time, on the
	// proxy's path: the median of each run, subtracted.
	for _, via := range []string{viaX25519, viaXWing} {
		run, ref := relay.runs[runKey{via, oneAtATime}], relay.runs[runKey{viaProxy, oneAtATime}]
		added := run.percentile(0.5) - ref.percentile(0.5)
		rows = append(rows, row{measure: addedRow(via), value: fmt.Sprintf("%+.2f ms", ms(added)),
			reference: fmt.Sprintf("%s: p50 %.2f ms, bare reverse proxy: p50 %.2f ms%s", via, ms(run.percentile(0.5)), ms(ref.percentile(0.5)), gatewayCell(benches, via)),
			target:    &target{atMost: true, limit: 0.2, unit: " ms"}, judged: ms(added)})
	}
	for _, c := range []int{oneAtATime, manyAtATime} {
		redis, memory := relay.state[runKey{viaRedis, c}], relay.state[runKey{viaX25519, c}]
		rows = append(rows, row{measure: stateRow(c), value: stateCell(redis), reference: "memory: " + stateCell(memory),
			ratio: ratio(redis.timePerRequest, memory.timePerRequest)})
	}
	rows = append(rows, row{measure: rowRSS, value: megabytes(relay.peakRSS),
		reference: "before the relay runs, since the start: " + megabytes(relay.startPeakRSS) +
			"; the server with its state in Redis, under its runs: " + megabytes(relay.redisPeakRSS), target: &target{atMost: true, limit: 48, unit: " MB"}, judged: float64(relay.peakRSS) / 1e6})
	return rows
}

// writeTable prints the rows as a Markdown table.
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| Measure | Octoplay | Reference | Ratio | Target | Result |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, r := range rows {
		ratioCell, targetCell, result := "", "", ""
		if r.ratio != 0 {
			ratioCell = fmt.Sprintf("%.2f×", r.ratio)
		}
		if r.target != nil {
			targetCell, result = r.target.String(), r.target.verdict(r.judged)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.measure, r.value, r.reference, ratioCell, targetCell, result)
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func median[T int64 | time.Duration](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func megabytes(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

func millis(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

func micros(ns float64) string { return fmt.Sprintf("%.0f µs/op", ns/1e3) }

func wasmCell(s wasmSizes) string {
	return megabytes(s.raw) + " / " + megabytes(s.br) + " / " + megabytes(s.gzip)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func microsPerRequest(d time.Duration) string {
	return fmt.Sprintf("%.0f µs/req", float64(d)/float64(time.Microsecond))
}

func runCell(r loadRun) string {
	cell := fmt.Sprintf("%.0f req/s, p50 %.2f ms, p99 %.2f ms, CPU %s", r.perSecond(), ms(r.percentile(0.5)), ms(r.percentile(0.99)),
		microsPerRequest(r.cpuPerRequest()))
	if len(r.latencies) < r.want {
		cell += fmt.Sprintf(" (%d of %d in the time limit)", len(r.latencies), r.want)
	}
	return cell
}

func stateCell(c stateCost) string {
	return fmt.Sprintf("%.1f operations, %.3f ms", c.opsPerRequest, c.timePerRequest*1e3)
}

func benchCell(b goBench) string {
	return fmt.Sprintf("%s, %d B/op, %d allocs/op", micros(b.nsPerOp), b.bytesPerOp, b.allocsPerOp)
}

// machine says where and how the table was measured.
func machine(ctx context.Context, cfg config) string {
	cpu, mem := "", ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = " (" + strings.TrimSpace(strings.TrimLeft(name, "\t :")) + ")"
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	browser := "Chromium"
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cfg.chromium, "--version").Output(); err == nil {
		browser = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	mode := ""
	if cfg.short {
		mode = " Short mode: figures are smoke, not measurements."
	}
	counts := fmt.Sprintf("Cold loads per app: %d, alternating; requests per relay run: %d.", cfg.loads, cfg.requests)
	switch cfg.only {
	case onlyLoads:
		counts = fmt.Sprintf("Cold loads per app: %d, alternating; the browser loads alone.", cfg.loads)
	case onlyRelay:
		counts = fmt.Sprintf("Requests per relay run: %d; the relay runs alone.", cfg.requests)
	}
	return fmt.Sprintf("Measured %s on %s/%s, %d CPUs%s%s; %s; %s. %s%s",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, mem,
		browser, runtime.Version(), counts, mode)
}
