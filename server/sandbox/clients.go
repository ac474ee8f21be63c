package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"octoplay/internal/clientaddr"
	"octoplay/server/state"
)

// Create-client gives a visitor a client id and secret of their own, for a
// private sandbox property seeded with the fixtures: its writes are kept
// under the client, not under the visitor's address, so two partners
// behind one NAT do not share reservations. Nothing is stored per client:
// the client id carries its property and expiry under a tag of the
// sandbox's key, and the secret is derived from the id under that key, so
// every sandbox given the same key knows every client any of them made.
//
//	public_<property>-<expiry>-<nonce>-<tag>
//
// in hex: the property id and the expiry (Unix seconds) on 8 digits each,
// 8 random digits, and 16 digits of HMAC-SHA256 of what precedes them.

// ClientLifetime is how long a created client and its property last: the
// docs say "a limited period".
const ClientLifetime = 24 * time.Hour

// ClientsPerRange limits created clients per address range (IPv4 /24,
// IPv6 /48): 5 at once, then one every 10 minutes. ClientsTotal bounds
// them all together: 300 at once, then one every 5 seconds.
//
// Beyond the total, ClientsReserve is kept for the ranges new to it: one
// that made no client in the last hour (ClientsNewcomer, per range) still
// gets one, 30 at once, then one every 50 seconds. A party whose ranges
// spent the total made clients from each of them, so none of its ranges
// takes the reserve: to spend it too, it needs as many ranges again.
var (
	ClientsPerRange = state.Limit{Interval: 10 * time.Minute, Burst: 5}
	ClientsTotal    = state.Limit{Interval: 5 * time.Second, Burst: 300}
	ClientsNewcomer = state.Limit{Interval: time.Hour, Burst: 1}
	ClientsReserve  = state.Limit{Interval: 50 * time.Second, Burst: 30}
)

const createdPrefix = "public_"

var clientFields = []field{
	{name: "redirect_uri", kind: kURL, required: true, doc: "the redirect uri of the company (kept by OctoTable; the sandbox does not use it)"},
	{name: "sandbox_property", kind: kObject, required: true, members: []field{
		{name: "name", kind: kString, required: true, doc: "the name of the sandbox property"},
		{name: "username", kind: kString},
		{name: "password", kind: kString, doc: "echoed back, as OctoTable does"},
		{name: "description", kind: kString},
		{name: "email", kind: kString},
		{name: "website", kind: kString},
		{name: "phone", kind: kString},
	}},
}

const clientExample = `{
  "redirect_uri": "https://example.com/callback",
  "sandbox_property": {"name": "Trattoria di prova", "username": "trattoria", "password": "choose-one", "email": "dev@example.com"}
}`

