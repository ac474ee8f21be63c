package quickstart

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"time"

	"octoplay/internal/bhttp"
)

// Answer is an upstream's answer as the relay brought it back, with the
// round trip's duration.
type Answer struct {
	Status   int
	Header   bhttp.Fields
	Body     []byte
	Duration time.Duration
}

// HeaderText lists the answer's fields, one per line, as HTTP/1.1 writes them.
func (a Answer) HeaderText() string {
	var b strings.Builder
	for _, f := range a.Header {
		fmt.Fprintf(&b, "%s: %s\n", textproto.CanonicalMIMEHeaderKey(f.Name), f.Value)
	}
	return strings.TrimRight(b.String(), "\n")
}

// PrettyBody indents a JSON body and puts Masked in place of every value in
// secrets; a body that is not JSON comes back as text.
func (a Answer) PrettyBody(secrets ...string) string {
	var out bytes.Buffer
	if json.Valid(a.Body) && json.Indent(&out, a.Body, "", "  ") == nil {
		return maskJSONStrings(out.String(), secrets)
	}
	return maskSecrets(string(a.Body), secrets)
}

// RawBody is the body as it came, with Masked in place of every value in
// secrets (in a JSON body, where the server escaped it too).
func (a Answer) RawBody(secrets ...string) string {
	if a.IsJSON() {
		return maskJSONStrings(string(a.Body), secrets)
	}
	return maskSecrets(string(a.Body), secrets)
}

// IsJSON says whether the body is one JSON text, which PrettyBody indents.
func (a Answer) IsJSON() bool { return json.Valid(a.Body) }

func maskSecrets(text string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, Masked)
		}
	}
	return text
}

