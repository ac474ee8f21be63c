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

	"octoplay/internal/testkit"
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
func stalled(t *testing.T, client *http.Client, url string, n, part int) (<-chan *http.Response, *stalledBody) {
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
	sent := make(chan struct{})
	go func() {
		pw.Write(bytes.Repeat([]byte{'x'}, part))
		close(sent)
	}()
	t.Cleanup(func() { pw.CloseWithError(errors.New("test over")) })
	return answered, &stalledBody{PipeWriter: pw, sent: sent}
}

// stalledBody is the rest of a stalled upload's body: what is written to it
// follows the part already sent.
type stalledBody struct {
	*io.PipeWriter
	sent chan struct{}
}

func (b *stalledBody) Write(p []byte) (int, error) {
	<-b.sent
	return b.PipeWriter.Write(p)
}

func (b *stalledBody) Close() error {
	<-b.sent
	return b.PipeWriter.Close()
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

// inRange is an address of the i-th /24 on loopback, one range each.
func inRange(i int) string { return loopback.Addr(i << 8) }

// stoppedClock holds u's time still, so that no upload turns slow while a
// test runs on a busy machine; advance moves it on.
func stoppedClock(u *Uploads) (advance func(time.Duration)) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u.mu.Lock()
	u.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	u.mu.Unlock()
	return func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

// waitRead waits until the uploads in flight have read want bytes in all.
func waitRead(t *testing.T, u *Uploads, want int64) {
	t.Helper()
	read := func() (n int64) {
		u.mu.Lock()
		defer u.mu.Unlock()
		for up := range u.uploads {
			n += up.read.Load()
		}
		return n
	}
	testkit.WaitFor(t, 5*time.Second, func() bool { return read() == want }, "the uploads' bytes were read")
}

// finish sends what is left of a stalled upload and checks that all of it
// was read.
func finish(t *testing.T, answer <-chan *http.Response, w *stalledBody, rest, want int) {
	t.Helper()
	w.Write(bytes.Repeat([]byte{'x'}, rest))
	w.Close()
	res := <-answer
	require.NotNil(t, res)
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, strconv.Itoa(want), string(got))
}

// TestUploadsBudget: stalled uploads hold the budget they declared, and the
// next that does not fit is refused at once, before its body is read; the
// budget comes back when they end.
func TestUploadsBudget(t *testing.T) {
	const max = 64 << 10
	const large = 12 // three quarters of the budget: the large uploads' share
	floods := make(chan struct{}, 10)
	u := NewUploads(16*max, 100, func() { floods <- struct{}{} }, nil)
	stoppedClock(u)
	srv := uploadServer(t, u, max, time.Minute)
	var writers []*stalledBody
	var answers []<-chan *http.Response
	for i := range large {
		a, w := stalled(t, loopback.Client(inRange(i)), srv.URL, max, 1000)
		answers, writers = append(answers, a), append(writers, w)
	}
	waitInFlight(t, u, large)

	refused, _ := stalled(t, loopback.Client(inRange(20)), srv.URL, max, 1000)
	assertRefused(t, <-refused, http.StatusServiceUnavailable, wire.ProblemBusy.URI)
	reserved, _ := u.InFlight()
	assert.Equal(t, int64(large*max), reserved)

	small := loopback.Client(inRange(21))
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
		finish(t, answers[i], w, max-1000, max)
	}
	waitInFlight(t, u, 0)
	reserved, _ = u.InFlight()
	assert.Zero(t, reserved)
	assert.Empty(t, u.byClient)
	assert.Empty(t, u.byRange)
	select {
	case <-floods:
	case <-time.After(5 * time.Second):
		t.Fatal("the end of the flood was not reported")
	}
	assert.Empty(t, floods, "once")
}

