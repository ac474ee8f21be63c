package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/clientaddr"
	"octoplay/server/sandbox"
	"octoplay/server/state"
)

// The flows a partner writes against OctoTable, each against a real
// sandbox over loopback, every answer checked against the OpenAPI
// document (send validates it). The clock stands on Sunday 1 March 2026 at
// 09:00 UTC: the fixtures are dated from it, and Friday 6 March is the
// examples' day.

const (
	pms      = "/octotable-pms/api/v2/"
	friday   = "2026-03-06"
	mainRoom = 23288
	veranda  = 23289
	dinner   = 33841
	lunch    = 33840
)

// client is one caller of a sandbox: its token, its property and the
// address it counts as.
type client struct {
	t        *testing.T
	base     string
	token    string
	property string
	addr     string
}

// addrHeader lets a test speak from another address: the test server puts
// it in the context as an outer server would (package clientaddr).
const addrHeader = "X-Test-Client-Addr"

func fromHeader(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get(addrHeader); a != "" {
			r = r.WithContext(clientaddr.WithAddr(r.Context(), a))
		}
		h.ServeHTTP(w, r)
	})
}

// newRestaurant starts a sandbox with the demo client, its fake clock and
// cfg's edits, and returns the demo client from 192.0.2.1.
func newRestaurant(t *testing.T, edit func(*sandbox.Config)) (*client, *sandbox.Sandbox, func(time.Duration)) {
	t.Helper()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var offset atomic.Int64
	cfg := sandbox.Config{
		Clients:  map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret},
		Now:      func() time.Time { return now.Add(time.Duration(offset.Load())) },
		TokenKey: []byte(strings.Repeat("k", 32)),
	}
	if edit != nil {
		edit(&cfg)
	}
	sb, err := sandbox.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(fromHeader(sb))
	t.Cleanup(srv.Close)
	c := &client{t: t, base: srv.URL, property: "1001", addr: "192.0.2.1"}
	c.token = c.tokenFor(sandbox.DemoClientID, sandbox.DemoClientSecret)
	return c, sb, func(d time.Duration) { offset.Add(int64(d)) }
}

func (c *client) tokenFor(id, secret string) string {
	c.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}.Encode()
	resp, body := send(c.t, http.MethodPost, c.base+tokenPath, headers("Content-Type", formType, addrHeader, c.addr), form)
	require.Equal(c.t, http.StatusOK, resp.StatusCode, body)
	return decode(c.t, body)["access_token"].(string)
}

// call sends one API request and returns its status and decoded body.
func (c *client) call(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	h := headers("Authorization", "Bearer "+c.token, "Property", c.property, addrHeader, c.addr)
	if body != "" {
		h.Set("Content-Type", jsonType)
	}
	resp, raw := send(c.t, method, c.base+path, h, body)
	var m map[string]any
	require.NoError(c.t, json.Unmarshal([]byte(raw), &m), raw)
	return resp.StatusCode, m
}

// must sends a request that must answer want, and returns its data.
func (c *client) must(want int, method, path, body string) []any {
	c.t.Helper()
	status, m := c.call(method, path, body)
	require.Equal(c.t, want, status, "%s %s: %v", method, path, m)
	data, _ := m["data"].([]any)
	return data
}

// one is the single object of an answer's data.
func (c *client) one(want int, method, path, body string) map[string]any {
	c.t.Helper()
	data := c.must(want, method, path, body)
	require.Len(c.t, data, 1)
	return data[0].(map[string]any)
}

// refused sends a request that must fail with want, and returns its message.
func (c *client) refused(want int, method, path, body string) string {
	c.t.Helper()
	status, m := c.call(method, path, body)
	require.Equal(c.t, want, status, "%s %s: %v", method, path, m)
	require.Equal(c.t, false, m["success"], m)
	e := m["error"].(map[string]any)
	require.NotEmpty(c.t, e["code"])
	require.NotEmpty(c.t, e["class_name"])
	return e["message"].(string)
}

func reservation(day, hour string, pax, service, room int) string {
	return fmt.Sprintf(`{"start_date": %q, "start_hour": %q, "pax": %d, "channel": "OCTOTABLE_ADMIN",
		"customer": {"first_name": "Ada", "last_name": "Lovelace", "phone": "3330000000"}, "service_id": %d, "room_id": %d}`,
		day, hour, pax, service, room)
}

