package state

import (
	"context"
	"crypto/sha256"
	"errors"
	"hash/maphash"
	"sync"
	"time"
)

// ReplayWindow remembers the sealed requests a gateway has accepted, each
// until the last moment a copy of it could be accepted again.
type ReplayWindow interface {
	// Remember records id (the SHA-256 of a sealed request's enc) as seen
	// until forgetAfter, which is at most the window's span after now, and
	// reports whether it is fresh: not seen before. An implementation may
	// call a fresh id seen, at a rate it states, never the reverse: one
	// that lost what it held says so (a *ForgottenError) rather than call
	// fresh what it may have seen.
	Remember(ctx context.Context, id [sha256.Size]byte, forgetAfter time.Time) (fresh bool, err error)
}

// ErrOutsideWindow is what Remember says of a forgetAfter in the past or
// further ahead than the window's span.
var ErrOutsideWindow = errors.New("state: replay window: forget-after time outside the window")

// ErrForgotten is wrapped by what Remember says when it cannot tell whether
// it saw a request: the window lost what it held (its store restarted
// empty) while a copy of this request could have been in it. The memory
// window never says it: it lives and dies with the gateway that reads it.
var ErrForgotten = errors.New("state: replay window: the store lost what it remembered")

// ForgottenError is ErrForgotten with the first forget-after time the
// window can judge again: every request it could have held before it lost
// them is forgotten before then.
type ForgottenError struct {
	From time.Time
}

func (e *ForgottenError) Error() string {
	return ErrForgotten.Error() + ": it judges requests remembered until " + e.From.UTC().Format(time.RFC3339) + " or later"
}

func (e *ForgottenError) Is(target error) bool { return target == ErrForgotten }

// The memory replay window's figures. A gateway accepts a request whose
// Date is within ±skew of its clock, so it remembers each one until Date +
// skew, a time in [now, now+span] with span = 2×skew. Entries go to one of
// bucketsPerSpan buckets by that time, so a lookup goes to exactly one
// Bloom filter and a false refusal is that one filter's false positive.
// At most bucketsPerSpan+1 buckets are live at once; a bucket is dropped
// whole once every time it holds has passed.
const (
	// ReplayCapacity is how many requests per span the window holds at its
	// stated false-refusal rate, in at most ReplayMaxBytes.
	ReplayCapacity = 10_000_000
	bucketsPerSpan = 4
	maxLiveBuckets = bucketsPerSpan + 1
	bucketCapacity = ReplayCapacity / bucketsPerSpan
	// bitsPerEntry and hashes: a Bloom filter with 32 bits an entry and 22
	// hash functions refuses a fresh entry with probability 0.6185^32 ≈
	// 2.1e-7 when full (1e-6 needs at least 30 bits); the 4 KiB blocks
	// (one page: an insert touches one page, so resident memory follows
	// the load) raise it a little, to about 2.3e-7. statetest measures it.
	bitsPerEntry = 32
	hashes       = 22
	blockBits    = 4096 * 8
	blockWords   = blockBits / 64
	blocksPer    = (bucketCapacity*bitsPerEntry + blockBits - 1) / blockBits
	bucketBytes  = blocksPer * blockBits / 8
	// ReplayMaxBytes is the most the window's filters take: 5 buckets of
	// 10 MB, 50 MB.
	ReplayMaxBytes = maxLiveBuckets * bucketBytes
	// ReplayFalseRefusalRate is the stated bound on the rate at which a
	// fresh request is called a replay, at capacity.
	ReplayFalseRefusalRate = 1e-6
)

