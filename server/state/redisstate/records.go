package redisstate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"octoplay/server/state"
)

// A state.Records in Redis: one hash per owner, and one sorted set that
// counts every live record, for the bound on them all.
//
//	<prefix>records:<owner>  hash: "v" the owner's version, "r:<id>" "<expiry, ns since 1970> <data>";
//	                         PX until its latest record's expiry
//	<prefix>records          sorted set: "<len(owner)>:<owner><id>" scored by its expiry (ms);
//	                         PX until the latest expiry
//
// A write reads the owner's hash, decides in Go (the id is free, the owner
// below its limit, admit or change agree, as state.Records says), then
// commits with commitRecords, which writes only if the owner's version is
// still the one read, and refuses a new record while the sorted set holds
// the most the store keeps for that owner (state.MostFor: all but the
// reserve for an owner with many). A commit that finds the version moved is read
// and decided again, up to maxCommits times: the store's own WATCH, on one
// key, in one script, so that two writes of one owner at once on two
// instances cannot both pass the owner's limit or both take one room.
// Expiry is judged by the instances' clocks, to the nanosecond, as the
// memory store does; Redis's own times to live only reclaim the memory.

// maxCommits bounds how often one write is decided again when the owner's
// other writes keep getting in first; an owner's writes are limited by
// its requests' rate, so a write that still loses fails (the sandbox
// answers 503, never a guess).
const maxCommits = 16

// errContended is a write that lost to the owner's others maxCommits times.
var errContended = errors.New("redisstate: records: the owner's records changed during every attempt")

// commitRecords writes one record's change if the owner's hash is at the
// version read.
//
//	KEYS    the owner's hash, the sorted set of every record
//	ARGV    version read ("" for no hash), op ("create", "update", "delete"),
//	        the record's field, its value, its index member, its expiry (ms),
//	        now (ms), the hash's time to live (ms; 0 deletes it), the most
//	        records the store may hold as it takes this owner's new one
//	        (state.MostFor), then fields and members of expired records to drop
//	returns "ok", "moved" (the version changed: read again) or "full"
var commitRecords = redis.NewScript(`
local version = redis.call('HGET', KEYS[1], 'v') or ''
if version ~= ARGV[1] then return 'moved' end
local op, field, value, member = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local expiry, now, ttl, most = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
for i = 10, #ARGV, 2 do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i + 1])
end
if op == 'create' then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= most then return 'full' end
  redis.call('ZADD', KEYS[2], expiry, member)
  if redis.call('PTTL', KEYS[2]) < expiry - now then
    redis.call('PEXPIRE', KEYS[2], expiry - now)
  end
end
if op == 'delete' then
  redis.call('HDEL', KEYS[1], field)
  redis.call('ZREM', KEYS[2], member)
else
  redis.call('HSET', KEYS[1], field, value)
end
if ttl <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('HINCRBY', KEYS[1], 'v', 1)
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 'ok'
`)

// records is a state.Records in Redis.
type records struct {
	store  *Store
	owners string // the prefix of the owners' hashes
	index  string // the sorted set of every record
	limits state.RecordLimits
	most   int
	now    func() time.Time
}

// Records is a state.Records within limits, holding at most maxRecords
// live records across every owner and instance (state.DefaultMaxRecords
// when zero); now nil means time.Now.
func (s *Store) Records(limits state.RecordLimits, maxRecords int, now func() time.Time) state.Records {
	if now == nil {
		now = time.Now
	}
	if maxRecords <= 0 {
		maxRecords = state.DefaultMaxRecords
	}
	return &records{store: s, owners: s.prefix + "records:", index: s.prefix + "records", limits: limits, most: maxRecords, now: now}
}

// owned is an owner's hash as read: its version and every record in it,
// expired ones included.
type owned struct {
	version string
	all     []state.Record
}

