package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Reservations: listed with the docs' filters and a cursor, read, made,
// changed with the full-body PUT, moved through their statuses (the status
// PATCH, check-in, check-out, each with undo), and cancelled by DELETE,
// which keeps them in the list as CANCELLED, as the live API does.

var statuses = []string{"WAITING", "ACCEPTED", "CANCELLED", "CONFIRMED", "EXPIRED", "PREPAY", "OUTOFORDER", "REJECTED"}

var channels = []string{"OCTOTABLE_BOOK", "OCTOTABLE_ADMIN"}

var customerFields = []field{
	{name: "first_name", kind: kString, required: true},
	{name: "last_name", kind: kString},
	{name: "email", kind: kString},
	{name: "phone", kind: kString, doc: "digits, without the country prefix in the docs' examples"},
}

// reservationFields are POST's; putFields PUT's, which wants the whole
// reservation (the live API answers a partial PUT with an error) and the
// customer's id.
var reservationFields = []field{
	{name: "start_date", kind: kDate, required: true},
	{name: "start_hour", kind: kTime, required: true, doc: "one of the service's slots"},
	{name: "pax", kind: kInt, least: 1, required: true, doc: "the number of guests"},
	{name: "channel", kind: kEnum, enum: channels, doc: "OCTOTABLE_ADMIN (the default): made by the restaurant; OCTOTABLE_BOOK: in the booking engine, which books only tables bookable online"},
	{name: "customer", kind: kObject, members: customerFields, required: true},
	{name: "service_id", kind: kInt, required: true},
	{name: "room_id", kind: kInt, required: true},
	{name: "table_ids", kind: kIntList, doc: "the tables to seat the party at; the best free one when absent"},
	{name: "waiting_list", kind: kBool, doc: "keep the reservation in the waiting list"},
	{name: "notes", kind: kString},
}

var putFields = func() []field {
	fields := slices.Clone(reservationFields)
	for i, f := range fields {
		switch f.name {
		case "channel":
			fields[i].required = true
		case "customer":
			fields[i].members = append([]field{{name: "id", kind: kInt, required: true, doc: "the reservation's customer's id"}}, customerFields...)
		}
	}
	return append(fields, field{name: "start_day", kind: kRefused,
		doc: "the docs' by-id example spells it so, but the API takes start_date (the live API fails on start_day); send start_date"})
}()

