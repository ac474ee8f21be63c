package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// call is one authorized API request, as its handler sees it.
type call struct {
	r   *http.Request
	tok tokenRecord
	// property is the token's property; owner is whose writes the request
	// reads and makes (see ownerOf).
	property int
	owner    string
	q        query
	// body is the request's JSON, checked against the operation's fields.
	body json.RawMessage
}

// pathID is the integer path parameter name: a malformed one is 400.
func (c *call) pathID(name string) (int, *failure) {
	id, err := strconv.Atoi(c.r.PathValue(name))
	if err != nil || id < 0 {
		return 0, badRequest(name + ": want an integer id, not " + strconv.Quote(c.r.PathValue(name)))
	}
	return id, nil
}

// pathObject is the object of m the path parameter param names, or a 404
// that names its kind as the docs' errors do ("Room with id 9 not found").
func pathObject[T any](m map[int]T, c *call, param, kind string) (T, *failure) {
	var zero T
	id, f := c.pathID(param)
	if f != nil {
		return zero, f
	}
	v, found := m[id]
	if !found {
		return zero, missing(kind, id)
	}
	return v, nil
}

// decode reads the checked body into v.
func (c *call) decode(v any) *failure {
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest("the body does not fit its fields: " + err.Error())
	}
	return nil
}

// reply is a successful API answer: its status, extra headers, and its
// body: an envelope around data (dataOf, pagedOf), or a bare object.
type reply struct {
	status int
	header http.Header
	body   any
}

// dataAnswer is OctoTable's envelope of a success: the objects under
// "data", always an array, even of one; with the cursor of the next page
// on a list that has one.
type dataAnswer struct {
	Data       any    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pagedAnswer is the envelope OctoTable's room PUT and DELETE answer with.
type pagedAnswer struct {
	Data          any      `json:"data"`
	PageNumber    int      `json:"page_number"`
	PageSize      int      `json:"page_size"`
	TotalElements int      `json:"total_elements"`
	TotalPages    int      `json:"total_pages"`
	LastPage      bool     `json:"last_page"`
	Links         []string `json:"links"`
}

// ok is a 200 answer with items under "data".
func ok[T any](items ...T) (reply, *failure) {
	return reply{status: http.StatusOK, body: dataAnswer{Data: nonNil(items)}}, nil
}

// created is a 201 answer with the new object under "data".
func created(item any) (reply, *failure) {
	return reply{status: http.StatusCreated, body: dataAnswer{Data: []any{item}}}, nil
}

// paged is a 200 answer in the paged envelope.
func paged(item any) (reply, *failure) {
	return reply{status: http.StatusOK, body: pagedAnswer{Data: []any{item}, LastPage: true, Links: []string{}}}, nil
}

// protected serves op: it needs a valid Bearer token and, as op says, the
// Property header of the token's property; the query and the body are
// checked against op's fields before op's handler runs.
func (s *Sandbox) protected(op *operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep, f := s.serve(op, r)
		if f != nil {
			f.write(w)
			return
		}
		for key, values := range rep.header {
			w.Header()[key] = values
		}
		writeJSON(w, rep.status, rep.body)
	})
}

func (s *Sandbox) serve(op *operation, r *http.Request) (reply, *failure) {
	c := &call{r: r}
	if op.auth != authNone {
		tok, f := s.bearerToken(r)
		if f != nil {
			return reply{}, f
		}
		c.tok, c.property = tok, int(tok.propertyID)
		if op.auth == authProperty {
			if f := checkProperty(r, c.property); f != nil {
				return reply{}, f
			}
		}
		c.owner = ownerOf(r, tok)
	}
	q, f := readQuery(r, op.params)
	if f != nil {
		return reply{}, f
	}
	c.q = q
	if op.body != nil {
		if c.body, f = readObject(r, op.body, op.oneOf); f != nil {
			return reply{}, f
		}
	}
	return op.handle(s, c)
}

// bearerToken authenticates an API request by its Bearer token in the
// Authorization header (RFC 6750 §2.1), the one method the quickstart uses.
func (s *Sandbox) bearerToken(r *http.Request) (tokenRecord, *failure) {
	// RFC 6750 §2.3 allows a token in the URL only where nothing else works,
	// since URLs are logged: refuse it rather than ignore it.
	if r.URL.Query().Has("access_token") {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"send the access token in the Authorization header, not in the URL")
	}
	authorization := r.Header.Values("Authorization")
	if len(authorization) == 0 {
		return tokenRecord{}, noBearer("missing access token; send Authorization: Bearer <token>")
	}
	if len(authorization) > 1 {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"more than one Authorization header")
	}
	scheme, token, _ := strings.Cut(authorization[0], " ")
	if scheme == "" {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"malformed Authorization header")
	}
	if !strings.EqualFold(scheme, "Bearer") {
		// RFC 6750 §3.1: a request that used another method gets the bare
		// challenge, like one with no credentials.
		return tokenRecord{}, noBearer("unsupported authorization scheme; send Authorization: Bearer <token>")
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"malformed Bearer token")
	}
	rec, ok := s.tokens.verify(token)
	switch {
	case !ok:
		return tokenRecord{}, bearerFailure(http.StatusUnauthorized, "invalid_token",
			"The access token is not valid")
	case !s.now().Before(rec.expiresAt):
		return tokenRecord{}, bearerFailure(http.StatusUnauthorized, "invalid_token",
			"The access token expired")
	}
	return rec, nil
}

// noBearer is RFC 6750 §3.1's answer to a request without Bearer
// credentials: 401 and a challenge with no error code.
func noBearer(message string) *failure {
	return apiFailure(http.StatusUnauthorized, codeUnauthorized, message).
		withHeader("WWW-Authenticate", `Bearer realm="octotable"`)
}

// bearerFailure answers a request whose Bearer credentials are wrong, with
// the RFC 6750 §3 error code in the challenge and OctoTable's envelope in
// the body. description must hold no quote or backslash (RFC 6750 §3).
func bearerFailure(status int, code, description string) *failure {
	envelopeCode := codeBadRequest
	if code == "invalid_token" {
		envelopeCode = codeInvalidToken
	}
	return apiFailure(status, envelopeCode, description).withHeader("WWW-Authenticate",
		`Bearer realm="octotable", error="`+code+`", error_description="`+description+`"`)
}

// isB64Token reports whether token has RFC 6750 §2.1's b64token syntax:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(token string) bool {
	body := strings.TrimRight(token, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~+/", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// checkProperty requires the Property header to name the token's
// property. Another id is 403, not 404: the client is known and the
// property may exist, it is just not one this client may see.
func checkProperty(r *http.Request, property int) *failure {
	values := r.Header.Values("Property")
	want := strconv.Itoa(property)
	switch {
	case len(values) == 0 || strings.TrimSpace(values[0]) == "":
		return badRequest("missing Property header; send Property: " + want + ", the property_id of your token")
	case len(values) > 1:
		return badRequest("more than one Property header")
	case strings.TrimSpace(values[0]) != want:
		return apiFailure(http.StatusForbidden, codeForbidden,
			"this token is for property "+want+" (its property_id), not for property "+strconv.Quote(strings.TrimSpace(values[0])))
	}
	return nil
}

func apiRoot(s *Sandbox, c *call) (reply, *failure) {
	return ok(APIInfo{
		API:            "OctoTable API",
		Version:        "v2",
		ClientID:       c.tok.clientID,
		PropertyID:     c.property,
		TokenExpiresAt: c.tok.expiresAt.UTC().Format(time.RFC3339),
		ExpiresIn:      int64(c.tok.expiresAt.Sub(s.now()) / time.Second),
	})
}
