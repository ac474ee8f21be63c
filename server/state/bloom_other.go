//go:build !unix

package state

func newBloomBucket() (*bloomBucket, error) {
	return &bloomBucket{words: make([]uint64, bucketBytes/8)}, nil
}

func (b *bloomBucket) free() { b.words = nil }
