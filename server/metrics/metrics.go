// Package metrics counts what the server does, for Prometheus: relayed
// requests and how they ended, the upstream's answers, time in the relay,
// the upstream and the state store, refusals, tokens issued, uploads and
// connections in flight, and the Go runtime and process. It has a registry
// of its own (nothing another package registers globally shows up), served
// on a listener of its own, never the public one.
//
// Every label value comes from a fixed set: the environments the server
// was configured with, the relay's problem types (internal/wire), its
// failure reasons, status classes, the names of the state stores. A value
// outside its set is counted as "other", so no client can add a series,
// and no path, id, header, address, secret or token can appear.
package metrics

import (
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where Handler serves the metrics.
const Path = "/metrics"

// other is the label value of anything outside a label's fixed set.
const other = "other"

// Metrics holds the server's collectors and the registry they are in.
type Metrics struct {
	reg  *prometheus.Registry
	envs atomic.Pointer[map[string]bool] // the environment label's set

	relayed          *prometheus.CounterVec   // environment, outcome
	upstream         *prometheus.CounterVec   // environment, class
	relayDuration    *prometheus.HistogramVec // environment
	upstreamDuration *prometheus.HistogramVec // environment
	failures         *prometheus.CounterVec   // reason
	rateLimited      *prometheus.CounterVec   // limit
	replays          prometheus.Counter
	stateErrors      *prometheus.CounterVec   // store
	stateDuration    *prometheus.HistogramVec // store
	tokens           prometheus.Counter
}

// New makes the collectors, in a registry of their own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	// The relay answers in milliseconds, the upstream in up to 20 s; the
	// state store in tens of microseconds, and gives up after a second.
	relayBuckets := prometheus.ExponentialBuckets(0.0005, 2, 16)  // 0.5 ms to 16 s
	stateBuckets := prometheus.ExponentialBuckets(0.00005, 2, 16) // 50 µs to 1.6 s
	m.relayed = m.counter("octoplay_relay_requests_total",
		"POST /relay requests, by environment (none: refused before the target was known) and outcome (relayed, or the relay's problem type).",
		"environment", "outcome")
	m.upstream = m.counter("octoplay_relay_upstream_responses_total",
		"Answers the upstream gave to relayed requests, by environment and status class (2xx to 5xx).",
		"environment", "class")
	m.relayDuration = m.histogram("octoplay_relay_duration_seconds",
		"Time the relay took per opened request, from the sealed request read to the sealed answer written, by environment.",
		relayBuckets, "environment")
	m.upstreamDuration = m.histogram("octoplay_relay_upstream_duration_seconds",
		"Time the upstream took to answer a relayed request, its answer read, by environment.",
		relayBuckets, "environment")
	m.failures = m.counter("octoplay_relay_open_failures_total",
		"Sealed requests that could not be opened (unknown-key, decrypt, malformed), or answers that could not be sealed (seal).",
		"reason")
	m.rateLimited = m.counter("octoplay_rate_limited_total",
		"Requests refused by a per-address limit: relay (sealed requests), sandbox (requests straight to the sandbox), sandbox-failures (failed client authentications).",
		"limit")
	m.replays = m.counter("octoplay_replays_refused_total",
		"Sealed requests refused because the replay window had seen them.").WithLabelValues()
	m.stateErrors = m.counter("octoplay_state_errors_total",
		"State store operations that failed (the request was refused), by store: relay-limit, sandbox-limit, sandbox-failures, replay.",
		"store")
	m.stateDuration = m.histogram("octoplay_state_duration_seconds",
		"Time a state store operation took, by store; with Redis, a round trip.",
		stateBuckets, "store")
	m.tokens = m.counter("octoplay_sandbox_tokens_issued_total",
		"Access tokens the sandbox issued.").WithLabelValues()
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Environments sets the environment label's whole set: the names of the
// environments the server relays to.
func (m *Metrics) Environments(names []string) {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	m.envs.Store(&set)
}

// Handler serves the Prometheus exposition at Path, and 404 elsewhere.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return mux
}

// counter registers a counter with the given labels.
func (m *Metrics) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

// histogram registers a histogram with the given buckets and labels.
func (m *Metrics) histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	m.reg.MustRegister(h)
	return h
}

// gauge registers a gauge read from f at each scrape.
func (m *Metrics) gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}
