package sandbox

// The sandbox's property: a small seaside hotel. The data is fixed, so that
// the playground and its tests see the same answers every time.

type room struct {
	ID            int    `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	Capacity      int    `json:"capacity"`
	Beds          string `json:"beds"`
	Floor         int    `json:"floor"`
	PricePerNight int    `json:"price_per_night"`
	Currency      string `json:"currency"`
}

type service struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Price    int    `json:"price"`
	Currency string `json:"currency"`
	Unit     string `json:"unit"`
}

type reservation struct {
	ID            string `json:"id"`
	GuestName     string `json:"guest_name"`
	ArrivalDate   string `json:"arrival_date"`
	DepartureDate string `json:"departure_date"`
	RoomID        int    `json:"room_id"`
	Adults        int    `json:"adults"`
	Children      int    `json:"children"`
	Status        string `json:"status"`
	ServiceIDs    []int  `json:"service_ids"`
	// SandboxExpiresAt is when the sandbox lets a client's own reservation
	// go (RFC 3339, UTC); the fixtures stay.
	SandboxExpiresAt string `json:"sandbox_expires_at,omitempty"`
}

var rooms = []room{
	{ID: 101, Name: "Garden Double", Type: "double", Capacity: 2, Beds: "1 queen", Floor: 1, PricePerNight: 129, Currency: "EUR"},
	{ID: 102, Name: "Garden Twin", Type: "twin", Capacity: 2, Beds: "2 single", Floor: 1, PricePerNight: 119, Currency: "EUR"},
	{ID: 201, Name: "Sea View Suite", Type: "suite", Capacity: 4, Beds: "1 king, 1 sofa bed", Floor: 2, PricePerNight: 289, Currency: "EUR"},
	{ID: 202, Name: "Family Room", Type: "family", Capacity: 4, Beds: "1 queen, 2 single", Floor: 2, PricePerNight: 199, Currency: "EUR"},
	{ID: 301, Name: "Attic Single", Type: "single", Capacity: 1, Beds: "1 single", Floor: 3, PricePerNight: 79, Currency: "EUR"},
}

var services = []service{
	{ID: 1, Name: "Breakfast buffet", Category: "food", Price: 18, Currency: "EUR", Unit: "per person per day"},
	{ID: 2, Name: "Covered parking", Category: "parking", Price: 15, Currency: "EUR", Unit: "per night"},
	{ID: 3, Name: "Airport transfer", Category: "transport", Price: 45, Currency: "EUR", Unit: "per trip"},
	{ID: 4, Name: "Late checkout until 14:00", Category: "stay", Price: 30, Currency: "EUR", Unit: "per stay"},
	{ID: 5, Name: "Spa access", Category: "wellness", Price: 25, Currency: "EUR", Unit: "per person per day"},
}

// reservations are in order of arrival; a client's own go among them by
// their arrival.
var reservations = []reservation{
	{ID: "RSV-2026-0001", GuestName: "Giulia Rossi", ArrivalDate: "2026-03-02", DepartureDate: "2026-03-05", RoomID: 101, Adults: 2, Status: "checked_out", ServiceIDs: []int{1}},
	{ID: "RSV-2026-0002", GuestName: "Lukas Becker", ArrivalDate: "2026-03-09", DepartureDate: "2026-03-10", RoomID: 301, Adults: 1, Status: "checked_out", ServiceIDs: []int{2}},
	{ID: "RSV-2026-0003", GuestName: "Amélie Laurent", ArrivalDate: "2026-03-14", DepartureDate: "2026-03-18", RoomID: 201, Adults: 2, Children: 1, Status: "cancelled", ServiceIDs: []int{}},
	{ID: "RSV-2026-0004", GuestName: "Tomás García", ArrivalDate: "2026-03-20", DepartureDate: "2026-03-27", RoomID: 202, Adults: 2, Children: 2, Status: "checked_in", ServiceIDs: []int{1, 2}},
	{ID: "RSV-2026-0005", GuestName: "Hannah Schmidt", ArrivalDate: "2026-04-03", DepartureDate: "2026-04-06", RoomID: 102, Adults: 2, Status: "confirmed", ServiceIDs: []int{1, 5}},
	{ID: "RSV-2026-0006", GuestName: "Marco Bianchi", ArrivalDate: "2026-04-10", DepartureDate: "2026-04-12", RoomID: 101, Adults: 2, Status: "confirmed", ServiceIDs: []int{3, 4}},
	{ID: "RSV-2026-0007", GuestName: "Sofia Esposito", ArrivalDate: "2026-04-17", DepartureDate: "2026-04-24", RoomID: 201, Adults: 3, Status: "confirmed", ServiceIDs: []int{1, 2, 5}},
	{ID: "RSV-2026-0008", GuestName: "James O'Connor", ArrivalDate: "2026-05-01", DepartureDate: "2026-05-03", RoomID: 301, Adults: 1, Status: "confirmed", ServiceIDs: []int{}},
}
