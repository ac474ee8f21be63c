package admit

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/internal/clientaddr"
	"octoplay/internal/wire"
)

// smallUpload is the size up to which an upload may use the whole budget:
// every Step 1 request and nearly every Step 2 call is far smaller. Larger
// uploads share three quarters of it, so that a flood of large stalled
// uploads still leaves room for the small ones honest clients send.
const smallUpload = 16 << 10

// The fair shares of the budget. A party's share must not grow with the
// addresses it holds: one address holds at most addressShare of the budget,
// one address range (clientaddr.Range) at most rangeShare, and the last
// reserveShare of the budget only goes to a range that holds less than
// newcomerBytes, so a range that had nothing in flight always gets in,
// however many ranges hold the rest.
const (
	addressShare  = 16 // 1/16 of the budget
	rangeShare    = 8  // 1/8
	reserveShare  = 8  // 1/8
	newcomerBytes = 64 << 10
)

// An upload that reads slower than minUploadRate, once it has had
// slowAfter to start, is slow: when the budget is spent, the slowest is cut
// to make room for a newcomer, rather than the newcomer refused. Any
// browser on any link sends a Step 1 far faster; a stalled upload sends
// nothing.
const (
	minUploadRate = 8 << 10 // bytes a second
	slowAfter     = 2 * time.Second
)

// Uploads bounds the memory that request bodies can hold: bytes in flight
// server-wide, shared out by address and by address range, and concurrent
// uploads per client address. Who can make it grow: anyone who sends a
// body. What bounds it: the budget, reserved from Content-Length before a
// byte is read; its maps hold one entry per client address and per range
// with an upload in flight, and each of those holds budget.
type Uploads struct {
	budget, largeBudget int64
	perClient           int
	now                 func() time.Time

	mu            sync.Mutex
	inFlight      int64 // bytes reserved
	inFlightLarge int64 // of which by uploads over smallUpload
	flood         floodWatch
	byClient      map[string]*share
	byRange       map[string]*share
	uploads       map[*upload]struct{}
}

// share is what one address or one range holds.
type share struct {
	uploads int
	bytes   int64
}

// upload is one body being read, within its reservation.
type upload struct {
	client, rng string
	n           int64
	start       time.Time
	read        atomic.Int64
	// cut ends the body's read at once; called under Uploads.mu, while
	// the request is still being served.
	cut func()
}

// NewUploads returns an admission for bodies of at most budget bytes in
// flight at once, and perClient uploads at once from one client address.
// afterFlood, if not nil, runs after the bytes in flight fall under 1/64
// of the budget having been over half of it (see floodWatch). now tells
// the time an upload has had to send its body; nil means time.Now.
func NewUploads(budget int64, perClient int, afterFlood func(), now func() time.Time) *Uploads {
	if now == nil {
		now = time.Now
	}
	return &Uploads{budget: budget, largeBudget: budget * 3 / 4, perClient: perClient, now: now,
		byClient: map[string]*share{}, byRange: map[string]*share{}, uploads: map[*upload]struct{}{},
		flood: floodWatch{fn: afterFlood, high: budget / 2, low: budget / 64}}
}

// Limit admits a request whose body next reads, up to max bytes, before a
// byte of it is read: it reserves the declared Content-Length (max when
// there is none or it is larger: next refuses what is over max) and answers
// at once 429 when the client address or its range holds its share, 503
// when the budget is spent and no slow upload can be cut to make room, each
// with Retry-After. The body must arrive within readWithin, so that a
// stalled upload holds its share that long at most.
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
		rc := http.NewResponseController(w)
		client := clientaddr.Of(r)
		up := &upload{client: client, rng: clientaddr.Range(client), n: n,
			cut: func() { _ = rc.SetReadDeadline(time.Now()) }}
		switch u.reserve(up) {
		case http.StatusTooManyRequests:
			refuse(w, r, wire.ProblemRateLimited, "too many uploads from this client or its network at once; try again in a second", time.Second)
			return
		case http.StatusServiceUnavailable:
			refuse(w, r, wire.ProblemBusy, "the server is reading as many requests as it can hold; try again in a second", time.Second)
			return
		}
		defer u.release(up)
		// Not every ResponseWriter has a connection (tests): no deadline then.
		_ = rc.SetReadDeadline(time.Now().Add(readWithin))
		r.Body = &countedBody{ReadCloser: r.Body, read: &up.read}
		next.ServeHTTP(w, r)
	})
}

