package quickstart_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// operationsEnv is the sandbox as the relay lists it, with a few of its
// operations.
var operationsEnv = quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
	APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"},
	Operations: []wire.Operation{
		{Method: "POST", Path: wire.ReservationsPath, Tag: "Reservations", Summary: "Create a reservation", Property: true, Example: `{"pax": 8}`},
		{Method: "GET", Path: wire.ReservationsPath + "/{reservation_id}", Tag: "Reservations", Summary: "Get a reservation", Property: true},
		{Method: "GET", Path: wire.PMSBase + "room/{room_id}/table/{table_id}", Tag: "Tables", Summary: "Get a table", Property: true},
		{Method: "POST", Path: wire.PMSBase + "webhooks/subscription", Tag: "Webhooks", Summary: "Subscribe", Example: `{}`},
		{Method: "GET", Path: wire.PMSBase + "webhooks/subscription/{subscription_id}", Tag: "Webhooks", Summary: "Get a subscription"},
	}}

func TestOperationsBecomePresets(t *testing.T) {
	presets := operationsEnv.OperationPresets()
	require.Len(t, presets, 5)
	assert.Equal(t, quickstart.Preset{Key: "reservation-create", Label: "Create a reservation", Tag: "Reservations", Method: "POST",
		Path: wire.ReservationsPath, Property: true, Body: `{"pax": 8}`, ContentType: quickstart.ContentJSON}, presets[0], "an old example keeps its key")
	assert.Equal(t, "reservation-read", presets[1].Key)
	assert.Equal(t, "GET "+wire.PMSBase+"room/{room_id}/table/{table_id}", presets[2].Key, "a new one is its method and path")
	assert.Empty(t, presets[4].ContentType, "a read has no body")
	assert.Empty(t, quickstart.Environment{Name: "octotable"}.OperationPresets())
}

func TestPathParamsAndWhatAPOSTNames(t *testing.T) {
	assert.Equal(t, []string{"room_id", "table_id"}, quickstart.PathParams("/r/{room_id}/t/{table_id}/{room_id}"))
	assert.Empty(t, quickstart.PathParams("/api/v2/?q={x"))
	assert.Equal(t, "reservation_id", operationsEnv.CreatedParam(wire.ReservationsPath))
	assert.Equal(t, "subscription_id", operationsEnv.CreatedParam(wire.PMSBase+"webhooks/subscription"))
	assert.Empty(t, operationsEnv.CreatedParam(wire.PMSBase+"rooms"), "no operation reads a room back here")
}

// The parameters go in the path escaped; one left empty stops the request,
// the preview included, and is named.
func TestPathParamsFillThePath(t *testing.T) {
	r := quickstart.APIRequest{Env: operationsEnv, Method: "GET", Path: wire.PMSBase + "room/{room_id}/table/{table_id}", Token: "t",
		Params: map[string]string{"room_id": " 23288 ", "table_id": "a/b c"}}
	u, err := r.URL()
	require.NoError(t, err)
	assert.Equal(t, "/sandbox/octotable-pms/api/v2/room/23288/table/a%2Fb%20c", u.EscapedPath())
	assert.Equal(t, wire.PMSBase+"room/23288/table/a%2Fb%20c", r.SentPath())
	assert.Contains(t, r.Preview(), "GET /sandbox/octotable-pms/api/v2/room/23288/table/a%2Fb%20c HTTP/1.1")

	r.Params["table_id"] = "  "
	var missing *quickstart.MissingParamError
	require.True(t, errors.As(r.Check(), &missing), "%v", r.Check())
	assert.Equal(t, "table_id", missing.Name)
	assert.EqualError(t, r.CheckPath(), "enter table_id, a parameter of the path")
	assert.Empty(t, r.Preview(), "no request is shown that would not go")
	assert.Equal(t, wire.PMSBase+"room/23288/table/{table_id}", r.SentPath(), "a snippet keeps the one to fill in")
	_, err = r.Build(time.Now())
	assert.Error(t, err)

	r.Params = nil
	assert.NoError(t, r.CheckPath(), "a parameter Params does not name stays as typed")
}

func TestTheInboxListsDeliveriesAsOctoTablePOSTsThem(t *testing.T) {
	assert.False(t, operationsEnv.HasInbox())
	withInbox := operationsEnv
	withInbox.Operations = append(withInbox.Operations, wire.Operation{Method: "GET", Path: wire.InboxPath})
	assert.True(t, withInbox.HasInbox())

	d, err := quickstart.ParseDeliveries([]byte(`{"data": [{"id": 2, "delivered_at": "2026-03-01T09:00:00Z", "method": "POST", "url": "https://example.com/hook",
		"headers": {"User-Agent": "OctoTable-Webhooks (sandbox)", "Content-Type": "application/json"}, "body": {"webhook_type": "RESERVATION_CREATED", "data": [{"id": 7}]}}]}`))
	require.NoError(t, err)
	require.Len(t, d, 1)
	assert.Equal(t, "POST https://example.com/hook HTTP/1.1\nContent-Type: application/json\nUser-Agent: OctoTable-Webhooks (sandbox)\n\n"+
		"{\n  \"webhook_type\": \"RESERVATION_CREATED\",\n  \"data\": [\n    {\n      \"id\": 7\n    }\n  ]\n}", d[0].Text())
	_, err = quickstart.ParseDeliveries([]byte(`<html>`))
	assert.ErrorContains(t, err, "webhook inbox")
}