func slots(c *client, day string, pax, service int) []any {
	c.t.Helper()
	d := c.one(200, "GET", fmt.Sprintf(pms+"bookings/slots?start_date=%s&pax=%d&service_id=%d", day, pax, service), "")
	require.Equal(c.t, day, d["day"])
	services := d["available_services"].([]any)
	require.Len(c.t, services, 1)
	return services[0].(map[string]any)["available_slots"].([]any)
}

func id(m map[string]any) int { return int(m["id"].(float64)) }

func TestFixturesAreARestaurant(t *testing.T) {
	before := validated.Load()
	c, _, _ := newRestaurant(t, nil)
	rooms := c.must(200, "GET", pms+"rooms", "")
	require.Len(t, rooms, 2)
	tables := 0
	for _, r := range rooms {
		room := r.(map[string]any)
		assert.Equal(t, float64(1001), room["property_id"])
		tables += len(room["tables"].([]any))
	}
	assert.Equal(t, 12, tables)
	services := c.must(200, "GET", pms+"services", "")
	require.Len(t, services, 2)
	assert.Equal(t, []any{"12:00:00", "12:30:00", "13:00:00", "13:30:00", "14:00:00"}, services[0].(map[string]any)["slots"])
	assert.NotContains(t, services[1].(map[string]any)["days_of_week"], "MONDAY")
	all := c.must(200, "GET", pms+"reservations?limit=100", "")
	assert.Len(t, all, 13)
	for _, r := range all {
		res := r.(map[string]any)
		assert.Contains(t, []any{"CONFIRMED", "WAITING", "CANCELLED", "ACCEPTED"}, res["status"])
		assert.NotEmpty(t, res["tables"], "every fixture sits at a table")
	}
	assert.Len(t, c.must(200, "GET", pms+"orders", ""), 3)
	r := c.one(200, "GET", pms+"rooms/23289", "")
	assert.Equal(t, "Veranda", r["name"])
	assert.Equal(t, "Room with id 99 not found", c.refused(404, "GET", pms+"rooms/99", ""))
	assert.Equal(t, "room_id: want an integer id, not \"x\"", c.refused(400, "GET", pms+"rooms/x", ""))
	links := c.must(200, "GET", pms+"bookings/list", "")
	require.Len(t, links, 3)
	assert.Equal(t, "https://book.octotable.com/restaurant/1001/booking/new", links[0].(map[string]any)["link"])
	status, m := c.call("POST", pms+"reservations/google", `{"enable_google_engine": true}`)
	assert.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"status": "ACCEPTED"}, m)
	assert.Greater(t, validated.Load(), before+5, "the answers were validated against the OpenAPI document")
}

func TestASlotDisappearsWhenItsLastTableIsTaken(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	require.Contains(t, slots(c, friday, 6, dinner), "20:00:00")
	// Three tables seat six: T5 (4-6) and T6 (6-8) in the main room, V4
	// (4-6) on the veranda; the best choice is the smallest that fits.
	first := c.one(201, "POST", pms+"reservations", reservation(friday, "20:00:00", 6, dinner, mainRoom))
	assert.Equal(t, "T5", first["tables"].([]any)[0].(map[string]any)["name"])
	assert.Equal(t, "WAITING", first["status"], "dinner confirms by waiting list")
	assert.Equal(t, friday+"T21:30:00", first["end_date"], "the start plus dinner's 90 minutes")
	second := c.one(201, "POST", pms+"reservations", reservation(friday, "20:00:00", 6, dinner, mainRoom))
	assert.Equal(t, "T6", second["tables"].([]any)[0].(map[string]any)["name"])
	msg := c.refused(409, "POST", pms+"reservations", reservation(friday, "20:00:00", 6, dinner, mainRoom))
	assert.Contains(t, msg, "no table of room 23288 seats 6 at 20:00:00")
	require.Contains(t, slots(c, friday, 6, dinner), "20:00:00", "the veranda still has V4")
	c.one(201, "POST", pms+"reservations", reservation(friday, "20:00:00", 6, dinner, veranda))

	free := slots(c, friday, 6, dinner)
	assert.NotContains(t, free, "20:00:00")
	assert.NotContains(t, free, "19:00:00", "a 19:00 table would still be taken at 20:00")
	assert.Contains(t, free, "21:30:00", "free again once the 90 minutes are over")
	assert.Contains(t, slots(c, friday, 2, dinner), "20:00:00", "smaller tables are free")

	assert.Equal(t, []any{float64(id(first))}, c.must(200, "DELETE", fmt.Sprintf(pms+"reservations/%d", id(first)), ""))
	assert.Contains(t, slots(c, friday, 6, dinner), "20:00:00", "cancelling frees T5")
	cancelled := c.one(200, "GET", fmt.Sprintf(pms+"reservations/%d", id(first)), "")
	assert.Equal(t, "CANCELLED", cancelled["status"], "a cancelled reservation stays, as the live API keeps it")

	rooms := c.must(200, "GET", pms+"bookings/rooms?start_date="+friday+"&start_hour=20:00:00&pax=6&service_id=33841", "")
	require.Len(t, rooms, 1, "an array holding one array of rooms, as the docs show")
	inner := rooms[0].([]any)
	require.Len(t, inner, 2)
	for _, tb := range inner[0].(map[string]any)["tables"].([]any) {
		table := tb.(map[string]any)
		assert.Equal(t, table["name"] == "T5", table["free"], "%v", table)
	}
}

