package admit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"octoplay/internal/wire"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
)

// uploadServer serves Limit(max, readWithin) over a handler that reads the
// whole body and reports what it read.
func uploadServer(t *testing.T, u *Uploads, max int64, readWithin time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(u.Limit(max, readWithin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			http.Error(w, "read "+strconv.FormatInt(n, 10)+": "+err.Error(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, strconv.FormatInt(n, 10))
	})))
	t.Cleanup(srv.Close)
	return srv
}

// stalled starts an upload that declares n bytes, sends part of them, and
// waits; it returns the answer's channel and the writer to finish it with.
func stalled(t *testing.T, client *http.Client, url string, n, part int) (<-chan *http.Response, *io.PipeWriter) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, url, pr)
	require.NoError(t, err)
	req.ContentLength = int64(n)
	answered := make(chan *http.Response, 1)
	go func() {
		res, err := client.Do(req)
		if err != nil {
			close(answered)
			return
		}
		answered <- res
	}()
	go pw.Write(bytes.Repeat([]byte{'x'}, part))
	t.Cleanup(func() { pw.CloseWithError(errors.New("test over")) })
	return answered, pw
}

func assertRefused(t *testing.T, res *http.Response, status int, typ string) {
	t.Helper()
	require.NotNil(t, res, "answered")
	defer res.Body.Close()
	assert.Equal(t, status, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	var p struct {
		Type   string
		Status int
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	assert.Equal(t, typ, p.Type)
	assert.Equal(t, status, p.Status)
}

// waitInFlight waits until u holds want uploads.
func waitInFlight(t *testing.T, u *Uploads, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, n := u.InFlight(); n == want {
			return
		}
		if time.Now().After(deadline) {
			_, n := u.InFlight()
			t.Fatalf("%d uploads in flight, want %d", n, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestUploadsBudget: stalled uploads hold the budget they declared, and the
// next that does not fit is refused at once, before its body is read; the
// budget comes back when they end.
func TestUploadsBudget(t *testing.T) {
	const max = 64 << 10
	floods := make(chan struct{}, 10)
	u := NewUploads(4*max, 100, func() { floods <- struct{}{} })
	srv := uploadServer(t, u, max, time.Minute)
	var writers []*io.PipeWriter
	var answers []<-chan *http.Response
	for i := range 3 { // three quarters of the budget: the large share
		a, w := stalled(t, loopback.Client(loopback.Addr(i)), srv.URL, max, 1000)
		answers, writers = append(answers, a), append(writers, w)
	}
	waitInFlight(t, u, 3)

	refused, _ := stalled(t, loopback.Client(loopback.Addr(10)), srv.URL, max, 1000)
	assertRefused(t, <-refused, http.StatusServiceUnavailable, wire.ProblemBusy.URI)
	reserved, _ := u.InFlight()
	assert.Equal(t, int64(3*max), reserved)

	small := loopback.Client(loopback.Addr(11))
	res, err := small.Post(srv.URL, "text/plain", strings.NewReader("grant_type=client_credentials"))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "small uploads keep a quarter of the budget: %s", body)

	chunked, err := http.NewRequest(http.MethodPost, srv.URL, io.MultiReader(strings.NewReader("no length")))
	require.NoError(t, err)
	chunked.ContentLength = -1
	res, err = small.Do(chunked)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "no Content-Length reserves the most allowed")

	for i, w := range writers {
		w.Write(bytes.Repeat([]byte{'x'}, max-1000))
		w.Close()
		res := <-answers[i]
		require.NotNil(t, res)
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, strconv.Itoa(max), string(got))
	}
	waitInFlight(t, u, 0)
	reserved, _ = u.InFlight()
	assert.Zero(t, reserved)
	assert.Empty(t, u.byClient)
	select {
	case <-floods:
	case <-time.After(5 * time.Second):
		t.Fatal("the end of the flood was not reported")
	}
	assert.Empty(t, floods, "once")
}

// TestUploadsPerClient: one address cannot hold more than its count of
// uploads at once; another address is not affected.
func TestUploadsPerClient(t *testing.T) {
	u := NewUploads(1<<20, 2, nil)
	srv := uploadServer(t, u, 1000, time.Minute)
	greedy := loopback.Client(loopback.Addr(0))
	for range 2 {
		stalled(t, greedy, srv.URL, 100, 10)
	}
	waitInFlight(t, u, 2)
	third, _ := stalled(t, greedy, srv.URL, 100, 10)
	assertRefused(t, <-third, http.StatusTooManyRequests, wire.ProblemRateLimited.URI)

	res, err := loopback.Client(loopback.Addr(1)).Post(srv.URL, "text/plain", strings.NewReader("hello"))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

// TestUploadsReadDeadline: an upload that stalls is cut once its time is
// up, and its share of the budget comes back.
func TestUploadsReadDeadline(t *testing.T) {
	u := NewUploads(1<<20, 10, nil)
	srv := uploadServer(t, u, 1000, 300*time.Millisecond)
	answer, _ := stalled(t, http.DefaultClient, srv.URL, 1000, 10)
	var res *http.Response
	select {
	case res = <-answer:
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled upload was never cut")
	}
	if res != nil { // the server may answer, or just close
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, string(body))
		assert.Contains(t, string(body), "timeout")
	}
	waitInFlight(t, u, 0)
}

// Bodyless requests pass without touching the budget.
func TestUploadsBodyless(t *testing.T) {
	u := NewUploads(1, 1, nil)
	var mu sync.Mutex
	seen := 0
	h := u.Limit(10, time.Second, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { mu.Lock(); seen++; mu.Unlock() }))
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	assert.Equal(t, 3, seen)
}
