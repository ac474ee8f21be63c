package state

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplayWindowStructure: however the forget-after times fall, at most
// maxLiveBuckets buckets hold memory, so a window at full capacity stays
// within ReplayMaxBytes, itself within 64 MB.
func TestReplayWindowStructure(t *testing.T) {
	assert.LessOrEqual(t, ReplayMaxBytes, 64_000_000)
	assert.GreaterOrEqual(t, bucketCapacity*bucketsPerSpan, ReplayCapacity)
	assert.GreaterOrEqual(t, blocksPer*blockBits, bucketCapacity*bitsPerEntry)

	now := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	const span = 60 * time.Second
	w := NewMemoryReplayWindow(span, func() time.Time { return now })
	t.Cleanup(w.Close)
	most := 0
	for step := range 400 { // 400 × 700 ms: a few spans, at steps that do not divide the bucket width
		for _, ahead := range []time.Duration{0, span / 3, span / 2, span - time.Millisecond, span} {
			fresh, err := w.Remember(context.Background(), sha256.Sum256(fmt.Appendf(nil, "%d %d", step, ahead)), now.Add(ahead))
			require.NoError(t, err)
			require.True(t, fresh)
		}
		most = max(most, w.LiveBuckets())
		now = now.Add(700 * time.Millisecond)
	}
	assert.Equal(t, maxLiveBuckets, most)
}

// has reports whether every bit of h is set, adding nothing: a lookup of
// an entry never added is a false refusal when it says true.
func (b *bloomBucket) has(h uint64) bool {
	first := ((h >> 32) * blocksPer >> 32) * blockWords
	block := b.words[first : first+blockWords]
	for x := range positions(h) {
		if block[x/64]&(1<<(x%64)) == 0 {
			return false
		}
	}
	return true
}

// TestReplayFalseRefusalRate fills one bucket to its capacity and counts
// false refusals among fresh entries: the measured rate must stay under the
// stated 1e-6 (the expected count at the design's 2.3e-7 is under 5 of 20
// million; 20 would be a one-in-a-million fluke at the design rate).
func TestReplayFalseRefusalRate(t *testing.T) {
	b, err := newBloomBucket()
	require.NoError(t, err)
	t.Cleanup(b.free)
	rng := rand.New(rand.NewPCG(1, 2))
	for range bucketCapacity {
		b.add(rng.Uint64())
	}
	const lookups = 20_000_000
	falseRefusals := 0
	for range lookups {
		if b.has(rng.Uint64()) {
			falseRefusals++
		}
	}
	rate := float64(falseRefusals) / lookups
	t.Logf("false refusals at capacity: %d of %d (%.2g); design %.2g", falseRefusals, lookups, rate, designRate())
	assert.Less(t, falseRefusals, 20)
	assert.Less(t, designRate(), ReplayFalseRefusalRate)
}

// designRate is the blocked filter's false-positive rate at capacity: a
// standard filter's rate for each block load, averaged over the Poisson
// distribution of entries per block.
func designRate() float64 {
	mean := float64(bucketCapacity) / blocksPer
	rate := 0.0
	for load := 0; load < 4*int(mean); load++ {
		lg, _ := math.Lgamma(float64(load) + 1)
		p := math.Exp(float64(load)*math.Log(mean) - mean - lg)
		rate += p * math.Pow(1-math.Exp(-hashes*float64(load)/blockBits), hashes)
	}
	return rate
}
