//go:build unix

package state

import (
	"fmt"
	"syscall"
	"unsafe"
)

// newBloomBucket maps the bucket's memory straight from the system, outside
// Go's heap: pages are resident only once an entry touches them, and go
// back to the system at once when the bucket is dropped. (From Go's heap, a
// reused span is zeroed whole, and every bucket would be resident in full.)
func newBloomBucket() (*bloomBucket, error) {
	mem, err := syscall.Mmap(-1, 0, bucketBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("state: replay window: map %d bytes: %w", bucketBytes, err)
	}
	return &bloomBucket{words: unsafe.Slice((*uint64)(unsafe.Pointer(&mem[0])), bucketBytes/8), mem: mem}, nil
}

func (b *bloomBucket) free() {
	b.words = nil
	syscall.Munmap(b.mem)
	b.mem = nil
}
