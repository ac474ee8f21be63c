package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
)

// front is the load balancer of the scale-out test: a round robin per
// request over the instances, as a cluster's load balancer would do it.
//
// It dials each instance from the client's own loopback address, so the
// instances see every client as itself, as behind a load balancer that
// keeps the client's address (Kubernetes' kube-proxy, which rewrites only
// the destination; a transparent proxy). An ordinary HTTP reverse proxy
// would make every client the proxy, and the per-address limits would
// count them all as one.
//
// Like a load balancer that probes readiness, it sends traffic only to the
// instances whose /readyz says 200, polled every 100 ms; when none does,
// to all that still accept connections (Envoy's panic routing), so that a
// client meets the instances' own answer. A connection refused is retried
// on the next instance: nothing reached the first. The relay's POSTs take
// turns among themselves, so that two in a row go to two instances whatever
// else a page fetches in between.
type front struct {
	URL       string
	instances []string // the instances' base URLs
	ready     []atomic.Bool
	turn      atomic.Uint64
	relayTurn atomic.Uint64

	mu         sync.Mutex
	transports map[string]*http.Transport // by client address: dialling from it
	relays     []relayServed
}

// relayServed is which instance served a POST /relay, for which client.
type relayServed struct {
	client   string
	instance int
}

// startFront listens on a loopback port; it forwards once serve gives it
// the instances.
func startFront(t *testing.T) *front {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &front{URL: "http://" + ln.Addr().String(), transports: map[string]*http.Transport{}}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, tr := range f.transports {
			tr.CloseIdleConnections()
		}
	})
	return f
}

// serve starts forwarding to instances, probing their readiness until the
// test ends.
func (f *front) serve(t *testing.T, instances []string) {
	f.instances, f.ready = instances, make([]atomic.Bool, len(instances))
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	probe := &http.Client{Timeout: 500 * time.Millisecond}
	poll := func() {
		for i, base := range instances {
			f.ready[i].Store(readyzWith(probe, base) == http.StatusOK)
		}
	}
	poll()
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				poll()
			}
		}
	}()
}

// order is the instances to try, starting at the next turn: the ready
// ones, or all when none is.
func (f *front) order(relay bool) []int {
	var ready []int
	for i := range f.instances {
		if f.ready[i].Load() {
			ready = append(ready, i)
		}
	}
	if len(ready) == 0 {
		for i := range f.instances {
			ready = append(ready, i)
		}
	}
	turn := &f.turn
	if relay {
		turn = &f.relayTurn
	}
	start := int(turn.Add(1)-1) % len(ready)
	return append(ready[start:], ready[:start]...)
}

func (f *front) transport(client string) *http.Transport {
	f.mu.Lock()
	defer f.mu.Unlock()
	tr := f.transports[client]
	if tr == nil {
		tr = &http.Transport{DialContext: loopback.Dialer(client).DialContext, MaxIdleConnsPerHost: 32, DisableCompression: true}
		f.transports[client] = tr
	}
	return tr
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "front: reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	client, _, _ := net.SplitHostPort(r.RemoteAddr)
	relay := r.Method == http.MethodPost && r.URL.Path == "/relay"
	for _, i := range f.order(relay) {
		out, err := http.NewRequestWithContext(r.Context(), r.Method, f.instances[i]+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, "front: "+err.Error(), http.StatusBadGateway)
			return
		}
		out.Header, out.Host = r.Header.Clone(), r.Host
		res, err := f.transport(client).RoundTrip(out)
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			continue // nothing reached this instance: the next one
		}
		if err != nil {
			http.Error(w, "front: "+err.Error(), http.StatusBadGateway)
			return
		}
		if relay {
			f.mu.Lock()
			f.relays = append(f.relays, relayServed{client, i})
			f.mu.Unlock()
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		io.Copy(w, res.Body)
		res.Body.Close()
		return
	}
	http.Error(w, "front: no instance accepts connections", http.StatusBadGateway)
}

// relaysOf is which instance served each POST /relay of client, in order.
func (f *front) relaysOf(client string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for _, r := range f.relays {
		if r.client == client {
			out = append(out, r.instance)
		}
	}
	return out
}

// readyzWith is the status /readyz answers at base, 0 when it does not.
func readyzWith(c *http.Client, base string) int {
	res, err := c.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
