package admit

import (
	"net/http"
	"octoplay/internal/wire"
	"sync"
	"time"

	"octoplay/internal/clientaddr"
)

// smallUpload is the size up to which an upload may use the whole budget:
// every Step 1 request and nearly every Step 2 call is far smaller. Larger
// uploads share three quarters of it, so that a flood of large stalled
// uploads still leaves room for the small ones honest clients send.
const smallUpload = 16 << 10

// Uploads bounds the memory that request bodies can hold: bytes in flight
// server-wide, and concurrent uploads per client address. Who can make it
// grow: anyone who sends a body. What bounds it: the budget, reserved from
// Content-Length before a byte is read; its map holds one entry per client
// address with an upload in flight, and each of those holds budget.
type Uploads struct {
	budget, largeBudget int64
	perClient           int

	mu            sync.Mutex
	inFlight      int64 // bytes reserved
	inFlightLarge int64 // of which by uploads over smallUpload
	flood         floodWatch
	byClient      map[string]int
}

// NewUploads returns an admission for bodies of at most budget bytes in
// flight at once, and perClient uploads at once from one client address.
// afterFlood, if not nil, runs after the bytes in flight fall under 1/64
// of the budget having been over half of it (see floodWatch).
func NewUploads(budget int64, perClient int, afterFlood func()) *Uploads {
	return &Uploads{budget: budget, largeBudget: budget * 3 / 4, perClient: perClient, byClient: map[string]int{},
		flood: floodWatch{fn: afterFlood, high: budget / 2, low: budget / 64}}
}

// Limit admits a request whose body next reads, up to max bytes, before a
// byte of it is read: it reserves the declared Content-Length (max when
// there is none or it is larger: next refuses what is over max) and answers
// at once 429 when the client address has its count of uploads in flight,
// 503 when the budget is spent, each with Retry-After. The body must arrive
// within readWithin, so that a stalled upload holds its share that long at
// most.
func (u *Uploads) Limit(max int64, readWithin time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		n := r.ContentLength
		if n < 0 || n > max {
			n = max
		}
		client := clientaddr.Of(r)
		if status := u.reserve(client, n); status != 0 {
			if status == http.StatusTooManyRequests {
				refuse(w, r, wire.ProblemRateLimited, "too many uploads from this client at once; try again in a second", time.Second)
			} else {
				refuse(w, r, wire.ProblemBusy, "the server is reading as many requests as it can hold; try again in a second", time.Second)
			}
			return
		}
		defer u.release(client, n)
		// Not every ResponseWriter has a connection (tests): no deadline then.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(readWithin))
		next.ServeHTTP(w, r)
	})
}

// reserve takes n bytes and one upload for client, or says why not: 429 or
// 503.
func (u *Uploads) reserve(client string, n int64) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.byClient[client] >= u.perClient:
		return http.StatusTooManyRequests
	case u.inFlight+n > u.budget, n > smallUpload && u.inFlightLarge+n > u.largeBudget:
		return http.StatusServiceUnavailable
	}
	u.byClient[client]++
	u.inFlight += n
	if n > smallUpload {
		u.inFlightLarge += n
	}
	u.flood.observe(u.inFlight)
	return 0
}

func (u *Uploads) release(client string, n int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byClient[client]--; u.byClient[client] <= 0 {
		delete(u.byClient, client)
	}
	u.inFlight -= n
	if n > smallUpload {
		u.inFlightLarge -= n
	}
	u.flood.observe(u.inFlight)
}

// InFlight is the bytes reserved and the uploads in flight now.
func (u *Uploads) InFlight() (bytes int64, uploads int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, c := range u.byClient {
		uploads += c
	}
	return u.inFlight, uploads
}
