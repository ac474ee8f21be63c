package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"octoplay/server/state"
)

// Rooms, their tables, and services: what a restaurant is made of. Each
// is changed per owner, over the fixtures (world.go).

var roomFields = []field{
	{name: "name", kind: kString, required: true, doc: "the room's name"},
	{name: "bookable", kind: kBool, doc: "true: bookable online; false: offline only"},
}

// roomBody is a room's writable fields.
type roomBody struct {
	Name     string `json:"name"`
	Bookable *bool  `json:"bookable"`
}

func listRooms(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		var rooms []Room
		for _, id := range sortedIDs(w.rooms) {
			rooms = append(rooms, w.roomView(w.rooms[id]))
		}
		return ok(rooms...)
	})
}

// theRoom is the room the path names, or its 404 in the docs' words.
func theRoom(w *world, c *call) (Room, *failure) {
	return pathObject(w.rooms, c, "room_id", "Room")
}

func getRoom(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		r, f := theRoom(w, c)
		if f != nil {
			return reply{}, f
		}
		return ok(w.roomView(r))
	})
}

func createRoom(s *Sandbox, c *call) (reply, *failure) {
	var b roomBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		r := Room{ID: nextID(w.rooms), Name: b.Name, PropertyID: w.property, Bookable: b.Bookable == nil || *b.Bookable}
		w.rooms[r.ID] = r
		w.add(kindRoom, r.ID)
		return created(w.roomView(r))
	})
}

func updateRoom(s *Sandbox, c *call) (reply, *failure) {
	var b roomBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		r, f := theRoom(w, c)
		if f != nil {
			return reply{}, f
		}
		r.Name = b.Name
		if b.Bookable != nil {
			r.Bookable = *b.Bookable
		}
		w.rooms[r.ID] = r
		w.touch(kindRoom, r.ID)
		return paged(w.roomView(r))
	})
}

func deleteRoom(s *Sandbox, c *call) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		r, f := theRoom(w, c)
		if f != nil {
			return reply{}, f
		}
		if st, ahead := w.reservationAhead(func(st stored) bool { return st.RoomID == r.ID }); ahead {
			return reply{}, conflict(fmt.Sprintf("room %d has reservation %d on %s ahead; cancel or move it first", r.ID, st.ID, st.StartDate))
		}
		delete(w.rooms, r.ID)
		w.touch(kindRoom, r.ID)
		for id, t := range w.tables {
			if t.RoomID == r.ID {
				delete(w.tables, id)
				w.touch(kindTable, id)
			}
		}
		return reply{status: http.StatusOK, body: pagedAnswer{Data: []int{r.ID}, LastPage: true, Links: []string{}}}, nil
	})
}

// reservationAhead is a reservation that still holds its tables, from today
// on, that matches.
func (w *world) reservationAhead(match func(stored) bool) (stored, bool) {
	today := w.now.UTC().Format(dateLayout)
	for _, id := range sortedIDs(w.reservations) {
		st := w.reservations[id]
		if st.holds() && st.StartDate >= today && match(st) {
			return st, true
		}
	}
	return stored{}, false
}

// Tables.

var tableFields = []field{
	{name: "name", kind: kString, required: true},
	{name: "bookable", kind: kBool, doc: "bookable online, or only offline"},
	{name: "free", kind: kBool, doc: "available for a new reservation"},
	{name: "group", kind: kBool, doc: "a table merged from others"},
	{name: "guests_min", kind: kInt, least: 1},
	{name: "guests_max", kind: kInt, least: 1},
}

type tableBody struct {
	Name      string `json:"name"`
	Bookable  *bool  `json:"bookable"`
	Free      *bool  `json:"free"`
	Group     bool   `json:"group"`
	GuestsMin *int   `json:"guests_min"`
	GuestsMax *int   `json:"guests_max"`
}

var tableQuery = []field{
	{name: "start_date", kind: kDate, doc: "the day to look at"},
	{name: "pax", kind: kInt, least: 1, doc: "keep tables that seat this many guests"},
	{name: "service_id", kind: kInt, doc: "free for a slot of this service on start_date"},
}

func listTables(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		r, f := theRoom(w, c)
		if f != nil {
			return reply{}, f
		}
		tables := w.roomView(r).Tables
		if c.q.has("pax") {
			pax := c.q.int("pax")
			tables = keep(tables, func(t Table) bool { return t.GuestsMin <= pax && pax <= t.GuestsMax })
		}
		if c.q.has("service_id") {
			svc, found := w.services[c.q.int("service_id")]
			if !found {
				return reply{}, missing("Service", c.q.int("service_id"))
			}
			day := w.now.UTC().Format(dateLayout)
			if c.q.has("start_date") {
				day = c.q.str("start_date")
			}
			for i, t := range tables {
				tables[i].Free = w.freeInService(t.ID, svc, day)
			}
		}
		return ok(tables...)
	})
}

