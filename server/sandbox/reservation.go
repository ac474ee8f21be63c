package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// What a client may write of a reservation, and what makes one valid: the
// fields of the reservations the sandbox lists, less the id it gives.

// The statuses a reservation may have; a cancelled one holds no room.
var reservationStatuses = []string{"confirmed", "checked_in", "checked_out", "cancelled"}

const (
	statusConfirmed = "confirmed"
	statusCancelled = "cancelled"
	maxGuestName    = 100 // characters
	maxNights       = 365
)

// writableFields are the fields of a reservation body, in the order the
// errors list them; the required ones come first.
var writableFields = []string{"room_id", "arrival_date", "departure_date", "guest_name", "adults", "children", "service_ids", "status"}

const requiredFields = 5

// readOnlyFields are the ones the sandbox sets.
var readOnlyFields = []string{"id", "sandbox_expires_at"}

// applyMembers writes the members of a body over res, field by field, and
// says what is wrong with each one that cannot be: unknown, read-only,
// repeated, null, of the wrong type or out of range. A new reservation
// (create) must have every required field.
func applyMembers(res *reservation, members []jsonMember, create bool) []fieldError {
	var errs []fieldError
	seen := map[string]bool{}
	for _, m := range members {
		name := m.name
		switch {
		case seen[name]:
			errs = append(errs, fieldError{shownName(name), "is given more than once"})
			continue
		case slices.Contains(readOnlyFields, name):
			errs = append(errs, fieldError{name, "is set by the sandbox and cannot be written"})
			continue
		case !slices.Contains(writableFields, name):
			errs = append(errs, fieldError{shownName(name), "is not a field of a reservation; the fields are " + strings.Join(writableFields, ", ")})
			continue
		case string(m.value) == "null":
			errs = append(errs, fieldError{name, "must not be null"})
			continue
		}
		seen[name] = true
		if msg := applyField(res, name, m.value); msg != "" {
			errs = append(errs, fieldError{name, msg})
		}
	}
	if create {
		for _, name := range writableFields[:requiredFields] {
			if !seen[name] {
				errs = append(errs, fieldError{name, "is required"})
			}
		}
	}
	return errs
}

// applyField sets one known field from its JSON value, or says why not.
func applyField(res *reservation, name string, value json.RawMessage) string {
	switch name {
	case "room_id":
		return decodeInt(value, 0, "must be a room's id, a whole number such as 101", &res.RoomID)
	case "arrival_date":
		return decodeDate(value, &res.ArrivalDate)
	case "departure_date":
		return decodeDate(value, &res.DepartureDate)
	case "guest_name":
		return decodeGuestName(value, &res.GuestName)
	case "adults":
		return decodeInt(value, 1, "must be a whole number, at least 1", &res.Adults)
	case "children":
		return decodeInt(value, 0, "must be a whole number, at least 0", &res.Children)
	case "service_ids":
		return decodeServices(value, &res.ServiceIDs)
	case "status":
		var s string
		if json.Unmarshal(value, &s) != nil || !slices.Contains(reservationStatuses, s) {
			return "must be one of " + strings.Join(reservationStatuses, ", ")
		}
		res.Status = s
	}
	return ""
}

// decodeInt reads a whole number of at least least (and at most a million,
// which no count of guests or room id reaches).
func decodeInt(value json.RawMessage, least int, want string, into *int) string {
	var n json.Number
	if json.Unmarshal(value, &n) != nil || value[0] == '"' {
		return want
	}
	v, err := strconv.Atoi(n.String())
	if err != nil || v < least || v > 1_000_000 {
		return want
	}
	*into = v
	return ""
}

func decodeDate(value json.RawMessage, into *string) string {
	var s string
	if json.Unmarshal(value, &s) != nil {
		return "must be a date as a string, YYYY-MM-DD"
	}
	if _, err := time.Parse(dateLayout, s); err != nil {
		return "must be a date as YYYY-MM-DD, such as 2026-06-01"
	}
	*into = s
	return ""
}

func decodeGuestName(value json.RawMessage, into *string) string {
	var s string
	if json.Unmarshal(value, &s) != nil {
		return "must be a string"
	}
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "must not be empty"
	case n > maxGuestName:
		return fmt.Sprintf("must be at most %d characters", maxGuestName)
	case strings.ContainsFunc(s, unicode.IsControl) || !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError):
		return "must be one line of text, without control characters"
	}
	*into = s
	return ""
}

func decodeServices(value json.RawMessage, into *[]int) string {
	var ids []int
	want := "must be a list of service ids, each once: " + serviceIDList()
	if json.Unmarshal(value, &ids) != nil {
		return want
	}
	for i, id := range ids {
		if !slices.ContainsFunc(services, func(s service) bool { return s.ID == id }) || slices.Contains(ids[:i], id) {
			return want
		}
	}
	if ids == nil {
		ids = []int{}
	}
	*into = ids
	return ""
}

// checkStay checks what depends on more than one field: the room exists,
// the stay ends after it starts, and the room takes the guests. It runs
// once every field is valid on its own.
func checkStay(res reservation) []fieldError {
	var errs []fieldError
	room, found := roomByID(res.RoomID)
	if !found {
		errs = append(errs, fieldError{"room_id", "no room has that id; the rooms are " + roomIDList()})
	}
	arrival, _ := time.Parse(dateLayout, res.ArrivalDate)
	departure, _ := time.Parse(dateLayout, res.DepartureDate)
	switch nights := int(departure.Sub(arrival) / (24 * time.Hour)); {
	case nights < 1:
		errs = append(errs, fieldError{"departure_date", "must be after arrival_date (" + res.ArrivalDate + ")"})
	case nights > maxNights:
		errs = append(errs, fieldError{"departure_date", fmt.Sprintf("a stay is at most %d nights", maxNights)})
	}
	if guests := res.Adults + res.Children; found && guests > room.Capacity {
		errs = append(errs, fieldError{"adults", fmt.Sprintf("room %d takes at most %d guests; adults and children make %d", room.ID, room.Capacity, guests)})
	}
	return errs
}

// overlaps says which reservation in others holds res's room on one of its
// nights: the departure day is free for the next arrival, and a cancelled
// reservation holds nothing.
func overlaps(res reservation, others []reservation) (reservation, bool) {
	if res.Status == statusCancelled {
		return reservation{}, false
	}
	for _, o := range others {
		// Dates as YYYY-MM-DD compare as strings in date order.
		if o.ID != res.ID && o.RoomID == res.RoomID && o.Status != statusCancelled &&
			o.ArrivalDate < res.DepartureDate && res.ArrivalDate < o.DepartureDate {
			return o, true
		}
	}
	return reservation{}, false
}

// shownName is a field name as an error may quote it back: short, and
// only when it is printable.
func shownName(name string) string {
	if len(name) > 40 || strings.ContainsFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return "(a field with a long or unprintable name)"
	}
	return name
}

func roomByID(id int) (room, bool) {
	i := slices.IndexFunc(rooms, func(r room) bool { return r.ID == id })
	if i < 0 {
		return room{}, false
	}
	return rooms[i], true
}

func roomIDList() string {
	ids := make([]string, len(rooms))
	for i, r := range rooms {
		ids[i] = strconv.Itoa(r.ID)
	}
	return strings.Join(ids, ", ")
}

func serviceIDList() string {
	ids := make([]string, len(services))
	for i, s := range services {
		ids[i] = strconv.Itoa(s.ID)
	}
	return strings.Join(ids, ", ")
}
