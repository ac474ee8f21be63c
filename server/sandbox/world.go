package sandbox

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"octoplay/server/state"
)

// A world is one owner's restaurant as a request sees it: the fixtures,
// with the owner's writes laid over them. The writes are records of a
// state.Records store, one per object, keyed "kind:id" and holding the
// object's JSON, or null for a fixture the owner removed; they go an hour
// after they were made (WriteLimits), and the fixture shows again.

// WriteLimits bound what the sandbox keeps of each owner's writes: two
// hundred objects at most (each room, table, service, reservation,
// subscription or delivery one), each gone an hour after it was made, each
// 4 KiB at most.
var WriteLimits = state.RecordLimits{TTL: time.Hour, PerOwner: 200, MaxData: 4 << 10}

// maxDeliveries is how many webhook deliveries an owner's inbox keeps: the
// newest.
const maxDeliveries = 20

// stored is a reservation as the sandbox keeps it: by the ids of what it
// refers to, whose names and details a view fills in.
type stored struct {
	Reservation
	ServiceID  int   `json:"service_id"`
	RoomID     int   `json:"room_id"`
	TableIDs   []int `json:"table_ids"`
	CheckedOut bool  `json:"checked_out,omitempty"`
}

type world struct {
	property      int
	now           time.Time
	rooms         map[int]Room
	tables        map[int]Table
	services      map[int]Service
	reservations  map[int]stored
	subscriptions map[int]Subscription
	deliveries    map[int]Delivery
	orders        []Order
	// dirty are the keys of what the request changed; created those of
	// what it made.
	dirty, created map[string]bool
}

func newWorld(property int, now time.Time) *world {
	return &world{
		property: property, now: now,
		rooms: map[int]Room{}, tables: map[int]Table{}, services: map[int]Service{},
		reservations: map[int]stored{}, subscriptions: map[int]Subscription{}, deliveries: map[int]Delivery{},
		dirty: map[string]bool{}, created: map[string]bool{},
	}
}

// The kinds of object an owner writes, as their records' keys name them.
const (
	kindRoom         = "room"
	kindTable        = "table"
	kindService      = "service"
	kindReservation  = "reservation"
	kindSubscription = "subscription"
	kindDelivery     = "delivery"
)

// apply lays one record over the world.
func (w *world) apply(rec state.Record) error {
	kind, idText, _ := strings.Cut(rec.ID, ":")
	id, err := strconv.Atoi(idText)
	if err != nil {
		return fmt.Errorf("sandbox: record %q: %w", rec.ID, err)
	}
	removed := string(rec.Data) == "null"
	switch kind {
	case kindRoom:
		return overlay(w.rooms, id, rec.Data, removed)
	case kindTable:
		return overlay(w.tables, id, rec.Data, removed)
	case kindService:
		return overlay(w.services, id, rec.Data, removed)
	case kindReservation:
		return overlay(w.reservations, id, rec.Data, removed)
	case kindSubscription:
		return overlay(w.subscriptions, id, rec.Data, removed)
	case kindDelivery:
		return overlay(w.deliveries, id, rec.Data, removed)
	}
	return fmt.Errorf("sandbox: record %q of no known kind", rec.ID)
}

func overlay[T any](m map[int]T, id int, data []byte, removed bool) error {
	if removed {
		delete(m, id)
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("sandbox: record %d: %w", id, err)
	}
	m[id] = v
	return nil
}

// touch marks an object changed, to be saved.
func (w *world) touch(kind string, id int) { w.dirty[kind+":"+strconv.Itoa(id)] = true }

// add marks an object made by the request, under an id no other request
// may have taken meanwhile (save says errTaken if one did).
func (w *world) add(kind string, id int) {
	w.touch(kind, id)
	w.created[kind+":"+strconv.Itoa(id)] = true
}

// errTaken says another request of the same owner made an object under
// the id this one chose: the request is decided again.
var errTaken = errors.New("sandbox: id taken meanwhile")

// value is what a changed key now holds: its JSON, or null when removed.
func (w *world) value(key string) []byte {
	kind, idText, _ := strings.Cut(key, ":")
	id, _ := strconv.Atoi(idText)
	var v any
	var found bool
	switch kind {
	case kindRoom:
		v, found = w.rooms[id]
	case kindTable:
		v, found = w.tables[id]
	case kindService:
		v, found = w.services[id]
	case kindReservation:
		v, found = w.reservations[id]
	case kindSubscription:
		v, found = w.subscriptions[id]
	case kindDelivery:
		v, found = w.deliveries[id]
	}
	if !found {
		return []byte("null")
	}
	data, _ := json.Marshal(v) // plain structs always encode
	return data
}