type clientBody struct {
	RedirectURI     string `json:"redirect_uri"`
	SandboxProperty struct {
		Name     string `json:"name"`
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"sandbox_property"`
}

func createClient(s *Sandbox, c *call) (reply, *failure) {
	var b clientBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	if f := s.admitClient(c.r); f != nil {
		return reply{}, f
	}
	var nonce [4]byte
	_, _ = rand.Read(nonce[:]) // never fails: crypto/rand.Read crashes the program rather than return an error
	property := 2_000_000 + int(binary.BigEndian.Uint32(nonce[:])%100_000_000)
	expires := s.now().Add(ClientLifetime).Truncate(time.Second)
	id := s.clientID(property, expires, nonce)
	return created(CreatedClient{
		ClientID: id, ClientSecret: s.clientSecret(id), ID: property,
		Username: b.SandboxProperty.Username, Password: b.SandboxProperty.Password,
		Properties: []CreatedProperty{{ID: property, Name: b.SandboxProperty.Name, Enabled: true, Sandbox: true,
			ExpiresAt: expires.UTC().Format(time.RFC3339)}},
	})
}

// admitClient counts a creation against the caller's address range and
// against all of them: a stranger with many addresses in one range gets
// its share, no one gets more than the whole, and a range new to the
// sandbox gets one from the reserve when the whole is spent.
func (s *Sandbox) admitClient(r *http.Request) *failure {
	ctx := r.Context()
	rng := "range " + clientaddr.Range(clientaddr.Of(r))
	d, err := s.clientsPerRange.Allow(ctx, rng)
	if err != nil {
		return unavailable(err)
	}
	if !d.Allowed {
		return apiFailure(http.StatusTooManyRequests, codeLimitExceeded, fmt.Sprintf(
			"your network has made %d clients lately, as many as the sandbox makes for one; each lasts %v, so use one of those, or try again in %s",
			ClientsPerRange.Burst, ClientLifetime, retryAfter(d.RetryAfter)+" seconds")).
			withHeader("Retry-After", retryAfter(d.RetryAfter))
	}
	// Spent by every creation, so that a range which made one lately is
	// no newcomer when the total runs out.
	fresh, err := s.clientsNewcomer.Allow(ctx, rng)
	if err != nil {
		return unavailable(err)
	}
	total, err := s.clientsTotal.Allow(ctx, "all")
	if err != nil {
		return unavailable(err)
	}
	if total.Allowed {
		return nil
	}
	if fresh.Allowed {
		reserve, err := s.clientsReserve.Allow(ctx, "all")
		if err != nil {
			return unavailable(err)
		}
		if reserve.Allowed {
			return nil
		}
	}
	return apiFailure(http.StatusServiceUnavailable, codeUnavailable,
		"the sandbox has made as many clients as it makes for now; try again later, or use the demo client").
		withHeader("Retry-After", retryAfter(total.RetryAfter))
}

func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int((max(wait, time.Second) + time.Second - 1) / time.Second))
}

func (s *Sandbox) clientMAC(label string, b []byte) []byte {
	m := hmac.New(sha256.New, s.clientKey)
	m.Write([]byte(label))
	m.Write(b)
	return m.Sum(nil)
}

func (s *Sandbox) clientID(property int, expires time.Time, nonce [4]byte) string {
	body := fmt.Sprintf("%s%08x-%08x-%s", createdPrefix, property, uint32(expires.Unix()), hex.EncodeToString(nonce[:]))
	return body + "-" + hex.EncodeToString(s.clientMAC("id", []byte(body))[:8])
}

// clientSecret is a created client's secret, UUID-shaped as OctoTable's.
func (s *Sandbox) clientSecret(id string) string {
	b := s.clientMAC("secret", []byte(id))[:16]
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// createdClient reads a created client's id: its property, and whether it
// is one the sandbox's key made that has not expired.
func (s *Sandbox) createdClient(id string) (property int, live bool) {
	body, tag, found := cutLast(id, "-")
	if !found || !strings.HasPrefix(body, createdPrefix) || len(id) != len(createdPrefix)+8+1+8+1+8+1+16 {
		return 0, false
	}
	want := hex.EncodeToString(s.clientMAC("id", []byte(body))[:8])
	if subtle.ConstantTimeCompare([]byte(tag), []byte(want)) != 1 {
		return 0, false
	}
	parts := strings.Split(strings.TrimPrefix(body, createdPrefix), "-")
	p, err1 := strconv.ParseUint(parts[0], 16, 32)
	exp, err2 := strconv.ParseUint(parts[1], 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int(p), s.now().Before(time.Unix(int64(exp), 0))
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// propertyOf is a client's property: the demo's, or the created client's.
func (s *Sandbox) propertyOf(clientID string) int {
	if property, _ := s.createdClient(clientID); property != 0 {
		return property
	}
	return demoPropertyID
}

// ownerOf is whose writes a request reads and makes. A created client's
// are its own. The configured clients' credentials are public (the demo's
// is printed in the docs), so a client id alone would let any stranger
// read and fill everyone's sandbox: their writes are the address's.
func ownerOf(r *http.Request, tok tokenRecord) string {
	if strings.HasPrefix(tok.clientID, createdPrefix) {
		return "client " + tok.clientID
	}
	return clientaddr.Of(r) + " " + tok.clientID
}

// listOfOne takes create-client's body as the live API does, an array of
// one object, or as the Postman example writes it, the object alone.
func listOfOne(raw json.RawMessage) json.RawMessage {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) == 1 {
		return list[0]
	}
	return raw
}
