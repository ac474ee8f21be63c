package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/clientaddr"
	"octoplay/internal/wire"
	"octoplay/server/sandbox"
	"octoplay/server/state"
)

const reservations = pms + "/reservations"

// writer sends a client's writes to a sandbox, with its token and the
// Property header, from the address of the test's HTTP client.
type writer struct {
	t     *testing.T
	base  string
	token string
}

func newWriter(t *testing.T, srv *httptest.Server) writer {
	return writer{t: t, base: srv.URL, token: issueToken(t, srv)}
}

func (c writer) header(contentType string) http.Header {
	h := headers("Authorization", "Bearer "+c.token, "Property", wire.SandboxProperty)
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return h
}

// do sends body as JSON (when not empty) to path under the PMS base.
func (c writer) do(method, path, body string) (*http.Response, string) {
	c.t.Helper()
	ct := ""
	if body != "" {
		ct = jsonType
	}
	return send(c.t, method, c.base+pms+path, c.header(ct), body)
}

// create creates a reservation and returns its id.
func (c writer) create(body string) string {
	c.t.Helper()
	resp, got := c.do(http.MethodPost, "/reservations", body)
	require.Equal(c.t, http.StatusCreated, resp.StatusCode, got)
	return decode(c.t, got)["data"].(map[string]any)["id"].(string)
}

func stay(room int, arrival, departure string, adults int) string {
	return fmt.Sprintf(`{"room_id": %d, "arrival_date": %q, "departure_date": %q, "guest_name": "Ana Lopes", "adults": %d}`,
		room, arrival, departure, adults)
}

func TestCreateReservation(t *testing.T) {
	srv, clock := newSandbox(t, nil)
	c := newWriter(t, srv)
	body := `{"room_id": 201, "arrival_date": "2026-06-01", "departure_date": "2026-06-04",
		"guest_name": "  Zoë O'Neil  ", "adults": 2, "children": 1, "service_ids": [1, 5]}`
	resp, got := c.do(http.MethodPost, "/reservations", body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, got)
	requireJSONNoStore(t, resp)
	data := decode(t, got)["data"].(map[string]any)
	id := data["id"].(string)
	assert.Regexp(t, `^RSV-[A-Z2-7]{8}$`, id)
	assert.Equal(t, "reservations/"+id, resp.Header.Get("Location"), "a reference relative to the request's URL")
	want := map[string]any{
		"id": id, "room_id": float64(201), "arrival_date": "2026-06-01", "departure_date": "2026-06-04",
		"guest_name": "Zoë O'Neil", "adults": float64(2), "children": float64(1), "service_ids": []any{float64(1), float64(5)},
		"status": "confirmed", "sandbox_expires_at": clock.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	}
	assert.Equal(t, want, data)

	location, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	resp, got = send(t, http.MethodGet, location.String(), c.header(""), "")
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.Equal(t, want, decode(t, got)["data"], "the Location reads it back")

	resp, got = c.do(http.MethodGet, "/reservations?start_date=2026-05-01", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.Equal(t, []any{"RSV-2026-0008", id}, ids(t, decode(t, got)), "beside the fixtures, in order of arrival")

	t.Run("a JSON charset is fine", func(t *testing.T) {
		resp, got := send(t, http.MethodPost, srv.URL+reservations, c.header("application/json; charset=UTF-8"), stay(101, "2026-07-01", "2026-07-02", 1))
		assert.Equal(t, http.StatusCreated, resp.StatusCode, got)
	})
}

func TestReservationsAreTheClientsOwn(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	demo := newWriter(t, srv)
	id := demo.create(stay(101, "2026-06-01", "2026-06-03", 2))

	// Another client, from the same address.
	partner := writer{t: t, base: srv.URL, token: partnerToken(t, srv)}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		resp, body := partner.do(method, "/reservations/"+id, "")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)
		assert.Equal(t, envelope("RESOURCE_NOT_FOUND", "no reservation with that id", "ResourceNotFoundException"), decode(t, body))
	}
	resp, body := partner.do(http.MethodPatch, "/reservations/"+id, `{"adults": 1}`)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)
	_, body = partner.do(http.MethodGet, "/reservations?start_date=2026-06-01", "")
	assert.Equal(t, []any{}, ids(t, decode(t, body)))
	partner.create(stay(101, "2026-06-01", "2026-06-03", 2)) // its own sandbox: the room is free

	// The same client from another address, as the relay passes it along.
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	require.NoError(t, err)
	from := func(addr, method, target, body string, header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body)).WithContext(clientaddr.WithAddr(context.Background(), addr))
		req.Header = header
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec
	}
	rec := from("192.0.2.1", http.MethodPost, tokenPath, demoForm(), headers("Content-Type", formType))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	there := writer{t: t, token: decode(t, rec.Body.String())["access_token"].(string)}
	rec = from("192.0.2.1", http.MethodPost, reservations, stay(101, "2026-06-01", "2026-06-03", 2), there.header(jsonType))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	created := decode(t, rec.Body.String())["data"].(map[string]any)["id"].(string)
	assert.Equal(t, http.StatusOK, from("192.0.2.1", http.MethodGet, reservations+"/"+created, "", there.header("")).Code)
	assert.Equal(t, http.StatusNotFound, from("2001:db8::/64", http.MethodGet, reservations+"/"+created, "", there.header("")).Code,
		"the demo client's credentials are public: another address does not see its writes")
}

