package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// Services: the restaurant's openings ("calendars" in the docs), each with
// its days, hours, average stay and how far ahead it takes reservations.

var serviceFields = []field{
	{name: "name", kind: kString, required: true},
	{name: "average_stay", kind: kInt, least: 15, required: true, doc: "minutes a table stays taken by a reservation"},
	{name: "days_of_week", kind: kEnumList, enum: everyDay, required: true, doc: "the days it opens, by their full names (the names the answers use)"},
	{name: "start_time", kind: kTime, required: true},
	{name: "end_time", kind: kTime, required: true},
	{name: "max_advance", kind: kInt, doc: "days ahead a customer may book at most"},
	{name: "advance_min", kind: kInt, doc: "minutes ahead a reservation must be made at least"},
	{name: "bookable", kind: kBool},
	{name: "online", kind: kBool},
	{name: "confirmation_mode", kind: kEnum, enum: []string{"CONFIRMED", "WAITING_LIST"}},
}

type serviceBody struct {
	Name             string   `json:"name"`
	AverageStay      int      `json:"average_stay"`
	DaysOfWeek       []string `json:"days_of_week"`
	StartTime        string   `json:"start_time"`
	EndTime          string   `json:"end_time"`
	MaxAdvance       *int     `json:"max_advance"`
	AdvanceMin       *int     `json:"advance_min"`
	Bookable         *bool    `json:"bookable"`
	Online           *bool    `json:"online"`
	ConfirmationMode string   `json:"confirmation_mode"`
}

func (b serviceBody) apply(svc Service) (Service, *failure) {
	svc.Name, svc.AverageStay, svc.StartTime, svc.EndTime = b.Name, b.AverageStay, b.StartTime, b.EndTime
	// In the week's order, each day once, whatever order they came in.
	svc.DaysOfWeek = keep(everyDay, func(d string) bool { return slices.Contains(b.DaysOfWeek, d) })
	set(&svc.MaxAdvance, b.MaxAdvance)
	set(&svc.AdvanceMin, b.AdvanceMin)
	set(&svc.Bookable, b.Bookable)
	set(&svc.Online, b.Online)
	if b.ConfirmationMode != "" {
		svc.ConfirmationMode = b.ConfirmationMode
	}
	start, _ := time.Parse(timeLayout, svc.StartTime)
	end, _ := time.Parse(timeLayout, svc.EndTime)
	if !start.Add(time.Duration(svc.AverageStay)*time.Minute).After(end) && start.Before(end) {
		return svc.withSlots(), nil
	}
	return svc, invalid([]string{fmt.Sprintf("end_time: %s leaves no room for a %d-minute stay from start_time %s",
		svc.EndTime, svc.AverageStay, svc.StartTime)})
}

func set[T any](into *T, v *T) {
	if v != nil {
		*into = *v
	}
}

func listServices(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		var out []Service
		for _, id := range sortedIDs(w.services) {
			out = append(out, w.services[id].withSlots())
		}
		return ok(out...)
	})
}

func theService(w *world, c *call) (Service, *failure) {
	return pathObject(w.services, c, "service_id", "Service")
}

func getService(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		svc, f := theService(w, c)
		if f != nil {
			return reply{}, f
		}
		return ok(svc.withSlots())
	})
}

func createService(s *Sandbox, c *call) (reply, *failure) {
	var b serviceBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		svc, f := b.apply(Service{
			ID: nextID(w.services), Bookable: true, Online: true, ConfirmationMode: "CONFIRMED", MaxAdvance: 60,
			OrdersSection: OrdersSection{RequiredFields: []string{}},
		})
		if f != nil {
			return reply{}, f
		}
		w.services[svc.ID] = svc
		w.add(kindService, svc.ID)
		return created(svc)
	})
}

func updateService(s *Sandbox, c *call) (reply, *failure) {
	var b serviceBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		svc, f := theService(w, c)
		if f != nil {
			return reply{}, f
		}
		if svc, f = b.apply(svc); f != nil {
			return reply{}, f
		}
		w.services[svc.ID] = svc
		w.touch(kindService, svc.ID)
		return ok(svc)
	})
}

func deleteService(s *Sandbox, c *call) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		svc, f := theService(w, c)
		if f != nil {
			return reply{}, f
		}
		if st, ahead := w.reservationAhead(func(st stored) bool { return st.ServiceID == svc.ID }); ahead {
			return reply{}, conflict(fmt.Sprintf("service %d has reservation %d on %s ahead; cancel or move it first", svc.ID, st.ID, st.StartDate))
		}
		delete(w.services, svc.ID)
		w.touch(kindService, svc.ID)
		return ok(svc.ID)
	})
}
