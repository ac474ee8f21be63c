package statetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/state"
)

// NewRecords makes the Records store under test, empty, within limits,
// holding at most maxRecords (the store's default when zero), reading
// clock.
type NewRecords func(t *testing.T, limits state.RecordLimits, maxRecords int, clock *Clock) state.Records

// TestRecords checks a Records store: each owner's records are its own,
// live until their expiry, bounded per owner and in all with a reserve for
// owners with few, and written atomically with the checks that admit and
// change them.
func TestRecords(t *testing.T, newRecords NewRecords) {
	ctx := context.Background()
	limits := state.RecordLimits{TTL: time.Hour, PerOwner: 5, MaxData: 256}
	create := func(t *testing.T, s state.Records, owner, id, data string) state.Record {
		t.Helper()
		rec, err := s.Create(ctx, owner, id, []byte(data), nil)
		require.NoError(t, err)
		return rec
	}
	ids := func(t *testing.T, s state.Records, owner string) []string {
		t.Helper()
		recs, err := s.List(ctx, owner)
		require.NoError(t, err)
		out := []string{}
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return out
	}

	t.Run("create, get, list, update, delete", func(t *testing.T) {
		clock := NewClock()
		s := newRecords(t, limits, 0, clock)
		data := []byte(`{"guest":"Zoë"}`)
		rec, err := s.Create(ctx, "a", "r1", data, nil)
		require.NoError(t, err)
		data[2] = 'X' // the store kept its own copy
		want := state.Record{ID: "r1", Data: []byte(`{"guest":"Zoë"}`), Expires: clock.Now().Add(time.Hour)}
		assertRecord(t, want, rec)
		got, err := s.Get(ctx, "a", "r1")
		require.NoError(t, err)
		assertRecord(t, want, got)
		got.Data[0] = 'X' // nor can a reader change it
		clock.Advance(time.Second)
		create(t, s, "a", "r0", "second")
		assert.Equal(t, []string{"r1", "r0"}, ids(t, s, "a"), "the soonest to expire first")

		clock.Advance(time.Minute)
		updated, err := s.Update(ctx, "a", "r1", func(cur state.Record, others []state.Record) ([]byte, error) {
			assertRecord(t, want, cur)
			require.Len(t, others, 1)
			assert.Equal(t, "r0", others[0].ID)
			return []byte("changed"), nil
		})
		require.NoError(t, err)
		assertRecord(t, state.Record{ID: "r1", Data: []byte("changed"), Expires: want.Expires}, updated)
		got, err = s.Get(ctx, "a", "r1")
		require.NoError(t, err)
		assertRecord(t, updated, got)

		require.NoError(t, s.Delete(ctx, "a", "r1"))
		_, err = s.Get(ctx, "a", "r1")
		assert.ErrorIs(t, err, state.ErrNotFound)
		assert.ErrorIs(t, s.Delete(ctx, "a", "r1"), state.ErrNotFound)
		assert.Equal(t, []string{"r0"}, ids(t, s, "a"))
	})

	t.Run("owners see only their own", func(t *testing.T) {
		s := newRecords(t, limits, 0, NewClock())
		create(t, s, "a", "r1", "a's")
		_, err := s.Get(ctx, "b", "r1")
		assert.ErrorIs(t, err, state.ErrNotFound)
		assert.Empty(t, ids(t, s, "b"))
		_, err = s.Update(ctx, "b", "r1", func(state.Record, []state.Record) ([]byte, error) { return []byte("b's"), nil })
		assert.ErrorIs(t, err, state.ErrNotFound)
		assert.ErrorIs(t, s.Delete(ctx, "b", "r1"), state.ErrNotFound)
		create(t, s, "b", "r1", "b's own, with the same id")
		got, err := s.Get(ctx, "a", "r1")
		require.NoError(t, err)
		assert.Equal(t, "a's", string(got.Data))
		_, err = s.Create(ctx, "a", "r1", []byte("again"), nil)
		assert.ErrorIs(t, err, state.ErrExists)
	})

	t.Run("records expire, and updates do not extend them", func(t *testing.T) {
		clock := NewClock()
		s := newRecords(t, limits, 0, clock)
		create(t, s, "a", "r1", "x")
		clock.Advance(30 * time.Minute)
		_, err := s.Update(ctx, "a", "r1", func(state.Record, []state.Record) ([]byte, error) { return []byte("y"), nil })
		require.NoError(t, err)
		clock.Advance(30*time.Minute - time.Nanosecond)
		assert.Equal(t, []string{"r1"}, ids(t, s, "a"), "live until its expiry")
		clock.Advance(time.Nanosecond)
		assert.Empty(t, ids(t, s, "a"), "gone at its expiry")
		_, err = s.Get(ctx, "a", "r1")
		assert.ErrorIs(t, err, state.ErrNotFound)
		_, err = s.Update(ctx, "a", "r1", func(state.Record, []state.Record) ([]byte, error) { return []byte("z"), nil })
		assert.ErrorIs(t, err, state.ErrNotFound)
		assert.ErrorIs(t, s.Delete(ctx, "a", "r1"), state.ErrNotFound)
		create(t, s, "a", "r1", "the id is free again")
	})

	t.Run("an owner holds at most its limit, and no other owner pays", func(t *testing.T) {
		clock := NewClock()
		s := newRecords(t, limits, 0, clock)
		for i := range limits.PerOwner {
			create(t, s, "a", fmt.Sprint("r", i), "x")
			clock.Advance(time.Minute)
		}
		_, err := s.Create(ctx, "a", "one-more", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrOwnerFull)
		assert.Len(t, ids(t, s, "a"), limits.PerOwner, "nothing was dropped to make room")
		create(t, s, "b", "r0", "another owner is not limited by a's records")

		require.NoError(t, s.Delete(ctx, "a", "r3"))
		create(t, s, "a", "after-a-delete", "x")
		_, err = s.Create(ctx, "a", "one-more", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrOwnerFull)
		clock.Advance(time.Hour - 5*time.Minute) // r0 expires
		create(t, s, "a", "after-an-expiry", "x")
	})

	t.Run("the last tenth is kept for owners with few records", func(t *testing.T) {
		// 40 at most: owners holding 10 or more stop at 36, and the last 4
		// are for the others.
		limits := state.RecordLimits{TTL: time.Hour, PerOwner: 20, MaxData: 64}
		s := newRecords(t, limits, 40, NewClock())
		for i := range 20 {
			create(t, s, "heavy0", fmt.Sprint("r", i), "x")
		}
		for i := range 16 {
			create(t, s, "heavy1", fmt.Sprint("r", i), "x")
		}
		_, err := s.Create(ctx, "heavy1", "one-more", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrStoreFull, "an owner with many is refused at 36 of 40")
		_, err = s.Create(state.FromBusyRange(ctx), "fresh-of-a-busy-range", "r0", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrStoreFull, "an owner with none, from a busy range, is refused at 36 of 40")
		for i := range 4 {
			create(t, s, "few", fmt.Sprint("r", i), "a newcomer gets the reserve")
		}
		_, err = s.Create(ctx, "newcomer", "r0", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrStoreFull, "at 40 of 40 even a newcomer is refused")
		assert.Len(t, ids(t, s, "heavy0"), 20, "nobody's records were dropped")

		require.NoError(t, s.Delete(ctx, "heavy1", "r0"))
		_, err = s.Create(ctx, "heavy1", "r0", []byte("x"), nil)
		assert.ErrorIs(t, err, state.ErrStoreFull, "room freed in the reserve stays there")
		create(t, s, "newcomer", "r0", "and a newcomer takes it")
	})

	t.Run("data is bounded", func(t *testing.T) {
		s := newRecords(t, limits, 0, NewClock())
		_, err := s.Create(ctx, "a", "big", make([]byte, limits.MaxData+1), nil)
		assert.ErrorIs(t, err, state.ErrTooLarge)
		create(t, s, "a", "r1", string(make([]byte, limits.MaxData)))
		_, err = s.Update(ctx, "a", "r1", func(state.Record, []state.Record) ([]byte, error) { return make([]byte, limits.MaxData+1), nil })
		assert.ErrorIs(t, err, state.ErrTooLarge)
		got, err := s.Get(ctx, "a", "r1")
		require.NoError(t, err)
		assert.Len(t, got.Data, limits.MaxData, "a refused update changes nothing")
	})

	t.Run("admit and change decide, and a refusal writes nothing", func(t *testing.T) {
		s := newRecords(t, limits, 0, NewClock())
		create(t, s, "a", "r1", "one")
		errTaken := errors.New("taken")
		_, err := s.Create(ctx, "a", "r2", []byte("two"), func(live []state.Record) error {
			require.Len(t, live, 1)
			assert.Equal(t, "one", string(live[0].Data))
			return errTaken
		})
		assert.ErrorIs(t, err, errTaken)
		assert.Equal(t, []string{"r1"}, ids(t, s, "a"))
		_, err = s.Update(ctx, "a", "r1", func(state.Record, []state.Record) ([]byte, error) { return nil, errTaken })
		assert.ErrorIs(t, err, errTaken)
		got, err := s.Get(ctx, "a", "r1")
		require.NoError(t, err)
		assert.Equal(t, "one", string(got.Data))
	})

	t.Run("concurrent creates: the checks hold", func(t *testing.T) {
		s := newRecords(t, limits, 0, NewClock())
		// Each admits itself only if the owner has no record yet: as a
		// reservation is refused when its room is taken.
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i := range 40 {
			wg.Go(func() {
				_, err := s.Create(ctx, "a", fmt.Sprint("r", i), []byte("x"), func(live []state.Record) error {
					if len(live) > 0 {
						return errors.New("taken")
					}
					return nil
				})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					created++
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, created)

		for i := range 40 {
			wg.Go(func() { _, _ = s.Create(ctx, "b", fmt.Sprint("r", i), []byte("x"), nil) })
		}
		wg.Wait()
		assert.Len(t, ids(t, s, "b"), limits.PerOwner, "no more than the limit, however many at once")
	})
}

func assertRecord(t *testing.T, want, got state.Record) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, string(want.Data), string(got.Data))
	assert.True(t, want.Expires.Equal(got.Expires), "expires %s, want %s", got.Expires, want.Expires)
}
