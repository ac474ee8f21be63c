package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

const pms = "/octotable-pms/api/v2"

// ids lists the "id" of each record of a list answer, as JSON has it.
func ids(t *testing.T, body map[string]any) []any {
	t.Helper()
	data, ok := body["data"].([]any)
	require.True(t, ok, "data is not a list: %v", body)
	out := []any{}
	for _, rec := range data {
		out = append(out, rec.(map[string]any)["id"])
	}
	return out
}

func TestResources(t *testing.T) {
	srv, clock := newSandbox(t, nil)
	token := issueToken(t, srv)
	auth := headers("Authorization", "Bearer "+token, "Property", wire.SandboxProperty)
	badParam := func(message string) map[string]any { return envelope("BAD_REQUEST", message, badRequest) }
	badLimit := badParam("limit must be one whole number from 1 to 100")
	badDate := badParam("start_date must be one date as YYYY-MM-DD")
	noEndpoint := envelope("RESOURCE_NOT_FOUND", "no such endpoint", "ResourceNotFoundException")
	room201 := map[string]any{"success": true, "data": map[string]any{
		"id": float64(201), "name": "Sea View Suite", "type": "suite", "capacity": float64(4),
		"beds": "1 king, 1 sofa bed", "floor": float64(2), "price_per_night": float64(289), "currency": "EUR",
	}}
	tests := []struct {
		name          string
		method        string // GET if empty
		path          string
		header        http.Header
		wantStatus    int
		wantIDs       []any          // for list answers
		wantBody      map[string]any // for the others
		wantChallenge string
		wantAllow     string
	}{
		{name: "rooms", path: "/rooms", header: auth, wantStatus: 200,
			wantIDs: []any{float64(101), float64(102), float64(201), float64(202), float64(301)}},
		{name: "one room", path: "/rooms/201", header: auth, wantStatus: 200, wantBody: room201},
		{name: "unknown room", path: "/rooms/999", header: auth, wantStatus: 404,
			wantBody: envelope("RESOURCE_NOT_FOUND", "no room with that id", "ResourceNotFoundException")},
		{name: "room id with an escaped slash", path: "/rooms/201%2F1", header: auth, wantStatus: 404,
			wantBody: envelope("RESOURCE_NOT_FOUND", "no room with that id", "ResourceNotFoundException")},
		{name: "rooms with a trailing slash", path: "/rooms/", header: auth, wantStatus: 404, wantBody: noEndpoint},
		{name: "services", path: "/services", header: auth, wantStatus: 200,
			wantIDs: []any{float64(1), float64(2), float64(3), float64(4), float64(5)}},
		{name: "reservations", path: "/reservations", header: auth, wantStatus: 200,
			wantIDs: []any{"RSV-2026-0001", "RSV-2026-0002", "RSV-2026-0003", "RSV-2026-0004", "RSV-2026-0005", "RSV-2026-0006", "RSV-2026-0007", "RSV-2026-0008"}},
		{name: "reservations with limit", path: "/reservations?limit=2", header: auth, wantStatus: 200,
			wantIDs: []any{"RSV-2026-0001", "RSV-2026-0002"}},
		{name: "reservations from a date", path: "/reservations?start_date=2026-04-03", header: auth, wantStatus: 200,
			wantIDs: []any{"RSV-2026-0005", "RSV-2026-0006", "RSV-2026-0007", "RSV-2026-0008"}},
		{name: "reservations from a date with limit", path: "/reservations?start_date=2026-03-15&limit=3", header: auth, wantStatus: 200,
			wantIDs: []any{"RSV-2026-0004", "RSV-2026-0005", "RSV-2026-0006"}},
		{name: "no reservations after the last", path: "/reservations?start_date=2030-01-01", header: auth, wantStatus: 200,
			wantIDs: []any{}},
		{name: "limit 0", path: "/reservations?limit=0", header: auth, wantStatus: 400, wantBody: badLimit},
		{name: "limit 101", path: "/reservations?limit=101", header: auth, wantStatus: 400, wantBody: badLimit},
		{name: "limit not a number", path: "/reservations?limit=ten", header: auth, wantStatus: 400, wantBody: badLimit},
		{name: "limit empty", path: "/reservations?limit=", header: auth, wantStatus: 400, wantBody: badLimit},
		{name: "limit twice", path: "/reservations?limit=1&limit=2", header: auth, wantStatus: 400, wantBody: badLimit},
		{name: "start_date not a date", path: "/reservations?start_date=2026-13-01", header: auth, wantStatus: 400, wantBody: badDate},
		{name: "start_date without zeros", path: "/reservations?start_date=2026-4-1", header: auth, wantStatus: 400, wantBody: badDate},
		{name: "start_date twice", path: "/reservations?start_date=2026-04-01&start_date=2026-04-02", header: auth, wantStatus: 400, wantBody: badDate},
		{name: "malformed query", path: "/reservations?limit=%zz", header: auth, wantStatus: 400, wantBody: badParam("malformed query string")},
		{name: "no Property", path: "/rooms", header: headers("Authorization", "Bearer "+token), wantStatus: 400,
			wantBody: badParam("missing Property header; send Property: 1001, the sandbox's property")},
		{name: "two Property headers", path: "/rooms", header: headers("Authorization", "Bearer "+token, "Property", "1001", "Property", "1001"),
			wantStatus: 400, wantBody: badParam("more than one Property header")},
		{name: "another property", path: "/services", header: headers("Authorization", "Bearer "+token, "Property", "2002"), wantStatus: 403,
			wantBody: envelope("FORBIDDEN", "this client has no access to that property; the sandbox has only property 1001", "ForbiddenException")},
		{name: "no token, with Property", path: "/rooms", header: headers("Property", wire.SandboxProperty), wantStatus: 401,
			wantChallenge: bareChallenge,
			wantBody:      envelope("UNAUTHORIZED", "missing access token; send Authorization: Bearer <token>", unauthorized)},
		{name: "unknown token", path: "/reservations", header: headers("Authorization", "Bearer bm9wZQ", "Property", wire.SandboxProperty), wantStatus: 401,
			wantChallenge: invalidToken("The access token is not valid"),
			wantBody:      envelope("INVALID_TOKEN", "The access token is not valid", unauthorized)},
		{name: "unknown resource", path: "/tables", header: auth, wantStatus: 404, wantBody: noEndpoint},
		{name: "unclean path is not redirected", path: "//rooms", header: auth, wantStatus: 404, wantBody: noEndpoint},
		{name: "dot segments are not redirected", path: "/services/../rooms", header: auth, wantStatus: 404, wantBody: noEndpoint},
		{name: "DELETE a room", method: http.MethodDelete, path: "/rooms/101", header: auth, wantStatus: 405, wantAllow: "GET, HEAD",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET", "MethodNotAllowedException")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			resp, body := send(t, method, srv.URL+pms+tc.path, tc.header, "")
			require.Equal(t, tc.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Empty(t, resp.Header.Get("Location"))
			assert.Equal(t, tc.wantChallenge, resp.Header.Get("WWW-Authenticate"))
			assert.Equal(t, tc.wantAllow, resp.Header.Get("Allow"))
			got := decode(t, body)
			if tc.wantIDs != nil {
				assert.Equal(t, true, got["success"])
				assert.Equal(t, tc.wantIDs, ids(t, got))
				return
			}
			assert.Equal(t, tc.wantBody, got)
		})
	}

	t.Run("records are complete", func(t *testing.T) {
		_, body := send(t, http.MethodGet, srv.URL+pms+"/reservations?limit=1", auth, "")
		assert.Equal(t, []any{map[string]any{
			"id": "RSV-2026-0001", "guest_name": "Giulia Rossi", "arrival_date": "2026-03-02", "departure_date": "2026-03-05",
			"room_id": float64(101), "adults": float64(2), "children": float64(0), "status": "checked_out", "service_ids": []any{float64(1)},
		}}, decode(t, body)["data"])
		_, body = send(t, http.MethodGet, srv.URL+pms+"/services", auth, "")
		assert.Equal(t, map[string]any{
			"id": float64(1), "name": "Breakfast buffet", "category": "food", "price": float64(18), "currency": "EUR", "unit": "per person per day",
		}, decode(t, body)["data"].([]any)[0])
	})

	t.Run("expired token", func(t *testing.T) {
		clock.Advance(1440 * time.Second)
		resp, body := send(t, http.MethodGet, srv.URL+pms+"/rooms", auth, "")
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		assert.Equal(t, invalidToken("The access token expired"), resp.Header.Get("WWW-Authenticate"))
		assert.Equal(t, envelope("INVALID_TOKEN", "The access token expired", unauthorized), decode(t, body))
	})
}

