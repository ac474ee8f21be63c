package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The resources under /octotable-pms/api/v2/ are read-only and the same for
// every client; their data is in fixtures.go.

const (
	defaultReservationLimit = 20
	maxReservationLimit     = 100
	dateLayout              = "2006-01-02"
)

func listRooms(*http.Request, tokenRecord) (any, *failure) {
	return rooms, nil
}

func getRoom(r *http.Request, _ tokenRecord) (any, *failure) {
	id := r.PathValue("id")
	for _, room := range rooms {
		if strconv.Itoa(room.ID) == id {
			return room, nil
		}
	}
	return nil, apiFailure(http.StatusNotFound, codeNotFound, "no room with that id")
}

func listServices(*http.Request, tokenRecord) (any, *failure) {
	return services, nil
}

// listReservations answers reservations in order of arrival, those arriving
// on or after start_date if it is given, at most limit of them.
func listReservations(r *http.Request, _ tokenRecord) (any, *failure) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, apiFailure(http.StatusBadRequest, codeBadRequest, "malformed query string")
	}
	limit := defaultReservationLimit
	if query.Has("limit") {
		n, err := strconv.Atoi(query.Get("limit"))
		if err != nil || len(query["limit"]) > 1 || n < 1 || n > maxReservationLimit {
			return nil, apiFailure(http.StatusBadRequest, codeBadRequest,
				"limit must be one whole number from 1 to "+strconv.Itoa(maxReservationLimit))
		}
		limit = n
	}
	startDate := ""
	if query.Has("start_date") {
		startDate = query.Get("start_date")
		if _, err := time.Parse(dateLayout, startDate); err != nil || len(query["start_date"]) > 1 {
			return nil, apiFailure(http.StatusBadRequest, codeBadRequest,
				"start_date must be one date as YYYY-MM-DD")
		}
	}
	found := []reservation{}
	for _, res := range reservations {
		if len(found) == limit {
			break
		}
		// Dates as YYYY-MM-DD compare as strings in date order.
		if res.ArrivalDate >= startDate {
			found = append(found, res)
		}
	}
	return found, nil
}
