package server

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

// readmeShellBlocks are the ```sh blocks of the README, in order.
func readmeShellBlocks(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// The README's curl examples work as written, against a server where the
// README says it is; only the port is this test's own.
func TestREADMECurlExamples(t *testing.T) {
	testkit.NeedCommand(t, "curl", "apt-get install curl")
	s := startServer(t, standInAssets(), nil)
	var examples []string
	for _, b := range readmeShellBlocks(t) {
		if strings.Contains(b, "curl ") {
			examples = append(examples, strings.ReplaceAll(b, "http://127.0.0.1:8080", s.URL))
		}
	}
	require.Len(t, examples, 7, "three ways to get a token, Step 2, the resources, a write, changing and removing it")

	reservation := ""
	sh := func(script, token string) string {
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Env = append(os.Environ(), "OCTOTABLE_TOKEN="+token, "RESERVATION="+reservation)
		out, err := cmd.Output()
		require.NoError(t, err, script)
		return string(out)
	}
	var token string
	for i, ex := range examples[:3] {
		var got struct {
			AccessToken string `json:"access_token"`
			Type        string `json:"type"`
			ExpiresIn   int    `json:"expires_in"`
		}
		out := sh(ex, "")
		require.NoError(t, json.Unmarshal([]byte(out), &got), "example %d: %s", i, out)
		assert.Equal(t, "Bearer", got.Type)
		assert.Equal(t, 1440, got.ExpiresIn)
		require.NotEmpty(t, got.AccessToken)
		token = got.AccessToken
	}

	out := sh(examples[3], token)
	assert.Contains(t, out, `"client_id":"octoplay-demo"`)
	assert.Contains(t, out, `"property_id":1001`)

	out = sh(examples[4], token)
	var lines []string // one JSON document per curl, each ending in a newline
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, 4, out)
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, `{"data":[`), l)
	}
	assert.Contains(t, lines[1], `"name":"Veranda"`)
	assert.Contains(t, lines[2], `"name":"Dinner"`)
	assert.Equal(t, 2, strings.Count(lines[3], `"pax"`), "limit=2")
	assert.NotContains(t, lines[3], `"CANCELLED"`, "status[]=CONFIRMED")
	assert.Contains(t, lines[3], `"next_cursor"`)

	var created struct {
		Data []struct {
			ID     int
			Status string
			Tables []struct{ Name string }
		}
	}
	out = sh(examples[5], token)
	require.NoError(t, json.Unmarshal([]byte(out), &created), out)
	require.Len(t, created.Data, 1, out)
	assert.Equal(t, "WAITING", created.Data[0].Status, "dinner confirms by waiting list")
	require.Len(t, created.Data[0].Tables, 1, out)
	assert.Equal(t, "T6", created.Data[0].Tables[0].Name)
	reservation = strconv.Itoa(created.Data[0].ID)
	assert.Contains(t, sh(examples[5], token), `"code":"CONFLICT"`, "the same table again, as the README says")

	out = sh(examples[6], token)
	checkedIn, cancelled, found := strings.Cut(strings.TrimSpace(out), "\n")
	require.True(t, found, out)
	assert.Contains(t, checkedIn, `"status":"ACCEPTED"`)
	assert.Contains(t, checkedIn, `"checkin_date"`)
	assert.Equal(t, `{"data":[`+reservation+`]}`, cancelled)
}

// The README's layout table names what is in the tree, and every package
// and top-level entry of the tree is in the table.
func TestREADMELayoutMatchesTheTree(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, layout, found := strings.Cut(string(readme), "\n## Layout\n")
	require.True(t, found, "the README has a Layout section")
	layout, _, _ = strings.Cut(layout, "\n## ")
	var listed []string
	for _, row := range regexp.MustCompile("(?m)^\\| (`[^|]*) \\|").FindAllStringSubmatch(layout, -1) {
		for _, name := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(row[1], -1) {
			listed = append(listed, strings.TrimSuffix(name[1], "/"))
		}
	}
	require.NotEmpty(t, listed)
	for _, name := range listed {
		_, err := os.Stat(filepath.Join("..", name))
		assert.NoError(t, err, "the layout names %s", name)
	}
	covered := func(path string) bool {
		for _, name := range listed {
			if path == name || strings.HasPrefix(path, name+"/") || strings.HasPrefix(name, path+"/") {
				return true
			}
		}
		return false
	}
	top, err := os.ReadDir("..")
	require.NoError(t, err)
	for _, e := range top {
		name := e.Name()
		if name == "go.mod" || name == "go.sum" || name == "README.md" || name == "bin" || name == ".git" || name == ".gitignore" || name == ".cache" {
			continue
		}
		assert.True(t, covered(name), "the layout does not name %s", name)
	}
	require.NoError(t, filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && rel != ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			pkg := filepath.ToSlash(filepath.Dir(rel))
			if pkg == "." {
				pkg = rel // main.go
			}
			assert.True(t, covered(pkg), "the layout does not name the package %s", pkg)
		}
		return nil
	}))
}