func TestUnroutedPaths(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	noEndpoint := envelope("RESOURCE_NOT_FOUND", "no such endpoint", "ResourceNotFoundException")
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantAllow  string
		wantBody   map[string]any
	}{
		{name: "root", method: http.MethodGet, path: "/", wantStatus: 404, wantBody: noEndpoint},
		{name: "token path with a trailing slash", method: http.MethodPost, path: tokenPath + "/", wantStatus: 404, wantBody: noEndpoint},
		{name: "another auth path", method: http.MethodPost, path: "/octotable-auth/api/v2/oauth2/revoke", wantStatus: 404, wantBody: noEndpoint},
		{name: "PUT on the token endpoint", method: http.MethodPut, path: tokenPath, wantStatus: 405, wantAllow: "POST",
			wantBody: oauthError("invalid_request", "the token endpoint accepts only POST (RFC 6749 section 3.2)")},
		{name: "PUT on the reservations", method: http.MethodPut, path: "/octotable-pms/api/v2/reservations", wantStatus: 405, wantAllow: "GET, HEAD, POST",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET and POST", "MethodNotAllowedException")},
		{name: "DELETE on the reservations", method: http.MethodDelete, path: "/octotable-pms/api/v2/reservations", wantStatus: 405, wantAllow: "GET, HEAD, POST",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET and POST", "MethodNotAllowedException")},
		{name: "POST on a reservation", method: http.MethodPost, path: "/octotable-pms/api/v2/reservations/RSV-2026-0001", wantStatus: 405, wantAllow: "GET, HEAD, PATCH, DELETE",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET, PATCH and DELETE", "MethodNotAllowedException")},
		{name: "PUT on a reservation", method: http.MethodPut, path: "/octotable-pms/api/v2/reservations/RSV-2026-0001", wantStatus: 405, wantAllow: "GET, HEAD, PATCH, DELETE",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET, PATCH and DELETE", "MethodNotAllowedException")},
		{name: "PATCH on a room", method: http.MethodPatch, path: "/octotable-pms/api/v2/rooms/101", wantStatus: 405, wantAllow: "GET, HEAD",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET", "MethodNotAllowedException")},
		{name: "below a reservation", method: http.MethodGet, path: "/octotable-pms/api/v2/reservations/RSV-2026-0001/guests", wantStatus: 404, wantBody: noEndpoint},
		{name: "api v1", method: http.MethodGet, path: "/api/v1/", wantStatus: 404, wantBody: noEndpoint},
		{name: "below api v2", method: http.MethodGet, path: "/api/v2/rooms", wantStatus: 404, wantBody: noEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, tc.method, srv.URL+tc.path, nil, "")
			require.Equal(t, tc.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Equal(t, tc.wantAllow, resp.Header.Get("Allow"))
			assert.Equal(t, tc.wantBody, decode(t, body))
		})
	}
}
