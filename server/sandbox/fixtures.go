package sandbox

import (
	"time"
)

// The restaurant every sandbox property starts with: two dining rooms, a
// dozen tables, lunch every day and dinner but on Mondays, reservations
// over the coming weeks (dated from today, so that they stay ahead) and a
// few orders. Its ids are in the ranges of the docs' examples; what a
// client creates gets ids from firstCreatedID up, so that they never meet.

const (
	roomMain    = 23288
	roomVeranda = 23289
	lunch       = 33840
	dinner      = 33841
	// firstCreatedID is the first id of what clients create.
	firstCreatedID = 50_000_000
	// demoPropertyID is the demo client's property.
	demoPropertyID = 1001
)

var fixtureRooms = []Room{
	{ID: roomMain, Name: "Sala Principale", Bookable: true},
	{ID: roomVeranda, Name: "Veranda", Bookable: true},
}

// fixtureTables: T7 is taken by phone only; "T8+T9" is the group the two
// small tables by the window make when pushed together.
var fixtureTables = []Table{
	{ID: 197930, Name: "T1", Bookable: true, GuestsMin: 1, GuestsMax: 2, RoomID: roomMain},
	{ID: 197931, Name: "T2", Bookable: true, GuestsMin: 1, GuestsMax: 2, RoomID: roomMain},
	{ID: 197932, Name: "T3", Bookable: true, GuestsMin: 2, GuestsMax: 4, RoomID: roomMain},
	{ID: 197933, Name: "T4", Bookable: true, GuestsMin: 2, GuestsMax: 4, RoomID: roomMain},
	{ID: 197934, Name: "T5", Bookable: true, GuestsMin: 4, GuestsMax: 6, RoomID: roomMain},
	{ID: 197935, Name: "T6", Bookable: true, GuestsMin: 6, GuestsMax: 8, RoomID: roomMain},
	{ID: 197936, Name: "T7", Bookable: false, GuestsMin: 1, GuestsMax: 2, RoomID: roomMain},
	{ID: 197937, Name: "T8+T9", Bookable: true, Group: true, GuestsMin: 3, GuestsMax: 4, RoomID: roomMain},
	{ID: 197938, Name: "V1", Bookable: true, GuestsMin: 1, GuestsMax: 2, RoomID: roomVeranda},
	{ID: 197939, Name: "V2", Bookable: true, GuestsMin: 2, GuestsMax: 4, RoomID: roomVeranda},
	{ID: 197940, Name: "V3", Bookable: true, GuestsMin: 2, GuestsMax: 4, RoomID: roomVeranda},
	{ID: 197941, Name: "V4", Bookable: true, GuestsMin: 4, GuestsMax: 6, RoomID: roomVeranda},
}

var everyDay = []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}

var fixtureServices = []Service{
	{
		ID: lunch, Name: "Lunch", Bookable: true, AdvanceMin: 60, AverageStay: 60,
		ConfirmationMode: "CONFIRMED", DaysOfWeek: everyDay, StartTime: "12:00:00", EndTime: "15:00:00",
		MaxAdvance: 60, Online: true, ShowRooms: true,
		OrdersSection: OrdersSection{OrderEnabled: true, RequiredFields: []string{"phone"}, SendOrderEnabled: true},
	},
	{
		ID: dinner, Name: "Dinner", Bookable: true, AdvanceMin: 120, AverageStay: 90,
		ConfirmationMode: "WAITING_LIST", DaysOfWeek: everyDay[1:], StartTime: "19:00:00", EndTime: "23:00:00",
		MaxAdvance: 60, Online: true, ShowRooms: true,
		OrdersSection: OrdersSection{RequiredFields: []string{}},
	},
}

// fixtureBooking is one reservation of the fixtures, dated from today.
type fixtureBooking struct {
	id       int
	days     int // from today; moved a day on when the service is closed
	hour     string
	service  int
	table    int
	pax      int
	status   string
	channel  string
	customer Customer
	notes    string
}