func TestAReservationThatDoesNotFitSaysWhy(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	msg := c.refused(400, "POST", pms+"reservations",
		`{"start_date": "06-03-2026", "pax": 0, "customer": {"phone": 3}, "colour": "red", "room_id": 23288}`)
	for _, want := range []string{
		"start_date: want a date YYYY-MM-DD", "pax: want an integer of at least 1", "customer.phone: want a string",
		"customer.first_name: required", "colour: not a field of this body", "start_hour: required", "service_id: required",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "room_id: required")
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", reservation("2026-03-02", "20:00:00", 2, dinner, mainRoom)),
		"Dinner does not open on MONDAY")
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", reservation(friday, "20:15:00", 2, dinner, mainRoom)),
		"start_hour: 20:15:00 is not a slot of Dinner; its slots are 19:00:00, 19:30:00")
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", reservation("2026-02-27", "20:00:00", 2, dinner, mainRoom)), "has passed")
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", reservation("2026-06-05", "20:00:00", 2, dinner, mainRoom)), "at most 60 days ahead")
	assert.Equal(t, "Service with id 1 not found", c.refused(404, "POST", pms+"reservations", reservation(friday, "20:00:00", 2, 1, mainRoom)))
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", `{"pax": 2,}`), "not valid JSON")
	assert.Contains(t, c.refused(400, "POST", pms+"reservations", `[1]`), "one JSON object")
	status, m := c.call("POST", pms+"reservations", "")
	assert.Equal(t, 415, status, "no body, so no Content-Type: %v", m)
}

