package clientaddr

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies is the set of peers trusted to name the client they forward for.
// The zero value trusts no one, so forwarding headers are always ignored.
type Proxies struct {
	prefixes []netip.Prefix
}

// ParseProxies reads a comma-separated list of CIDRs (or bare addresses,
// taken as a single host) such as "10.0.0.0/8,192.168.1.7".
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, field := range strings.Split(list, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(field)
		if err != nil {
			addr, aerr := netip.ParseAddr(field)
			if aerr != nil {
				return Proxies{}, fmt.Errorf("parse trusted proxies: %q is not a CIDR such as 10.0.0.0/8 or an address", field)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		p.prefixes = append(p.prefixes, prefix.Masked())
	}
	return p, nil
}

// Trusts reports whether addr (a bare address) is a trusted proxy.
func (p Proxies) Trusts(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	for _, prefix := range p.prefixes {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// Forwarded is the address r's client has when its peer is a trusted proxy:
// from the Forwarded header's for= (RFC 7239), else X-Forwarded-For, the
// rightmost address that is not itself a trusted proxy, since each proxy
// appends the peer it saw and only the part our proxies added is true.
// It returns false when the peer is not trusted, no header is present, or
// the header is malformed: the request then counts against its peer, the
// proxy, which is the safe choice (never a client-chosen address).
func (p Proxies) Forwarded(r *http.Request) (netip.Addr, bool) {
	if !p.TrustsPeer(r.RemoteAddr) {
		return netip.Addr{}, false
	}
	var hops []string
	if values := r.Header.Values("Forwarded"); len(values) > 0 {
		var ok bool
		if hops, ok = forwardedFor(values); !ok {
			return netip.Addr{}, false
		}
	} else if values := r.Header.Values("X-Forwarded-For"); len(values) > 0 {
		for _, v := range values {
			hops = append(hops, strings.Split(v, ",")...)
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := parseHop(hops[i])
		if !ok {
			return netip.Addr{}, false
		}
		if !p.Trusts(addr) {
			return addr, true
		}
	}
	return netip.Addr{}, false
}

// Any reports whether p trusts any peer.
func (p Proxies) Any() bool { return len(p.prefixes) > 0 }

// TrustsPeer reports whether a connection from remoteAddr ("host:port", or
// a bare host) comes from a trusted proxy.
func (p Proxies) TrustsPeer(remoteAddr string) bool {
	if len(p.prefixes) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && p.Trusts(addr)
}

// forwardedFor returns the for= value of each element of the Forwarded
// header values, in order; false if an element has none or is malformed.
func forwardedFor(values []string) ([]string, bool) {
	var hops []string
	for _, v := range values {
		for _, element := range strings.Split(v, ",") {
			var found bool
			for _, pair := range strings.Split(element, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if !ok {
					return nil, false
				}
				if strings.EqualFold(name, "for") {
					hops = append(hops, value)
					found = true
				}
			}
			if !found {
				return nil, false
			}
		}
	}
	return hops, true
}

// parseHop reads one hop: an address, possibly quoted, bracketed (IPv6) or
// with a port, as Forwarded and X-Forwarded-For write them.
func parseHop(hop string) (netip.Addr, bool) {
	hop = strings.Trim(strings.TrimSpace(hop), `"`)
	if addrPort, err := netip.ParseAddrPort(hop); err == nil {
		return addrPort.Addr().Unmap(), true
	}
	addr, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(hop, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// Middleware puts the forwarded client address of requests from trusted
// proxies in their context, where Of reads it, so every per-address limit
// counts the real client rather than the proxy.
func (p Proxies) Middleware(next http.Handler) http.Handler {
	if len(p.prefixes) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr, ok := p.Forwarded(r); ok {
			r = r.WithContext(WithAddr(r.Context(), Key(addr.String())))
		}
		next.ServeHTTP(w, r)
	})
}
