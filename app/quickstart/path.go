package quickstart

import (
	"fmt"
	"net/url"
	"strings"
)

// Step 2's path is checked as it is typed, so that the preview is always
// the request that goes and what stops it shows beside the field.

// PathOf is what to keep of a path as typed: a URL of the environment,
// pasted whole as OctoTable's docs write their examples
// (https://api.octotable.com/octotable-pms/api/v2/rooms), becomes its path
// and query; anything else stays as typed, for URL to accept or refuse.
func (e Environment) PathOf(typed string) string {
	u, ok := pastedURL(typed)
	if !ok {
		return typed
	}
	if rest, ok := e.underOrigin(u); ok {
		return rest
	}
	return typed
}

// pastedURL parses s when it is an http(s) URL with a host, as a paste
// from a browser's address bar or the docs is.
func pastedURL(s string) (*url.URL, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return nil, false
	}
	return absoluteURL(s)
}

// underOrigin is u after the environment's origin (path, query), when u
// is under it: the same scheme and host, and the origin's path (the
// sandbox's /sandbox) first.
func (e Environment) underOrigin(u *url.URL) (string, bool) {
	o, ok := absoluteURL(e.Origin())
	if !ok || !strings.EqualFold(o.Scheme, u.Scheme) || !strings.EqualFold(o.Host, u.Host) || u.User != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(u.EscapedPath(), strings.TrimSuffix(o.EscapedPath(), "/"))
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	if u.RawQuery != "" || u.ForceQuery {
		rest += "?" + u.RawQuery
	}
	return rest, true
}

// elsewhere says why a whole URL typed as the path cannot go: another
// host, or not under the environment's origin.
func (e Environment) elsewhere(u *url.URL) error {
	o, ok := absoluteURL(e.Origin())
	if !ok {
		return fmt.Errorf("choose an environment")
	}
	if !strings.EqualFold(o.Host, u.Host) || !strings.EqualFold(o.Scheme, u.Scheme) {
		return fmt.Errorf("%s://%s is not this environment's host: the playground sends only to %s; type the path alone, such as /api/v2/", u.Scheme, u.Host, o.Host)
	}
	return fmt.Errorf("that URL is not under %s: type the path alone, such as /api/v2/", e.Origin())
}

// badEscape is the first % in s not followed by two hex digits (RFC 3986
// §2.1), with what follows it, "" when there is none: url.Parse takes
// one in a query as it is, and the relay then refuses the target.
func badEscape(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			i += 2
			continue
		}
		end := min(i+3, len(s))
		return s[i:end]
	}
	return ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
