package quickstart

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Claims are what a JWT access token says about itself that the token view
// explains: the registered claims of RFC 7519 §4.1 that RFC 9068 §2.2 puts
// in access tokens, groups (RFC 9068 §2.2.3.1), and OctoTable's
// property_id. They are read, not verified: the token is the reader's own,
// and only the server that issued it can check its signature. A claim that
// is missing, or not of its type, is its zero value.
type Claims struct {
	Subject string // sub
	Issuer  string // iss
	Groups  []string
	// PropertyID is property_id as the Property header writes it.
	PropertyID string
	IssuedAt   time.Time // iat
	ExpiresAt  time.Time // exp
}

// DecodeClaims reads the claims of token if it is a JWT; ok is false for an
// opaque token.
func DecodeClaims(token string) (Claims, bool) {
	jwt, ok := DecodeJWT(token)
	if !ok {
		return Claims{}, false
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(jwt.Claims), &raw) != nil {
		return Claims{}, false
	}
	return Claims{
		Subject:    claim[string](raw["sub"]),
		Issuer:     claim[string](raw["iss"]),
		Groups:     claim[[]string](raw["groups"]),
		PropertyID: propertyID(raw["property_id"]),
		IssuedAt:   numericDate(raw["iat"]),
		ExpiresAt:  numericDate(raw["exp"]),
	}, true
}

// claim is raw as a T, or T's zero value when raw is missing or not a T
// (json.Unmarshal would leave a list of strings half filled).
func claim[T any](raw json.RawMessage) T {
	var v T
	if json.Unmarshal(raw, &v) != nil {
		var zero T
		return zero
	}
	return v
}

// propertyID is a property_id claim written in decimal: a whole number as
// OctoTable's sample has it, or a string of digits.
func propertyID(raw json.RawMessage) string {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		n = json.Number(s)
	}
	id, err := strconv.ParseUint(n.String(), 10, 63)
	if err != nil {
		return ""
	}
	return strconv.FormatUint(id, 10)
}

// lastNumericDate is 9999-12-31T23:59:59Z: a later date is no date anyone
// means, and would not print in four digits.
const lastNumericDate = 253402300799

// numericDate reads a NumericDate (RFC 7519 §2): seconds since the epoch,
// which may have a fraction. The zero time when absent or out of range.
func numericDate(raw json.RawMessage) time.Time {
	var f float64
	if json.Unmarshal(raw, &f) != nil || f <= 0 || f > lastNumericDate {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// DateText writes a claim's date as the token view shows it, in UTC.
func DateText(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// ExpiryNote says what exp gives against what expires_in said, since the
// two need not agree (OctoTable's sample token lives 15 days, its sample
// answer says 1440): "exp says it expires at 2026-03-01 10:24:00 UTC,
// 24 min after iat; expires_in said 1440 s, the same." "" without exp.
func (c Claims) ExpiryNote(expiresIn int) string {
	if c.ExpiresAt.IsZero() {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "exp says it expires at %s", DateText(c.ExpiresAt))
	lifetime := -1
	if !c.IssuedAt.IsZero() && !c.ExpiresAt.Before(c.IssuedAt) {
		lifetime = int(c.ExpiresAt.Sub(c.IssuedAt) / time.Second)
		fmt.Fprintf(&b, ", %s after iat", spanText(lifetime))
	}
	switch {
	case expiresIn <= 0:
		b.WriteString("; the answer gave no expires_in.")
	case lifetime < 0:
		fmt.Fprintf(&b, "; expires_in said %d s.", expiresIn)
	case lifetime == expiresIn:
		fmt.Fprintf(&b, "; expires_in said %d s, the same.", expiresIn)
	default:
		fmt.Fprintf(&b, "; expires_in said %d s (%s): they disagree, and the API's 401 invalid_token is what counts.",
			expiresIn, spanText(expiresIn))
	}
	return b.String()
}

// spanText is a span as a person says it, in days beyond one: "24 min",
// "15 days", "1 day 2 h".
func spanText(seconds int) string {
	const day = 24 * 3600
	switch days := seconds / day; {
	case days == 0:
		return hoursText(seconds)
	case seconds%day == 0:
		return plural(days, "day")
	default:
		return plural(days, "day") + " " + hoursText(seconds%day)
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
