package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
	"octoplay/server/relay"
)

// A label value outside its fixed set is counted as "other": whatever an
// outcome carries, the series stay the server's own.
func TestLabelsStayInTheirSets(t *testing.T) {
	m := New()
	m.Environments([]string{"sandbox"})
	m.Observe(relay.Outcome{Environment: "sandbox", UpstreamStatus: 204})
	m.Observe(relay.Outcome{Environment: "/api/v2/rooms?secret=1", Problem: "urn:octoplay:problem:made-up", Failure: "because", UpstreamStatus: 999})
	m.Observe(relay.Outcome{Problem: wire.ProblemStaleDate.URI})

	assert.Equal(t, 1.0, testutil.ToFloat64(m.relayed.WithLabelValues("sandbox", "relayed")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.relayed.WithLabelValues("other", "other")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.relayed.WithLabelValues("none", "stale-date")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.failures.WithLabelValues("other")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.upstream.WithLabelValues("sandbox", "2xx")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.upstream.WithLabelValues("other", "other")))

	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + Path)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.NotContains(t, string(body), "secret")
	assert.NotContains(t, string(body), "made-up")
	assert.True(t, strings.Contains(string(body), `environment="other"`), "the check above reads the right text")
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{100: "1xx", 200: "2xx", 302: "3xx", 404: "4xx", 599: "5xx", 0: "other", 99: "other", 600: "other"} {
		assert.Equal(t, want, statusClass(status), "%d", status)
	}
}
