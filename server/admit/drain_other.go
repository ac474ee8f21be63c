//go:build !unix

package admit

import "net"

// discardBuffered does nothing where the socket cannot be read without
// waiting: the close may then reset the connection.
func discardBuffered(net.Conn) {}
