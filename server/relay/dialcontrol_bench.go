//go:build octoplaybench

package relay

import (
	"fmt"
	"net/netip"
	"syscall"
)

// defaultDialControl, in the bench's build alone (go build -tags
// octoplaybench: never `make build`, never the image), lets the relay dial
// 127.0.0.1, so that the bench can measure it forwarding to the same
// upstream process, over loopback TCP, as the reverse proxy it is compared
// with. Every other address goes through the shipped guard.
var defaultDialControl = benchDialControl

func benchDialControl(network, address string, c syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", errDialRefused, address)
	}
	if ap.Addr() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
		return nil
	}
	return guardDial(network, address, c)
}
