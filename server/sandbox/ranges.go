package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"octoplay/internal/clientaddr"
	"octoplay/server/state"
)

// The records one address range (clientaddr.Range: an IPv4 /24, an IPv6
// /48) creates: RangeRecordsBurst at once, then RangeRecordsPerHour more an
// hour. A record lives an hour (WriteLimits), so one range holds at most
// RangeRecordsBurst+RangeRecordsPerHour live ones, 2 % of the store's
// state.DefaultMaxRecords: a party with a whole /24 gets one range's
// share, not 254 owners' worth, and it takes 50 ranges to fill the store.
const (
	RangeRecordsBurst   = 500
	RangeRecordsPerHour = 500
)

// RecordsPerRange is that limit, as a state.Limit: one creation every
// 7.2 s after the burst.
var RecordsPerRange = state.Limit{Interval: time.Hour / RangeRecordsPerHour, Burst: RangeRecordsBurst}

// A range that made more than RangeNewcomerRecords records in the last
// hour (RangeNewcomer, the same limit kind) is busy: its records never take
// the store's reserve (state.FromBusyRange), whichever of its addresses or
// clients owns them. So a party with many ranges fills the store to its
// reserve at most, and a range new to the sandbox always gets in.
const RangeNewcomerRecords = 20

// RangeNewcomer is that allowance, as a state.Limit: one record every 3
// minutes after the first 20.
var RangeNewcomer = state.Limit{Interval: time.Hour / RangeNewcomerRecords, Burst: RangeNewcomerRecords}

// errRangeFull is a creation refused because the caller's range made its
// share of records lately; wait is when it may make one again.
type errRangeFull struct{ wait time.Duration }

func (e errRangeFull) Error() string {
	return fmt.Sprintf("sandbox: the address range made its share of records; retry in %v", e.wait)
}

// createRecord creates owner's record key, counted first against the
// caller's address range.
//
// A created client's records count too: its owner is bounded by
// WriteLimits.PerOwner, but a range keeps up to 149 created clients alive
// at once (ClientsPerRange over ClientLifetime), which could hold 29 800
// records, most of the store. Counting every creation against the range
// that sent it, whoever owns the record, bounds them all alike.
//
// Each attempt counts, whether the store then takes the record or not
// (an owner at its limit that keeps trying spends its own range's share):
// counted before, so that requests at once from one range cannot all
// slip in under the limit.
func (s *Sandbox) createRecord(ctx context.Context, c *call, key string, data []byte, admit func([]state.Record) error) error {
	rng := "range " + clientaddr.Range(clientaddr.Of(c.r))
	d, err := s.recordsPerRange.Allow(ctx, rng)
	switch {
	case err != nil:
		return fmt.Errorf("sandbox: create record: %w", err)
	case !d.Allowed:
		return errRangeFull{d.RetryAfter}
	}
	// Spent only while the range is new: a refusal costs nothing.
	fresh, err := s.rangeNewcomer.Allow(ctx, rng)
	if err != nil {
		return fmt.Errorf("sandbox: create record: %w", err)
	}
	if !fresh.Allowed {
		ctx = state.FromBusyRange(ctx)
	}
	if _, err := s.writes.Create(ctx, c.owner, key, data, admit); err != nil {
		return fmt.Errorf("sandbox: create record: %w", err)
	}
	return nil
}

// rangeFull answers a creation the caller's range may not make yet.
func rangeFull(e errRangeFull) *failure {
	return apiFailure(http.StatusTooManyRequests, codeLimitExceeded, fmt.Sprintf(
		"your network has made as many changes to the sandbox as one address range may: %d at once, then %d an hour; try again in %s seconds",
		RangeRecordsBurst, RangeRecordsPerHour, retryAfter(e.wait))).
		withHeader("Retry-After", retryAfter(e.wait))
}