// TestUploadsShareByRange: addresses of one range share one range's share
// of the budget, however many they are; another range is not affected.
func TestUploadsShareByRange(t *testing.T) {
	const max = 16 << 10
	u := NewUploads(64*max, 100, nil, nil) // a range's share: 8 uploads of max
	stoppedClock(u)
	srv := uploadServer(t, u, max, time.Minute)
	for i := range 8 {
		stalled(t, loopback.Client(loopback.Addr(i)), srv.URL, max, 10)
	}
	waitInFlight(t, u, 8)
	ninth, _ := stalled(t, loopback.Client(loopback.Addr(8)), srv.URL, max, 10)
	assertRefused(t, <-ninth, http.StatusTooManyRequests, wire.ProblemRateLimited.URI)

	res, err := loopback.Client(inRange(1)).Post(srv.URL, "text/plain", strings.NewReader("hello"))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "another range")
}

// TestUploadsReserveForNewcomers: once ranges that already upload hold all
// but the reserve, another upload of theirs is refused, and a range with
// nothing in flight still gets in.
func TestUploadsReserveForNewcomers(t *testing.T) {
	const max = 16 << 10
	u := NewUploads(64*max, 100, nil, nil) // the reserve: the last 8 uploads of max
	stoppedClock(u)
	srv := uploadServer(t, u, max, time.Minute)
	for r := range 14 { // 14 ranges × 4 uploads: all but the reserve
		for a := range 4 {
			stalled(t, loopback.Client(loopback.Addr(r<<8+a)), srv.URL, max, 10)
		}
	}
	waitInFlight(t, u, 56)
	more, _ := stalled(t, loopback.Client(loopback.Addr(4)), srv.URL, max, 10)
	assertRefused(t, <-more, http.StatusServiceUnavailable, wire.ProblemBusy.URI)

	answer, w := stalled(t, loopback.Client(inRange(30)), srv.URL, max, 10)
	waitInFlight(t, u, 57)
	finish(t, answer, w, max-10, max)
}

// TestUploadsSlowestCutFirst: when the budget is spent, the slowest of the
// uploads that have had their time to start is cut, and the newcomer is
// read instead of refused.
func TestUploadsSlowestCutFirst(t *testing.T) {
	const max = 64 << 10
	const large = 12
	u := NewUploads(16*max, 100, nil, nil)
	advance := stoppedClock(u)
	srv := uploadServer(t, u, max, time.Minute)
	var answers []<-chan *http.Response
	for i := range large {
		sent := 1000
		if i == 5 {
			sent = 10 // the slowest
		}
		a, _ := stalled(t, loopback.Client(inRange(i)), srv.URL, max, sent)
		answers = append(answers, a)
	}
	waitInFlight(t, u, large)
	waitRead(t, u, (large-1)*1000+10)

	// Not yet slow: they have not had their time.
	early, _ := stalled(t, loopback.Client(inRange(20)), srv.URL, max, 1000)
	assertRefused(t, <-early, http.StatusServiceUnavailable, wire.ProblemBusy.URI)

	advance(slowAfter)
	answer, w := stalled(t, loopback.Client(inRange(21)), srv.URL, max, 1000)
	finish(t, answer, w, max-1000, max)
	select {
	case res := <-answers[5]: // the server answers, or just closes
		if res != nil {
			res.Body.Close()
			assert.Equal(t, http.StatusBadRequest, res.StatusCode)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slowest upload was not cut")
	}
	_, n := u.InFlight()
	assert.Equal(t, large-1, n, "only the slowest was cut")
}

// TestUploadsPerClient: one address cannot hold more than its count of
// uploads at once; another address is not affected.
func TestUploadsPerClient(t *testing.T) {
	u := NewUploads(1<<20, 2, nil, nil)
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
	u := NewUploads(1<<20, 10, nil, nil)
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
	u := NewUploads(1, 1, nil, nil)
	var mu sync.Mutex
	seen := 0
	h := u.Limit(10, time.Second, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { mu.Lock(); seen++; mu.Unlock() }))
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	assert.Equal(t, 3, seen)
}
