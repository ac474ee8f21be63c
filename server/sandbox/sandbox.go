// Package sandbox is a faithful, embedded OctoTable: the token endpoint of
// OctoTable's API quickstart and a small API behind it, whose reservations
// each client may write too (kept per client within ReservationLimits), so
// that the playground works offline and without an account.
//
// The token endpoint implements the OAuth 2.0 client credentials grant
// (RFC 6749 §4.4, https://www.rfc-editor.org/rfc/rfc6749#section-4.4), with
// client authentication in the request body or with HTTP Basic (RFC 6749
// §2.3.1, https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1), and answers
// as RFC 6749 §5 says (https://www.rfc-editor.org/rfc/rfc6749#section-5).
// The API takes the tokens it issued as Bearer tokens and reports a missing,
// malformed, unknown or expired one as RFC 6750 §3 says
// (https://www.rfc-editor.org/rfc/rfc6750#section-3), with bodies in
// OctoTable's error envelope.
//
// A Sandbox is an http.Handler for the paths OctoTable has
// (/octotable-auth/api/v2/oauth2/token, /api/v2/, /octotable-pms/api/v2/...);
// a server mounts it under a prefix with http.StripPrefix. It knows nothing
// of the server around it and never logs.
package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"octoplay/internal/wire"
	"octoplay/server/state"
)

// The documented demo client, which a server configures when it is given no
// other. It is public on purpose: the sandbox guards nothing real.
const (
	DemoClientID     = "octoplay-demo"
	DemoClientSecret = "octoplay-demo-secret"
)

// DefaultTokenTTL is the lifetime the quickstart's example answer shows.
const DefaultTokenTTL = 1440 * time.Second

// ErrInvalidConfig is wrapped by every error New returns.
var ErrInvalidConfig = errors.New("sandbox: invalid config")

// Config configures a Sandbox.
type Config struct {
	// Clients maps client ids to client secrets; it needs at least one
	// client, and neither ids nor secrets may be empty.
	Clients map[string]string
	// TokenTTL is the lifetime of an access token, at least one second;
	// zero means 1440 seconds, as in the quickstart.
	TokenTTL time.Duration
	// RejectJSON makes the token endpoint answer JSON bodies with 415 and a
	// description that names form encoding, as some deployments reportedly
	// do; false accepts both encodings.
	RejectJSON bool
	// TokenKey signs the access tokens, which are self-validating: sandboxes
	// given the same key accept each other's tokens. At least 32 bytes; nil
	// means a random key for this sandbox alone.
	TokenKey []byte
	// Failures limits failed client authentications per client address
	// (the request's, or the one an outer server put in its context with
	// package clientaddr); nil means FailureLimit in memory.
	Failures state.Limiter
	// Issued is called once for each token issued, for a server's
	// metrics; nil means nothing is. It must not block.
	Issued func()
	// Writes keeps what clients write (see ownerOf), within WriteLimits;
	// nil means a store in memory. Sandboxes given one shared store see
	// the same writes.
	Writes state.Records
	// ClientsPerRange and ClientsTotal limit create-client, per address
	// range and in all; ClientsNewcomer (per range) and ClientsReserve (in
	// all) are the reserve beyond the total for ranges new to it. Each nil
	// one means the package's limit of that name in memory.
	ClientsPerRange, ClientsTotal   state.Limiter
	ClientsNewcomer, ClientsReserve state.Limiter
	// RecordsPerRange limits the records each address range creates (see
	// createRecord); nil means RecordsPerRange in memory.
	RecordsPerRange state.Limiter
	// RangeNewcomer tells the ranges new to the sandbox, which may take
	// the store's reserve (see RangeNewcomerRecords); nil means
	// RangeNewcomer in memory.
	RangeNewcomer state.Limiter
	// Now tells the time; nil means time.Now. Tests pass a fake clock.
	Now func() time.Time
}

// Sandbox is the embedded OctoTable. It is safe for concurrent use.
type Sandbox struct {
	// clients holds the SHA-256 of each client's secret, so that secrets are
	// compared in constant time whatever their lengths.
	clients    map[string][sha256.Size]byte
	ttl        time.Duration
	rejectJSON bool
	now        func() time.Time
	tokens     tokenSigner
	failures   *failureGate
	issued     func()
	// writes are the clients' own, over the fixtures.
	writes state.Records
	// clientKey signs created clients' ids and derives their secrets.
	clientKey                       []byte
	clientsPerRange, clientsTotal   state.Limiter
	clientsNewcomer, clientsReserve state.Limiter
	recordsPerRange                 state.Limiter
	rangeNewcomer                   state.Limiter
	mux                             *http.ServeMux
	// doc is the OpenAPI document of the examples' day.
	doc struct {
		sync.Mutex
		day  string
		text []byte
	}
}

