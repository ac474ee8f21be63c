//go:build unix

package admit

import (
	"net"
	"syscall"
)

// discardBuffered reads what c has received so far, up to 64 KiB, and
// never waits for more.
func discardBuffered(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	var buf [4096]byte
	rc.Read(func(fd uintptr) bool {
		for range 16 {
			if n, err := syscall.Read(int(fd), buf[:]); n <= 0 || err != nil {
				break
			}
		}
		return true // done: do not wait for readability
	})
}
