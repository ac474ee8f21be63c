package sandbox

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"octoplay/internal/wire"
)

// The catalog is the sandbox's whole API, said once: routes() serves it,
// openapi.go describes it, and the playground offers it (Operations).

// operation is one method on one path.
type operation struct {
	method string
	// path is where the operation is, relative to the sandbox's root, with
	// its parameters in braces: /octotable-pms/api/v2/rooms/{room_id}.
	path    string
	tag     string
	summary string
	auth    auth
	params  []field
	// body are the fields of the JSON body; nil for an operation without.
	// oneOf takes the body in an array of one too, as create-client's.
	body  []field
	oneOf bool
	// example is a body to start from, with {date} for a day the restaurant
	// is open and {customer_id} for the customer of the reservation named.
	example string
	status  int
	// answer is the type of the objects the answer holds, and shape how
	// it holds them.
	answer reflect.Type
	shape  shape
	handle func(*Sandbox, *call) (reply, *failure)
}

type auth int

const (
	authNone     auth = iota
	authToken         // a Bearer token
	authProperty      // a Bearer token and the Property header of its property
)

type shape int

const (
	shapeData     shape = iota // {"data": [T...]}
	shapeList                  // {"data": [T...], "next_cursor"}
	shapePaged                 // {"data": [T], "page_number"...}
	shapeBare                  // T
	shapeNested                // {"data": [[T...]]}
	shapeIDs                   // {"data": [id]}
	shapePagedIDs              // {"data": [id], "page_number"...}
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// InboxPath is the sandbox's own endpoint (OctoTable has none) where the
// webhook deliveries the sandbox did not make wait, newest first.
const InboxPath = wire.InboxPath

// ClientPath is create-client's endpoint.
const ClientPath = wire.CreateClientPath

const (
	// reservationExample is dinner for eight in the main room: one table
	// seats eight, so sending it twice shows the 409 of a table taken.
	reservationExample = `{
  "start_date": "{date}",
  "start_hour": "20:00:00",
  "pax": 8,
  "channel": "OCTOTABLE_ADMIN",
  "customer": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "3330000000"},
  "service_id": 33841,
  "room_id": 23288
}`
	putExample = `{
  "start_date": "{date}",
  "start_hour": "20:30:00",
  "pax": 2,
  "channel": "OCTOTABLE_ADMIN",
  "customer": {"id": {customer_id}, "first_name": "Elena", "last_name": "Marino", "phone": "3331234507"},
  "service_id": 33841,
  "room_id": 23288
}`
)

var catalog = []*operation{
	{method: "GET", path: wire.APIBase, tag: "Quickstart", summary: "Call the API with your token (the quickstart's Step 2)",
		auth: authToken, answer: typeOf[APIInfo](), handle: apiRoot},

	{method: "GET", path: wire.PMSBase + "rooms", tag: "Rooms", summary: "List the rooms, with their tables",
		auth: authProperty, answer: typeOf[Room](), handle: listRooms},
	{method: "GET", path: wire.PMSBase + "rooms/{room_id}", tag: "Rooms", summary: "Get a room",
		auth: authProperty, answer: typeOf[Room](), handle: getRoom},
	{method: "POST", path: wire.PMSBase + "rooms", tag: "Rooms", summary: "Create a room",
		auth: authProperty, body: roomFields, example: `{"name": "Terrazza", "bookable": true}`,
		status: http.StatusCreated, answer: typeOf[Room](), handle: createRoom},
	{method: "PUT", path: wire.PMSBase + "rooms/{room_id}", tag: "Rooms", summary: "Update a room",
		auth: authProperty, body: roomFields, example: `{"name": "Sala Grande", "bookable": true}`,
		answer: typeOf[Room](), shape: shapePaged, handle: updateRoom},
	{method: "DELETE", path: wire.PMSBase + "rooms/{room_id}", tag: "Rooms", summary: "Delete a room and its tables",
		auth: authProperty, shape: shapePagedIDs, handle: deleteRoom},

	{method: "GET", path: wire.PMSBase + "room/{room_id}/tables", tag: "Tables", summary: "List a room's tables",
		auth: authProperty, params: tableQuery, answer: typeOf[Table](), handle: listTables},
	{method: "GET", path: wire.PMSBase + "room/{room_id}/table/{table_id}", tag: "Tables", summary: "Get a table",
		auth: authProperty, answer: typeOf[Table](), handle: getTable},
	{method: "POST", path: wire.PMSBase + "room/{room_id}/table", tag: "Tables", summary: "Create a table in a room",
		auth: authProperty, body: tableFields, example: `{"name": "T10", "bookable": true, "guests_min": 2, "guests_max": 4}`,
		status: http.StatusCreated, answer: typeOf[Table](), handle: createTable},
	{method: "PUT", path: wire.PMSBase + "room/{room_id}/table/{table_id}", tag: "Tables", summary: "Update a table",
		auth: authProperty, body: tableFields, example: `{"name": "T1", "bookable": true, "guests_min": 1, "guests_max": 3}`,
		answer: typeOf[Table](), handle: updateTable},
	{method: "DELETE", path: wire.PMSBase + "room/{room_id}/table/{table_id}", tag: "Tables", summary: "Delete a table",
		auth: authProperty, shape: shapeIDs, handle: deleteTable},

	{method: "GET", path: wire.PMSBase + "services", tag: "Services", summary: "List the services (opening hours)",
		auth: authProperty, answer: typeOf[Service](), handle: listServices},
	{method: "GET", path: wire.PMSBase + "services/{service_id}", tag: "Services", summary: "Get a service",
		auth: authProperty, answer: typeOf[Service](), handle: getService},
	{method: "POST", path: wire.PMSBase + "services", tag: "Services", summary: "Create a service",
		auth: authProperty, body: serviceFields,
		example: `{"name": "Brunch", "average_stay": 60, "days_of_week": ["SATURDAY", "SUNDAY"], "start_time": "10:00:00", "end_time": "12:00:00", "max_advance": 30}`,
		status:  http.StatusCreated, answer: typeOf[Service](), handle: createService},
	{method: "PUT", path: wire.PMSBase + "services/{service_id}", tag: "Services", summary: "Update a service",
		auth: authProperty, body: serviceFields,
		example: `{"name": "Lunch", "average_stay": 75, "days_of_week": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"], "start_time": "12:00:00", "end_time": "15:00:00"}`,
		answer:  typeOf[Service](), handle: updateService},
	{method: "DELETE", path: wire.PMSBase + "services/{service_id}", tag: "Services", summary: "Delete a service",
		auth: authProperty, shape: shapeIDs, handle: deleteService},

	{method: "GET", path: wire.ReservationsPath, tag: "Reservations", summary: "List reservations, with filters and a cursor",
		auth: authProperty, params: reservationQuery, answer: typeOf[Reservation](), shape: shapeList, handle: listReservations},
	{method: "GET", path: wire.ReservationsPath + "/{reservation_id}", tag: "Reservations", summary: "Get a reservation",
		auth: authProperty, answer: typeOf[Reservation](), handle: getReservation},
	{method: "POST", path: wire.ReservationsPath, tag: "Reservations", summary: "Create a reservation",
		auth: authProperty, body: reservationFields, example: reservationExample,
		status: http.StatusCreated, answer: typeOf[Reservation](), handle: createReservation},
	{method: "PUT", path: wire.ReservationsPath + "/{reservation_id}", tag: "Reservations", summary: "Update a reservation (the whole of it)",
		auth: authProperty, body: putFields, example: putExample, answer: typeOf[Reservation](), handle: updateReservation},
	{method: "PATCH", path: wire.ReservationsPath + "/{reservation_id}", tag: "Reservations", summary: "Change a reservation's status",
		auth: authProperty, params: statusQuery, answer: typeOf[Reservation](), handle: setStatus},
	{method: "PATCH", path: wire.ReservationsPath + "/{reservation_id}/checkin", tag: "Reservations", summary: "Check a reservation in (or undo)",
		auth: authProperty, params: undoQuery, answer: typeOf[Reservation](), handle: checkIn},
	{method: "PATCH", path: wire.ReservationsPath + "/{reservation_id}/checkout", tag: "Reservations", summary: "Check a reservation out (or undo)",
		auth: authProperty, params: undoQuery, answer: typeOf[Reservation](), handle: checkOut},
	{method: "DELETE", path: wire.ReservationsPath + "/{reservation_id}", tag: "Reservations", summary: "Cancel a reservation (it stays, CANCELLED)",
		auth: authProperty, shape: shapeIDs, handle: cancelReservation},
	{method: "POST", path: wire.ReservationsPath + "/google", tag: "Reservations", summary: "Switch the Reserve with Google engine",
		auth: authProperty, body: googleFields, example: `{"enable_google_engine": true}`,
		answer: typeOf[GoogleEngine](), shape: shapeBare, handle: switchGoogle},

	{method: "GET", path: wire.PMSBase + "bookings/slots", tag: "Bookings", summary: "List the free slots of a day",
		auth: authProperty, params: slotsQuery, answer: typeOf[DaySlots](), handle: listSlots},
	{method: "GET", path: wire.PMSBase + "bookings/rooms", tag: "Bookings", summary: "List the rooms with a table for a party at an hour",
		auth: authProperty, params: bookingRoomsQuery, answer: typeOf[Room](), shape: shapeNested, handle: listBookingRooms},
	{method: "GET", path: wire.PMSBase + "bookings/list", tag: "Bookings", summary: "List the booking engine's pages",
		auth: authProperty, answer: typeOf[BookingLink](), handle: listBookingLinks},

	{method: "GET", path: wire.PMSBase + "orders", tag: "Orders", summary: "List orders",
		auth: authProperty, params: orderQuery, answer: typeOf[Order](), handle: listOrders},

	{method: "GET", path: wire.PMSBase + "webhooks/subscriptions", tag: "Webhooks", summary: "List the webhook subscriptions",
		auth: authToken, params: subscriptionQuery, answer: typeOf[Subscription](), handle: listSubscriptions},
	{method: "GET", path: wire.PMSBase + "webhooks/subscription/{subscription_id}", tag: "Webhooks", summary: "Get a webhook subscription",
		auth: authToken, answer: typeOf[Subscription](), handle: getSubscription},
	{method: "POST", path: wire.PMSBase + "webhooks/subscription", tag: "Webhooks", summary: "Subscribe to a webhook",
		auth: authToken, body: subscriptionFields, example: `{"endpoint": "https://example.com/octotable-events", "webhook_type": "RESERVATION_CREATED"}`,
		status: http.StatusCreated, answer: typeOf[Subscription](), handle: createSubscription},
	{method: "PUT", path: wire.PMSBase + "webhook/subscription/{subscription_id}", tag: "Webhooks", summary: "Update a webhook subscription",
		auth: authToken, body: subscriptionFields, example: `{"endpoint": "https://example.com/octotable-events", "webhook_type": "RESERVATION_UPDATED"}`,
		answer: typeOf[Subscription](), handle: updateSubscription},
	{method: "DELETE", path: wire.PMSBase + "webhook/subscription/{subscription_id}", tag: "Webhooks", summary: "Delete a webhook subscription",
		auth: authToken, shape: shapeIDs, handle: deleteSubscription},
	{method: "GET", path: InboxPath, tag: "Webhooks", summary: "Read the sandbox's webhook inbox (the sandbox's own: OctoTable POSTs to your endpoint)",
		auth: authToken, answer: typeOf[Delivery](), handle: listDeliveries},

	{method: "POST", path: ClientPath, tag: "Account", summary: "Create a client and its sandbox property",
		auth: authNone, body: clientFields, oneOf: true, example: clientExample,
		status: http.StatusCreated, answer: typeOf[CreatedClient](), handle: createClient},
}

func init() {
	for _, op := range catalog {
		if op.status == 0 {
			op.status = http.StatusOK
		}
		if op.shape == shapeIDs || op.shape == shapePagedIDs {
			op.answer = typeOf[int]()
		}
	}
}

// Operations is the catalog, for the playground, with examples dated for
// the week after now: a day both services open on, and the customer of a
// reservation that is free to move.
func Operations(now time.Time) []wire.Operation {
	day := wire.ExampleDay(now)
	w := fixtures(demoPropertyID, now)
	customer := w.reservations[putTarget].Customer.ID
	out := make([]wire.Operation, 0, len(catalog))
	for _, op := range catalog {
		example := strings.NewReplacer("{date}", day, "{customer_id}", itoa(customer)).Replace(op.example)
		var query []string
		for _, p := range op.params {
			query = append(query, p.name)
		}
		out = append(out, wire.Operation{Method: op.method, Path: op.path, Tag: op.tag, Summary: op.summary,
			Property: op.auth == authProperty, Query: query, Example: example})
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// putTarget is the reservation the PUT example moves.
const putTarget = 32992276
