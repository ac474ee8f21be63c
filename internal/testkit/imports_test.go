package testkit_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "octoplay"

// importRule says why from may not import to, or "" when it may: the rules
// of the README's Architecture. from and to are import paths; to may be the
// standard library's or another module's.
func importRule(from, to string) string {
	own := strings.HasPrefix(to, module+"/")
	under := func(p, dir string) bool { return p == module+"/"+dir || strings.HasPrefix(p, module+"/"+dir+"/") }
	switch {
	case under(from, "internal/wire") && (own || strings.Contains(strings.Split(to, "/")[0], ".")):
		return "the contract is a leaf: the standard library only"
	case under(from, "internal/wire") && (to == "net/http" || strings.HasPrefix(to, "net/http/")):
		return "the contract is linked into the wasm: no net/http"
	case under(to, "internal/cmd"):
		return "a command is a root: nothing imports it"
	case under(to, "internal/testkit") && !strings.HasSuffix(from, "test"):
		return "the test kit is for tests (and test suites such as server/state/statetest)"
	case under(from, "internal") && !under(from, "internal/cmd") && (under(to, "app") || under(to, "server")):
		return "a library under internal/ is shared by both sides: it imports neither"
	case under(from, "internal/cmd") && under(to, "server"):
		return "a command measures or builds the server from outside (its reference programs under testdata may import it)"
	case under(from, "app/dom") && under(to, "app"):
		return "the DOM package does the browser's work the page asks for: it knows none of the page's parts"
	case under(from, "app") && under(to, "server"):
		return "the browser's code never links the server's"
	case under(from, "server/state") && under(to, "server") && !under(to, "server/state"):
		return "the state stores keep counts and windows: they know nothing of who uses them"
	case under(from, "server/sandbox") && under(to, "server") && !under(to, "server/state"):
		return "the sandbox is a stand-in for OctoTable: it knows nothing of the server or the relay (it keeps its counts in a state store)"
	case under(from, "server/page") && under(to, "server") && !under(to, "server/assets"):
		return "the page is go-app's files corrected: of the server it knows only the assets it links"
	case under(from, "server/relay") && (under(to, "server/sandbox") || to == module+"/server"):
		return "the relay reaches environments by URL and transport, whatever they are"
	case strings.HasPrefix(to, "github.com/prometheus/") && !under(from, "server/metrics"):
		return "Prometheus is server/metrics' alone: the others report through plain interfaces, and it never reaches the wasm"
	case strings.HasPrefix(to, "github.com/redis/") && !under(from, "server/state/redisstate"):
		return "Redis is server/state/redisstate's alone: the others see state.Limiter and state.ReplayWindow"
	}
	return ""
}

// The rules can fail: each of these imports breaks one.
func TestImportRulesRefuse(t *testing.T) {
	for _, bad := range [][2]string{
		{"octoplay/internal/wire", "net/http"},
		{"octoplay/internal/wire", "octoplay/internal/bhttp"},
		{"octoplay/internal/wire", "github.com/maxence-charriere/go-app/v10/pkg/app"},
		{"octoplay/internal/ohttp", "octoplay/server/relay"},
		{"octoplay/internal/precompress", "octoplay/server/assets"},
		{"octoplay/internal/cmd/bench", "octoplay/server/sandbox"},
		{"octoplay/internal/cmd/precompress", "octoplay/server/assets"},
		{"octoplay/server", "octoplay/internal/cmd/bench"},
		{"octoplay/server", "octoplay/internal/testkit"},
		{"octoplay/app/ui", "octoplay/server/relay"},
		{"octoplay/server/sandbox", "octoplay/server/relay"},
		{"octoplay/server/relay", "octoplay/server/sandbox"},
		{"octoplay/server/sandbox", "octoplay/server/admit"},
		{"octoplay/server/state", "octoplay/server/relay"},
		{"octoplay/server/relay", "github.com/prometheus/client_golang/prometheus"},
		{"octoplay/app/ui", "github.com/prometheus/client_golang/prometheus"},
		{"octoplay/server", "github.com/redis/go-redis/v9"},
		{"octoplay/server/page", "octoplay/server/relay"},
		{"octoplay/server/page", "octoplay/server"},
		{"octoplay/app/dom", "octoplay/app/ui"},
		{"octoplay/app/dom", "octoplay/app/quickstart"},
	} {
		assert.NotEmpty(t, importRule(bad[0], bad[1]), "%s may not import %s", bad[0], bad[1])
	}
	for _, good := range [][2]string{
		{"octoplay/app/quickstart", "octoplay/internal/wire"},
		{"octoplay/server/relay", "octoplay/internal/wire"},
		{"octoplay/server/sandbox", "octoplay/internal/wire"},
		{"octoplay/server/sandbox", "octoplay/server/state"},
		{"octoplay/server", "octoplay/app/ui"},
		{"octoplay/server/page", "octoplay/server/assets"},
		{"octoplay/server/page", "octoplay/app/ui"},
		{"octoplay/app/ui", "octoplay/app/dom"},
		{"octoplay/app/dom", "octoplay/internal/wire"},
		{"octoplay/internal/cmd/bench", "octoplay/internal/ohttp"},
		{"octoplay/internal/wire", "strings"},
		{"octoplay/server/metrics", "github.com/prometheus/client_golang/prometheus"},
		{"octoplay/server/state/redisstate", "github.com/redis/go-redis/v9"},
	} {
		assert.Empty(t, importRule(good[0], good[1]), "%s may import %s", good[0], good[1])
	}
}

// TestImportRules reads every non-test Go file of the module, whatever its
// build tags, and checks its imports against the rules.
func TestImportRules(t *testing.T) {
	root := moduleRoot(t)
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		from := path.Join(module, filepath.ToSlash(rel))
		for _, imp := range f.Imports {
			to, _ := strconv.Unquote(imp.Path.Value)
			if why := importRule(from, to); why != "" {
				t.Errorf("%s imports %s: %s", p, to, why)
			}
			checked++
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 100, "the module's imports were read")
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test")
		dir = parent
	}
}