// MemoryReplayWindow is a ReplayWindow in this process's memory: time
// buckets of blocked Bloom filters. Who can make it grow: anyone who can seal
// a request that opens, decodes and carries a Date inside the window (the
// gateway checks all three first). What bounds it: at most 5 buckets of
// 10 MB, allocated when first used and returned to the system when dropped;
// a bucket filled past its capacity keeps working at a higher false-refusal
// rate (the browser re-seals and retries once), it never refuses for being
// full and never forgets an entry early.
type MemoryReplayWindow struct {
	span, width time.Duration
	now         func() time.Time
	seed        maphash.Seed // per process: nobody can aim entries at one block

	mu      sync.Mutex
	buckets map[int64]*bloomBucket // by forget-after time / width
}

// NewMemoryReplayWindow returns a window for forget-after times up to span
// ahead of now (twice the Date skew the gateway allows); now nil means
// time.Now.
func NewMemoryReplayWindow(span time.Duration, now func() time.Time) *MemoryReplayWindow {
	if now == nil {
		now = time.Now
	}
	return &MemoryReplayWindow{
		span: span, width: span / bucketsPerSpan, now: now,
		seed: maphash.MakeSeed(), buckets: map[int64]*bloomBucket{},
	}
}

func (w *MemoryReplayWindow) Remember(_ context.Context, id [sha256.Size]byte, forgetAfter time.Time) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if forgetAfter.Before(now) || forgetAfter.Sub(now) > w.span {
		return false, ErrOutsideWindow
	}
	w.dropPast(now)
	i := floorDiv(forgetAfter.UnixNano(), int64(w.width))
	b := w.buckets[i]
	if b == nil {
		var err error
		if b, err = newBloomBucket(); err != nil {
			return false, err
		}
		w.buckets[i] = b
	}
	return b.add(maphash.Bytes(w.seed, id[:])), nil
}

// dropPast frees the buckets whose every forget-after time is before now.
func (w *MemoryReplayWindow) dropPast(now time.Time) {
	for i, b := range w.buckets {
		if (i+1)*int64(w.width) <= now.UnixNano() {
			b.free()
			delete(w.buckets, i)
		}
	}
}

// Close returns the window's memory to the system; it must not be used after.
func (w *MemoryReplayWindow) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, b := range w.buckets {
		b.free()
		delete(w.buckets, i)
	}
}

// LiveBuckets is how many buckets hold memory now.
func (w *MemoryReplayWindow) LiveBuckets() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buckets)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// bloomBucket is one blocked Bloom filter (Putze, Sanders and Singler,
// "Cache-, hash- and space-efficient Bloom filters", 2007): an entry's bits
// all lie in one 4 KiB block.
type bloomBucket struct {
	words []uint64 // blocksPer blocks of blockWords words
	mem   []byte   // what backs words, for free
	n     int      // entries added
}

// add sets h's bits and reports whether one of them was clear (the entry is
// fresh). The block comes from h's high 32 bits, the positions in it from h
// as positions draws them.
func (b *bloomBucket) add(h uint64) bool {
	first := ((h >> 32) * blocksPer >> 32) * blockWords // h's high half scaled to [0, blocksPer)
	block := b.words[first : first+blockWords]
	fresh := false
	for x := range positions(h) {
		word, bit := &block[x/64], uint64(1)<<(x%64)
		if *word&bit == 0 {
			*word |= bit
			fresh = true
		}
	}
	if fresh {
		b.n++
	}
	return fresh
}

// positions yields an entry's hashes bit positions in its block: 15-bit
// slices of a SplitMix64 sequence seeded with h, four to a step.
// (Double hashing inside a 32768-bit block made ten times the false
// positives of independent positions.)
func positions(h uint64) func(yield func(uint32) bool) {
	return func(yield func(uint32) bool) {
		var r uint64
		for i := range hashes {
			if i%4 == 0 {
				h += 0x9e3779b97f4a7c15
				r = h
				r = (r ^ r>>30) * 0xbf58476d1ce4e5b9
				r = (r ^ r>>27) * 0x94d049bb133111eb
				r ^= r >> 31
			}
			if !yield(uint32(r) & (blockBits - 1)) {
				return
			}
			r >>= 16
		}
	}
}
