// Package clientaddr names the party a request counts against: its client
// address as the connection gives it (an IPv4 address, or the /64 of an IPv6
// address), never a header the client sets.
//
// A server that hands a request to another handler in-process (the relay
// reaching the sandbox) passes the outer client's address in the context
// with WithAddr, so the inner handler counts the same party and never the
// process itself. Neither side needs to know the other: both read this
// package alone.
package clientaddr

import (
	"context"
	"net"
	"net/http"
	"net/netip"
)

type ctxKey struct{}

// WithAddr returns ctx carrying addr, a key as Key returns it, as the
// address of the client the work is done for.
func WithAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, ctxKey{}, addr)
}

// From returns the client address WithAddr put in ctx.
func From(ctx context.Context) (string, bool) {
	addr, ok := ctx.Value(ctxKey{}).(string)
	return addr, ok && addr != ""
}

// Of is who r counts against: the address in its context if an outer server
// put one there, else the address of its connection.
func Of(r *http.Request) string {
	if addr, ok := From(r.Context()); ok {
		return addr
	}
	return Key(r.RemoteAddr)
}

// Key is who a connection from remoteAddr ("host:port", or a bare host)
// counts against: its IPv4 address, or the /64 of its IPv6 address, since
// one subscriber commonly holds a whole /64 and would otherwise count as
// billions of clients. An IPv4-mapped IPv6 address counts as IPv4.
func Key(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if ip = ip.Unmap(); ip.Is6() {
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}

// Range is the address range a key (as Key returns it) shares with its
// neighbours: the /24 of an IPv4 address, the /48 of an IPv6 /64. One party
// commonly holds a whole range (a subscriber's /48, a host's /24), so a
// global resource shared out by address alone would grow its share with
// every address it adds. Anything else is its own range.
func Range(key string) string {
	if p, err := netip.ParsePrefix(key); err == nil {
		r, _ := p.Addr().Prefix(48)
		return r.String()
	}
	if a, err := netip.ParseAddr(key); err == nil && a.Is4() {
		r, _ := a.Prefix(24)
		return r.String()
	}
	return key
}
