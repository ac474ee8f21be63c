package relay

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The in-process transport answers as an HTTP server over a socket would:
// a HEAD answer has the headers of a GET and no body (RFC 9110 §9.3.2).
func TestHandlerTransportSendsNoBodyForHEAD(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"success": true}`))
	})
	for _, tt := range []struct {
		method string
		body   string
	}{
		{method: http.MethodGet, body: `{"success": true}`},
		{method: http.MethodHead, body: ""},
	} {
		t.Run(tt.method, func(t *testing.T) {
			res, err := NewHandlerTransport(h).RoundTrip(httptest.NewRequest(tt.method, "http://sandbox.test/api/v2/", nil))
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(body))
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"), "the headers of a GET")
		})
	}
}
