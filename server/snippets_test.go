package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/testkit"
)

// The sandbox client of these tests has credentials with what breaks
// careless code: characters that form-encoding changes (space, +, :, %, a
// non-ASCII letter) and ones a shell or a JSON body would read (", ', $(),
// \, &).
const (
	snippetClientID     = "demo client:1+%"
	snippetClientSecret = `p+ss:w%rd é"'$(id)\&`
)

// oauth2Version is the golang.org/x/oauth2 the Go snippet's module
// requires, fetched through the Go module proxy.
const oauth2Version = "v0.38.0"

// snippetAPICases are the Step 2 requests run against the sandbox: the
// quickstart's, and a resource that needs the Property header.
var snippetAPICases = []struct {
	name, path, property string
	check                func(t *testing.T, out string)
}{
	{name: "root", path: "/api/v2/", check: func(t *testing.T, out string) {
		var got struct {
			Data []struct {
				ClientID string `json:"client_id"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		require.Len(t, got.Data, 1, out)
		assert.Equal(t, snippetClientID, got.Data[0].ClientID)
	}},
	{name: "rooms", path: "/octotable-pms/api/v2/rooms", property: "1001", check: func(t *testing.T, out string) {
		var got struct {
			Data []json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		assert.NotEmpty(t, got.Data, out)
	}},
	// A query with an array parameter, which every language must pass on
	// as it is.
	{name: "reservations", path: "/octotable-pms/api/v2/reservations?limit=5&status[]=CONFIRMED", property: "1001", check: func(t *testing.T, out string) {
		var got struct {
			Data []struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), out)
		require.NotEmpty(t, got.Data, out)
		assert.LessOrEqual(t, len(got.Data), 5, "limit=5")
		for _, r := range got.Data {
			assert.Equal(t, "CONFIRMED", r.Status, "status[]")
		}
	}},
}

// Every snippet the playground can show runs against the real server's
// sandbox and works: each language, each encoding and authentication style
// for Step 1, and Step 2 with the token that Step 1 printed.
func TestSnippetsRunAgainstTheSandbox(t *testing.T) {
	// Every snippet runs from this machine's one address, many at once.
	s := startServer(t, standInAssets(), nil, "-sandbox-client-id", snippetClientID, "-sandbox-client-secret", snippetClientSecret,
		"-sandbox-rate", "1000", "-sandbox-burst", "1000")
	env := quickstart.Environment{
		Name:     "sandbox",
		TokenURL: s.URL + "/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{s.URL + "/sandbox/api/v2/", s.URL + "/sandbox/octotable-pms/api/v2/"},
	}
	for _, lang := range snippets.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			type combo struct {
				enc  quickstart.Encoding
				auth quickstart.AuthStyle
				code string
			}
			var combos []combo
			var all []string
			for _, enc := range []quickstart.Encoding{quickstart.EncodingForm, quickstart.EncodingJSON} {
				for _, auth := range []quickstart.AuthStyle{quickstart.AuthInBody, quickstart.AuthBasic} {
					code := generate(t, snippets.Step1, lang, snippets.Options{Env: env, Encoding: enc, Auth: auth})
					combos = append(combos, combo{enc, auth, code})
					all = append(all, code)
				}
			}
			apiCodes := make([]string, len(snippetAPICases))
			for i, c := range snippetAPICases {
				apiCodes[i] = generate(t, snippets.Step2, lang, snippets.Options{Env: env, Method: "GET", Path: c.path, Property: c.property})
				all = append(all, apiCodes[i])
			}
			run := newSnippetRunner(t, lang, all).mustRun

			for _, c := range combos {
				t.Run(fmt.Sprintf("%s-%s", c.enc, c.auth), func(t *testing.T) {
					t.Parallel()
					out := run(t, c.code, map[string]string{
						snippets.EnvClientID:     snippetClientID,
						snippets.EnvClientSecret: snippetClientSecret,
					})
					var tok struct {
						AccessToken string  `json:"access_token"`
						ExpiresIn   float64 `json:"expires_in"`
					}
					require.NoError(t, json.Unmarshal([]byte(out), &tok), "Step 1 prints the token answer: %s", out)
					require.NotEmpty(t, tok.AccessToken, out)
					assert.Equal(t, float64(1440), tok.ExpiresIn, "the lifetime the server gave: %s", out)
					for i, api := range snippetAPICases {
						out := run(t, apiCodes[i], map[string]string{snippets.EnvToken: tok.AccessToken})
						t.Run(api.name, func(t *testing.T) { api.check(t, out) })
					}
				})
			}
		})
	}
}

func generate(t *testing.T, step snippets.Step, lang snippets.Language, opts snippets.Options) string {
	t.Helper()
	code, err := snippets.Generate(step, lang, opts)
	require.NoError(t, err)
	return code
}

// snippetRunner runs the snippets of one language.
type snippetRunner struct {
	// run runs code with the variables set and returns what it printed,
	// and whether it exited 0.
	run func(t *testing.T, code string, vars map[string]string) (string, error)
	// prepare builds codes ahead of running them, together (the Go ones);
	// run builds what was not prepared.
	prepare func(t *testing.T, codes []string)
}

// mustRun runs code and fails the test when it exits non-zero.
func (r *snippetRunner) mustRun(t *testing.T, code string, vars map[string]string) string {
	t.Helper()
	out, err := r.run(t, code, vars)
	require.NoError(t, err, "stdout: %s", out)
	return out
}

// newSnippetRunner finds the tool a language needs (a failure in CI, a
// skip elsewhere) and prepares the snippets it will run: the Go ones are
// built once, together.
func newSnippetRunner(t *testing.T, lang snippets.Language, codes []string) *snippetRunner {
	t.Helper()
	dir := t.TempDir()
	var mu sync.Mutex
	n := 0
	// script writes code to a new file in dir and runs it with argv.
	script := func(ext string, argv ...string) *snippetRunner {
		return &snippetRunner{prepare: func(*testing.T, []string) {}, run: func(t *testing.T, code string, vars map[string]string) (string, error) {
			mu.Lock()
			n++
			path := filepath.Join(dir, fmt.Sprintf("snippet%d%s", n, ext))
			mu.Unlock()
			require.NoError(t, os.WriteFile(path, []byte(code), 0o600))
			return runSnippet(t, dir, vars, append(argv, path)...)
		}}
	}
	switch lang {
	case snippets.Curl:
		needTool(t, "curl", "bash")
		return script(".sh", "bash")
	case snippets.HTTPie:
		needTool(t, "http", "bash")
		return script(".sh", "bash")
	case snippets.Python:
		return script(".py", pythonWithRequests(t))
	case snippets.Node:
		needTool(t, "node")
		err := exec.Command("node", "-e", `process.exit(typeof fetch === "function" ? 0 : 1)`).Run()
		testkit.Need(t, "Node 18 or later (built-in fetch)", err, "apt-get install nodejs")
		return script(".js", "node")
	case snippets.Go:
		needTool(t, "go")
		bins := map[string]string{}
		prepare := func(t *testing.T, codes []string) {
			mu.Lock()
			defer mu.Unlock()
			var missing []string
			for _, c := range codes {
				if _, built := bins[c]; !built {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				n++
				maps.Copy(bins, buildGoSnippets(t, filepath.Join(dir, fmt.Sprint("build", n)), missing))
			}
		}
		prepare(t, codes)
		return &snippetRunner{prepare: prepare, run: func(t *testing.T, code string, vars map[string]string) (string, error) {
			prepare(t, []string{code})
			mu.Lock()
			bin := bins[code]
			mu.Unlock()
			return runSnippet(t, dir, vars, bin)
		}}
	}
	t.Fatalf("no runner for %s", lang)
	return nil
}

// runSnippet runs argv in dir with the variables set, HTTPie's
// configuration kept apart from the user's, and no proxy between it and the
// loopback server; it returns what it printed, and why it did not exit 0.
func runSnippet(t *testing.T, dir string, vars map[string]string, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "HTTPIE_CONFIG_DIR="+filepath.Join(dir, "httpie"))
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		err = fmt.Errorf("%w; stderr: %s", err, stderr.String())
	}
	return string(out), err
}

// buildGoSnippets builds Go snippets in one temporary module under dir,
// one package each, with one go build: x/oauth2 comes through the Go module
// proxy into the usual module cache, and the build cache is shared, so a
// second run compiles nothing.
func buildGoSnippets(t *testing.T, dir string, codes []string) map[string]string {
	t.Helper()
	mod := filepath.Join(dir, "mod")
	bins := map[string]string{}
	for i, code := range codes {
		if _, done := bins[code]; done {
			continue
		}
		pkg := fmt.Sprintf("snippet%d", i)
		require.NoError(t, os.MkdirAll(filepath.Join(mod, pkg), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(mod, pkg, "main.go"), []byte(code), 0o600))
		bins[code] = filepath.Join(dir, "bin", pkg)
	}
	gomod := "module snippets\n\ngo 1.26\n\nrequire golang.org/x/oauth2 " + oauth2Version + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o600))
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin")+string(filepath.Separator), "./...")
	build.Dir = mod
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build of the Go snippets: %s", out)
	return bins
}

// pythonWithRequests is the first python3 that can import requests: a
// pyenv python3 on PATH may lack it where Debian's has it.
func pythonWithRequests(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import requests").Run() == nil {
			return py
		}
	}
	testkit.Need(t, "python3 with requests", errors.New("no python3 imports requests"), "apt-get install python3-requests")
	return ""
}

func needTool(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		testkit.NeedCommand(t, tool, "make test-deps installs it")
	}
}
