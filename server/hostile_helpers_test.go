package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/testkit/loopback"
)

// sealedClient is the browser's side of the relay at base, from hc's
// address.
func sealedClient(t *testing.T, base string, hc *http.Client) *ohttp.Client {
	t.Helper()
	res, err := hc.Get(base + "/relay/keys")
	require.NoError(t, err)
	keys, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(keys))
	configs, err := ohttp.ParseKeyConfigs(keys)
	require.NoError(t, err)
	c, err := ohttp.NewClient(configs, sealedTransport(base, hc))
	require.NoError(t, err)
	return c
}

// demoForm is Step 1's body with the sandbox's demo credentials.
const demoForm = "grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret"

// sealedStep1 is the quickstart's Step 1 to base's sandbox, as the browser seals
// it: dated now, with body (demoForm when empty) and extra header pairs.
func sealedStep1(base, body string, header ...string) *bhttp.Request {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	if body == "" {
		body = demoForm
	}
	req := &bhttp.Request{Method: http.MethodPost, Scheme: u.Scheme, Authority: u.Host, Path: tokenPath, Body: []byte(body)}
	req.Header.Set("date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("content-type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// sendStep1 relays one Step 1 and says what went wrong, if anything: it
// must come back 200.
func sendStep1(ctx context.Context, c *ohttp.Client, base string) error {
	res, err := c.Do(ctx, sealedStep1(base, ""))
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return fmt.Errorf("the sandbox answered %d through the relay: %.200s", res.Status, res.Body)
	}
	return nil
}

// honestClient is someone using the playground during an attack: one
// sealed Step 1 at a time from its own address, every pause, until stop is
// closed; it reports each latency, and every failure.
func honestClient(t *testing.T, base string, addr int, pause time.Duration, stop <-chan struct{}) (done <-chan []time.Duration, failures <-chan error) {
	t.Helper()
	c := sealedClient(t, base, loopback.Client(loopback.Addr(addr)))
	out, errs := make(chan []time.Duration, 1), make(chan error, 1000)
	go func() {
		var took []time.Duration
		defer func() { out <- took; close(errs) }()
		for {
			start := time.Now()
			if err := sendStep1(context.Background(), c, base); err != nil {
				select {
				case errs <- err:
				default:
				}
			} else {
				took = append(took, time.Since(start))
			}
			select {
			case <-stop:
				return
			case <-time.After(pause):
			}
		}
	}()
	return out, errs
}

// latency sums up an honest client's experience.
func latency(took []time.Duration) string {
	if len(took) == 0 {
		return "no request served"
	}
	slices.Sort(took)
	return fmt.Sprintf("%d requests, p50 %s, max %s", len(took),
		took[len(took)/2].Round(100*time.Microsecond), took[len(took)-1].Round(100*time.Microsecond))
}

// collect drains failures into a slice.
func collect(failures <-chan error) []error {
	var errs []error
	for err := range failures {
		errs = append(errs, err)
	}
	return errs
}
