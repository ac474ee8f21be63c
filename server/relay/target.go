package relay

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"octoplay/internal/wire"
)

// targetKind says which of an environment's endpoints a request is for.
type targetKind int

const (
	tokenTarget targetKind = iota + 1
	apiTarget
)

// target is an opened request's destination once allowTarget accepted it.
type target struct {
	env  *Environment
	kind targetKind
	url  *url.URL
}

// allowTarget checks an opened request's method, scheme, authority and path
// against the environments and returns where it may go. It never resolves
// or dials anything: the check is on the text alone, and it refuses every
// form that could be read two ways (userinfo, encoded dots and slashes,
// backslashes, empty or dot segments, fragments).
func allowTarget(envs []*Environment, method, scheme, authority, pathAndQuery string) (*target, error) {
	origin, err := canonicalOrigin(scheme, authority)
	if err != nil {
		return nil, err
	}
	path, query, _ := strings.Cut(pathAndQuery, "?")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if err := checkQuery(query); err != nil {
		return nil, err
	}
	for _, env := range envs {
		if sameOrigin(origin, &env.token) && path == env.token.path {
			if method != "POST" {
				return nil, fmt.Errorf("%w: the token endpoint takes POST, not %s", errNotAllowed, method)
			}
			if query != "" {
				return nil, fmt.Errorf("%w: the token endpoint takes its parameters in the body, not the query", errNotAllowed)
			}
			return &target{env: env, kind: tokenTarget, url: buildURL(env.TokenURL, path, query)}, nil
		}
		for i := range env.apiBases {
			if base := &env.apiBases[i]; sameOrigin(origin, base) && strings.HasPrefix(path, base.path) {
				if !slices.Contains(wire.APIMethods(), method) {
					return nil, fmt.Errorf("%w: method %q is not allowed for the API", errNotAllowed, method)
				}
				return &target{env: env, kind: apiTarget, url: buildURL(env.APIBases[i], path, query)}, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: %s://%s%s is not under any environment's token URL or API bases", errNotAllowed, scheme, authority, path)
}

func buildURL(base *url.URL, path, query string) *url.URL {
	u := &url.URL{Scheme: base.Scheme, Host: base.Host, RawQuery: query}
	// path passed checkPath, so unescaping cannot fail or add a dot segment.
	u.Path, _ = url.PathUnescape(path)
	u.RawPath = path
	return u
}

// canonicalOrigin is scheme://host:port in lower case with the default
// port written out, so "API.octotable.com" and "api.octotable.com:443"
// compare equal and nothing else does.
func canonicalOrigin(scheme, authority string) (string, error) {
	scheme = strings.ToLower(scheme)
	if scheme != "https" && scheme != "http" {
		return "", fmt.Errorf("%w: scheme %q", errNotAllowed, scheme)
	}
	if authority == "" || strings.ContainsAny(authority, "@/\\?#% \t") || hasControl(authority) {
		return "", fmt.Errorf("%w: authority %q", errNotAllowed, authority)
	}
	host, port := authority, ""
	if h, p, err := net.SplitHostPort(authority); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(authority, "[") && strings.HasSuffix(authority, "]") {
		// "[::1]" without a port: the brackets go, as SplitHostPort drops
		// them when there is one, so both forms compare equal.
		host = authority[1 : len(authority)-1]
	} else if strings.ContainsAny(authority, ":[]") {
		return "", fmt.Errorf("%w: authority %q", errNotAllowed, authority)
	}
	if port == "" {
		port = "443"
		if scheme == "http" {
			port = "80"
		}
	}
	if host == "" || strings.HasSuffix(host, ".") {
		return "", fmt.Errorf("%w: host %q", errNotAllowed, host)
	}
	if strings.HasPrefix(authority, "[") {
		// Brackets hold an IPv6 address (RFC 3986 §3.2.2), never a name.
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return "", fmt.Errorf("%w: host %q", errNotAllowed, host)
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(host), port), nil
}

// sameOrigin says whether origin, as canonicalOrigin writes it, is the
// origin of an environment's URL, which NewEnvironment wrote the same way.
func sameOrigin(origin string, u *envURL) bool {
	return u.origin != "" && origin == u.origin
}

// checkPath refuses every path that a server or proxy might read as another
// path: after this, the text is the path. Only RFC 3986 §3.3 pchars are
// allowed raw, ';' aside (Tomcat and others cut matrix parameters there),
// and an escape may not stand for a delimiter, a dot, a percent (a second
// decoding), a control or a non-ASCII byte (overlong UTF-8 dots).
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("%w: path %q must start with /", errNotAllowed, path)
	}
	if strings.Contains(path, "//") {
		return fmt.Errorf("%w: path %q has an empty segment", errNotAllowed, path)
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !isPathChar(c) {
			return fmt.Errorf("%w: path %q has a character that is not allowed", errNotAllowed, path)
		}
		if c != '%' {
			continue
		}
		b, err := hex.DecodeString(path[i+1 : min(i+3, len(path))])
		if err != nil || len(b) != 1 {
			return fmt.Errorf("%w: path %q has a malformed escape", errNotAllowed, path)
		}
		if b[0] < 0x20 || b[0] >= 0x7f || strings.IndexByte("./\\%;#?", b[0]) >= 0 {
			return fmt.Errorf("%w: path %q has an encoded dot, slash, backslash, percent, delimiter or control", errNotAllowed, path)
		}
		i += 2
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%w: path %q has a dot segment", errNotAllowed, path)
		}
	}
	return nil
}

// isPathChar is RFC 3986's pchar with '/' and without ';'.
func isPathChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,=:@/%", c) >= 0
}

// checkQuery allows RFC 3986 §3.4's characters only: Go sends RawQuery as
// it is, so anything else would reach the upstream unescaped.
func checkQuery(query string) error {
	for i := 0; i < len(query); i++ {
		if c := query[i]; !isPathChar(c) && c != '?' {
			return fmt.Errorf("%w: query has a character that is not allowed", errNotAllowed)
		}
	}
	if _, err := url.ParseQuery(query); err != nil {
		return fmt.Errorf("%w: query is not valid form encoding", errNotAllowed)
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return true
		}
	}
	return false
}
