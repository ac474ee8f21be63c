package wire_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"

	"octoplay/internal/wire"
)

func TestAPIMethods(t *testing.T) {
	assert.Equal(t, []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}, wire.APIMethods())

	m := wire.APIMethods()
	m[0] = "TRACE"
	assert.Equal(t, "GET", wire.APIMethods()[0], "callers get a copy")
}

// The sandbox's token endpoint is OctoTable's under the mount, and the
// relay's routes are under its own path.
func TestPathsCompose(t *testing.T) {
	assert.Equal(t, "/sandbox/octotable-auth/api/v2/oauth2/token", wire.SandboxMount+wire.TokenPath)
	assert.Equal(t, "/relay/keys", wire.RelayKeysPath)
	assert.Equal(t, "/relay/environments", wire.RelayEnvironmentsPath)
}

// Every problem type is listed once, with a status and a name of its own:
// the metrics count by name, and the browser explains by URI.
func TestProblemTypes(t *testing.T) {
	names := map[string]bool{}
	for _, p := range wire.ProblemTypes() {
		assert.False(t, names[p.Name()], "%s listed twice", p.Name())
		names[p.Name()] = true
		assert.GreaterOrEqual(t, p.Status, 400, p.URI)
		assert.Regexp(t, `^[a-z][a-z-]+$`, p.Name())
	}
	assert.True(t, names["ohttp-key"])
	assert.Equal(t, "state-unavailable", wire.ProblemStateUnavailable.Name())
	assert.Equal(t, 503, wire.ProblemStateUnavailable.Status)
	assert.Len(t, names, declaredProblemTypes(t), "ProblemTypes lists every type declared")
}

// declaredProblemTypes counts the ProblemType variables problem.go declares.
func declaredProblemTypes(t *testing.T) int {
	f, err := parser.ParseFile(token.NewFileSet(), "problem.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		if lit, ok := node.(*ast.CompositeLit); ok {
			if id, ok := lit.Type.(*ast.Ident); ok && id.Name == "ProblemType" {
				n++
			}
		}
		return true
	})
	return n
}

func TestRelayDrops(t *testing.T) {
	for _, name := range []string{"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
		"Proxy-Authorization", "proxy-connection", "Host", "Cookie", "Content-Length", "Date",
		"Forwarded", "X-Forwarded-Proto", "X-Real-IP", "Via", "Octoplay-Profile", "OCTOPLAY-CLIENT-AUTH"} {
		why, dropped := wire.RelayDrops(name)
		assert.True(t, dropped, name)
		assert.NotEmpty(t, why, name)
	}
	for _, name := range []string{"Authorization", "Accept", "Property", "Content-Type", "Idempotency-Key", "Proxy", "X-Forwarded"} {
		why, dropped := wire.RelayDrops(name)
		assert.False(t, dropped, name)
		assert.Empty(t, why, name)
	}
}
