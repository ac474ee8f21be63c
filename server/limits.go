//go:build !js

package server

import (
	"fmt"
	"net"
	"runtime/debug"
	"time"

	"octoplay/server/admit"
	"octoplay/server/relay"
	"octoplay/server/state"
)

// The defaults of the limits a stranger's traffic meets (see
// docs/under-attack.md).
const (
	defaultUploadBudgetMiB  = 32
	defaultUploadsPerClient = 16
	defaultConnsPerClient   = 64
	defaultSandboxRate      = relay.DefaultRate // the sandbox is reached as often as the relay
	defaultSandboxBurst     = relay.DefaultBurst
	// pageRate and pageBurst bound the requests for the page and go-app's
	// files (app.js, the manifest, the worker) per client address: a load
	// asks for about six of them, the worker's install as many again.
	pageRate  = 20
	pageBurst = 120
	// defaultDrainDelay is how long /readyz says 503 after SIGTERM before
	// the server stops: load balancers probe every few seconds.
	defaultDrainDelay = 5 * time.Second
	// bodyReadTimeout is how long a request body may take to arrive: a
	// sealed request or a token request is a few KiB, so this is generous,
	// and it is how long a stalled upload can hold its share of the budget.
	bodyReadTimeout = 10 * time.Second
	// descriptorHeadroom is kept for what is not an inbound connection: the
	// listener, the log, files, and the relay's outbound connections, which
	// is why connections are capped at half of what is left.
	descriptorHeadroom = 64
	// maxConnsDefault caps connections whatever the descriptors allow: each
	// holds buffers and a goroutine, about 25 KB measured with idle
	// keep-alive connections, so 4096 of them about 100 MB.
	maxConnsDefault = 4096
)

// limits guard the routes that read bodies or cost work.
type limits struct {
	uploads *admit.Uploads
	sandbox state.Limiter // requests to /sandbox/ per client address
	pages   state.Limiter // requests for the page and go-app's files per client address
}

// newPageLimit is the rate of the page per client address, on clock (nil:
// time.Now).
func newPageLimit(clock func() time.Time) state.Limiter {
	return state.NewMemoryLimiter(state.PerSecond(pageRate, pageBurst), 0, clock)
}

// newLimits makes the limits cfg asks for; zero values take the defaults.
func newLimits(cfg Config) limits {
	rate, burst := cfg.SandboxRate, cfg.SandboxBurst
	if rate == 0 || burst == 0 {
		rate, burst = defaultSandboxRate, defaultSandboxBurst
	}
	return limits{
		uploads: newUploads(cfg, nil),
		sandbox: state.NewMemoryLimiter(state.PerSecond(rate, burst), 0, nil),
		// Each instance's own: what it protects is its own CPU.
		pages: newPageLimit(nil),
	}
}

// newUploads is the admission of request bodies cfg asks for; zero values
// take the defaults. now is its clock; nil means time.Now.
func newUploads(cfg Config, now func() time.Time) *admit.Uploads {
	budget, perClient := cfg.UploadBudgetMiB, cfg.UploadsPerClient
	if budget == 0 {
		budget = defaultUploadBudgetMiB
	}
	if perClient == 0 {
		perClient = defaultUploadsPerClient
	}
	return admit.NewUploads(int64(budget)<<20, perClient, returnMemory, now)
}

// returnMemory gives the memory a flood of uploads or connections left back
// to the system at once: otherwise it stays resident until the next
// collection, which an idle server may not run for minutes. Twice, because
// what sync.Pool holds (a buffered reader and writer per connection)
// survives one collection.
func returnMemory() {
	debug.FreeOSMemory()
	debug.FreeOSMemory()
}

// listen wraps ln in the connection caps cfg asks for (see admit.Listener
// for what the http.Server needs to do with it), reading the PROXY header
// of its connections first when cfg asks for it.
func listen(ln net.Listener, cfg Config) (*admit.Listener, error) {
	total, err := connCap(cfg)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	perClient := cfg.ConnsPerClient
	if perClient == 0 {
		perClient = defaultConnsPerClient
	}
	if cfg.ProxyProtocol {
		// Before the caps, so that they count the client the header names.
		ln = admit.NewProxyProtocol(ln, cfg.TrustedProxies, admit.ProxyHeaderTimeout, total)
	}
	l := admit.NewListener(ln, perClient, total, returnMemory)
	l.TrustProxies(cfg.TrustedProxies)
	return l, nil
}

// connCap is how many connections are open at once in all: -max-conns, or
// what the descriptor limit leaves room for.
func connCap(cfg Config) (int, error) {
	if cfg.MaxConns != 0 {
		return cfg.MaxConns, nil
	}
	fds, err := descriptorLimit()
	if err != nil {
		return 0, fmt.Errorf("descriptor limit: %w", err)
	}
	total := min((fds-descriptorHeadroom)/2, maxConnsDefault)
	if total < 16 {
		return 0, fmt.Errorf("the descriptor limit (%d) leaves room for only %d connections: raise it (ulimit -n)", fds, total)
	}
	return total, nil
}
