package relay

import (
	"encoding/json"
	"net/http"

	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// newProblem is a problem of type pt, with the status the contract gives
// it. Before a request is opened it is the plain answer; after, the body of
// the sealed answer, so only the sender reads what went wrong.
func newProblem(pt wire.ProblemType, detail string) wire.Problem {
	return withStatus(wire.Problem{Type: pt.URI, Detail: detail}, pt.Status)
}

// withStatus is p with the given status, for the one type that has two.
func withStatus(p wire.Problem, status int) wire.Problem {
	p.Status, p.Title = status, http.StatusText(status)
	return p
}

// encodeProblem is p as JSON; it cannot fail for these fields.
func encodeProblem(p wire.Problem) []byte {
	b, _ := json.Marshal(p)
	return b
}

// writeProblem answers a request that was never opened.
func writeProblem(w http.ResponseWriter, p wire.Problem) {
	w.Header().Set("Content-Type", wire.ProblemMediaTypeJSON)
	w.WriteHeader(p.Status)
	w.Write(encodeProblem(p))
}

// sealedProblem is a problem as the binary HTTP answer that goes back sealed.
func sealedProblem(p wire.Problem, extra ...bhttp.Field) []byte {
	res := &bhttp.Response{Status: p.Status, Body: encodeProblem(p)}
	res.Header.Set("content-type", wire.ProblemMediaTypeJSON)
	res.Header.Set(wire.HeaderProblem, p.Type)
	for _, f := range extra {
		res.Header.Add(f.Name, f.Value)
	}
	b, _ := res.MarshalBinary()
	return b
}
