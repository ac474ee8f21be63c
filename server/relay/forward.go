package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// dropField says whether a field stays behind: wire.RelayDrops names the
// ones that never cross the gateway (the playground refuses the same), and
// a Connection header lists more for its one connection.
func dropField(name string, connectionListed map[string]bool) bool {
	_, dropped := wire.RelayDrops(name)
	return dropped || connectionListed[strings.ToLower(name)]
}

// connectionListed is the set of fields a Connection header names, which
// are hop-by-hop too; nil when there is none.
func connectionListed(values []string) map[string]bool {
	if len(values) == 0 {
		return nil
	}
	listed := map[string]bool{}
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			listed[strings.ToLower(strings.TrimSpace(name))] = true
		}
	}
	return listed
}

// upstreamRequest is the opened request as it goes to the target.
func upstreamRequest(ctx context.Context, t *target, in *bhttp.Request) (*http.Request, error) {
	// The target's URL is already parsed: none is given here to be parsed
	// again from its text.
	req, err := http.NewRequestWithContext(ctx, in.Method, "", bytes.NewReader(in.Body))
	if err != nil {
		return nil, fmt.Errorf("upstream request: %w", err)
	}
	req.URL, req.Host = t.url, t.url.Host
	req.Header = make(http.Header, len(in.Header)+1)
	listed := connectionListed(in.Header.Values("connection"))
	for _, f := range in.Header {
		if !dropField(f.Name, listed) {
			req.Header.Add(f.Name, f.Value)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "Octoplay-relay")
	}
	req.ContentLength = int64(len(in.Body))
	if len(in.Body) == 0 {
		req.Body = http.NoBody
	}
	return req, nil
}

// errUpstreamTooLarge is what readUpstream says of an answer over the cap.
var errUpstreamTooLarge = errors.New("upstream answer too large")

// readUpstream reads the upstream's answer, whatever its status, into the
// message that goes back sealed. Redirects arrive here as they came.
func readUpstream(res *http.Response, maxBody int64) (*bhttp.Response, error) {
	defer res.Body.Close()
	body, err := readAtMost(res.Body, res.ContentLength, maxBody)
	if err != nil {
		return nil, err
	}
	out := &bhttp.Response{Status: res.StatusCode, Body: body, Header: make(bhttp.Fields, 0, len(res.Header)+1)}
	listed := connectionListed(res.Header.Values("Connection"))
	names := make([]string, 0, 16)
	for name := range res.Header {
		if !dropField(name, listed) || strings.EqualFold(name, "date") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range res.Header[name] {
			out.Header.Add(name, v)
		}
	}
	return out, nil
}

// readAtMost reads a body of at most max bytes into one buffer, sized from
// its declared length when it has one (a HEAD answer declares one and has
// no body: the length is a hint, never trusted).
func readAtMost(body io.Reader, declared, max int64) ([]byte, error) {
	if declared > max {
		return nil, fmt.Errorf("read upstream: %w: more than %d bytes", errUpstreamTooLarge, max)
	}
	size := int64(512)
	if declared >= 0 {
		size = declared + 1 // room to read the end without growing
	}
	buf := make([]byte, 0, size)
	limited := io.LimitedReader{R: body, N: max + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := limited.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read upstream: %w", err)
		}
	}
	if int64(len(buf)) > max {
		return nil, fmt.Errorf("read upstream: %w: more than %d bytes", errUpstreamTooLarge, max)
	}
	return buf, nil
}

// forward sends the checked request and reads the answer, mapping
// transport failures to the problems the UI explains.
// took is set to how long the upstream took, its answer read.
func (r *Relay) forward(ctx context.Context, t *target, in *bhttp.Request, took *time.Duration) (*bhttp.Response, *wire.Problem) {
	ctx, cancel := context.WithTimeout(ctx, r.timeouts.Overall)
	defer cancel()
	req, err := upstreamRequest(ctx, t, in)
	if err != nil {
		p := newProblem(wire.ProblemBadInnerRequest, err.Error())
		return nil, &p
	}
	start := r.now()
	defer func() { *took = r.now().Sub(start) }()
	res, err := r.clients[t.env].Do(req)
	if err != nil {
		p := transportProblem(err, r.timeouts)
		return nil, &p
	}
	answer, err := readUpstream(res, maxUpstreamBody)
	if err != nil {
		p := transportProblem(err, r.timeouts)
		return nil, &p
	}
	return answer, nil
}

// transportProblem says what went wrong on the way to the upstream without
// repeating the URL (Go's errors quote it, and a query may hold anything).
func transportProblem(err error, limits Timeouts) wire.Problem {
	var netErr net.Error
	switch {
	case errors.Is(err, errUpstreamTooLarge):
		return newProblem(wire.ProblemUpstreamTooLarge, fmt.Sprintf("the upstream's answer is larger than %d bytes", maxUpstreamBody))
	case errors.Is(err, errDialRefused):
		return newProblem(wire.ProblemTargetNotAllowed, "the target's address is not allowed (loopback, private or special-purpose)")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return newProblem(wire.ProblemUpstreamTimeout, fmt.Sprintf("the upstream did not answer in time (connect within %s, headers within %s, all within %s)", limits.Connect, limits.ResponseHeader, limits.Overall))
	default:
		return newProblem(wire.ProblemUpstreamUnreachable, "the upstream could not be reached or broke the connection")
	}
}