func TestPUTTakesTheWholeReservation(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	ops := sandbox.Operations(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var example string
	for _, op := range ops {
		if op.Method == "PUT" && strings.HasSuffix(op.Path, "{reservation_id}") {
			example = op.Example
		}
	}
	require.Contains(t, example, friday)
	res := c.one(200, "PUT", pms+"reservations/32992276", example)
	assert.Equal(t, friday, res["start_date"])
	assert.Equal(t, "20:30:00", res["start_hour"])
	assert.Equal(t, float64(2), res["pax"])
	assert.Equal(t, "CONFIRMED", res["status"], "moving keeps the status")

	partial := c.refused(400, "PUT", pms+"reservations/32992276", `{"pax": 3}`)
	assert.Contains(t, partial, "start_date: required")
	assert.Contains(t, partial, "customer: required")
	startDay := c.refused(400, "PUT", pms+"reservations/32992276", strings.Replace(example, `"start_date"`, `"start_day"`, 1))
	assert.Contains(t, startDay, "start_day: the docs' by-id example spells it so, but the API takes start_date")
	wrong := c.refused(400, "PUT", pms+"reservations/32992276", strings.Replace(example, `"id": 33942066`, `"id": 1`, 1))
	assert.Contains(t, wrong, "customer.id: 1 is not this reservation's customer; send 33942066")
	assert.Equal(t, "Reservation with id 7 not found", c.refused(404, "PUT", pms+"reservations/7", example))
}

func TestAReservationMovesThroughItsStatuses(t *testing.T) {
	c, _, advance := newRestaurant(t, nil)
	res := c.one(201, "POST", pms+"reservations", reservation("2026-03-02", "12:30:00", 2, lunch, veranda))
	path := fmt.Sprintf(pms+"reservations/%d", id(res))
	assert.Equal(t, "CONFIRMED", res["status"], "lunch confirms at once")
	assert.Contains(t, c.refused(409, "PATCH", path+"/checkout", ""), "not checked in; check in first")
	assert.Equal(t, "WAITING", c.one(200, "PATCH", path+"?status=WAITING", "")["status"])
	assert.Contains(t, c.refused(400, "PATCH", path+"?status=LATE", ""), "status: \"LATE\" is not one of WAITING, ACCEPTED")
	assert.Contains(t, c.refused(400, "PATCH", path, ""), "status: required")
	assert.Equal(t, "CONFIRMED", c.one(200, "PATCH", path+"?status=CONFIRMED", "")["status"])

	advance(10 * time.Minute) // the guests come early: nothing stops a check-in
	in := c.one(200, "PATCH", path+"/checkin", "")
	assert.Equal(t, "ACCEPTED", in["status"])
	assert.Equal(t, "2026-03-01T09:10:00.000", in["checkin_date"])
	assert.Equal(t, "2026-03-01T10:10:00.000", in["expiration_date"])
	assert.Contains(t, c.refused(409, "PATCH", path+"/checkin", ""), "checked in already")
	arrived := c.must(200, "GET", pms+"reservations?arrived=true", "")
	assert.Len(t, arrived, 1, "this one: the fixtures' table of four at lunch today is not due until 12:30")

	out := c.one(200, "PATCH", path+"/checkout", "")
	assert.Equal(t, "CONFIRMED", out["status"], "as the docs' example shows")
	assert.True(t, out["tables"].([]any)[0].(map[string]any)["free"].(bool), "a check-out frees the table before the stay ends")
	assert.Len(t, c.must(200, "GET", pms+"reservations?departed=true", ""), 1)
	assert.Equal(t, "ACCEPTED", c.one(200, "PATCH", path+"/checkout?undo=true", "")["status"])
	assert.Contains(t, c.refused(409, "PATCH", path+"/checkout?undo=true", ""), "not checked out")
	undone := c.one(200, "PATCH", path+"/checkin?undo=true", "")
	assert.Equal(t, "CONFIRMED", undone["status"])
	assert.NotContains(t, undone, "checkin_date")
}

func TestTheListFiltersAndPages(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	var seen []float64
	path := pms + "reservations?limit=5"
	pages := 0
	for {
		status, m := c.call("GET", path, "")
		require.Equal(t, 200, status, m)
		pages++
		for _, r := range m["data"].([]any) {
			seen = append(seen, r.(map[string]any)["id"].(float64))
		}
		next, more := m["next_cursor"].(string)
		if !more {
			break
		}
		path = pms + "reservations?limit=5&next_cursor=" + url.QueryEscape(next)
		require.Less(t, pages, 10)
	}
	assert.Equal(t, 3, pages)
	assert.Len(t, seen, 13)
	assert.ElementsMatch(t, seen, uniq(seen), "no reservation twice")

	assert.Len(t, c.must(200, "GET", pms+"reservations?status[]=CANCELLED", ""), 2)
	assert.Len(t, c.must(200, "GET", pms+"reservations?status[]=CANCELLED&status[]=WAITING", ""), 4)
	marino := c.must(200, "GET", pms+"reservations?text_search=MARINO", "")
	require.Len(t, marino, 1)
	assert.Equal(t, float64(32992276), marino[0].(map[string]any)["id"])
	assert.Len(t, c.must(200, "GET", pms+"reservations?text_search=3331234507", ""), 1)
	today := c.must(200, "GET", pms+"reservations?start_date=2026-03-01&end_date=2026-03-01", "")
	assert.Len(t, today, 2)
	for _, r := range c.must(200, "GET", pms+"reservations?room_ids[]=23289&service_ids[]=33840", "") {
		assert.Equal(t, float64(veranda), r.(map[string]any)["room"].(map[string]any)["id"])
		assert.Equal(t, "Lunch", r.(map[string]any)["service"].(map[string]any)["name"])
	}
	assert.NotEmpty(t, c.must(200, "GET", pms+"reservations?incoming=true", ""))

	msg := c.refused(400, "GET", pms+"reservations?limit=101&colour=red&start_date=tomorrow", "")
	assert.Contains(t, msg, "limit")
	assert.Contains(t, msg, "colour: not a parameter of this endpoint")
	assert.Contains(t, msg, `start_date: "tomorrow" is not a date YYYY-MM-DD`)
	assert.Contains(t, c.refused(400, "GET", pms+"reservations?next_cursor=abc", ""), "next_cursor: not a cursor the sandbox gave")
	assert.Contains(t, c.refused(400, "GET", pms+"reservations?limit=101", ""), "limit: at most 100")

	orders := c.must(200, "GET", pms+"orders?delivery_mode=TAKEAWAY", "")
	require.Len(t, orders, 1)
	assert.Equal(t, "TAKEAWAY", orders[0].(map[string]any)["mode"])
	assert.Len(t, c.must(200, "GET", pms+"orders?status[]=DELIVERED&status[]=PREPARING", ""), 2)
}

func uniq(s []float64) []float64 {
	seen := map[float64]bool{}
	var out []float64
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func TestWebhooksGoToTheInboxNeverToTheEndpoint(t *testing.T) {
	var dialed atomic.Int64
	endpoint := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { dialed.Add(1) }))
	t.Cleanup(endpoint.Close)
	c, _, _ := newRestaurant(t, nil)

	sub := c.one(201, "POST", pms+"webhooks/subscription", fmt.Sprintf(`{"endpoint": %q, "webhook_type": "RESERVATION_CREATED"}`, endpoint.URL))
	c.one(201, "POST", pms+"webhooks/subscription", `{"endpoint": "https://example.com/deleted", "webhook_type": "RESERVATION_DELETED"}`)
	assert.Len(t, c.must(200, "GET", pms+"webhooks/subscriptions", ""), 2)
	assert.Contains(t, c.refused(400, "POST", pms+"webhooks/subscription", `{"endpoint": "http://example.com/", "webhook_type": "RESERVATION_MOVED"}`),
		"endpoint: want an https URL; webhook_type: want one of RESERVATION_CREATED")
	assert.Empty(t, c.must(200, "GET", sandbox.InboxPath, ""))

	res := c.one(201, "POST", pms+"reservations", reservation(friday, "13:00:00", 2, lunch, mainRoom))
	c.must(200, "DELETE", fmt.Sprintf(pms+"reservations/%d", id(res)), "")
	inbox := c.must(200, "GET", sandbox.InboxPath, "")
	require.Len(t, inbox, 2)
	deleted, createdEvent := inbox[0].(map[string]any), inbox[1].(map[string]any)
	assert.Equal(t, "POST", createdEvent["method"])
	assert.Equal(t, endpoint.URL, createdEvent["url"])
	assert.Equal(t, "application/json", createdEvent["headers"].(map[string]any)["Content-Type"])
	body := createdEvent["body"].(map[string]any)
	assert.Equal(t, "RESERVATION_CREATED", body["webhook_type"])
	assert.Equal(t, float64(id(sub)), body["subscription_id"])
	assert.Equal(t, float64(id(res)), body["data"].([]any)[0].(map[string]any)["id"])
	assert.Equal(t, "RESERVATION_DELETED", deleted["body"].(map[string]any)["webhook_type"])
	assert.Zero(t, dialed.Load(), "the sandbox never calls an endpoint")

	path := fmt.Sprintf(pms+"webhook/subscription/%d", id(sub))
	assert.Equal(t, "RESERVATION_UPDATED", c.one(200, "PUT", path, `{"endpoint": "https://example.com/u", "webhook_type": "RESERVATION_UPDATED"}`)["webhook_type"])
	c.must(200, "DELETE", path, "")
	c.refused(404, "GET", fmt.Sprintf(pms+"webhooks/subscription/%d", id(sub)), "")
}

