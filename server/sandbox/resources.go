package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The resources under /octotable-pms/api/v2/: rooms and services, read-only
// and the same for every client, and reservations, the fixtures' (in
// fixtures.go) with each client's own beside them (writes.go).

const (
	defaultReservationLimit = 20
	maxReservationLimit     = 100
	dateLayout              = "2006-01-02"
)

func listRooms(*http.Request, tokenRecord) (reply, *failure) {
	return ok(rooms)
}

func getRoom(r *http.Request, _ tokenRecord) (reply, *failure) {
	id := r.PathValue("id")
	for _, room := range rooms {
		if strconv.Itoa(room.ID) == id {
			return ok(room)
		}
	}
	return reply{}, apiFailure(http.StatusNotFound, codeNotFound, "no room with that id")
}

func listServices(*http.Request, tokenRecord) (reply, *failure) {
	return ok(services)
}

// listReservations answers the fixtures and the client's own reservations
// in order of arrival, those arriving on or after start_date if it is
// given, at most limit of them.
func (s *Sandbox) listReservations(r *http.Request, tok tokenRecord) (reply, *failure) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return reply{}, apiFailure(http.StatusBadRequest, codeBadRequest, "malformed query string")
	}
	limit := defaultReservationLimit
	if query.Has("limit") {
		n, err := strconv.Atoi(query.Get("limit"))
		if err != nil || len(query["limit"]) > 1 || n < 1 || n > maxReservationLimit {
			return reply{}, apiFailure(http.StatusBadRequest, codeBadRequest,
				"limit must be one whole number from 1 to "+strconv.Itoa(maxReservationLimit))
		}
		limit = n
	}
	startDate := ""
	if query.Has("start_date") {
		startDate = query.Get("start_date")
		if _, err := time.Parse(dateLayout, startDate); err != nil || len(query["start_date"]) > 1 {
			return reply{}, apiFailure(http.StatusBadRequest, codeBadRequest,
				"start_date must be one date as YYYY-MM-DD")
		}
	}
	own, f := s.ownReservations(r.Context(), owner(r, tok))
	if f != nil {
		return reply{}, f
	}
	all := append(append([]reservation(nil), reservations...), own...)
	slices.SortStableFunc(all, func(a, b reservation) int { return strings.Compare(a.ArrivalDate, b.ArrivalDate) })
	found := []reservation{}
	for _, res := range all {
		if len(found) == limit {
			break
		}
		// Dates as YYYY-MM-DD compare as strings in date order.
		if res.ArrivalDate >= startDate {
			found = append(found, res)
		}
	}
	return ok(found)
}
