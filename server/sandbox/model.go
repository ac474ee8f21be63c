package sandbox

// The API's objects, as OctoTable's docs show them: every field here is
// one the docs name (section 4 of the reference the sandbox is built
// from), under the docs' spelling. The `doc` tags say what a field means
// and feed the OpenAPI document (openapi.go), as do `enum` (the values a
// field takes, space-separated) and `format` (date, time or date-time).
// A field with omitempty is one that only some answers carry.

// Room is a dining room: it organises tables, and customers book within it.
type Room struct {
	ID         int     `json:"id"`
	Name       string  `json:"name"`
	PropertyID int     `json:"property_id" doc:"the restaurant the room belongs to"`
	Bookable   bool    `json:"bookable" doc:"true: bookable online; false: offline only (phone, walk-in)"`
	Tables     []Table `json:"tables"`
}

// Table is one table of a room.
type Table struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Bookable  bool   `json:"bookable" doc:"bookable online (booking engine, Reserve with Google), or only by phone or walk-in"`
	Free      bool   `json:"free" doc:"available for a new reservation, by the service's average stay"`
	Group     bool   `json:"group" doc:"a table merged from others (two 2-pax tables into one 4-pax)"`
	GuestsMin int    `json:"guests_min"`
	GuestsMax int    `json:"guests_max"`
	RoomID    int    `json:"room_id"`
}

// Service is an opening of the restaurant (lunch, dinner): its days, its
// hours and how long a table stays taken.
type Service struct {
	ID               int           `json:"id"`
	Name             string        `json:"name"`
	Bookable         bool          `json:"bookable"`
	AdvanceMin       int           `json:"advance_min" doc:"minutes ahead a reservation must be made at least"`
	AverageStay      int           `json:"average_stay" doc:"minutes a table stays taken by a reservation"`
	CardGuarantee    bool          `json:"card_guarantee"`
	ConfirmationMode string        `json:"confirmation_mode" enum:"CONFIRMED WAITING_LIST" doc:"CONFIRMED: new reservations are confirmed; WAITING_LIST: they wait"`
	DaysOfWeek       []string      `json:"days_of_week" enum:"MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY"`
	StartTime        string        `json:"start_time" format:"time"`
	EndTime          string        `json:"end_time" format:"time"`
	MaxAdvance       int           `json:"max_advance" doc:"days ahead a customer may book at most"`
	Online           bool          `json:"online"`
	OrdersSection    OrdersSection `json:"orders_section"`
	ShowRooms        bool          `json:"show_rooms"`
	Slots            []string      `json:"slots" format:"time" doc:"the hours a reservation may start at"`
}

// OrdersSection says how a service takes orders.
type OrdersSection struct {
	OrderEnabled     bool     `json:"order_enabled"`
	RequiredFields   []string `json:"required_fields"`
	SendOrderEnabled bool     `json:"send_order_enabled"`
}

// Reservation is a booking for a day, an hour and a number of guests.
type Reservation struct {
	ID               int           `json:"id"`
	Pax              int           `json:"pax" doc:"the number of guests"`
	Status           string        `json:"status" enum:"WAITING ACCEPTED CANCELLED CONFIRMED EXPIRED PREPAY OUTOFORDER REJECTED"`
	Customer         Customer      `json:"customer"`
	Service          Ref           `json:"service"`
	Channel          string        `json:"channel" enum:"OCTOTABLE_BOOK OCTOTABLE_ADMIN" doc:"OCTOTABLE_BOOK: made in the booking engine; OCTOTABLE_ADMIN: made by the restaurant"`
	Room             Ref           `json:"room"`
	EndDate          string        `json:"end_date" format:"date-time" doc:"when the table is free again: the start plus the service's average stay"`
	LastStatusChange string        `json:"last_status_change" format:"date-time"`
	Notes            string        `json:"notes"`
	SpecialRequest   string        `json:"special_request"`
	StartDate        string        `json:"start_date" format:"date"`
	StartHour        string        `json:"start_hour" format:"time"`
	Tables           []BookedTable `json:"tables"`
	WaitingList      bool          `json:"waiting_list"`
	CheckinDate      string        `json:"checkin_date,omitempty" format:"date-time" doc:"when the guests arrived; only on a checked-in reservation"`
	ExpirationDate   string        `json:"expiration_date,omitempty" format:"date-time" doc:"when the checked-in table is due free; only on a checked-in reservation"`
}

