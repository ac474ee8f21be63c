package sandbox_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
	"octoplay/server/sandbox"
	"octoplay/server/state"
)

// roomCreator posts rooms to srv as the demo client, each one record, from
// whichever loopback address it is given.
func roomCreator(t *testing.T, srv string, token string) func(from *http.Client) (*http.Response, string) {
	n := 0
	return func(from *http.Client) (*http.Response, string) {
		t.Helper()
		n++
		return sendWith(t, from, http.MethodPost, srv+pms+"rooms",
			headers("Authorization", "Bearer "+token, "Property", "1001", "Content-Type", jsonType),
			fmt.Sprintf(`{"name": "Room %d"}`, n))
	}
}

// TestOneRangeTakesOnlyItsShare: many addresses of one /24, each far below
// its own limit, together create one range's burst of records and then are
// refused, while an address of another range still creates; the range gets
// one back per interval.
func TestOneRangeTakesOnlyItsShare(t *testing.T) {
	srv, clock := newSandbox(t, nil)
	create := roomCreator(t, srv.URL, issueToken(t, srv))
	const addrs = 10 // 127.0.0.2 to 127.0.0.11: one /24
	for a := range addrs {
		from := loopback.Client(loopback.Addr(a))
		for range sandbox.RangeRecordsBurst / addrs {
			resp, body := create(from)
			require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		}
	}

	sameRange := loopback.Client(loopback.Addr(addrs)) // no record of its own yet
	resp, body := create(sameRange)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, body)
	assert.Equal(t, "8", resp.Header.Get("Retry-After"), "one every 7.2 s, rounded up")
	assert.Equal(t, envelope("LIMIT_EXCEEDED",
		"your network has made as many changes to the sandbox as one address range may: 500 at once, then 500 an hour; try again in 8 seconds",
		"LimitExceededException"), decode(t, body))

	otherRange := loopback.Client(loopback.Addr(300)) // 127.0.1.46
	resp, body = create(otherRange)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "another range is not limited by this one: %s", body)

	clock.Advance(sandbox.RecordsPerRange.Interval)
	resp, body = create(sameRange)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "one comes back per interval: %s", body)
	resp, _ = create(sameRange)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "and only one")
}

// TestTheStoreKeepsARoomForNewcomers: owners that filled the store of
// writes to its reserve are refused, and so is a fresh address of their
// range (busy: it made more than RangeNewcomerRecords), while an address of
// another range still creates, up to the whole store.
func TestTheStoreKeepsARoomForNewcomers(t *testing.T) {
	const most = 100 // the reserve: the last 10
	srv, _ := newSandbox(t, func(cfg *sandbox.Config) {
		cfg.Writes = state.NewMemoryRecords(sandbox.WriteLimits, most, cfg.Now)
	})
	create := roomCreator(t, srv.URL, issueToken(t, srv))
	const heavy = 3
	for a := range heavy {
		from := loopback.Client(loopback.Addr(a))
		for range (most - most/state.ReserveDivisor) / heavy {
			resp, body := create(from)
			require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		}
	}
	for a := range heavy {
		resp, body := create(loopback.Client(loopback.Addr(a)))
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "an owner with 30 is refused at 90 of 100: %s", body)
		assert.Equal(t, "60", resp.Header.Get("Retry-After"))
		assert.Contains(t, body, "its last tenth only for clients with fewer than 10")
	}

	// A fresh address of that busy range owns nothing, and is refused all
	// the same: the reserve is for ranges new to the sandbox.
	fresh := loopback.Client(loopback.Addr(heavy))
	resp, body := create(fresh)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a fresh owner of a busy range is refused at 90: %s", body)

	newcomer := loopback.Client(loopback.Addr(1 << 8)) // another /24
	for range most / state.ReserveDivisor {
		resp, body := create(newcomer)
		require.Equal(t, http.StatusCreated, resp.StatusCode, "a newcomer gets the reserve: %s", body)
	}
	resp, _ = create(loopback.Client(loopback.Addr(2 << 8)))
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the whole store is full")
}
