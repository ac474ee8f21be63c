package relay

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"octoplay/internal/wire"
)

// clientLimiter keeps one token bucket per client address, in bounded
// memory: idle buckets are dropped when the map is full.
type clientLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*clientBucket
	limit   int
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxTrackedClients bounds the limiter's memory.
const maxTrackedClients = 10000

func newClientLimiter(perSecond float64, burst int) *clientLimiter {
	return &clientLimiter{every: rate.Limit(perSecond), burst: burst, clients: make(map[string]*clientBucket), limit: maxTrackedClients}
}

// clientKey is who a request counts against: its IPv4 address, or the /64
// of its IPv6 address, since one subscriber commonly holds a whole /64
// and would otherwise get a fresh bucket per address.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if ip = ip.Unmap(); ip.Is6() {
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}

// allow says whether the client at r.RemoteAddr may go on, and if not, in
// how many whole seconds it may try again.
func (l *clientLimiter) allow(r *http.Request, now time.Time) (bool, int) {
	host := clientKey(r.RemoteAddr)
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[host]
	if !ok {
		if len(l.clients) >= l.limit {
			l.dropIdle(now)
		}
		b = &clientBucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[host] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if delay := res.DelayFrom(now); delay > 0 {
		res.CancelAt(now)
		// Retry-After is whole seconds (RFC 9110 §10.2.3): round up, so
		// that a client that waits that long is let through.
		return false, int((delay + time.Second - 1) / time.Second)
	}
	return true, 0
}

// dropIdle forgets buckets that have refilled: they hold no state worth
// keeping. If none has, it forgets them all rather than grow.
func (l *clientLimiter) dropIdle(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.every)*float64(time.Second)) + time.Second
	for k, b := range l.clients {
		if now.Sub(b.seen) > full {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= l.limit {
		clear(l.clients)
	}
}

// rateLimited answers 429 with Retry-After for clients over their rate.
func rateLimited(l *clientLimiter, now func() time.Time, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, retry := l.allow(r, now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			writeProblem(w, newProblem(wire.ProblemRateLimited, "too many requests from this client; try again in "+strconv.Itoa(retry)+" s"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
