package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/sandbox"
)

func TestReservationValidation(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	c := newWriter(t, srv)
	const valid = `"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "Ana", "adults": 2`
	invalid := func(fields ...string) map[string]any {
		var names []string
		var details []any
		for i := 0; i+1 < len(fields); i += 2 {
			names = append(names, fields[i])
			details = append(details, map[string]any{"field": fields[i], "message": fields[i+1]})
		}
		env := envelope("VALIDATION_ERROR", "the reservation is not valid: "+strings.Join(names, ", "), "ValidationException")
		env["error"].(map[string]any)["details"] = details
		return env
	}
	const allFields = "is not a field of a reservation; the fields are room_id, arrival_date, departure_date, guest_name, adults, children, service_ids, status"
	tests := []struct {
		name, body string
		wantBody   map[string]any
	}{
		{name: "unknown field", body: `{` + valid + `, "colour": "red"}`, wantBody: invalid("colour", allFields)},
		{name: "unknown field with a long name", body: `{` + valid + `, "` + strings.Repeat("x", 41) + `": 1}`,
			wantBody: invalid("(a field with a long or unprintable name)", allFields)},
		{name: "wrong types", body: `{"room_id": "201", "arrival_date": 20260801, "departure_date": "2026-08-03", "guest_name": 7, "adults": 2.5, "children": true, "service_ids": "1", "status": 1}`,
			wantBody: invalid(
				"room_id", "must be a room's id, a whole number such as 101",
				"arrival_date", "must be a date as a string, YYYY-MM-DD",
				"guest_name", "must be a string",
				"adults", "must be a whole number, at least 1",
				"children", "must be a whole number, at least 0",
				"service_ids", "must be a list of service ids, each once: 1, 2, 3, 4, 5",
				"status", "must be one of confirmed, checked_in, checked_out, cancelled")},
		{name: "missing fields", body: `{"children": 1}`, wantBody: invalid(
			"room_id", "is required", "arrival_date", "is required", "departure_date", "is required", "guest_name", "is required", "adults", "is required")},
		{name: "dates not as YYYY-MM-DD", body: `{"room_id": 201, "arrival_date": "2026-8-1", "departure_date": "01/08/2026", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("arrival_date", "must be a date as YYYY-MM-DD, such as 2026-06-01", "departure_date", "must be a date as YYYY-MM-DD, such as 2026-06-01")},
		{name: "a date that does not exist", body: `{"room_id": 201, "arrival_date": "2026-02-30", "departure_date": "2026-03-03", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("arrival_date", "must be a date as YYYY-MM-DD, such as 2026-06-01")},
		{name: "departure on arrival", body: `{"room_id": 201, "arrival_date": "2026-08-03", "departure_date": "2026-08-03", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("departure_date", "must be after arrival_date (2026-08-03)")},
		{name: "departure before arrival", body: `{"room_id": 201, "arrival_date": "2026-08-03", "departure_date": "2026-08-01", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("departure_date", "must be after arrival_date (2026-08-03)")},
		{name: "more than a year", body: `{"room_id": 201, "arrival_date": "2026-08-03", "departure_date": "2027-08-04", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("departure_date", "a stay is at most 365 nights")},
		{name: "more guests than the room takes", body: `{"room_id": 301, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "Ana", "adults": 1, "children": 1}`,
			wantBody: invalid("adults", "room 301 takes at most 1 guests; adults and children make 2")},
		{name: "no adult", body: `{"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "Ana", "adults": 0}`,
			wantBody: invalid("adults", "must be a whole number, at least 1")},
		{name: "unknown room", body: `{"room_id": 999, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "Ana", "adults": 2}`,
			wantBody: invalid("room_id", "no room has that id; the rooms are 101, 102, 201, 202, 301")},
		{name: "a field twice", body: `{` + valid + `, "adults": 1}`, wantBody: invalid("adults", "is given more than once")},
		{name: "null", body: `{"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": null, "adults": 2}`,
			wantBody: invalid("guest_name", "must not be null", "guest_name", "is required")},
		{name: "an id", body: `{` + valid + `, "id": "RSV-MINE"}`, wantBody: invalid("id", "is set by the sandbox and cannot be written")},
		{name: "an empty name", body: `{"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "  ", "adults": 2}`,
			wantBody: invalid("guest_name", "must not be empty")},
		{name: "a name on two lines", body: `{"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "Ana\nLopes", "adults": 2}`,
			wantBody: invalid("guest_name", "must be one line of text, without control characters")},
		{name: "a long name", body: `{"room_id": 201, "arrival_date": "2026-08-01", "departure_date": "2026-08-03", "guest_name": "` + strings.Repeat("é", 101) + `", "adults": 2}`,
			wantBody: invalid("guest_name", "must be at most 100 characters")},
		{name: "a service twice", body: `{` + valid + `, "service_ids": [1, 1]}`,
			wantBody: invalid("service_ids", "must be a list of service ids, each once: 1, 2, 3, 4, 5")},
		{name: "an unknown status", body: `{` + valid + `, "status": "maybe"}`,
			wantBody: invalid("status", "must be one of confirmed, checked_in, checked_out, cancelled")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := c.do(http.MethodPost, "/reservations", tt.body)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Equal(t, tt.wantBody, decode(t, body))
		})
	}
	resp, body := c.do(http.MethodGet, "/reservations?start_date=2026-08-01", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, []any{}, ids(t, decode(t, body)), "nothing was written")
}

func TestWriteBodies(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	c := newWriter(t, srv)
	id := c.create(stay(101, "2026-09-01", "2026-09-02", 1))
	bad := func(message string) map[string]any { return envelope("BAD_REQUEST", message, badRequest) }
	mediaType := func(types string) map[string]any {
		return envelope("UNSUPPORTED_MEDIA_TYPE", "send the body as "+types+" (UTF-8)", "UnsupportedMediaTypeException")
	}
	tests := []struct {
		name, method, path, contentType, body string
		wantStatus                            int
		wantBody                              map[string]any
		wantHeader                            [2]string
	}{
		{name: "malformed JSON", method: "POST", path: "/reservations", contentType: jsonType, body: "{\n  \"room_id\": 101,\n  \"adults\" 1\n}",
			wantStatus: 400, wantBody: bad("the body is not valid JSON: line 3, column 12: invalid character '1' after object key")},
		{name: "cut short", method: "POST", path: "/reservations", contentType: jsonType, body: `{"room_id": 101,`,
			wantStatus: 400, wantBody: bad("the body is not valid JSON: it ends too soon")},
		{name: "an array", method: "POST", path: "/reservations", contentType: jsonType, body: `[{"room_id": 101}]`,
			wantStatus: 400, wantBody: bad("the body must be one JSON object, {...}")},
		{name: "two objects", method: "POST", path: "/reservations", contentType: jsonType, body: `{} {}`,
			wantStatus: 400, wantBody: bad("the body is not valid JSON: line 1, column 4: invalid character '{' after top-level value")},
		{name: "a string", method: "POST", path: "/reservations", contentType: jsonType, body: `"{}"`,
			wantStatus: 400, wantBody: bad("the body must be one JSON object, {...}")},
		{name: "empty", method: "POST", path: "/reservations", contentType: jsonType, body: " \n",
			wantStatus: 400, wantBody: bad("the body is empty; send a JSON object")},
		{name: "too large", method: "POST", path: "/reservations", contentType: jsonType, body: `{"guest_name": "` + strings.Repeat("a", sandbox.MaxRequestBody) + `"}`,
			wantStatus: 413, wantBody: envelope("PAYLOAD_TOO_LARGE", fmt.Sprintf("the body is larger than %d bytes", sandbox.MaxRequestBody), "PayloadTooLargeException")},
		{name: "a form", method: "POST", path: "/reservations", contentType: formType, body: "room_id=101",
			wantStatus: 415, wantBody: mediaType("application/json"), wantHeader: [2]string{"Accept-Post", "application/json"}},
		{name: "no Content-Type", method: "POST", path: "/reservations", body: "{}",
			wantStatus: 415, wantBody: mediaType("application/json"), wantHeader: [2]string{"Accept-Post", "application/json"}},
		{name: "another charset", method: "POST", path: "/reservations", contentType: "application/json; charset=latin1", body: "{}",
			wantStatus: 415, wantBody: mediaType("application/json"), wantHeader: [2]string{"Accept-Post", "application/json"}},
		{name: "PATCH as text", method: "PATCH", path: "/reservations/" + id, contentType: "text/plain", body: `{"adults": 1}`,
			wantStatus: 415, wantBody: mediaType("application/json or application/merge-patch+json"),
			wantHeader: [2]string{"Accept-Patch", "application/json, application/merge-patch+json"}},
		{name: "PATCH that changes nothing", method: "PATCH", path: "/reservations/" + id, contentType: jsonType, body: `{}`,
			wantStatus: 400, wantBody: bad("the body changes nothing; send one or more of room_id, arrival_date, departure_date, guest_name, adults, children, service_ids, status")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := send(t, tt.method, srv.URL+pms+tt.path, c.header(tt.contentType), tt.body)
			require.Equal(t, tt.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Equal(t, tt.wantBody, decode(t, body))
			if tt.wantHeader[0] != "" {
				assert.Equal(t, tt.wantHeader[1], resp.Header.Get(tt.wantHeader[0]))
			}
		})
	}
}

// FuzzReservationBodies: no body makes a write fail (no panic, no 5xx), and
// every answer is the sandbox's JSON, or 204 with nothing.
func FuzzReservationBodies(f *testing.F) {
	f.Add(false, jsonType, stay(201, "2026-06-01", "2026-06-04", 2))
	f.Add(true, "application/merge-patch+json", `{"adults": 3, "status": "cancelled", "service_ids": [1, 2]}`)
	f.Add(false, jsonType, `{"room_id": 1e400, "arrival_date": "2026-02-29", "guest_name": "\ud800", "adults": -1}`)
	f.Add(true, jsonType, `{"departure_date": "9999-12-31", "children": 99999999999999999999}`)
	f.Add(false, "application/json; charset=utf-8", `{"a": {"b": [[[[]]]]}, "a": null}`)
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	require.NoError(f, err)
	serve := func(method, target, contentType, body string, header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header = header.Clone()
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	rec := serve(http.MethodPost, tokenPath, formType, demoForm(), http.Header{})
	require.Equal(f, http.StatusOK, rec.Code)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(f, json.Unmarshal(rec.Body.Bytes(), &tok))
	auth := writer{token: tok.AccessToken}.header("")
	rec = serve(http.MethodPost, reservations, jsonType, stay(202, "2030-01-01", "2030-01-02", 1), auth)
	require.Equal(f, http.StatusCreated, rec.Code, rec.Body.String())
	target := reservations + "/" + rec.Header().Get("Location")[len("reservations/"):]
	f.Fuzz(func(t *testing.T, patch bool, contentType, body string) {
		method, path := http.MethodPost, reservations
		if patch {
			method, path = http.MethodPatch, target
		}
		rec := serve(method, path, contentType, body, auth)
		require.Less(t, rec.Code, 500, rec.Body.String())
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	})
}