func TestRoomsTablesAndServicesChangePerOwner(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	room := c.one(201, "POST", pms+"rooms", `{"name": "Terrazza"}`)
	assert.GreaterOrEqual(t, id(room), 50_000_000)
	assert.Equal(t, true, room["bookable"])
	assert.Empty(t, room["tables"])
	tablePath := fmt.Sprintf(pms+"room/%d/table", id(room))
	table := c.one(201, "POST", tablePath, `{"name": "X1", "guests_min": 2, "guests_max": 6}`)
	assert.Equal(t, float64(id(room)), table["room_id"])
	assert.Contains(t, c.refused(400, "POST", tablePath, `{"name": "X2", "guests_min": 8, "guests_max": 6}`), "guests_min: 8 is more than guests_max 6")
	changed := c.one(200, "PUT", fmt.Sprintf(pms+"room/%d/table/%d", id(room), id(table)), `{"name": "X1", "guests_max": 8}`)
	assert.Equal(t, float64(8), changed["guests_max"])
	assert.Len(t, c.one(200, "GET", fmt.Sprintf(pms+"rooms/%d", id(room)), "")["tables"], 1)
	assert.Len(t, c.must(200, "GET", fmt.Sprintf(pms+"room/%d/tables?pax=7", id(room)), ""), 1)
	c.refused(404, "GET", fmt.Sprintf(pms+"room/%d/table/197930", id(room)), "")

	status, m := c.call("PUT", fmt.Sprintf(pms+"rooms/%d", id(room)), `{"name": "Terrazza coperta", "bookable": false}`)
	require.Equal(t, 200, status, m)
	assert.Equal(t, float64(0), m["page_number"], "PUT answers in the paged envelope, as the Postman example shows")
	assert.Equal(t, "Terrazza coperta", m["data"].([]any)[0].(map[string]any)["name"])

	assert.Contains(t, c.refused(409, "DELETE", pms+"rooms/23288", ""), "room 23288 has reservation")
	assert.Contains(t, c.refused(409, "DELETE", pms+"room/23288/table/197933", ""), "table 197933 has reservation")
	status, m = c.call("DELETE", fmt.Sprintf(pms+"rooms/%d", id(room)), "")
	require.Equal(t, 200, status, m)
	assert.Equal(t, []any{float64(id(room))}, m["data"])
	assert.Equal(t, true, m["last_page"])
	c.refused(404, "GET", fmt.Sprintf(pms+"rooms/%d", id(room)), "")

	brunch := c.one(201, "POST", pms+"services", `{"name": "Brunch", "average_stay": 60, "days_of_week": ["SUNDAY", "SATURDAY"], "start_time": "10:00:00", "end_time": "12:00:00"}`)
	assert.Equal(t, []any{"10:00:00", "10:30:00", "11:00:00"}, brunch["slots"])
	assert.Equal(t, []any{"SATURDAY", "SUNDAY"}, brunch["days_of_week"], "in the week's order, by the full names the answers use")
	assert.Contains(t, c.refused(400, "POST", pms+"services", `{"name": "Late", "average_stay": 90, "days_of_week": ["WEN"], "start_time": "23:00:00", "end_time": "23:30:00"}`),
		"days_of_week: want an array of MONDAY")
	assert.Contains(t, c.refused(409, "DELETE", pms+"services/33841", ""), "service 33841 has reservation")
	c.must(200, "DELETE", fmt.Sprintf(pms+"services/%d", id(brunch)), "")

	// Another address, with the same public demo client, sees the fixtures
	// alone: the demo's writes are per address.
	other := *c
	other.addr = "198.51.100.7"
	assert.Len(t, other.must(200, "GET", pms+"rooms", ""), 2)
	c.one(201, "POST", pms+"rooms", `{"name": "Mine"}`)
	assert.Len(t, c.must(200, "GET", pms+"rooms", ""), 3)
	assert.Len(t, other.must(200, "GET", pms+"rooms", ""), 2)
}

