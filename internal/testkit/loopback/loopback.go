// Package loopback gives tests many client addresses on one machine: Linux
// routes the whole of 127.0.0.0/8 to the loopback interface, so a client
// that binds 127.0.0.2 before dialling a server on 127.0.0.1 reaches it as a
// second address, as a stranger on the internet would.
package loopback

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Addr is the i-th client address other than 127.0.0.1: 127.0.0.2 for 0,
// then on through 127.0.x.y for up to 60 000 addresses.
func Addr(i int) string {
	n := i + 2
	return fmt.Sprintf("127.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff)
}

// Dialer dials from ip, any port.
func Dialer(ip string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
}

// Client is an HTTP client whose connections come from ip, with its own
// pool of connections.
func Client(ip string) *http.Client {
	return &http.Client{
		Transport: &http.Transport{DialContext: Dialer(ip).DialContext, MaxIdleConnsPerHost: 64},
		Timeout:   30 * time.Second,
	}
}
