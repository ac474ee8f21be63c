package sandbox_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/sandbox"
)

// The document the sandbox serves is the one the tests validate answers
// against, and an independent validator from the npm registry
// (@apidevtools/swagger-parser) accepts it, and refuses it broken.
func TestTheOpenAPIDocumentIsValid(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	resp, served := send(t, http.MethodGet, c.base+sandbox.OpenAPIPath, nil, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(served), &doc))
	assert.Equal(t, "3.1.0", doc["openapi"])
	paths := doc["paths"].(map[string]any)
	for _, op := range sandbox.Operations(time.Now()) {
		item, ok := paths[op.Path].(map[string]any)
		require.True(t, ok, "%s is in the document", op.Path)
		assert.Contains(t, item, strings.ToLower(op.Method), "%s %s is in the document", op.Method, op.Path)
	}
	assert.Contains(t, paths, "/octotable-auth/api/v2/oauth2/token")

	node := testkit.NeedCommand(t, "node", "apt-get install nodejs")
	validator := os.Getenv("OCTOPLAY_OPENAPI_VALIDATOR")
	if validator == "" {
		validator = filepath.Join("..", "..", ".cache", "npm", "node_modules", "@apidevtools", "swagger-parser")
	}
	validator, err := filepath.Abs(validator)
	require.NoError(t, err)
	testkit.NeedFile(t, filepath.Join(validator, "package.json"), "make test-deps installs @apidevtools/swagger-parser from the npm registry")
	validate := func(doc string) (string, error) {
		path := filepath.Join(t.TempDir(), "openapi.json")
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		out, err := exec.Command(node, "-e", `require(process.argv[1]).validate(process.argv[2])
			.then((api) => console.log("valid " + Object.keys(api.paths).length)).catch((e) => { console.log(e.message); process.exit(1); });`,
			validator, path).CombinedOutput()
		return string(out), err
	}
	out, err := validate(served)
	require.NoError(t, err, out)
	assert.Equal(t, "valid "+itoa(len(paths))+"\n", out)
	out, err = validate(strings.Replace(served, `"in": "query"`, `"in": "nowhere"`, 1))
	assert.Error(t, err, "the validator refuses a parameter in no place: %s", out)
}

func itoa(n int) string { return strconv.Itoa(n) }

// The document is made once per examples' day, and follows the day.
func TestTheOpenAPIDocumentFollowsTheDay(t *testing.T) {
	c, _, advance := newRestaurant(t, nil)
	_, first := send(t, http.MethodGet, c.base+sandbox.OpenAPIPath, nil, "")
	assert.Contains(t, first, `"start_date": "2026-03-06"`)
	_, again := send(t, http.MethodGet, c.base+sandbox.OpenAPIPath, nil, "")
	assert.Equal(t, first, again)
	advance(7 * 24 * time.Hour)
	_, later := send(t, http.MethodGet, c.base+sandbox.OpenAPIPath, nil, "")
	assert.Contains(t, later, `"start_date": "2026-03-13"`)
}