// freeInService says whether table is free for at least one slot of svc on day.
func (w *world) freeInService(table int, svc Service, day string) bool {
	for _, slot := range svc.slots() {
		start, err := time.Parse(dateLayout+" "+timeLayout, day+" "+slot)
		if err != nil {
			return false
		}
		if _, taken := w.takenBy(table, start, w.stay(svc.ID), 0); !taken {
			return true
		}
	}
	return false
}

func keep[T any](s []T, match func(T) bool) []T {
	out := []T{}
	for _, v := range s {
		if match(v) {
			out = append(out, v)
		}
	}
	return out
}

// theTable is the table the path names, in the room it names.
func theTable(w *world, c *call) (Table, *failure) {
	r, f := theRoom(w, c)
	if f != nil {
		return Table{}, f
	}
	t, f := pathObject(w.tables, c, "table_id", "Table")
	if f == nil && t.RoomID != r.ID {
		return Table{}, missing("Table", t.ID)
	}
	return t, f
}

func getTable(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		t, f := theTable(w, c)
		if f != nil {
			return reply{}, f
		}
		return ok(w.tableNow(t))
	})
}

// apply sets a table's fields from a body; a table seats 1 to 2 unless
// told otherwise.
func (b tableBody) apply(t Table) (Table, *failure) {
	t.Name, t.Group = b.Name, b.Group
	if b.Bookable != nil {
		t.Bookable = *b.Bookable
	}
	if b.GuestsMin != nil {
		t.GuestsMin = *b.GuestsMin
	}
	if b.GuestsMax != nil {
		t.GuestsMax = *b.GuestsMax
	}
	if t.GuestsMin > t.GuestsMax {
		return t, invalid([]string{fmt.Sprintf("guests_min: %d is more than guests_max %d", t.GuestsMin, t.GuestsMax)})
	}
	return t, nil
}

func createTable(s *Sandbox, c *call) (reply, *failure) {
	var b tableBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		r, f := theRoom(w, c)
		if f != nil {
			return reply{}, f
		}
		t, f := b.apply(Table{ID: nextID(w.tables), Bookable: true, GuestsMin: 1, GuestsMax: 2, RoomID: r.ID})
		if f != nil {
			return reply{}, f
		}
		w.tables[t.ID] = t
		w.add(kindTable, t.ID)
		return created(w.tableNow(t))
	})
}

func updateTable(s *Sandbox, c *call) (reply, *failure) {
	var b tableBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		t, f := theTable(w, c)
		if f != nil {
			return reply{}, f
		}
		if t, f = b.apply(t); f != nil {
			return reply{}, f
		}
		w.tables[t.ID] = t
		w.touch(kindTable, t.ID)
		return ok(w.tableNow(t))
	})
}

func deleteTable(s *Sandbox, c *call) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		t, f := theTable(w, c)
		if f != nil {
			return reply{}, f
		}
		if st, ahead := w.reservationAhead(func(st stored) bool { return slices.Contains(st.TableIDs, t.ID) }); ahead {
			return reply{}, conflict(fmt.Sprintf("table %d has reservation %d on %s ahead; cancel or move it first", t.ID, st.ID, st.StartDate))
		}
		delete(w.tables, t.ID)
		w.touch(kindTable, t.ID)
		return ok(t.ID)
	})
}

// withWorld runs a read on the owner's world.
func withWorld(s *Sandbox, c *call, read func(*world) (reply, *failure)) (reply, *failure) {
	w, f := s.load(c.r.Context(), c)
	if f != nil {
		return reply{}, f
	}
	return read(w)
}

// changeWorld runs a write on the owner's world and saves what it changed
// when it succeeds. When another request of the owner took an id this one
// chose, the write is decided again on the world as it now is.
func changeWorld(s *Sandbox, c *call, change func(*world) (reply, *failure)) (reply, *failure) {
	for attempt := 0; ; attempt++ {
		w, f := s.load(c.r.Context(), c)
		if f != nil {
			return reply{}, f
		}
		rep, f := change(w)
		if f != nil {
			return reply{}, f
		}
		// The same change, decided again on the records as the store holds
		// them while it writes, must come out the same.
		recheck := func(key string, data []byte, live []state.Record) error {
			again := fixtures(c.property, w.now)
			for _, rec := range live {
				if err := again.apply(rec); err != nil {
					return err
				}
			}
			if _, f := change(again); f != nil || !bytes.Equal(again.value(key), data) {
				return errTaken
			}
			return nil
		}
		err := s.save(c.r.Context(), c, w, recheck)
		switch {
		case err == nil:
			return rep, nil
		case errors.Is(err, errTaken) && attempt < maxAttempts:
			continue
		}
		return reply{}, s.storeFailure(c.r.Context(), c, err)
	}
}

// maxAttempts bounds how often a write is decided again.
const maxAttempts = 10