// Customer is who a reservation is for.
type Customer struct {
	ID        int    `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
}

// Ref names a service or a room inside a reservation.
type Ref struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// BookedTable is a table as a reservation shows it.
type BookedTable struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Bookable bool   `json:"bookable"`
	Free     bool   `json:"free"`
	Group    bool   `json:"group"`
	Online   bool   `json:"online"`
	RoomID   int    `json:"room_id"`
}

// DaySlots are the hours still bookable on one day, by service.
type DaySlots struct {
	Day               string         `json:"day" format:"date"`
	AvailableServices []ServiceSlots `json:"available_services"`
}

// ServiceSlots are the hours still bookable in one service.
type ServiceSlots struct {
	ID             int      `json:"id"`
	Title          string   `json:"title"`
	AvailableSlots []string `json:"available_slots" format:"time"`
}

// BookingLink is a page of the restaurant's booking engine.
type BookingLink struct {
	Name string `json:"name" enum:"BOOKING_ENGINE_PAGE SERVICES_PAGE WELCOME_PAGE"`
	Link string `json:"link"`
}

// GoogleEngine is the answer of the Reserve with Google switch, the one
// answer without "data".
type GoogleEngine struct {
	Status string `json:"status" enum:"ACCEPTED"`
}

// Order is a customer's order, at a table (ROOM), to take away or
// delivered.
type Order struct {
	Channel    string      `json:"channel" enum:"OCTOTABLE_BOOK OCTOTABLE_ADMIN"`
	CreateTime string      `json:"create_time" format:"date-time"`
	Customer   Customer    `json:"customer"`
	ID         int         `json:"id"`
	Mode       string      `json:"mode" enum:"ROOM TAKEAWAY DELIVERY"`
	Order      []OrderLine `json:"order"`
}

// OrderLine is one article of an order.
type OrderLine struct {
	ID          int     `json:"id"`
	Reservation int     `json:"reservation" doc:"the order's id"`
	InsertDate  string  `json:"insert_date" format:"date-time"`
	Status      string  `json:"status" enum:"UNREAD WAITING PREPARING READY DELIVERED"`
	Article     Article `json:"article"`
	Currency    string  `json:"currency"`
	Quantity    int     `json:"quantity"`
	Total       float64 `json:"total"`
}

// Article is a dish or a drink of the menu.
type Article struct {
	ID              int               `json:"id"`
	Name            string            `json:"name"`
	Price           float64           `json:"price"`
	Image           string            `json:"image" doc:"a path relative to OctoTable's media host"`
	Allergens       []string          `json:"allergens"`
	CategoryID      int               `json:"category_id"`
	Characteristics []string          `json:"characteristics"`
	Tax             float64           `json:"tax"`
	TranslatedTexts map[string]string `json:"translated_texts"`
	Variations      []string          `json:"variations"`
}

// Subscription asks for a webhook: OctoTable POSTs each event of its type
// to its endpoint (the sandbox delivers to its inbox instead).
type Subscription struct {
	Endpoint    string `json:"endpoint"`
	ID          int    `json:"id"`
	WebhookType string `json:"webhook_type" enum:"RESERVATION_CREATED RESERVATION_UPDATED RESERVATION_DELETED"`
}

// Delivery is one webhook event as OctoTable would POST it: the sandbox
// keeps it in its inbox rather than call the endpoint.
type Delivery struct {
	ID          int               `json:"id"`
	DeliveredAt string            `json:"delivered_at" format:"date-time"`
	Method      string            `json:"method" enum:"POST"`
	URL         string            `json:"url" doc:"the subscription's endpoint, which the sandbox never calls"`
	Headers     map[string]string `json:"headers"`
	Body        Event             `json:"body"`
}

// Event is the body of a webhook delivery (its shape is the sandbox's:
// OctoTable does not document it).
type Event struct {
	WebhookType    string        `json:"webhook_type" enum:"RESERVATION_CREATED RESERVATION_UPDATED RESERVATION_DELETED"`
	SubscriptionID int           `json:"subscription_id"`
	PropertyID     int           `json:"property_id"`
	Data           []Reservation `json:"data"`
}

// CreatedClient is the answer of create-client: the credentials of a new
// client and its sandbox property.
type CreatedClient struct {
	ClientID     string            `json:"client_id"`
	ClientSecret string            `json:"client_secret"`
	ID           int               `json:"id"`
	Username     string            `json:"username"`
	Password     string            `json:"password"`
	Properties   []CreatedProperty `json:"properties"`
}

// CreatedProperty is the sandbox property of a created client.
type CreatedProperty struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
	Sandbox bool   `json:"sandbox"`
	// ExpiresAt is when the client and its property go (the docs say only
	// "a limited period").
	ExpiresAt string `json:"expires_at" format:"rfc3339"`
}

// APIInfo is the answer of GET /api/v2/, the quickstart's Step 2 (the docs
// show the call, not its answer): it names the API and says whose token
// was used and how long it has left, so that a learner sees the token at
// work.
type APIInfo struct {
	API        string `json:"api"`
	Version    string `json:"version"`
	ClientID   string `json:"client_id"`
	PropertyID int    `json:"property_id" doc:"the property the token is for: send it as the Property header"`
	// TokenExpiresAt is RFC 3339, in UTC, to the second.
	TokenExpiresAt string `json:"token_expires_at" format:"rfc3339"`
	// ExpiresIn is the token's remaining lifetime in whole seconds, rounded
	// down, like the token answer's expires_in.
	ExpiresIn int64 `json:"expires_in"`
}
