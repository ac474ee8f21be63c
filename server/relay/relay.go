package relay

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/clientaddr"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
	"octoplay/server/admit"
	"octoplay/server/state"
)

// MaxSealedRequest bounds what POST /relay reads: a token request or an API
// call is a few KiB; the slack is for X-Wing's 1120-byte enc and the AEAD tag.
const MaxSealedRequest = 256 << 10

// maxSealedRequest is MaxSealedRequest, as this package's code says it.
const maxSealedRequest = MaxSealedRequest

// DateSkew is how far a sealed request's Date may be from the gateway's
// clock (RFC 9458 §6.5). A request is remembered until its Date + DateSkew,
// the last moment a copy of it would be accepted, so the replay window
// spans 2×DateSkew. The browser corrects its clock from the gateway's Date
// when it is refused, so the skew can be short.
const DateSkew = wire.DateSkew

// DefaultRate and DefaultBurst are the sealed requests a client address may
// send a second and at once above that rate, unless the server says
// otherwise: a person clicking through both steps sends a few.
const (
	DefaultRate  = 5
	DefaultBurst = 20
)

// innerLimits bound every length in an opened request.
var innerLimits = bhttp.Limits{
	MaxMessageSize:      maxSealedRequest,
	MaxControlDataSize:  8 << 10,
	MaxFieldSectionSize: 32 << 10,
	MaxFields:           64,
	MaxBodySize:         128 << 10,
	MaxInformational:    0,
}

// Config is what a Relay needs.
type Config struct {
	Logger       *slog.Logger
	Gateway      *ohttp.Gateway
	Environments []*Environment
	// DialControl vets each outbound connection's address after DNS
	// resolution; nil means the guard that refuses loopback, private and
	// special-purpose addresses (see defaultDialControl). Tests with
	// upstreams on loopback pass their own; no flag of the server sets it.
	DialControl func(network, address string, c syscall.RawConn) error
	// Timeouts for the outbound client; zero means the defaults.
	Timeouts Timeouts
	// RatePerSecond and RateBurst limit each client address (each /64 in
	// IPv6); zero means DefaultRate and DefaultBurst, respectively.
	RatePerSecond float64
	RateBurst     int
	// Limiter keeps the per-address counts; nil means memory.
	Limiter state.Limiter
	// Replays remembers the requests relayed; nil means memory.
	Replays state.ReplayWindow
	// Observer hears how each request ended; nil means nobody.
	Observer Observer
	// Now tells the time; nil means time.Now.
	Now func() time.Time
}

// Relay is the gateway's state: keys, environments, the replay window, the
// per-client limiter and the outbound client.
type Relay struct {
	log      *slog.Logger
	gateway  *ohttp.Gateway
	envs     []*Environment
	clients  map[*Environment]*http.Client // by environment: the guarded outbound client, or the environment's own transport
	replays  state.ReplayWindow
	limiter  state.Limiter
	observer Observer
	now      func() time.Time
	timeouts Timeouts
}

// New checks cfg and returns a Relay.
func New(cfg Config) (*Relay, error) {
	if cfg.Gateway == nil || cfg.Logger == nil {
		return nil, errors.New("relay: new: Gateway and Logger are required")
	}
	if len(cfg.Environments) == 0 {
		return nil, errors.New("relay: new: no environment")
	}
	seen := map[string]bool{}
	for _, e := range cfg.Environments {
		if seen[e.Name] {
			return nil, fmt.Errorf("relay: new: environment %s is defined twice", e.Name)
		}
		seen[e.Name] = true
	}
	r := &Relay{
		log: cfg.Logger, gateway: cfg.Gateway, envs: cfg.Environments,
		replays: cfg.Replays, limiter: cfg.Limiter, observer: cfg.Observer, now: cfg.Now, timeouts: cfg.Timeouts.withDefaults(),
	}
	if r.observer == nil {
		r.observer = ignoreOutcomes{}
	}
	control := cfg.DialControl
	if control == nil {
		control = defaultDialControl
	}
	outbound := newOutboundClient(control, r.timeouts)
	r.clients = make(map[*Environment]*http.Client, len(r.envs))
	for _, e := range r.envs {
		r.clients[e] = outbound
		if e.Transport != nil {
			r.clients[e] = &http.Client{Transport: e.Transport, CheckRedirect: outbound.CheckRedirect}
		}
	}
	if r.now == nil {
		r.now = time.Now
	}
	rps, burst := cfg.RatePerSecond, cfg.RateBurst
	if rps <= 0 {
		rps = DefaultRate
	}
	if burst <= 0 {
		// A zero burst would refuse every request, with an endless Retry-After.
		burst = DefaultBurst
	}
	if r.limiter == nil {
		r.limiter = state.NewMemoryLimiter(state.PerSecond(rps, burst), 0, r.now)
	}
	if r.replays == nil {
		r.replays = state.NewMemoryReplayWindow(2*DateSkew, r.now)
	}
	r.limiter = observedLimiter{Limiter: r.limiter, observer: r.observer}
	return r, nil
}