func TestTheTokensPropertyIsTheOneToSend(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	info := c.one(200, "GET", "/api/v2/", "")
	assert.Equal(t, float64(1001), info["property_id"])
	other := *c
	other.property = "1002"
	assert.Contains(t, other.refused(403, "GET", pms+"rooms", ""), "this token is for property 1001 (its property_id)")
	other.property = ""
	assert.Contains(t, other.refused(400, "GET", pms+"rooms", ""), "missing Property header; send Property: 1001")
	assert.Len(t, other.must(200, "GET", pms+"webhooks/subscriptions", ""), 0, "the docs list no Property header for webhooks")
}

func createClient(t *testing.T, c *client, addr string) (int, map[string]any) {
	t.Helper()
	resp, raw := send(t, "POST", c.base+sandbox.ClientPath, headers("Content-Type", jsonType, addrHeader, addr),
		`[{"redirect_uri": "https://example.com/cb", "sandbox_property": {"name": "Da Ada", "username": "ada", "password": "pw", "email": "ada@example.com", "website": "https://example.com"}}]`)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &m), raw)
	return resp.StatusCode, m
}

func TestASandboxOfOnesOwn(t *testing.T) {
	demo, _, advance := newRestaurant(t, nil)
	status, m := createClient(t, demo, "203.0.113.5")
	require.Equal(t, 201, status, m)
	made := m["data"].([]any)[0].(map[string]any)
	clientID, secret := made["client_id"].(string), made["client_secret"].(string)
	assert.Regexp(t, `^public_[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{16}$`, clientID)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, secret)
	prop := made["properties"].([]any)[0].(map[string]any)
	assert.Equal(t, true, prop["sandbox"])
	assert.Equal(t, "2026-03-02T09:00:00Z", prop["expires_at"])
	property := fmt.Sprint(int(prop["id"].(float64)))

	// The partner works from the demo's address: its writes are its own
	// all the same, kept by client.
	mine := &client{t: t, base: demo.base, addr: demo.addr, property: property}
	mine.token = mine.tokenFor(clientID, secret)
	assert.Equal(t, prop["id"], mine.one(200, "GET", "/api/v2/", "")["property_id"])
	mine.property = "1001"
	assert.Contains(t, mine.refused(403, "GET", pms+"rooms", ""), "this token is for property "+property)
	mine.property = property
	rooms := mine.must(200, "GET", pms+"rooms", "")
	require.Len(t, rooms, 2, "seeded with the fixtures")
	assert.Equal(t, prop["id"], rooms[0].(map[string]any)["property_id"])
	mine.one(201, "POST", pms+"rooms", `{"name": "Private"}`)
	assert.Len(t, mine.must(200, "GET", pms+"rooms", ""), 3)
	assert.Len(t, demo.must(200, "GET", pms+"rooms", ""), 2, "the demo client, from the same address, does not see it")

	// Another sandbox with the same key knows the client.
	again, _, _ := newRestaurant(t, nil)
	elsewhere := &client{t: t, base: again.base, addr: "203.0.113.9", property: property}
	elsewhere.token = elsewhere.tokenFor(clientID, secret)

	// A day later the client is gone.
	advance(sandbox.ClientLifetime + time.Second)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}.Encode()
	resp, body := send(t, "POST", demo.base+tokenPath, headers("Content-Type", formType, addrHeader, demo.addr), form)
	assert.Equal(t, 401, resp.StatusCode)
	assert.Contains(t, body, "this client_id expired")
	form = url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {"x" + secret}}.Encode()
	resp, _ = send(t, "POST", again.base+tokenPath, headers("Content-Type", formType, addrHeader, "203.0.113.10"), form)
	assert.Equal(t, 401, resp.StatusCode)
}

