package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Availability (the docs' "Bookings"): the slots still free, the rooms
// with their tables at a given hour, and the booking engine's pages, all
// computed from the services, the tables and the reservations, so that a
// slot disappears when its last fitting table is taken.

var slotsQuery = []field{
	{name: "start_date", kind: kDate, required: true, doc: "the day"},
	{name: "pax", kind: kInt, least: 1, required: true, doc: "the number of guests"},
	{name: "service_id", kind: kInt, doc: "only this service's slots"},
	{name: "out_of_order", kind: kBool, doc: "taken and ignored: the sandbox has no closures"},
}

func listSlots(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		day, _ := time.Parse(dateLayout, c.q.str("start_date"))
		services := sortedIDs(w.services)
		if c.q.has("service_id") {
			id := c.q.int("service_id")
			if _, found := w.services[id]; !found {
				return reply{}, missing("Service", id)
			}
			services = []int{id}
		}
		out := DaySlots{Day: day.Format(dateLayout), AvailableServices: []ServiceSlots{}}
		for _, id := range services {
			svc := w.services[id]
			if !svc.Bookable || !svc.opensOn(day) {
				continue
			}
			free := ServiceSlots{ID: svc.ID, Title: svc.Name, AvailableSlots: []string{}}
			for _, slot := range svc.slots() {
				start, _ := time.Parse(dateLayout+" "+timeLayout, day.Format(dateLayout)+" "+slot)
				bookable := start.After(w.now.Add(time.Duration(svc.AdvanceMin)*time.Minute)) &&
					(svc.MaxAdvance == 0 || !start.After(w.now.AddDate(0, 0, svc.MaxAdvance)))
				if bookable && len(w.freeTables(0, c.q.int("pax"), start, w.stay(svc.ID), 0, true)) > 0 {
					free.AvailableSlots = append(free.AvailableSlots, slot)
				}
			}
			out.AvailableServices = append(out.AvailableServices, free)
		}
		return ok(out)
	})
}

var bookingRoomsQuery = []field{
	{name: "start_date", kind: kDate, required: true},
	{name: "start_hour", kind: kTime, required: true},
	{name: "pax", kind: kInt, least: 1, required: true},
	{name: "service_id", kind: kInt, required: true},
}

// listBookingRooms answers, as the docs show, an array holding one array of
// rooms: those bookable online with a table that seats pax, each table
// saying whether it is free at that hour.
func listBookingRooms(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		svc, found := w.services[c.q.int("service_id")]
		if !found {
			return reply{}, missing("Service", c.q.int("service_id"))
		}
		start, _ := time.Parse(dateLayout+" "+timeLayout, c.q.str("start_date")+" "+c.q.str("start_hour"))
		pax := c.q.int("pax")
		rooms := []Room{}
		for _, id := range sortedIDs(w.rooms) {
			r := w.roomView(w.rooms[id])
			if !r.Bookable {
				continue
			}
			r.Tables = keep(r.Tables, func(t Table) bool { return t.Bookable && t.GuestsMin <= pax && pax <= t.GuestsMax })
			for i, t := range r.Tables {
				_, taken := w.takenBy(t.ID, start, w.stay(svc.ID), 0)
				r.Tables[i].Free = !taken
			}
			if len(r.Tables) > 0 {
				rooms = append(rooms, r)
			}
		}
		return ok(rooms)
	})
}

// bookingEngine is where OctoTable's booking engine lives; the docs'
// example points at a developer's localhost, which is no use to a reader.
const bookingEngine = "https://book.octotable.com"

func listBookingLinks(s *Sandbox, c *call) (reply, *failure) {
	base := fmt.Sprintf("%s/restaurant/%d", bookingEngine, c.property)
	return ok(
		BookingLink{Name: "BOOKING_ENGINE_PAGE", Link: base + "/booking/new"},
		BookingLink{Name: "SERVICES_PAGE", Link: base + "/booking/home"},
		BookingLink{Name: "WELCOME_PAGE", Link: base + "/welcome"},
	)
}

// Orders ("Orders (Beta)"): the fixtures' orders, read-only, with the
// docs' filters.

var orderQuery = []field{
	{name: "start_date", kind: kDate, doc: "created from this day on"},
	{name: "end_date", kind: kDate, doc: "created up to this day"},
	{name: "status", kind: kEnumList, enum: []string{"UNREAD", "WAITING", "PREPARING", "READY", "DELIVERED"}, doc: "written status[], repeated"},
	{name: "delivery_mode", kind: kEnum, enum: []string{"ROOM", "TAKEAWAY", "DELIVERY"}},
	{name: "service_ids", kind: kIntList, doc: "taken; the fixtures' orders belong to no service"},
	{name: "room_ids", kind: kIntList, doc: "taken; the fixtures' orders belong to no room"},
	{name: "text_search", kind: kString, doc: "in the customer's first name, last name or phone"},
}

func listOrders(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		q := c.q
		text := strings.ToLower(q.str("text_search"))
		out := keep(w.orders, func(o Order) bool {
			day := o.CreateTime[:len(dateLayout)]
			statusOK := !q.has("status")
			for _, line := range o.Order {
				statusOK = statusOK || slices.Contains(q.list("status"), line.Status)
			}
			return statusOK &&
				!(q.has("start_date") && day < q.str("start_date")) &&
				!(q.has("end_date") && day > q.str("end_date")) &&
				!(q.has("delivery_mode") && o.Mode != q.str("delivery_mode")) &&
				!(q.has("service_ids") || q.has("room_ids")) &&
				(text == "" || strings.Contains(strings.ToLower(o.Customer.FirstName+"\x00"+o.Customer.LastName+"\x00"+o.Customer.Phone), text))
		})
		return ok(out...)
	})
}