// New checks cfg and returns a Sandbox that serves it.
func New(cfg Config) (*Sandbox, error) {
	if len(cfg.Clients) == 0 {
		return nil, fmt.Errorf("%w: Clients is empty, give at least one client", ErrInvalidConfig)
	}
	clients := make(map[string][sha256.Size]byte, len(cfg.Clients))
	for id, secret := range cfg.Clients {
		if id == "" || len(id) > maxClientIDLen {
			return nil, fmt.Errorf("%w: a client id is empty or longer than %d bytes", ErrInvalidConfig, maxClientIDLen)
		}
		if secret == "" {
			return nil, fmt.Errorf("%w: client %q has an empty secret", ErrInvalidConfig, id)
		}
		clients[id] = sha256.Sum256([]byte(secret))
	}
	ttl := cfg.TokenTTL
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Second {
		// expires_in is in whole seconds (RFC 6749 §5.1): less would read 0.
		return nil, fmt.Errorf("%w: TokenTTL %v is shorter than one second", ErrInvalidConfig, cfg.TokenTTL)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	key := cfg.TokenKey
	if key == nil {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // never fails: crypto/rand.Read crashes the program rather than return an error
	}
	if len(key) < 32 {
		return nil, fmt.Errorf("%w: TokenKey has %d bytes, want at least 32", ErrInvalidConfig, len(key))
	}
	tokens, err := newTokenSigner(key)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	failures := cfg.Failures
	if failures == nil {
		failures = state.NewMemoryLimiter(FailureLimit, 0, now)
	}
	written := cfg.Writes
	if written == nil {
		written = state.NewMemoryRecords(WriteLimits, 0, now)
	}
	orMemory := func(l state.Limiter, limit state.Limit) state.Limiter {
		if l == nil {
			return state.NewMemoryLimiter(limit, 0, now)
		}
		return l
	}
	clientKey := hmac.New(sha256.New, key)
	clientKey.Write([]byte("octoplay sandbox created clients"))
	s := &Sandbox{
		clients:         clients,
		ttl:             ttl,
		rejectJSON:      cfg.RejectJSON,
		now:             now,
		tokens:          tokens,
		failures:        newFailureGate(failures),
		issued:          cfg.Issued,
		writes:          written,
		clientKey:       clientKey.Sum(nil),
		clientsPerRange: orMemory(cfg.ClientsPerRange, ClientsPerRange),
		clientsTotal:    orMemory(cfg.ClientsTotal, ClientsTotal),
		clientsNewcomer: orMemory(cfg.ClientsNewcomer, ClientsNewcomer),
		clientsReserve:  orMemory(cfg.ClientsReserve, ClientsReserve),
		recordsPerRange: orMemory(cfg.RecordsPerRange, RecordsPerRange),
		rangeNewcomer:   orMemory(cfg.RangeNewcomer, RangeNewcomer),
	}
	if s.issued == nil {
		s.issued = func() {}
	}
	s.mux = s.routes()
	return s, nil
}

// ServeHTTP answers one request to the sandbox.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// ServeMux would redirect an unclean path to its clean form, but behind
	// http.StripPrefix that Location would leave the mount point: answer 404.
	if !isCleanPath(r.URL.Path) {
		notFound().write(w)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// openAPI is the document, made once per examples' day: it changes with
// nothing else, and anyone may ask for it.
func (s *Sandbox) openAPI() ([]byte, error) {
	now := s.now()
	day := wire.ExampleDay(now)
	s.doc.Lock()
	defer s.doc.Unlock()
	if s.doc.day != day {
		text, err := OpenAPI(now, wire.SandboxMount)
		if err != nil {
			return nil, err
		}
		s.doc.day, s.doc.text = day, text
	}
	return s.doc.text, nil
}

// routes serves the catalog, the token endpoint and the OpenAPI document.
func (s *Sandbox) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.TokenPath, s.handleToken)
	mux.HandleFunc("GET "+OpenAPIPath, s.handleOpenAPI)
	for _, op := range catalog {
		pattern := op.path
		if strings.HasSuffix(pattern, "/") {
			// /api/v2/ alone, not the subtree; and /api/v2 too, which would
			// otherwise get ServeMux's redirect, whose Location leaves the
			// mount point.
			mux.Handle(op.method+" "+strings.TrimSuffix(pattern, "/"), s.protected(op))
			pattern += "{$}"
		}
		mux.Handle(op.method+" "+pattern, s.protected(op))
	}
	mux.HandleFunc("/", s.handleUnrouted)
	return mux
}

func (s *Sandbox) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	doc, err := s.openAPI()
	if err != nil {
		unavailable(err).write(w)
		return
	}
	w.Header().Set("Content-Type", jsonMediaType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(doc)
}

// routeMethods are the methods the routes use, in the order an Allow header
// (RFC 9110 §10.2.1) lists them; a GET route answers HEAD too.
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// handleUnrouted answers what no route took. The catch-all pattern also
// takes a known path with a wrong method (ServeMux answers 405 itself only
// when no pattern matches at all, and then in text/plain), so ask the mux
// which methods the path has and answer 405 with them, in the format of
// that endpoint.
func (s *Sandbox) handleUnrouted(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, method := range routeMethods {
		probe := r.WithContext(r.Context())
		probe.Method = method
		if _, pattern := s.mux.Handler(probe); pattern != "/" {
			allowed = append(allowed, method)
		}
	}
	switch {
	case len(allowed) == 0:
		notFound().write(w)
	case r.URL.Path == wire.TokenPath:
		tokenFailure(http.StatusMethodNotAllowed, "invalid_request",
			"the token endpoint accepts only POST (RFC 6749 section 3.2)").
			withHeader("Allow", "POST").write(w)
	default:
		allow := allowed
		if allowed[0] == http.MethodGet {
			allow = slices.Insert(slices.Clone(allowed), 1, http.MethodHead)
		}
		apiFailure(http.StatusMethodNotAllowed, codeMethodNotAllowed, "this endpoint accepts only "+inWords(allowed)).
			withHeader("Allow", strings.Join(allow, ", ")).write(w)
	}
}

// inWords lists methods as a sentence says them: "GET", "GET and POST",
// "GET, PATCH and DELETE".
func inWords(methods []string) string {
	if len(methods) == 1 {
		return methods[0]
	}
	return strings.Join(methods[:len(methods)-1], ", ") + " and " + methods[len(methods)-1]
}

// isCleanPath reports whether p is what ServeMux would serve without a
// redirect: rooted, with no empty, "." or ".." segments.
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}