// countedBody counts what is read of a body, for its upload's rate.
type countedBody struct {
	io.ReadCloser
	read *atomic.Int64
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// reserve takes up's bytes and one upload for its client, or says why not:
// 429 when the client or its range holds its share, 503 when the budget is
// spent and cutting slow uploads cannot make room.
func (u *Uploads) reserve(up *upload) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	status := u.take(up)
	if status != 0 {
		u.flood.refused()
	}
	return status
}

// take is reserve's decision. The caller holds u.mu.
func (u *Uploads) take(up *upload) int {
	c, r := u.byClient[up.client], u.byRange[up.rng]
	switch {
	case c != nil && (c.uploads >= u.perClient || c.bytes+up.n > u.budget/addressShare),
		r != nil && r.bytes+up.n > u.budget/rangeShare:
		return http.StatusTooManyRequests
	}
	newcomer := r == nil || r.bytes < newcomerBytes
	for !u.fits(up.n, newcomer) {
		slow := u.slowest()
		if slow == nil {
			return http.StatusServiceUnavailable
		}
		u.uncount(slow)
		slow.cut()
	}
	if c == nil {
		c = &share{}
		u.byClient[up.client] = c
	}
	if r == nil {
		r = &share{}
		u.byRange[up.rng] = r
	}
	c.uploads++
	c.bytes += up.n
	r.uploads++
	r.bytes += up.n
	u.inFlight += up.n
	if up.n > smallUpload {
		u.inFlightLarge += up.n
	}
	up.start = u.now()
	u.uploads[up] = struct{}{}
	u.flood.observe(u.inFlight)
	return 0
}

// fits says whether n more bytes fit the budget; only a newcomer range may
// take the reserve. The caller holds u.mu.
func (u *Uploads) fits(n int64, newcomer bool) bool {
	budget := u.budget
	if !newcomer {
		budget -= u.budget / reserveShare
	}
	return u.inFlight+n <= budget && (n <= smallUpload || u.inFlightLarge+n <= u.largeBudget)
}

// slowest is the upload in flight that reads slowest, if it is slow. The
// caller holds u.mu.
func (u *Uploads) slowest() *upload {
	now := u.now()
	var worst *upload
	var worstRate float64
	for up := range u.uploads {
		took := now.Sub(up.start)
		if took < slowAfter {
			continue
		}
		rate := float64(up.read.Load()) / took.Seconds()
		if rate < minUploadRate && (worst == nil || rate < worstRate) {
			worst, worstRate = up, rate
		}
	}
	return worst
}

// release gives back up's reservation when its request ends.
func (u *Uploads) release(up *upload) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.uncount(up)
}

// uncount gives back up's reservation, once. The caller holds u.mu.
func (u *Uploads) uncount(up *upload) {
	if _, ok := u.uploads[up]; !ok {
		return // cut to make room, then ended
	}
	delete(u.uploads, up)
	unshare(u.byClient, up.client, up.n)
	unshare(u.byRange, up.rng, up.n)
	u.inFlight -= up.n
	if up.n > smallUpload {
		u.inFlightLarge -= up.n
	}
	u.flood.observe(u.inFlight)
}

// unshare takes one upload of n bytes off key's share.
func unshare(shares map[string]*share, key string, n int64) {
	s := shares[key]
	if s.uploads--; s.uploads <= 0 {
		delete(shares, key)
		return
	}
	s.bytes -= n
}

// InFlight is the bytes reserved and the uploads in flight now.
func (u *Uploads) InFlight() (bytes int64, uploads int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.inFlight, len(u.uploads)
}
