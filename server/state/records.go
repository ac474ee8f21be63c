package state

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Records keeps small records for their owners, each until a fixed time
// after it was created: what a client writes to the sandbox, under an owner
// that names the client. An owner sees, changes and counts only its own
// records, and nothing one owner does removes another's.
//
// Expiry is judged by the clock the store is given, never by when the
// store happens to forget: a record is live until its Expires, and gone
// from then on, whether or not its memory has been reclaimed yet.
//
// The interface is shaped for a store kept elsewhere: redisstate keeps one
// hash per owner (field: the record's id; value: its expiry and data),
// reads it, decides, and writes it back only if no other write of the
// owner got in meanwhile (else it reads and decides again), drops the
// fields whose expiry has passed as it goes, and gives the key a time to
// live until the latest expiry of its fields, so that an idle owner's hash
// goes by itself. Because a write is decided again when another got in
// first, the admit and change functions may be called more than once and
// must do nothing but decide.
type Records interface {
	// Create stores data as owner's record id, live until the store's TTL
	// from now, unless owner already has a live record id (ErrExists),
	// holds its limit of live records (ErrOwnerFull), the store is full
	// for owner (ErrStoreFull: see MostFor), data is too large (ErrTooLarge), or admit, given
	// owner's live records, returns an error, which Create returns
	// wrapped. A nil admit admits.
	Create(ctx context.Context, owner, id string, data []byte, admit func(live []Record) error) (Record, error)
	// Get returns owner's live record id, or ErrNotFound.
	Get(ctx context.Context, owner, id string) (Record, error)
	// List returns owner's live records, the soonest to expire first (ties
	// by id).
	List(ctx context.Context, owner string) ([]Record, error)
	// Update replaces the data of owner's live record id (ErrNotFound if
	// there is none) with what change returns, given the record and
	// owner's other live records; an error from change leaves the record
	// as it was and is returned wrapped. The expiry stays as it was.
	Update(ctx context.Context, owner, id string, change func(current Record, others []Record) ([]byte, error)) (Record, error)
	// Delete removes owner's live record id, or says ErrNotFound.
	Delete(ctx context.Context, owner, id string) error
}

// Record is one owner's record.
type Record struct {
	ID   string
	Data []byte
	// Expires is when the record goes: its creation plus the store's TTL.
	Expires time.Time
}

// RecordLimits bound a Records store.
type RecordLimits struct {
	// TTL is how long a record lives after its creation.
	TTL time.Duration
	// PerOwner is the most live records one owner holds.
	PerOwner int
	// MaxData is the largest record data, in bytes.
	MaxData int
}

// The errors of a Records store; anything else is the store failing, and
// its caller refuses the request (fails closed).
var (
	ErrNotFound  = errors.New("state: records: no such record")
	ErrExists    = errors.New("state: records: the owner already has a record with that id")
	ErrOwnerFull = errors.New("state: records: the owner holds as many records as it may")
	ErrStoreFull = errors.New("state: records: the store holds as many records as it may")
	ErrTooLarge  = errors.New("state: records: record data too large")
)

// DefaultMaxRecords bounds a MemoryRecords: that many records took 16 MB of
// heap with 180 bytes of data each (a sandbox reservation), 38 MB with 590
// (the longest one), 58 MB with 1 KiB.
const DefaultMaxRecords = 50_000

// The reserve: the last tenth of a store's records (ReserveDivisor) is
// kept for newcomers: owners that hold fewer than ReserveOwnerRecords live
// ones, whose creation does not come from a busy address range (see
// FromBusyRange). Many owners at their limit, or many owners of one busy
// range (one party with many addresses), fill the store only to MostFor's
// lower cap; a newcomer range still gets in after that.
const (
	ReserveDivisor      = 10
	ReserveOwnerRecords = 10
)

type busyRangeKey struct{}

// FromBusyRange returns ctx saying that the record a Create given it makes
// comes from an address range that has made many lately: it never takes
// the reserve, whatever its owner holds, so the reserve stays for a range
// that is new however many owners (addresses, clients) the others hold.
func FromBusyRange(ctx context.Context) context.Context {
	return context.WithValue(ctx, busyRangeKey{}, true)
}

// MostFor is how many live records a store of maxRecords may hold when it
// takes a new one, in ctx, from an owner that holds live: all of them for a
// newcomer, all but the reserve for the others.
func MostFor(ctx context.Context, maxRecords, live int) int {
	if live < ReserveOwnerRecords && ctx.Value(busyRangeKey{}) == nil {
		return maxRecords
	}
	return maxRecords - maxRecords/ReserveDivisor
}

// MemoryRecords is a Records store in this process's memory.
//
// Who can make it grow: every owner, up to its limit. What bounds it:
// records go at their expiry, each owner holds at most PerOwner, and the
// store at most maxRecords (the last tenth only for owners with few, see
// MostFor); when that many are live at once, Create says ErrStoreFull
// rather than remove anybody's record to make room.
type MemoryRecords struct {
	limits     RecordLimits
	now        func() time.Time
	maxRecords int

	mu        sync.Mutex
	owners    map[string]map[string]Record
	total     int
	lastSweep time.Time
}