type customerBody struct {
	ID        int    `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

type reservationBody struct {
	StartDate   string       `json:"start_date"`
	StartHour   string       `json:"start_hour"`
	Pax         int          `json:"pax"`
	Channel     string       `json:"channel"`
	Customer    customerBody `json:"customer"`
	ServiceID   int          `json:"service_id"`
	RoomID      int          `json:"room_id"`
	TableIDs    []int        `json:"table_ids"`
	WaitingList bool         `json:"waiting_list"`
	Notes       *string      `json:"notes"`
}

var reservationQuery = []field{
	{name: "next_cursor", kind: kString, doc: "the next_cursor of the previous page"},
	{name: "limit", kind: kInt, least: 1, doc: fmt.Sprintf("reservations per page, at most %d (default %d)", maxPage, defaultPage)},
	{name: "start_date", kind: kDate, doc: "from this day on"},
	{name: "start_hour", kind: kTime, doc: "from this hour on, every day"},
	{name: "end_date", kind: kDate, doc: "up to this day"},
	{name: "status", kind: kEnumList, enum: statuses, doc: "written status[], repeated"},
	{name: "text_search", kind: kString, doc: "in the customer's first name, last name or phone"},
	{name: "service_ids", kind: kIntList, doc: "written service_ids[], repeated"},
	{name: "room_ids", kind: kIntList, doc: "written room_ids[], repeated"},
	{name: "incoming", kind: kBool, doc: "still to come"},
	{name: "arrived", kind: kBool, doc: "checked in, not yet out"},
	{name: "departed", kind: kBool, doc: "checked out"},
}

const (
	defaultPage = 20
	maxPage     = 100
)

func listReservations(s *Sandbox, c *call) (reply, *failure) {
	limit := defaultPage
	if c.q.has("limit") {
		limit = c.q.int("limit")
		if limit > maxPage {
			return reply{}, invalid([]string{fmt.Sprintf("limit: at most %d", maxPage)})
		}
	}
	after, f := readCursor(c.q.str("next_cursor"))
	if f != nil {
		return reply{}, f
	}
	return withWorld(s, c, func(w *world) (reply, *failure) {
		var all []stored
		for _, id := range sortedIDs(w.reservations) {
			if st := w.reservations[id]; w.matches(st, c.q) {
				all = append(all, st)
			}
		}
		slices.SortFunc(all, func(a, b stored) int { return strings.Compare(sortKey(a), sortKey(b)) })
		var page []Reservation
		next, last := "", ""
		for _, st := range all {
			if sortKey(st) <= after {
				continue
			}
			if len(page) == limit {
				next = base64.RawURLEncoding.EncodeToString([]byte(last))
				break
			}
			page, last = append(page, w.view(st)), sortKey(st)
		}
		return reply{status: http.StatusOK, body: dataAnswer{Data: nonNil(page), NextCursor: next}}, nil
	})
}

// sortKey orders reservations by day, hour and id, and is what a cursor
// holds: the key of the last reservation of the page.
func sortKey(st stored) string {
	return fmt.Sprintf("%s %s %012d", st.StartDate, st.StartHour, st.ID)
}

func readCursor(cursor string) (string, *failure) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	parts := strings.Split(string(b), " ")
	if err != nil || len(parts) != 3 || len(parts[2]) != 12 {
		return "", invalid([]string{"next_cursor: not a cursor the sandbox gave; send the next_cursor of the previous page, or none for the first"})
	}
	return string(b), nil
}

// matches applies the list's filters.
func (w *world) matches(st stored, q query) bool {
	start, _ := st.start()
	checkedIn := st.CheckinDate != ""
	text := strings.ToLower(q.str("text_search"))
	switch {
	case q.has("start_date") && st.StartDate < q.str("start_date"),
		q.has("end_date") && st.StartDate > q.str("end_date"),
		q.has("start_hour") && st.StartHour < q.str("start_hour"),
		q.has("status") && !slices.Contains(q.list("status"), st.Status),
		q.has("service_ids") && !slices.Contains(q.ints("service_ids"), st.ServiceID),
		q.has("room_ids") && !slices.Contains(q.ints("room_ids"), st.RoomID),
		text != "" && !strings.Contains(strings.ToLower(st.Customer.FirstName+"\x00"+st.Customer.LastName+"\x00"+st.Customer.Phone), text),
		q.has("incoming") && q.flag("incoming") != (st.holds() && !checkedIn && start.After(w.now)),
		q.has("arrived") && q.flag("arrived") != (checkedIn && !st.CheckedOut),
		q.has("departed") && q.flag("departed") != st.CheckedOut:
		return false
	}
	return true
}

func theReservation(w *world, c *call) (stored, *failure) {
	return pathObject(w.reservations, c, "reservation_id", "Reservation")
}

func getReservation(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		st, f := theReservation(w, c)
		if f != nil {
			return reply{}, f
		}
		return ok(w.view(st))
	})
}

func createReservation(s *Sandbox, c *call) (reply, *failure) {
	var b reservationBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		id := nextID(w.reservations)
		st := stored{Reservation: Reservation{ID: id, Customer: Customer{ID: id + customerIDOffset}}}
		st, f := w.place(st, b)
		if f != nil {
			return reply{}, f
		}
		svc := w.services[st.ServiceID]
		st.Status = "CONFIRMED"
		if svc.ConfirmationMode == "WAITING_LIST" || b.WaitingList {
			st.Status = "WAITING"
		}
		w.reservations[id] = st
		w.add(kindReservation, id)
		res := w.view(st)
		w.notify("RESERVATION_CREATED", res)
		return created(res)
	})
}

// customerIDOffset makes a created reservation's customer id from its id.
const customerIDOffset = 20_000_000

func updateReservation(s *Sandbox, c *call) (reply, *failure) {
	var b reservationBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		st, f := theReservation(w, c)
		if f != nil {
			return reply{}, f
		}
		if b.Customer.ID != st.Customer.ID {
			return reply{}, invalid([]string{fmt.Sprintf("customer.id: %d is not this reservation's customer; send %d", b.Customer.ID, st.Customer.ID)})
		}
		if !st.holds() {
			return reply{}, conflict(fmt.Sprintf("reservation %d is %s and can no longer change", st.ID, st.Status))
		}
		if st, f = w.place(st, b); f != nil {
			return reply{}, f
		}
		w.reservations[st.ID] = st
		w.touch(kindReservation, st.ID)
		res := w.view(st)
		w.notify("RESERVATION_UPDATED", res)
		return ok(res)
	})
}

// place sets what the body says of a reservation, after checking that the
// restaurant can seat it: the service opens that day and hour, the room
// and tables exist, and the tables seat the party and are free.
func (w *world) place(st stored, b reservationBody) (stored, *failure) {
	svc, found := w.services[b.ServiceID]
	if !found {
		return st, missing("Service", b.ServiceID)
	}
	if _, found := w.rooms[b.RoomID]; !found {
		return st, missing("Room", b.RoomID)
	}
	start, _ := time.Parse(dateLayout+" "+timeLayout, b.StartDate+" "+b.StartHour)
	switch {
	case !svc.opensOn(start):
		return st, invalid([]string{fmt.Sprintf("start_date: %s does not open on %s (it opens on %s)",
			svc.Name, strings.ToUpper(start.Weekday().String()), strings.Join(svc.DaysOfWeek, ", "))})
	case !slices.Contains(svc.slots(), b.StartHour):
		return st, invalid([]string{fmt.Sprintf("start_hour: %s is not a slot of %s; its slots are %s",
			b.StartHour, svc.Name, strings.Join(svc.slots(), ", "))})
	case !start.After(w.now):
		return st, invalid([]string{fmt.Sprintf("start_date: %s %s has passed", b.StartDate, b.StartHour)})
	case svc.MaxAdvance > 0 && start.After(w.now.AddDate(0, 0, svc.MaxAdvance)):
		return st, invalid([]string{fmt.Sprintf("start_date: %s takes reservations at most %d days ahead", svc.Name, svc.MaxAdvance)})
	}
	stay := w.stay(svc.ID)
	online := b.Channel == "OCTOTABLE_BOOK"
	tables := b.TableIDs
	if len(tables) == 0 {
		free := w.freeTables(b.RoomID, b.Pax, start, stay, st.ID, online)
		if len(free) == 0 {
			return st, conflict(fmt.Sprintf("no table of room %d seats %d at %s on %s; GET bookings/slots says which hours are free",
				b.RoomID, b.Pax, b.StartHour, b.StartDate))
		}
		tables = []int{free[0].ID}
	}
	seats := 0
	for _, id := range tables {
		t, found := w.tables[id]
		if !found || t.RoomID != b.RoomID {
			return st, invalid([]string{fmt.Sprintf("table_ids: table %d is not in room %d", id, b.RoomID)})
		}
		if other, taken := w.takenBy(id, start, stay, st.ID); taken {
			return st, conflict(fmt.Sprintf("table %s is taken by reservation %d at %s on %s", t.Name, other.ID, other.StartHour, other.StartDate))
		}
		seats += t.GuestsMax
	}
	if seats < b.Pax {
		return st, conflict(fmt.Sprintf("the tables chosen seat %d, fewer than the %d guests", seats, b.Pax))
	}
	st.StartDate, st.StartHour, st.Pax = b.StartDate, b.StartHour, b.Pax
	st.ServiceID, st.RoomID, st.TableIDs = b.ServiceID, b.RoomID, tables
	st.Channel = b.Channel
	if st.Channel == "" {
		st.Channel = "OCTOTABLE_ADMIN"
	}
	id := st.Customer.ID
	st.Customer = Customer{ID: id, FirstName: b.Customer.FirstName, LastName: b.Customer.LastName, Email: b.Customer.Email, Phone: b.Customer.Phone}
	st.WaitingList = b.WaitingList
	if b.Notes != nil {
		st.Notes = *b.Notes
	}
	st.LastStatusChange = w.now.UTC().Format(dateTimeLayout)
	return st, nil
}

var statusQuery = []field{{name: "status", kind: kEnum, enum: statuses, required: true, doc: "the new status (accepted, declined or confirmed, for one in the waiting list)"}}

var undoQuery = []field{{name: "undo", kind: kBool, doc: "undo one made by mistake"}}

func setStatus(s *Sandbox, c *call) (reply, *failure) {
	return changeReservation(s, c, func(w *world, st stored) (stored, *failure) {
		st.Status = c.q.str("status")
		return st, nil
	})
}

func checkIn(s *Sandbox, c *call) (reply, *failure) {
	return changeReservation(s, c, func(w *world, st stored) (stored, *failure) {
		switch {
		case c.q.flag("undo") && st.CheckinDate == "":
			return st, conflict(fmt.Sprintf("reservation %d is not checked in", st.ID))
		case c.q.flag("undo"):
			st.Status, st.CheckinDate, st.ExpirationDate, st.CheckedOut = "CONFIRMED", "", "", false
		case st.CheckinDate != "":
			return st, conflict(fmt.Sprintf("reservation %d is checked in already, at %s", st.ID, st.CheckinDate))
		case !st.holds():
			return st, conflict(fmt.Sprintf("reservation %d is %s and cannot check in", st.ID, st.Status))
		default:
			st.Status = "ACCEPTED"
			st.CheckinDate = w.now.UTC().Format(checkinLayout)
			st.ExpirationDate = w.now.UTC().Add(w.stay(st.ServiceID)).Format(checkinLayout)
		}
		return st, nil
	})
}

func checkOut(s *Sandbox, c *call) (reply, *failure) {
	return changeReservation(s, c, func(w *world, st stored) (stored, *failure) {
		switch {
		case c.q.flag("undo") && !st.CheckedOut:
			return st, conflict(fmt.Sprintf("reservation %d is not checked out", st.ID))
		case c.q.flag("undo"):
			st.Status, st.CheckedOut = "ACCEPTED", false
		case st.CheckedOut:
			return st, conflict(fmt.Sprintf("reservation %d is checked out already", st.ID))
		case st.CheckinDate == "":
			return st, conflict(fmt.Sprintf("reservation %d is not checked in; check in first", st.ID))
		default:
			// The table is free again before the average stay ends; the
			// status goes back to CONFIRMED, as the docs' example shows.
			st.Status, st.CheckedOut = "CONFIRMED", true
		}
		return st, nil
	})
}

// changeReservation runs one change of a reservation's state, and tells
// the subscribers.
func changeReservation(s *Sandbox, c *call, change func(*world, stored) (stored, *failure)) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		st, f := theReservation(w, c)
		if f != nil {
			return reply{}, f
		}
		before := st.Status
		if st, f = change(w, st); f != nil {
			return reply{}, f
		}
		if st.Status != before {
			st.LastStatusChange = w.now.UTC().Format(dateTimeLayout)
		}
		w.reservations[st.ID] = st
		w.touch(kindReservation, st.ID)
		res := w.view(st)
		w.notify("RESERVATION_UPDATED", res)
		return ok(res)
	})
}

func cancelReservation(s *Sandbox, c *call) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		st, f := theReservation(w, c)
		if f != nil {
			return reply{}, f
		}
		if st.Status != "CANCELLED" {
			st.Status, st.LastStatusChange = "CANCELLED", w.now.UTC().Format(dateTimeLayout)
			w.reservations[st.ID] = st
			w.touch(kindReservation, st.ID)
			w.notify("RESERVATION_DELETED", w.view(st))
		}
		return ok(st.ID)
	})
}

var googleFields = []field{{name: "enable_google_engine", kind: kBool, required: true}}

// switchGoogle is the Reserve with Google switch: the sandbox has no
// Google to tell, so it accepts, as the docs' answer shows.
func switchGoogle(*Sandbox, *call) (reply, *failure) {
	return reply{status: http.StatusOK, body: GoogleEngine{Status: "ACCEPTED"}}, nil
}