// nextID is a fresh id for a new object of m's kind.
func nextID[T any](m map[int]T) int {
	next := firstCreatedID
	for id := range m {
		next = max(next, id+1)
	}
	return next
}

// sortedIDs are m's ids, in order.
func sortedIDs[T any](m map[int]T) []int { return slices.Sorted(maps.Keys(m)) }

// load builds the owner's world.
func (s *Sandbox) load(ctx context.Context, c *call) (*world, *failure) {
	w := fixtures(c.property, s.now())
	recs, err := s.writes.List(ctx, c.owner)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, rec := range recs {
		if err := w.apply(rec); err != nil {
			return nil, unavailable(err)
		}
	}
	return w, nil
}

// save writes what the request changed. A removed object the owner made
// is deleted; a removed fixture is remembered as null. A reservation is
// written only if recheck, given the owner's records as the store holds
// them at that moment, decides it the same (else errTaken, and the
// request is decided again): two requests at once cannot both take one
// table. Reservations go first, so that nothing else is written when one
// is refused.
func (s *Sandbox) save(ctx context.Context, c *call, w *world, recheck func(key string, data []byte, live []state.Record) error) error {
	keys := slices.Sorted(maps.Keys(w.dirty))
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(btoi(!strings.HasPrefix(a, kindReservation+":")), btoi(!strings.HasPrefix(b, kindReservation+":")))
	})
	for _, key := range keys {
		data := w.value(key)
		_, idText, _ := strings.Cut(key, ":")
		id, _ := strconv.Atoi(idText)
		check := func([]state.Record) error { return nil }
		if strings.HasPrefix(key, kindReservation+":") {
			check = func(live []state.Record) error { return recheck(key, data, live) }
		}
		if w.created[key] {
			if string(data) == "null" {
				continue // made and removed in one request: a delivery beyond the inbox's
			}
			err := s.createRecord(ctx, c, key, data, check)
			if errors.Is(err, state.ErrExists) {
				return errTaken
			}
			if err != nil {
				return err
			}
			continue
		}
		if string(data) == "null" && id >= firstCreatedID {
			if err := s.writes.Delete(ctx, c.owner, key); err != nil && !errors.Is(err, state.ErrNotFound) {
				return err
			}
			continue
		}
		_, err := s.writes.Update(ctx, c.owner, key, func(cur state.Record, others []state.Record) ([]byte, error) {
			if err := check(append(others, cur)); err != nil {
				return nil, err
			}
			return data, nil
		})
		if errors.Is(err, state.ErrNotFound) {
			err = s.createRecord(ctx, c, key, data, check)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// storeFailure answers a store's error: a client or its address range at
// its limit, a store that is full; anything else means the store failed, and the sandbox refuses
// rather than guess (fails closed).
func (s *Sandbox) storeFailure(ctx context.Context, c *call, err error) *failure {
	var full errRangeFull
	switch {
	case errors.As(err, &full):
		return rangeFull(full)
	case errors.Is(err, state.ErrOwnerFull):
		recs, lerr := s.writes.List(ctx, c.owner)
		if lerr != nil || len(recs) == 0 {
			return unavailable(lerr)
		}
		wait := max(time.Second, recs[0].Expires.Sub(s.now()))
		return apiFailure(http.StatusTooManyRequests, codeLimitExceeded, fmt.Sprintf(
			"this client keeps at most %d changes in the sandbox; wait until the oldest goes at %s (each goes an hour after it was made)",
			WriteLimits.PerOwner, recs[0].Expires.UTC().Format(time.TimeOnly)+" UTC")).
			withHeader("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	case errors.Is(err, state.ErrStoreFull):
		return apiFailure(http.StatusServiceUnavailable, codeUnavailable, fmt.Sprintf(
			"the sandbox holds as many changes as it can (its last tenth only for clients with fewer than %d, from a network new to it); each goes an hour after it was made, so try again later",
			state.ReserveOwnerRecords)).
			withHeader("Retry-After", "60")
	case errors.Is(err, state.ErrTooLarge):
		return badRequest(fmt.Sprintf("the object is larger than the %d bytes the sandbox keeps of one; send shorter texts", WriteLimits.MaxData))
	}
	return unavailable(err)
}

// unavailable is the answer when the store of writes fails: 503, never a
// write let through or a read made up.
func unavailable(error) *failure {
	return apiFailure(http.StatusServiceUnavailable, codeUnavailable,
		"the sandbox cannot reach what it keeps right now; try again in a few seconds").
		withHeader("Retry-After", "5")
}

// The restaurant's rules.

// opensOn says whether the service opens on day's weekday.
func (svc Service) opensOn(day time.Time) bool {
	return slices.Contains(svc.DaysOfWeek, strings.ToUpper(day.Weekday().String()))
}

// slots are the hours a reservation may start at: every half hour from the
// service's start while a whole average stay fits before its end.
func (svc Service) slots() []string {
	start, err1 := time.Parse(timeLayout, svc.StartTime)
	end, err2 := time.Parse(timeLayout, svc.EndTime)
	slots := []string{}
	if err1 != nil || err2 != nil {
		return slots
	}
	stay := time.Duration(svc.AverageStay) * time.Minute
	for t := start; !t.Add(stay).After(end); t = t.Add(30 * time.Minute) {
		slots = append(slots, t.Format(timeLayout))
	}
	return slots
}

func (svc Service) withSlots() Service {
	svc.Slots = svc.slots()
	return svc
}

func (st stored) start() (time.Time, error) {
	return time.Parse(dateLayout+" "+timeLayout, st.StartDate+" "+st.StartHour)
}

// holds says whether the reservation keeps its tables: not cancelled,
// refused or expired, nor checked out.
func (st stored) holds() bool {
	switch st.Status {
	case "CANCELLED", "REJECTED", "EXPIRED":
		return false
	}
	return !st.CheckedOut
}

func (w *world) stay(serviceID int) time.Duration {
	if svc, ok := w.services[serviceID]; ok && svc.AverageStay > 0 {
		return time.Duration(svc.AverageStay) * time.Minute
	}
	return time.Hour
}

// takenBy is the reservation (other than except) that keeps table from
// being booked at start for stay, if any. A reservation takes its table
// for its stay, and the stay before it too, so that a new one ends before
// it begins: the docs' example, a 60-minute stay at 13:00 holds the table
// 13:00 to 14:00 and makes it unavailable from 12:00.
func (w *world) takenBy(table int, start time.Time, stay time.Duration, except int) (stored, bool) {
	for _, id := range sortedIDs(w.reservations) {
		st := w.reservations[id]
		if id == except || !st.holds() || !slices.Contains(st.TableIDs, table) {
			continue
		}
		begins, err := st.start()
		if err != nil {
			continue
		}
		ends := begins.Add(w.stay(st.ServiceID))
		if start.Before(ends) && !begins.After(start.Add(stay)) {
			return st, true
		}
	}
	return stored{}, false
}

// freeTables are the tables of room (any room when room is 0) that fit pax
// and are free at start for stay, the best choice first: the smallest that
// fits, as the docs' Best_Choice says. online keeps to tables bookable
// online, in rooms that are.
func (w *world) freeTables(room, pax int, start time.Time, stay time.Duration, except int, online bool) []Table {
	var free []Table
	for _, id := range sortedIDs(w.tables) {
		t := w.tables[id]
		r, ok := w.rooms[t.RoomID]
		switch {
		case !ok, room != 0 && t.RoomID != room, pax < t.GuestsMin || pax > t.GuestsMax,
			online && (!t.Bookable || !r.Bookable):
			continue
		}
		if _, taken := w.takenBy(id, start, stay, except); !taken {
			free = append(free, t)
		}
	}
	slices.SortStableFunc(free, func(a, b Table) int { return cmp.Compare(a.GuestsMax, b.GuestsMax) })
	return free
}

// roomView is a room with its tables, each free or not right now.
func (w *world) roomView(r Room) Room {
	r.Tables = []Table{}
	for _, id := range sortedIDs(w.tables) {
		if t := w.tables[id]; t.RoomID == r.ID {
			r.Tables = append(r.Tables, w.tableNow(t))
		}
	}
	return r
}

// tableNow is a table with free saying whether it is free at this moment.
func (w *world) tableNow(t Table) Table {
	_, taken := w.takenBy(t.ID, w.now, 0, 0)
	t.Free = !taken
	return t
}

// view is a reservation as the API shows it.
func (w *world) view(st stored) Reservation {
	res := st.Reservation
	svc := w.services[st.ServiceID]
	res.Service = Ref{ID: st.ServiceID, Name: svc.Name}
	res.Room = Ref{ID: st.RoomID, Name: w.rooms[st.RoomID].Name}
	if start, err := st.start(); err == nil {
		res.EndDate = start.Add(w.stay(st.ServiceID)).Format(dateTimeLayout)
	}
	res.Tables = []BookedTable{}
	for _, id := range st.TableIDs {
		t, ok := w.tables[id]
		if !ok {
			continue
		}
		t = w.tableNow(t)
		res.Tables = append(res.Tables, BookedTable{ID: t.ID, Name: t.Name, Bookable: t.Bookable, Free: t.Free, Group: t.Group, Online: t.Bookable, RoomID: t.RoomID})
	}
	return res
}