// partnerToken is a token for the sandbox's second client.
func partnerToken(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	resp, body := send(t, http.MethodPost, srv.URL+tokenPath,
		headers("Content-Type", formType, "Authorization", formBasic(partnerID, partnerSecret)), "grant_type=client_credentials")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	return decode(t, body)["access_token"].(string)
}

func TestReservationConflicts(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	c := newWriter(t, srv)
	first := c.create(stay(102, "2026-07-10", "2026-07-14", 2))
	conflict := func(with string, room int, from, to string) map[string]any {
		return envelope("CONFLICT", fmt.Sprintf("room %d is taken from %s to %s by reservation %s; choose other dates or another room", room, from, to, with), "ConflictException")
	}
	tests := []struct {
		name     string
		body     string
		wantBody map[string]any // nil: created
	}{
		{name: "the same nights", body: stay(102, "2026-07-10", "2026-07-14", 1), wantBody: conflict(first, 102, "2026-07-10", "2026-07-14")},
		{name: "one night inside", body: stay(102, "2026-07-12", "2026-07-13", 1), wantBody: conflict(first, 102, "2026-07-10", "2026-07-14")},
		{name: "around it", body: stay(102, "2026-07-01", "2026-07-30", 1), wantBody: conflict(first, 102, "2026-07-10", "2026-07-14")},
		{name: "a fixture's nights", body: stay(101, "2026-04-11", "2026-04-13", 1), wantBody: conflict("RSV-2026-0006", 101, "2026-04-10", "2026-04-12")},
		{name: "arriving the day it departs", body: stay(102, "2026-07-14", "2026-07-16", 1)},
		{name: "departing the day it arrives", body: stay(102, "2026-07-08", "2026-07-10", 1)},
		{name: "another room", body: stay(101, "2026-07-10", "2026-07-14", 1)},
		{name: "a cancelled fixture's nights", body: stay(201, "2026-03-14", "2026-03-18", 2)},
		{name: "cancelled itself", body: `{"room_id": 102, "arrival_date": "2026-07-10", "departure_date": "2026-07-14", "guest_name": "B", "adults": 1, "status": "cancelled"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := c.do(http.MethodPost, "/reservations", tt.body)
			if tt.wantBody == nil {
				assert.Equal(t, http.StatusCreated, resp.StatusCode, body)
				return
			}
			require.Equal(t, http.StatusConflict, resp.StatusCode, body)
			assert.Equal(t, tt.wantBody, decode(t, body))
		})
	}
}

func TestUpdateAndDeleteReservation(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	c := newWriter(t, srv)
	id := c.create(stay(202, "2026-10-01", "2026-10-05", 2))
	other := c.create(stay(202, "2026-10-05", "2026-10-08", 2))

	resp, body := c.do(http.MethodPatch, "/reservations/"+id, `{"adults": 3, "children": 1, "service_ids": [2]}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	data := decode(t, body)["data"].(map[string]any)
	assert.Equal(t, []any{float64(3), float64(1), []any{float64(2)}, "confirmed", "Ana Lopes"},
		[]any{data["adults"], data["children"], data["service_ids"], data["status"], data["guest_name"]}, "the fields sent changed, the others stayed")

	resp, body = c.do(http.MethodPatch, "/reservations/"+id, `{"children": 2}`)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, "room 202 takes at most 4 guests; adults and children make 5")
	resp, body = c.do(http.MethodPatch, "/reservations/"+id, `{"departure_date": "2026-10-06"}`)
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	assert.Contains(t, body, "by reservation "+other)
	resp, body = c.do(http.MethodPatch, "/reservations/"+id, `{"departure_date": "2026-10-05", "arrival_date": "2026-10-02"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body, "a reservation does not conflict with itself")

	resp, body = send(t, http.MethodPatch, srv.URL+reservations+"/"+other, c.header("application/merge-patch+json"), `{"status": "cancelled"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	resp, body = c.do(http.MethodPatch, "/reservations/"+id, `{"departure_date": "2026-10-07"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body, "a cancelled reservation frees its room")

	resp, body = c.do(http.MethodDelete, "/reservations/"+id, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode, body)
	assert.Empty(t, body)
	assert.Empty(t, resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		resp, body = c.do(method, "/reservations/"+id, "")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)
	}
	resp, body = c.do(http.MethodPatch, "/reservations/"+id, `{"adults": 1}`)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)

	readOnly := envelope("FORBIDDEN", "the sandbox's example reservations cannot be changed; create your own with POST and change that", "ForbiddenException")
	resp, body = c.do(http.MethodPatch, "/reservations/RSV-2026-0005", `{"adults": 1}`)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
	assert.Equal(t, readOnly, decode(t, body))
	resp, body = c.do(http.MethodDelete, "/reservations/RSV-2026-0005", "")
	require.Equal(t, http.StatusForbidden, resp.StatusCode, body)
	assert.Equal(t, readOnly, decode(t, body))
	resp, body = c.do(http.MethodGet, "/reservations/RSV-2026-0005", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "Hannah Schmidt", decode(t, body)["data"].(map[string]any)["guest_name"])
}

// A client keeps at most ReservationLimits.PerOwner reservations, for an
// hour each: one more is refused, saying when room comes back, and no
// other client pays for it.
func TestReservationsAreBounded(t *testing.T) {
	srv, clock := newSandbox(t, nil)
	c := newWriter(t, srv)
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	night := func(i int) string {
		return stay(101, start.AddDate(0, 0, i).Format(time.DateOnly), start.AddDate(0, 0, i+1).Format(time.DateOnly), 1)
	}
	first := c.create(night(0))
	clock.Advance(time.Minute)
	for i := 1; i < sandbox.ReservationLimits.PerOwner; i++ {
		c.create(night(i))
	}
	resp, body := c.do(http.MethodPost, "/reservations", night(500))
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, body)
	assert.Equal(t, "3540", resp.Header.Get("Retry-After"), "until the oldest goes")
	assert.Equal(t, envelope("LIMIT_EXCEEDED", "this client keeps at most 100 reservations in the sandbox; delete one, or wait until the oldest goes at 10:00:00 UTC (each goes an hour after it was made)", "LimitExceededException"), decode(t, body))
	resp, body = c.do(http.MethodGet, "/reservations/"+first, "")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body, "nothing was dropped to make room")

	writer{t: t, base: srv.URL, token: partnerToken(t, srv)}.create(night(500))

	resp, _ = c.do(http.MethodDelete, "/reservations/"+first, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	c.create(night(500))

	clock.Advance(time.Hour) // every one of them has gone
	c.token = issueToken(t, srv)
	resp, body = c.do(http.MethodGet, "/reservations?start_date=2027-01-01", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, []any{}, ids(t, decode(t, body)))
}

// failingRecords is a store that cannot be reached, which the memory store
// never is: a fake for a fault that cannot be produced for real here.
type failingRecords struct{ state.Records }

var errUnreachable = errors.New("store unreachable")

func (failingRecords) Create(context.Context, string, string, []byte, func([]state.Record) error) (state.Record, error) {
	return state.Record{}, errUnreachable
}
func (failingRecords) Get(context.Context, string, string) (state.Record, error) {
	return state.Record{}, errUnreachable
}
func (failingRecords) List(context.Context, string) ([]state.Record, error) {
	return nil, errUnreachable
}
func (failingRecords) Update(context.Context, string, string, func(state.Record, []state.Record) ([]byte, error)) (state.Record, error) {
	return state.Record{}, errUnreachable
}
func (failingRecords) Delete(context.Context, string, string) error { return errUnreachable }

// Without its store the sandbox refuses every write and every read of the
// client's own, in its envelope, and says when to try again; the fixtures
// still answer.
func TestReservationsFailClosed(t *testing.T) {
	srv, _ := newSandbox(t, func(c *sandbox.Config) { c.Reservations = failingRecords{} })
	c := newWriter(t, srv)
	want := envelope("SERVICE_UNAVAILABLE", "the sandbox cannot reach the reservations it keeps right now; try again in a few seconds", "ServiceUnavailableException")
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/reservations", stay(101, "2026-11-01", "2026-11-02", 1)},
		{"GET", "/reservations", ""},
		{"GET", "/reservations/RSV-AAAAAAAA", ""},
		{"PATCH", "/reservations/RSV-AAAAAAAA", `{"adults": 1}`},
		{"DELETE", "/reservations/RSV-AAAAAAAA", ""},
	} {
		resp, body := c.do(r.method, r.path, r.body)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s %s: %s", r.method, r.path, body)
		assert.Equal(t, "5", resp.Header.Get("Retry-After"))
		assert.Equal(t, want, decode(t, body))
	}
	resp, body := c.do(http.MethodGet, "/reservations/RSV-2026-0001", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
}

// A full store refuses new reservations, saying so, and removes nobody's.
func TestReservationsStoreFull(t *testing.T) {
	srv, _ := newSandbox(t, func(c *sandbox.Config) {
		c.Reservations = state.NewMemoryRecords(sandbox.ReservationLimits, 1, nil)
	})
	c := newWriter(t, srv)
	id := c.create(stay(101, "2026-11-01", "2026-11-02", 1))
	resp, body := c.do(http.MethodPost, "/reservations", stay(101, "2026-11-02", "2026-11-03", 1))
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
	assert.Equal(t, "60", resp.Header.Get("Retry-After"))
	assert.Equal(t, envelope("SERVICE_UNAVAILABLE", "the sandbox holds as many reservations as it can; each goes an hour after it was made, so try again later", "ServiceUnavailableException"), decode(t, body))
	resp, body = c.do(http.MethodGet, "/reservations/"+id, "")
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
}

func TestWritesNeedTokenAndProperty(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	c := newWriter(t, srv)
	body := stay(101, "2026-11-01", "2026-11-02", 1)
	resp, got := send(t, http.MethodPost, srv.URL+reservations, headers("Content-Type", jsonType, "Property", wire.SandboxProperty), body)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, got)
	assert.Equal(t, `Bearer realm="octotable"`, resp.Header.Get("WWW-Authenticate"))
	resp, got = send(t, http.MethodPost, srv.URL+reservations, headers("Content-Type", jsonType, "Authorization", "Bearer "+c.token), body)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, got)
	assert.Contains(t, got, "missing Property header")
	resp, got = send(t, http.MethodDelete, srv.URL+reservations+"/RSV-2026-0001", headers("Authorization", "Bearer "+c.token, "Property", "2002"), "")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, got)
	assert.Contains(t, got, "no access to that property")
}
