//go:build !js && !octoplaybench

package server

import "net/http"

// withProfiling is the metrics listener's handler as it is: the shipped
// server serves no profile (see profile_bench.go for the bench's build).
func withProfiling(metrics http.Handler) http.Handler { return metrics }