// live are the records live at now, the soonest to expire first (ties by id).
func (o owned) live(now time.Time) []state.Record {
	var live []state.Record
	for _, r := range o.all {
		if now.Before(r.Expires) {
			live = append(live, r)
		}
	}
	slices.SortFunc(live, func(a, b state.Record) int {
		if c := a.Expires.Compare(b.Expires); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return live
}

// expired are the records gone at now.
func (o owned) expired(now time.Time) []state.Record {
	return slices.DeleteFunc(slices.Clone(o.all), func(r state.Record) bool { return now.Before(r.Expires) })
}

func (r *records) read(ctx context.Context, owner string) (owned, error) {
	var fields map[string]string
	err := r.store.do(ctx, func(ctx context.Context) error {
		var err error
		fields, err = r.store.client.HGetAll(ctx, r.owners+owner).Result()
		return err
	})
	if err != nil {
		return owned{}, err
	}
	o := owned{version: fields["v"]}
	for f, v := range fields {
		id, ok := strings.CutPrefix(f, "r:")
		if !ok {
			continue
		}
		rec, err := parseRecord(id, v)
		if err != nil {
			return owned{}, err
		}
		o.all = append(o.all, rec)
	}
	return o, nil
}

// parseRecord reads the record id from its value in the owner's hash.
func parseRecord(id, value string) (state.Record, error) {
	expiry, data, ok := strings.Cut(value, " ")
	ns, err := strconv.ParseInt(expiry, 10, 64)
	if !ok || err != nil {
		return state.Record{}, fmt.Errorf("record %q of an owner is malformed", id)
	}
	return state.Record{ID: id, Data: []byte(data), Expires: time.Unix(0, ns)}, nil
}

// edit is one write to commit: op on the record rec.
type edit struct {
	op  string // "create", "update" or "delete"
	rec state.Record
}

// commit writes c if owner's hash is still at o's version; moved says it
// was not, and the write must be decided again.
func (r *records) commit(ctx context.Context, owner string, o owned, c edit, now time.Time) (moved bool, err error) {
	remaining := o.live(now)
	switch c.op {
	case "create":
		remaining = append(remaining, c.rec)
	case "delete":
		remaining = slices.DeleteFunc(remaining, func(x state.Record) bool { return x.ID == c.rec.ID })
	}
	// The owner's live count decides its cap; the version check makes the
	// script refuse if that count changed since it was read.
	most := state.MostFor(ctx, r.most, len(o.live(now)))
	var latest time.Time
	for _, x := range remaining {
		if x.Expires.After(latest) {
			latest = x.Expires
		}
	}
	args := []any{o.version, c.op, "r:" + c.rec.ID, strconv.FormatInt(c.rec.Expires.UnixNano(), 10) + " " + string(c.rec.Data),
		r.member(owner, c.rec.ID), ceilMilli(c.rec.Expires), now.UnixMilli(), ceilMilli(latest) - now.UnixMilli(), most}
	for _, x := range o.expired(now) {
		args = append(args, "r:"+x.ID, r.member(owner, x.ID))
	}
	if latest.IsZero() {
		args[7] = 0
	}
	var res string
	err = r.store.do(ctx, func(ctx context.Context) error {
		var err error
		res, err = commitRecords.Run(ctx, r.store.client, []string{r.owners + owner, r.index}, args...).Text()
		return err
	})
	switch {
	case err != nil:
		return false, err
	case res == "full":
		return false, state.ErrStoreFull
	}
	return res == "moved", nil
}

// member names a record in the sorted set of them all.
func (r *records) member(owner, id string) string {
	return strconv.Itoa(len(owner)) + ":" + owner + id
}

// ceilMilli is t in milliseconds since 1970, rounded up: Redis keeps a
// record's memory at least as long as the record lives.
func ceilMilli(t time.Time) int64 {
	ms := t.UnixMilli()
	if t.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return ms
}

// write reads owner's records and commits what decide makes of them, again
// while the owner's hash moves under it.
func (r *records) write(ctx context.Context, op, owner string, decide func(o owned, now time.Time) (edit, error)) (state.Record, error) {
	for range maxCommits {
		o, err := r.read(ctx, owner)
		if err != nil {
			return state.Record{}, fmt.Errorf("redisstate: records: %s: %w", op, err)
		}
		now := r.now()
		c, err := decide(o, now)
		if err != nil {
			return state.Record{}, fmt.Errorf("redisstate: records: %s: %w", op, err)
		}
		moved, err := r.commit(ctx, owner, o, c, now)
		if err != nil {
			return state.Record{}, fmt.Errorf("redisstate: records: %s: %w", op, err)
		}
		if !moved {
			return c.rec, nil
		}
	}
	return state.Record{}, fmt.Errorf("redisstate: records: %s: %w", op, errContended)
}

func (r *records) Create(ctx context.Context, owner, id string, data []byte, admit func(live []state.Record) error) (state.Record, error) {
	if len(data) > r.limits.MaxData {
		return state.Record{}, fmt.Errorf("redisstate: records: create: %w: %d bytes, at most %d", state.ErrTooLarge, len(data), r.limits.MaxData)
	}
	return r.write(ctx, "create", owner, func(o owned, now time.Time) (edit, error) {
		live := o.live(now)
		switch {
		case slices.ContainsFunc(live, func(x state.Record) bool { return x.ID == id }):
			return edit{}, state.ErrExists
		case len(live) >= r.limits.PerOwner:
			return edit{}, state.ErrOwnerFull
		}
		if admit != nil {
			if err := admit(live); err != nil {
				return edit{}, err
			}
		}
		return edit{"create", state.Record{ID: id, Data: slices.Clone(data), Expires: now.Add(r.limits.TTL)}}, nil
	})
}

func (r *records) Get(ctx context.Context, owner, id string) (state.Record, error) {
	var value string
	var found bool
	err := r.store.do(ctx, func(ctx context.Context) error {
		var err error
		value, err = r.store.client.HGet(ctx, r.owners+owner, "r:"+id).Result()
		found = err == nil
		if errors.Is(err, redis.Nil) {
			return nil // no such record: the store answered
		}
		return err
	})
	if err != nil {
		return state.Record{}, fmt.Errorf("redisstate: records: get: %w", err)
	}
	if found {
		rec, err := parseRecord(id, value)
		if err != nil {
			return state.Record{}, fmt.Errorf("redisstate: records: get: %w", err)
		}
		if r.now().Before(rec.Expires) {
			return rec, nil
		}
	}
	return state.Record{}, fmt.Errorf("redisstate: records: get: %w", state.ErrNotFound)
}

func (r *records) List(ctx context.Context, owner string) ([]state.Record, error) {
	o, err := r.read(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("redisstate: records: list: %w", err)
	}
	return o.live(r.now()), nil
}

// liveRecord is owner's live record id and the others.
func liveRecord(o owned, now time.Time, id string) (state.Record, []state.Record, error) {
	live := o.live(now)
	i := slices.IndexFunc(live, func(x state.Record) bool { return x.ID == id })
	if i < 0 {
		return state.Record{}, nil, state.ErrNotFound
	}
	rec := live[i]
	return rec, slices.Delete(live, i, i+1), nil
}

func (r *records) Update(ctx context.Context, owner, id string, change func(current state.Record, others []state.Record) ([]byte, error)) (state.Record, error) {
	return r.write(ctx, "update", owner, func(o owned, now time.Time) (edit, error) {
		current, others, err := liveRecord(o, now, id)
		if err != nil {
			return edit{}, err
		}
		data, err := change(current, others)
		if err != nil {
			return edit{}, err
		}
		if len(data) > r.limits.MaxData {
			return edit{}, fmt.Errorf("%w: %d bytes, at most %d", state.ErrTooLarge, len(data), r.limits.MaxData)
		}
		current.Data = slices.Clone(data)
		return edit{"update", current}, nil
	})
}

func (r *records) Delete(ctx context.Context, owner, id string) error {
	_, err := r.write(ctx, "delete", owner, func(o owned, now time.Time) (edit, error) {
		current, _, err := liveRecord(o, now, id)
		if err != nil {
			return edit{}, err
		}
		return edit{"delete", current}, nil
	})
	return err
}