// handleKeys serves the key configurations (RFC 9458 §3.2).
func (r *Relay) handleKeys() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ohttp.MediaTypeKeys)
		w.Write(r.gateway.KeyConfigs())
	})
}

// handleEnvironments lists the environments the relay reaches, without a
// secret: the browser builds its requests from these URLs.
func (r *Relay) handleEnvironments() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		infos := make([]wire.Environment, 0, len(r.envs))
		now := r.now()
		for _, e := range r.envs {
			infos = append(infos, e.Info(now))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(infos)
	})
}

// handleRelay is POST /relay: a sealed request in, a sealed answer out.
// Cross-site POSTs are refused and each client address is rate limited;
// only then does admitBody (the server's upload budget; nil admits all)
// decide whether its body may be read, so that a client over its rate
// holds none of the budget.
func (r *Relay) handleRelay(admitBody func(http.Handler) http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, newProblem(wire.ProblemCrossOrigin, "cross-origin requests to the relay are refused"))
		r.observer.Observe(Outcome{Problem: wire.ProblemCrossOrigin.URI})
	}))
	var serve http.Handler = http.HandlerFunc(r.serveRelay)
	if admitBody != nil {
		serve = admitBody(serve)
	}
	return cop.Handler(admit.PerClient(r.limiter, serve))
}

func (r *Relay) serveRelay(w http.ResponseWriter, req *http.Request) {
	start := r.now()
	var o Outcome
	observed := false
	observe := func() {
		if !observed {
			observed = true
			o.Total = r.now().Sub(start)
			r.observer.Observe(o)
		}
	}
	defer observe()
	refuse := func(p wire.Problem, failure string) {
		o.Problem, o.Failure = p.Type, failure
		writeProblem(w, p)
	}
	// Media types compare without case (RFC 9110 §8.3.1).
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != ohttp.MediaTypeRequest {
		refuse(newProblem(wire.ProblemMediaType, "POST /relay takes "+ohttp.MediaTypeRequest), "")
		return
	}
	sealed, err := readBody(w, req, maxSealedRequest)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(withStatus(newProblem(wire.ProblemBadEncapsulation, fmt.Sprintf("a sealed request is at most %d bytes", maxSealedRequest)), http.StatusRequestEntityTooLarge), "")
			return
		}
		refuse(newProblem(wire.ProblemBadEncapsulation, "reading the sealed request failed"), "")
		return
	}
	start = r.now() // the relay's time, not the client's upload
	opened, err := r.gateway.OpenRequest(sealed)
	if err != nil {
		refuse(openProblem(err))
		return
	}
	// The sandbox, reached in-process, counts this request against the
	// browser's address, not the gateway's.
	ctx := clientaddr.WithAddr(req.Context(), clientaddr.Of(req))
	answer, rec := r.relayOpened(ctx, opened)
	o.Environment, o.Problem, o.Upstream = rec.env, rec.problem, rec.upstream
	if rec.problem == "" {
		o.UpstreamStatus = rec.status
	}
	out, err := opened.SealResponse(answer)
	if err != nil {
		// Sealing a message we built cannot fail but for a broken RNG.
		r.log.Error("relay: seal response", "err", err)
		refuse(newProblem(wire.ProblemBusy, "the gateway could not seal its answer"), FailureSeal)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ohttp.MediaTypeResponse)
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
	// Observed before the answer leaves, so that whoever reads the metrics
	// after an answer finds it counted; then the answer leaves, whole (its
	// length is known), before the log line: that is the relay's time, not
	// the browser's.
	observe()
	http.NewResponseController(w).Flush()
	rec.log(req.Context(), r.log, opened.KeyID, r.now().Sub(start))
}

// openProblem maps why a request could not be opened to RFC 9458 §5.3's
// answers (a key problem, §6.4, tells the client to fetch the keys again),
// and to the Failure it is.
func openProblem(err error) (wire.Problem, string) {
	switch {
	case errors.Is(err, ohttp.ErrUnknownKey), errors.Is(err, ohttp.ErrUnsupportedSuite):
		return newProblem(wire.ProblemKey, "the key configuration is not one this gateway holds: fetch /relay/keys again"), FailureUnknownKey
	case errors.Is(err, ohttp.ErrDecrypt):
		return newProblem(wire.ProblemBadEncapsulation, "the sealed request could not be opened"), FailureDecrypt
	default:
		return newProblem(wire.ProblemBadEncapsulation, "the sealed request is malformed"), FailureMalformed
	}
}