// NewMemoryRecords returns an empty store within limits holding at most
// maxRecords records (DefaultMaxRecords when zero); now nil means time.Now.
func NewMemoryRecords(limits RecordLimits, maxRecords int, now func() time.Time) *MemoryRecords {
	m := &MemoryRecords{limits: limits, now: now, maxRecords: maxRecords, owners: map[string]map[string]Record{}}
	if m.now == nil {
		m.now = time.Now
	}
	if m.maxRecords <= 0 {
		m.maxRecords = DefaultMaxRecords
	}
	return m
}

func (m *MemoryRecords) Create(ctx context.Context, owner, id string, data []byte, admit func(live []Record) error) (Record, error) {
	if len(data) > m.limits.MaxData {
		return Record{}, fmt.Errorf("state: records: create: %w: %d bytes, at most %d", ErrTooLarge, len(data), m.limits.MaxData)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	live := m.live(owner, now)
	switch {
	case slices.ContainsFunc(live, func(r Record) bool { return r.ID == id }):
		return Record{}, fmt.Errorf("state: records: create: %w", ErrExists)
	case len(live) >= m.limits.PerOwner:
		return Record{}, fmt.Errorf("state: records: create: %w", ErrOwnerFull)
	}
	if most := MostFor(ctx, m.maxRecords, len(live)); m.total >= most {
		m.sweep(now, true)
		if m.total >= most {
			return Record{}, fmt.Errorf("state: records: create: %w", ErrStoreFull)
		}
	}
	if admit != nil {
		if err := admit(cloneRecords(live)); err != nil {
			return Record{}, fmt.Errorf("state: records: create: %w", err)
		}
	}
	rec := Record{ID: id, Data: slices.Clone(data), Expires: now.Add(m.limits.TTL)}
	if m.owners[owner] == nil {
		m.owners[owner] = map[string]Record{}
	}
	m.owners[owner][id] = rec
	m.total++
	return cloneRecord(rec), nil
}

func (m *MemoryRecords) Get(_ context.Context, owner, id string) (Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live(owner, m.now())
	rec, ok := m.owners[owner][id]
	if !ok {
		return Record{}, fmt.Errorf("state: records: get: %w", ErrNotFound)
	}
	return cloneRecord(rec), nil
}

func (m *MemoryRecords) List(_ context.Context, owner string) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return cloneRecords(m.live(owner, m.now())), nil
}

func (m *MemoryRecords) Update(_ context.Context, owner, id string, change func(current Record, others []Record) ([]byte, error)) (Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	live := m.live(owner, m.now())
	i := slices.IndexFunc(live, func(r Record) bool { return r.ID == id })
	if i < 0 {
		return Record{}, fmt.Errorf("state: records: update: %w", ErrNotFound)
	}
	current := live[i]
	data, err := change(cloneRecord(current), cloneRecords(slices.Delete(live, i, i+1)))
	if err != nil {
		return Record{}, fmt.Errorf("state: records: update: %w", err)
	}
	if len(data) > m.limits.MaxData {
		return Record{}, fmt.Errorf("state: records: update: %w: %d bytes, at most %d", ErrTooLarge, len(data), m.limits.MaxData)
	}
	current.Data = slices.Clone(data)
	m.owners[owner][id] = current
	return cloneRecord(current), nil
}

func (m *MemoryRecords) Delete(_ context.Context, owner, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.live(owner, m.now())
	if _, ok := m.owners[owner][id]; !ok {
		return fmt.Errorf("state: records: delete: %w", ErrNotFound)
	}
	m.remove(owner, id)
	return nil
}

// live forgets owner's expired records and returns the others, the soonest
// to expire first. It also sweeps the whole store now and then, so that
// owners who never come back do not keep their records' memory.
func (m *MemoryRecords) live(owner string, now time.Time) []Record {
	m.sweep(now, false)
	var live []Record
	for id, rec := range m.owners[owner] {
		if !now.Before(rec.Expires) {
			m.remove(owner, id)
			continue
		}
		live = append(live, rec)
	}
	slices.SortFunc(live, func(a, b Record) int {
		if c := a.Expires.Compare(b.Expires); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return live
}

// sweep forgets every expired record: when forced (the store is full), or
// once a minute, so that it costs little per call.
func (m *MemoryRecords) sweep(now time.Time, force bool) {
	if !force && now.Sub(m.lastSweep) < time.Minute {
		return
	}
	m.lastSweep = now
	for owner, recs := range m.owners {
		for id, rec := range recs {
			if !now.Before(rec.Expires) {
				m.remove(owner, id)
			}
		}
	}
}

func (m *MemoryRecords) remove(owner, id string) {
	delete(m.owners[owner], id)
	m.total--
	if len(m.owners[owner]) == 0 {
		delete(m.owners, owner)
	}
}

// Len is how many records the store holds, expired ones not yet forgotten
// included.
func (m *MemoryRecords) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total
}

// cloneRecord and cloneRecords copy what the store hands out, so that no
// caller can change a stored record behind its back.
func cloneRecord(r Record) Record {
	r.Data = slices.Clone(r.Data)
	return r
}

func cloneRecords(rs []Record) []Record {
	out := make([]Record, len(rs))
	for i, r := range rs {
		out[i] = cloneRecord(r)
	}
	return out
}
