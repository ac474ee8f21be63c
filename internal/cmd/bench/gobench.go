package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
)

// goBench is one sub-benchmark of internal/ohttp, with one suite:
// BenchmarkSealOpen, a whole exchange (the client seals, the gateway opens
// and seals the answer, the client opens it), or BenchmarkGateway, the
// gateway's side alone.
type goBench struct {
	name        string // benchSealOpen or benchGateway
	suite       string
	nsPerOp     float64
	bytesPerOp  int64
	allocsPerOp int64
}

// The benchmarks the bench runs.
const (
	benchSealOpen = "SealOpen"
	benchGateway  = "Gateway"
)

var benchLine = regexp.MustCompile(`(?m)^Benchmark(SealOpen|Gateway)/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// goBenchmarks runs BenchmarkSealOpen and BenchmarkGateway natively, as
// `go test -bench` does.
func goBenchmarks(ctx context.Context, cfg config, root string) ([]goBench, error) {
	benchtime := "1s"
	if cfg.short {
		benchtime = "10x"
	}
	cmd := exec.CommandContext(ctx, cfg.goCmd, "test", "-run", "^$", "-bench", "^Benchmark(SealOpen|Gateway)$",
		"-benchmem", "-benchtime", benchtime, "-count", "1", "./internal/ohttp")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bench: go test -bench: %w\n%s", err, out)
	}
	var benches []goBench
	for _, m := range benchLine.FindAllStringSubmatch(string(out), -1) {
		ns, _ := strconv.ParseFloat(m[3], 64)
		b, _ := strconv.ParseInt(m[4], 10, 64)
		allocs, _ := strconv.ParseInt(m[5], 10, 64)
		benches = append(benches, goBench{name: m[1], suite: m[2], nsPerOp: ns, bytesPerOp: b, allocsPerOp: allocs})
	}
	if len(benches) == 0 {
		return nil, fmt.Errorf("bench: no BenchmarkSealOpen or BenchmarkGateway results in:\n%s", out)
	}
	return benches, nil
}