func TestCreatedClientsAreSharedOutByRange(t *testing.T) {
	demo, _, _ := newRestaurant(t, nil)
	for i := range sandbox.ClientsPerRange.Burst {
		status, m := createClient(t, demo, fmt.Sprintf("203.0.113.%d", 10+i))
		require.Equal(t, 201, status, m)
	}
	status, m := createClient(t, demo, "203.0.113.200")
	require.Equal(t, 429, status, "a /24 is one party, however many of its addresses ask")
	assert.Contains(t, m["error"].(map[string]any)["message"], "your network has made 5 clients lately")
	status, m = createClient(t, demo, "198.51.100.1")
	assert.Equal(t, 201, status, m)
	status, _ = createClient(t, demo, "2001:db8:1:1::/64")
	assert.Equal(t, 201, status)
	for i := range sandbox.ClientsPerRange.Burst - 1 {
		status, m = createClient(t, demo, fmt.Sprintf("2001:db8:1:%x::/64", 100+i))
		require.Equal(t, 201, status, m)
	}
	status, _ = createClient(t, demo, "2001:db8:1:ffff::/64")
	assert.Equal(t, 429, status, "an IPv6 /48 is one party")

	status, m = createClient(t, demo, "192.0.2.99")
	require.Equal(t, 201, status, m)
	resp, body := send(t, "POST", demo.base+sandbox.ClientPath, headers("Content-Type", jsonType), `{"sandbox_property": {}}`)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Contains(t, body, "redirect_uri: required")
	assert.Contains(t, body, "sandbox_property.name: required")
}