// maskJSONStrings masks secrets in the string literals of valid JSON text
// as decoded: a server may escape what the secret holds ("a\/b" for "a/b",
// "\u00e9" for "é"), which a plain search would miss.
func maskJSONStrings(text string, secrets []string) string {
	var b strings.Builder
	for {
		start := strings.IndexByte(text, '"')
		if start < 0 {
			break
		}
		end := start + 1
		for end < len(text) && text[end] != '"' {
			if text[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(text) {
			break
		}
		b.WriteString(text[:start])
		b.WriteString(maskLiteral(text[start:end+1], secrets))
		text = text[end+1:]
	}
	b.WriteString(maskSecrets(text, secrets))
	return b.String()
}

// maskLiteral masks one JSON string literal, keeping it as it came when it
// holds no secret.
func maskLiteral(lit string, secrets []string) string {
	var s string
	if json.Unmarshal([]byte(lit), &s) != nil {
		return maskSecrets(lit, secrets)
	}
	masked := maskSecrets(s, secrets)
	if masked == s {
		return lit
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.Encode(masked) // a string always encodes
	return strings.TrimSuffix(out.String(), "\n")
}

// Token is a successful token answer (RFC 6749 §5.1).
type Token struct {
	AccessToken string
	// TokenType is token_type, or the quickstart's "type" when the answer
	// has only that (UsedTypeField is then true).
	TokenType     string
	UsedTypeField bool
	// ExpiresIn is the lifetime in seconds; zero when the answer gave none.
	ExpiresIn int
	// ExpiresAt is when the token stops working, from the time it arrived.
	ExpiresAt time.Time
}

// ParseToken reads a token answer that arrived at now.
func ParseToken(body []byte, now time.Time) (Token, error) {
	var raw struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		Type        string          `json:"type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Token{}, errors.New("the answer is not the JSON object RFC 6749 §5.1 describes")
	}
	if raw.AccessToken == "" {
		return Token{}, errors.New("the answer has no access_token")
	}
	t := Token{AccessToken: raw.AccessToken, TokenType: raw.TokenType}
	if t.TokenType == "" && raw.Type != "" {
		t.TokenType, t.UsedTypeField = raw.Type, true
	}
	if len(raw.ExpiresIn) > 0 && string(raw.ExpiresIn) != "null" {
		var n json.Number
		if err := json.Unmarshal(raw.ExpiresIn, &n); err != nil {
			// Some servers send "1440" as a string; read that too.
			var s string
			if json.Unmarshal(raw.ExpiresIn, &s) != nil {
				return Token{}, errors.New("expires_in is not a number")
			}
			n = json.Number(s)
		}
		secs, err := n.Int64()
		if err != nil || secs < 0 {
			return Token{}, errors.New("expires_in is not a whole number of seconds")
		}
		if secs > maxExpiresIn {
			return Token{}, errors.New("expires_in is too large to be a lifetime")
		}
		t.ExpiresIn = int(secs)
		t.ExpiresAt = now.Add(time.Duration(secs) * time.Second)
	}
	return t, nil
}

// maxExpiresIn is the longest lifetime a time.Duration holds (292 years).
const maxExpiresIn = int64(math.MaxInt64 / time.Second)

// Expired says whether the token has stopped working at now.
func (t Token) Expired(now time.Time) bool {
	return t.ExpiresIn > 0 && !now.Before(t.ExpiresAt)
}

// Lifetime says what expires_in means: "1440 s, 24 min", "5400 s, 1 h 30 min".
func Lifetime(seconds int) string {
	if seconds <= 0 {
		return "not given"
	}
	if seconds < 60 {
		return fmt.Sprintf("%d s", seconds)
	}
	return fmt.Sprintf("%d s, %s", seconds, hoursText(seconds))
}

// hoursText is a span in hours, minutes and seconds: "1 h 30 min".
func hoursText(seconds int) string {
	var parts []string
	if h := seconds / 3600; h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m := seconds % 3600 / 60; m > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	if s := seconds % 60; s > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d s", s))
	}
	return strings.Join(parts, " ")
}

// Countdown is the time left as "23:59" or "1:02:03", "0:00" once expired;
// a token still valid shows at least "0:01".
func Countdown(expiresAt, now time.Time) string {
	left := max(expiresAt.Sub(now), 0)
	secs := int64(left / time.Second)
	if left%time.Second != 0 {
		secs++
	}
	h, m, s := secs/3600, secs%3600/60, secs%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// JWT is a decoded JSON Web Token's header and claims (RFC 7519), pretty
// printed. The signature is not checked: the playground only shows.
type JWT struct {
	Header string
	Claims string
}

// DecodeJWT decodes token if it is a JWS compact serialization with JSON
// header and claims; ok is false for opaque tokens.
func DecodeJWT(token string) (JWT, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return JWT{}, false
	}
	header, ok := decodeSegment(parts[0])
	if !ok {
		return JWT{}, false
	}
	claims, ok := decodeSegment(parts[1])
	if !ok {
		return JWT{}, false
	}
	return JWT{Header: header, Claims: claims}, true
}

func decodeSegment(s string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return "", false
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return "", false
	}
	var out bytes.Buffer
	if json.Indent(&out, raw, "", "  ") != nil {
		return "", false
	}
	return out.String(), true
}

// CreatedID is the id of what a 201 (Created) answer made, such as the
// sandbox's new reservation: the last segment of its Location (RFC 9110
// §15.3.2), else the "id" of the one object under "data" in its body, an
// array as OctoTable answers (an object is taken too).
func (a Answer) CreatedID() (string, bool) {
	if a.Status != 201 {
		return "", false
	}
	if loc, err := url.Parse(a.Header.Get("location")); err == nil && loc.Path != "" && !strings.HasSuffix(loc.Path, "/") {
		return path.Base(loc.Path), true
	}
	var body struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(a.Body, &body) != nil {
		return "", false
	}
	var list []json.RawMessage
	if json.Unmarshal(body.Data, &list) == nil {
		if len(list) != 1 {
			return "", false
		}
		body.Data = list[0]
	}
	var created struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body.Data, &created) != nil {
		return "", false
	}
	var id string
	if json.Unmarshal(created.ID, &id) == nil && id != "" {
		return id, true
	}
	var n json.Number
	if json.Unmarshal(created.ID, &n) == nil && n != "" {
		return n.String(), true
	}
	return "", false
}