// relayOpened does everything after opening: decode, check the Date, then
// replay, check the target, add a profile's credentials, forward, and
// encode the answer. Every failure is a sealed problem.
func (r *Relay) relayOpened(ctx context.Context, opened *ohttp.OpenedRequest) ([]byte, relayRecord) {
	rec := relayRecord{}
	fail := func(p wire.Problem, extra ...bhttp.Field) ([]byte, relayRecord) {
		rec.status, rec.problem = p.Status, p.Type
		return sealedProblem(p, extra...), rec
	}
	in, err := bhttp.UnmarshalRequest(opened.Request, innerLimits)
	if err != nil {
		return fail(newProblem(wire.ProblemBadInnerRequest, "the inner request is not valid binary HTTP: "+err.Error()))
	}
	rec.method, rec.path = in.Method, targetPath(in.Path)
	now := r.now()
	// RFC 9458 §6.5: a stale answer gives the gateway's time, so the
	// client can correct.
	staleDate := func(detail string) ([]byte, relayRecord) {
		return fail(newProblem(wire.ProblemStaleDate, detail), bhttp.Field{Name: "date", Value: now.UTC().Format(http.TimeFormat)})
	}
	date, err := http.ParseTime(in.Header.Get("date"))
	if err != nil {
		return staleDate("the inner request needs a Date header (RFC 9110 §6.6.1)")
	}
	if skew := now.Sub(date); skew > DateSkew || skew < -DateSkew {
		return staleDate(fmt.Sprintf("the inner request's Date is %s from the gateway's clock; at most %s is allowed", skew.Round(time.Second).Abs(), DateSkew))
	}
	// Only now, for a request that opened, decoded and is dated within the
	// window, is it remembered: nobody can fill the window with requests
	// sealed in advance, and each is forgotten once a copy would be stale.
	fresh, err := r.replays.Remember(ctx, sha256.Sum256(opened.Enc), date.Add(DateSkew))
	var forgotten *state.ForgottenError
	switch {
	case errors.Is(err, state.ErrOutsideWindow):
		return staleDate("the inner request's Date left the window while it was checked")
	case errors.As(err, &forgotten):
		// A request dated now is judged again once its forget-after time,
		// Date + DateSkew, reaches forgotten.From.
		wait := forgotten.From.Add(-DateSkew).Sub(now)
		return fail(newProblem(wire.ProblemStateUnavailable, "the gateway's replay window came back empty and cannot tell a request sealed before from a replay yet; try again"),
			bhttp.Field{Name: "retry-after", Value: strconv.Itoa(int(max(wait+time.Second-1, time.Second) / time.Second))})
	case err != nil:
		// The store logs once when it goes and once when it comes back;
		// at every request, only for debugging.
		r.log.Debug("relay: replay window", "err", err)
		return fail(newProblem(wire.ProblemStateUnavailable, "the gateway cannot check for replays right now; try again"),
			bhttp.Field{Name: "retry-after", Value: strconv.Itoa(int(admit.StateRetryAfter / time.Second))})
	case !fresh:
		return fail(newProblem(wire.ProblemReplayed, "this sealed request was already relayed"))
	}
	t, err := allowTarget(r.envs, in.Method, in.Scheme, in.Authority, in.Path)
	if err != nil {
		return fail(newProblem(wire.ProblemTargetNotAllowed, err.Error()))
	}
	rec.env = t.env.Name
	creds, err := applyProfile(t, in)
	if err != nil {
		return fail(newProblem(wire.ProblemProfile, err.Error()))
	}
	answer, p := r.forward(ctx, t, in, &rec.upstream)
	if p != nil {
		return fail(*p)
	}
	if creds != nil {
		if err := scrubSecret(answer, *creds); err != nil {
			return fail(newProblem(wire.ProblemUpstreamUnreachable, err.Error()))
		}
	}
	rec.status = answer.Status
	out, err := answer.MarshalBinary()
	if err != nil {
		return fail(newProblem(wire.ProblemUpstreamUnreachable, "the upstream's answer cannot be encoded: "+err.Error()))
	}
	return out, rec
}

// targetPath is a request target without its query, for the log.
func targetPath(target string) string {
	path, _, _ := strings.Cut(target, "?")
	return path
}
