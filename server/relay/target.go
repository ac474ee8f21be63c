package relay

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// targetKind says which of an environment's endpoints a request is for.
type targetKind int

const (
	tokenTarget targetKind = iota + 1
	apiTarget
)

// apiMethods are what Step 2 may send to an API base; the token endpoint
// takes POST alone (RFC 6749 §3.2).
var apiMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

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
		if sameOrigin(origin, env.TokenURL) && path == env.TokenURL.EscapedPath() {
			if method != "POST" {
				return nil, fmt.Errorf("%w: the token endpoint takes POST, not %s", errNotAllowed, method)
			}
			if query != "" {
				return nil, fmt.Errorf("%w: the token endpoint takes its parameters in the body, not the query", errNotAllowed)
			}
			return &target{env: env, kind: tokenTarget, url: buildURL(env.TokenURL, path, query)}, nil
		}
		for _, base := range env.APIBases {
			if sameOrigin(origin, base) && strings.HasPrefix(path, base.EscapedPath()) {
				if !slices.Contains(apiMethods, method) {
					return nil, fmt.Errorf("%w: method %q is not allowed for the API", errNotAllowed, method)
				}
				return &target{env: env, kind: apiTarget, url: buildURL(base, path, query)}, nil
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
	} else if strings.Contains(authority, ":") && !strings.HasPrefix(authority, "[") {
		return "", fmt.Errorf("%w: authority %q", errNotAllowed, authority)
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	if host == "" || strings.HasSuffix(host, ".") {
		return "", fmt.Errorf("%w: host %q", errNotAllowed, host)
	}
	return scheme + "://" + strings.ToLower(host) + ":" + port, nil
}

func sameOrigin(origin string, u *url.URL) bool {
	want, err := canonicalOrigin(u.Scheme, u.Host)
	return err == nil && origin == want
}

// checkPath refuses every path that a server or proxy might read as another
// path: after this, the text is the path.
func checkPath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("%w: path %q must start with /", errNotAllowed, path)
	}
	if strings.ContainsAny(path, "\\#;") || strings.Contains(path, "//") || hasControl(path) {
		return fmt.Errorf("%w: path %q has a backslash, fragment, parameter or empty segment", errNotAllowed, path)
	}
	lower := strings.ToLower(path)
	for _, enc := range []string{"%2e", "%2f", "%5c", "%25", "%00", "%3b", "%23", "%3f"} {
		if strings.Contains(lower, enc) {
			return fmt.Errorf("%w: path %q has an encoded dot, slash, backslash, percent or delimiter", errNotAllowed, path)
		}
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%w: path %q has a dot segment", errNotAllowed, path)
		}
	}
	if _, err := url.PathUnescape(path); err != nil {
		return fmt.Errorf("%w: path %q: %v", errNotAllowed, path, err)
	}
	return nil
}

func checkQuery(query string) error {
	if strings.ContainsAny(query, "# \\") || hasControl(query) {
		return fmt.Errorf("%w: query has a fragment, space, backslash or control character", errNotAllowed)
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

func sortStrings(s []string) { slices.Sort(s) }
