package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
)

// goBench is one sub-benchmark of internal/ohttp's BenchmarkSealOpen: a
// whole exchange (the client seals, the gateway opens and seals the
// answer, the client opens it) with one suite.
type goBench struct {
	suite       string
	nsPerOp     float64
	bytesPerOp  int64
	allocsPerOp int64
}

var benchLine = regexp.MustCompile(`(?m)^BenchmarkSealOpen/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// goBenchmarks runs BenchmarkSealOpen natively, as `go test -bench` does.
func goBenchmarks(ctx context.Context, cfg config, root string) ([]goBench, error) {
	benchtime := "1s"
	if cfg.short {
		benchtime = "10x"
	}
	cmd := exec.CommandContext(ctx, cfg.goCmd, "test", "-run", "^$", "-bench", "^BenchmarkSealOpen$",
		"-benchmem", "-benchtime", benchtime, "-count", "1", "./internal/ohttp")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("bench: go test -bench: %w\n%s", err, out)
	}
	var benches []goBench
	for _, m := range benchLine.FindAllStringSubmatch(string(out), -1) {
		ns, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.ParseInt(m[3], 10, 64)
		allocs, _ := strconv.ParseInt(m[4], 10, 64)
		benches = append(benches, goBench{suite: m[1], nsPerOp: ns, bytesPerOp: b, allocsPerOp: allocs})
	}
	if len(benches) == 0 {
		return nil, fmt.Errorf("bench: no BenchmarkSealOpen results in:\n%s", out)
	}
	return benches, nil
}