// When the clients in all are spent, a range that made none lately still
// gets one from the reserve, and the ranges that spent the total do not.
func TestCreatedClientsKeepAReserveForNewRanges(t *testing.T) {
	total := state.Limit{Interval: time.Hour, Burst: 6}
	demo, _, _ := newRestaurant(t, func(cfg *sandbox.Config) {
		cfg.ClientsTotal = state.NewMemoryLimiter(total, 0, cfg.Now)
	})
	for i := range total.Burst {
		status, m := createClient(t, demo, fmt.Sprintf("203.0.%d.1", 113+i%2))
		require.Equal(t, 201, status, m)
	}
	status, m := createClient(t, demo, "203.0.113.2")
	assert.Equal(t, 503, status, "a range that made clients lately does not take the reserve: %v", m)
	status, m = createClient(t, demo, "203.0.114.2")
	assert.Equal(t, 503, status, m)
	assert.Contains(t, m["error"].(map[string]any)["message"], "as many clients as it makes for now")

	for i := range sandbox.ClientsReserve.Burst {
		status, m = createClient(t, demo, fmt.Sprintf("198.51.%d.7", i))
		require.Equal(t, 201, status, "a range new to the sandbox gets one: %v", m)
	}
	status, _ = createClient(t, demo, "198.51.200.7")
	assert.Equal(t, 503, status, "the reserve has an end too")
}

func TestTheValidatorRefusesWhatTheDocumentDoesNotSay(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	req, err := http.NewRequest("GET", c.base+pms+"rooms", nil)
	require.NoError(t, err)
	h := http.Header{"Content-Type": {jsonType}}
	checked, err := answerProblem(t, req, 200, h, []byte(`{"data": [{"id": 1, "name": "x", "property_id": 1, "bookable": true, "tables": [], "arrival_date": "2026-03-01"}]}`))
	assert.True(t, checked)
	assert.Error(t, err, "a field the docs never mention")
	_, err = answerProblem(t, req, 200, h, []byte(`{"success": true, "data": []}`))
	assert.Error(t, err)
	_, err = answerProblem(t, req, 200, h, []byte(`{"data": []}`))
	assert.NoError(t, err)
}

// One owner's writes at once each get an id of their own: none overwrites
// another.
func TestConcurrentWritesOfOneOwnerKeepEachOther(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	const n = 12
	ids := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := headers("Authorization", "Bearer "+c.token, "Property", c.property, addrHeader, c.addr, "Content-Type", jsonType)
			resp, raw := send(t, "POST", c.base+pms+"rooms", h, fmt.Sprintf(`{"name": "Room %d"}`, i))
			if assert.Equal(t, 201, resp.StatusCode, raw) {
				ids <- id(decode(t, raw)["data"].([]any)[0].(map[string]any))
			}
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int]bool{}
	for got := range ids {
		assert.False(t, seen[got], "id %d given twice", got)
		seen[got] = true
	}
	assert.Len(t, seen, n)
	assert.Len(t, c.must(200, "GET", pms+"rooms", ""), 2+n)
}

// Two requests at once for the one table that seats eight: one gets it,
// the other 409, never both.
func TestConcurrentReservationsTakeATableOnce(t *testing.T) {
	c, _, _ := newRestaurant(t, nil)
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := headers("Authorization", "Bearer "+c.token, "Property", c.property, addrHeader, c.addr, "Content-Type", jsonType)
			resp, _ := send(t, "POST", c.base+pms+"reservations", h, reservation(friday, "20:00:00", 8, dinner, mainRoom))
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	assert.Equal(t, map[int]int{201: 1, 409: n - 1}, got)
	assert.NotContains(t, slots(c, friday, 8, dinner), "20:00:00")
}
