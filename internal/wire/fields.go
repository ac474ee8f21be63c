package wire

import "strings"

// What the relay passes upstream of a sealed request's fields, said once:
// the relay drops what RelayDrops names, and the playground refuses the
// same names as Step 2's extra headers (with its own few more), so that the
// request it shows is the request that goes.

// RelayDrops says whether the relay drops a request field of this name
// (any case) rather than send it upstream, and why, in words the
// playground shows. Besides these, the relay drops every field a
// Connection header lists (RFC 9110 §7.6.1).
func RelayDrops(name string) (why string, dropped bool) {
	name = strings.ToLower(name)
	if why, ok := droppedFields[name]; ok {
		return why, true
	}
	for _, p := range droppedPrefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.why, true
		}
	}
	return "", false
}

const hopByHop = "it describes one connection, not the request, so the relay never passes it on (RFC 9110 section 7.6.1)"

// droppedFields are the fields that describe one connection (RFC 9110
// §7.6.1), and the ones that speak for the browser or the relay rather than
// the sender: the relay chooses Host from the target and writes
// Content-Length and Date itself, and the sender has no cookies to give
// OctoTable.
var droppedFields = map[string]string{
	"connection":        hopByHop,
	"keep-alive":        hopByHop,
	"te":                hopByHop,
	"trailer":           hopByHop,
	"transfer-encoding": hopByHop,
	"upgrade":           hopByHop,
	"host":              "the relay sets Host from the URL",
	"cookie":            "the relay sends no cookies: OctoTable's API authenticates with the token alone",
	"content-length":    "the relay sets Content-Length from the body",
	"date":              "the relay dates each request itself",
	"forwarded":         "it would speak for a proxy, and the relay is none",
	"x-real-ip":         "it would speak for a proxy, and the relay is none",
	"via":               "it would speak for a proxy, and the relay is none",
}

// droppedPrefixes are the families of fields the relay drops: those meant
// for a proxy, those a proxy adds, and the relay's own (HeaderPrefix).
var droppedPrefixes = []struct{ prefix, why string }{
	{"proxy-", "it speaks to a proxy, and the relay is none"},
	{"x-forwarded-", "it would speak for a proxy, and the relay is none"},
	{HeaderPrefix, "Octoplay-* fields speak to the relay, which never passes them on"},
}

// Step 2's request body and extra headers are bounded below what the relay
// opens (its inner request limits: 128 KiB of body, 32 KiB of fields, 64
// fields), so that a request the playground lets go is never refused for
// its size once sealed, whatever else it carries: the token, the Property
// header, the Date.
const (
	// MaxAPIBody is the largest body Step 2 sends: half of what the relay
	// opens, and far more than any OctoTable write needs.
	MaxAPIBody = 64 << 10
	// MaxExtraFields is how many extra header fields Step 2 sends.
	MaxExtraFields = 20
	// MaxFieldNameLen and MaxFieldValueLen bound one extra field: twenty of
	// them fill at most 22 KiB of the relay's 32.
	MaxFieldNameLen  = 64
	MaxFieldValueLen = 1024
)