var fixtureBookings = []fixtureBooking{
	{32992270, -2, "20:00:00", dinner, 197932, 3, "CONFIRMED", "OCTOTABLE_BOOK", Customer{33942060, "Giulia", "Bianchi", "giulia.bianchi@example.com", "3331234501"}, ""},
	{32992271, -1, "13:00:00", lunch, 197930, 2, "CANCELLED", "OCTOTABLE_ADMIN", Customer{33942061, "Marco", "Rossi", "marco.rossi@example.com", "3331234502"}, ""},
	{32992272, 0, "12:30:00", lunch, 197933, 4, "ACCEPTED", "OCTOTABLE_ADMIN", Customer{33942062, "Anna", "Conti", "anna.conti@example.com", "3331234503"}, "high chair"},
	{32992273, 0, "20:00:00", dinner, 197935, 7, "CONFIRMED", "OCTOTABLE_BOOK", Customer{33942063, "Luca", "Ferrari", "luca.ferrari@example.com", "3331234504"}, "birthday"},
	{32992274, 1, "13:00:00", lunch, 197938, 2, "CONFIRMED", "OCTOTABLE_BOOK", Customer{33942064, "Sofia", "Greco", "sofia.greco@example.com", "3331234505"}, ""},
	{32992275, 2, "19:30:00", dinner, 197939, 4, "WAITING", "OCTOTABLE_BOOK", Customer{33942065, "Paolo", "Russo", "paolo.russo@example.com", "3331234506"}, ""},
	{32992276, 3, "21:00:00", dinner, 197931, 2, "CONFIRMED", "OCTOTABLE_ADMIN", Customer{33942066, "Elena", "Marino", "elena.marino@example.com", "3331234507"}, "window seat"},
	{32992277, 5, "12:00:00", lunch, 197934, 5, "CONFIRMED", "OCTOTABLE_BOOK", Customer{33942067, "Davide", "Gallo", "davide.gallo@example.com", "3331234508"}, ""},
	{32992278, 7, "20:30:00", dinner, 197937, 4, "CANCELLED", "OCTOTABLE_BOOK", Customer{33942068, "Chiara", "Costa", "chiara.costa@example.com", "3331234509"}, ""},
	{32992279, 9, "13:30:00", lunch, 197940, 3, "CONFIRMED", "OCTOTABLE_ADMIN", Customer{33942069, "Matteo", "Fontana", "matteo.fontana@example.com", "3331234510"}, ""},
	{32992280, 12, "20:00:00", dinner, 197941, 6, "WAITING", "OCTOTABLE_BOOK", Customer{33942070, "Sara", "Moretti", "sara.moretti@example.com", "3331234511"}, "allergic to nuts"},
	{32992281, 14, "19:00:00", dinner, 197933, 2, "CONFIRMED", "OCTOTABLE_BOOK", Customer{33942071, "Andrea", "Lombardi", "andrea.lombardi@example.com", "3331234512"}, ""},
	{32992282, 21, "12:30:00", lunch, 197932, 4, "CONFIRMED", "OCTOTABLE_ADMIN", Customer{33942072, "Francesca", "Barbieri", "francesca.barbieri@example.com", "3331234513"}, ""},
}

// fixtureOrders are the orders of the fixtures: one at a table today, one
// to take away tomorrow, one delivered yesterday.
type fixtureOrder struct {
	id       int
	days     int
	at       string
	mode     string
	status   string
	customer Customer
	article  Article
	quantity int
}

var fixtureOrders = []fixtureOrder{
	{41000101, 0, "12:40:00", "ROOM", "PREPARING", fixtureBookings[2].customer,
		Article{ID: 5101, Name: "Spaghetti alle vongole", Price: 16, Image: "/media/articles/5101.jpg", CategoryID: 51, Tax: 10}, 2},
	{41000102, 1, "18:15:00", "TAKEAWAY", "UNREAD", fixtureBookings[4].customer,
		Article{ID: 5102, Name: "Pizza margherita", Price: 9.5, Image: "/media/articles/5102.jpg", Allergens: []string{"gluten", "milk"}, CategoryID: 52, Tax: 10}, 3},
	{41000103, -1, "20:05:00", "DELIVERY", "DELIVERED", fixtureBookings[0].customer,
		Article{ID: 5103, Name: "Tiramisù", Price: 6, Image: "/media/articles/5103.jpg", Allergens: []string{"eggs", "milk"}, CategoryID: 53, Tax: 10}, 2},
}

// fixtures builds the restaurant for property as it stands on today's date.
func fixtures(property int, now time.Time) *world {
	today := now.UTC().Truncate(24 * time.Hour)
	w := newWorld(property, now)
	for _, r := range fixtureRooms {
		r.PropertyID = property
		w.rooms[r.ID] = r
	}
	for _, t := range fixtureTables {
		w.tables[t.ID] = t
	}
	for _, s := range fixtureServices {
		w.services[s.ID] = s
	}
	for _, b := range fixtureBookings {
		svc := w.services[b.service]
		day := today.AddDate(0, 0, b.days)
		for !svc.opensOn(day) {
			day = day.AddDate(0, 0, 1)
		}
		res := Reservation{
			ID: b.id, Pax: b.pax, Status: b.status, Customer: b.customer, Channel: b.channel,
			Notes: b.notes, StartDate: day.Format(dateLayout), StartHour: b.hour,
			LastStatusChange: day.AddDate(0, 0, -3).Add(10 * time.Hour).Format(dateTimeLayout),
		}
		st := stored{Reservation: res, ServiceID: b.service, RoomID: w.tables[b.table].RoomID, TableIDs: []int{b.table}}
		if b.status == "ACCEPTED" {
			// Checked in five minutes after the hour, once that has come;
			// until then the guests are expected.
			start, _ := st.start()
			if arrived := start.Add(5 * time.Minute); now.Before(arrived) {
				st.Status = "CONFIRMED"
			} else {
				st.CheckinDate = arrived.Format(checkinLayout)
			}
		}
		w.reservations[b.id] = st
	}
	for _, o := range fixtureOrders {
		at, _ := time.Parse(dateLayout+" "+timeLayout, today.AddDate(0, 0, o.days).Format(dateLayout)+" "+o.at)
		a := o.article
		a.Allergens = nonNil(a.Allergens)
		a.Characteristics, a.Variations, a.TranslatedTexts = []string{}, []string{}, map[string]string{}
		w.orders = append(w.orders, Order{
			Channel: "OCTOTABLE_BOOK", CreateTime: at.Format(dateTimeLayout), Customer: o.customer, ID: o.id, Mode: o.mode,
			Order: []OrderLine{{
				ID: o.id*10 + 1, Reservation: o.id, InsertDate: at.Format(dateTimeLayout), Status: o.status,
				Article: a, Currency: "EUR", Quantity: o.quantity, Total: a.Price * float64(o.quantity),
			}},
		})
	}
	return w
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
