package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
	"octoplay/internal/wire"
	"octoplay/server/sandbox"
)

// createRoom writes one room to the sandbox's demo property from hc with
// token, and returns the status.
func createRoom(hc *http.Client, base, token string, n int64) (int, error) {
	req, err := http.NewRequest(http.MethodPost, base+wire.SandboxMount+wire.PMSBase+"rooms",
		strings.NewReader(fmt.Sprintf(`{"name": "Room %d"}`, n)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Property", "1001")
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestAttackSandboxWritesFromManyAddresses: 500 addresses × 100 objects
// filled the sandbox's 50 000 in about 20 s, and a newcomer then got 503
// for up to an hour. Now a range makes 500 at once (then 500 an hour), and
// the store's last tenth is kept for ranges new to it: 150 addresses of
// three /24s writing as fast as they may for 8 s store 1 500, and a user of
// another range meanwhile writes every time.
func TestAttackSandboxWritesFromManyAddresses(t *testing.T) {
	srv := startChild(t, 0)
	code, body := postToken(t, http.DefaultClient, srv.URL, sandbox.DemoClientSecret)
	require.Equal(t, http.StatusOK, code, body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &tok))

	var stored, refused, failed, n atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 3 {
		for a := range 50 {
			hc := loopback.Client(loopback.Addr((400+r)<<8 + a))
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					switch status, err := createRoom(hc, srv.URL, tok.AccessToken, n.Add(1)); {
					case err != nil:
						failed.Add(1)
					case status == http.StatusCreated:
						stored.Add(1)
					case status == http.StatusTooManyRequests:
						refused.Add(1)
						time.Sleep(200 * time.Millisecond) // as a client told Retry-After would, roughly
					default:
						failed.Add(1)
					}
				}
			})
		}
	}
	user := loopback.Client(loopback.Addr(500 << 8))
	served, tries := 0, 0
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		tries++
		if status, err := createRoom(user, srv.URL, tok.AccessToken, n.Add(1)); err == nil && status == http.StatusCreated {
			served++
		}
		time.Sleep(250 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("sandbox writes, 150 addresses of three /24s for 8 s: %d stored, %d refused 429, %d other; a user of another range: %d of %d written",
		stored.Load(), refused.Load(), failed.Load(), served, tries)
	assert.LessOrEqual(t, stored.Load(), int64(3*sandbox.RangeRecordsBurst+3*8), "each range stores its share, no more")
	assert.Equal(t, tries, served, "a user of another range writes every time")
}
