package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// pickerEnv is the sandbox with operations, as the relay lists it.
var pickerEnv = func() quickstart.Environment {
	e := sandboxEnv
	e.Operations = []wire.Operation{
		{Method: "GET", Path: wire.APIBase, Tag: "Quickstart", Summary: "Call the API"},
		{Method: "POST", Path: wire.ReservationsPath, Tag: "Reservations", Summary: "Create a reservation", Property: true, Example: `{"pax": 8}`},
		{Method: "GET", Path: wire.ReservationsPath + "/{reservation_id}", Tag: "Reservations", Summary: "Get a reservation", Property: true},
		{Method: "POST", Path: wire.PMSBase + "webhooks/subscription", Tag: "Webhooks", Summary: "Subscribe to a webhook", Example: `{}`},
		{Method: "GET", Path: wire.InboxPath, Tag: "Webhooks", Summary: "Read the inbox"},
	}
	return e
}()

// With operations, Step 2's example list is the picker: by area, each
// "METHOD path — summary"; the playground's own examples are gone.
func TestStep2PicksAnOperationByArea(t *testing.T) {
	v := &apiStepView{Env: pickerEnv, Choices: apiChoices{Method: "GET", Path: "/api/v2/", ContentType: quickstart.ContentJSON}}
	page := render(t, v)
	picker := page.byLabel(t, "Operation")
	assert.Equal(t, IDStep2Preset, picker.attrs["id"])
	groups := picker.all(func(e *element) bool { return e.tag == "optgroup" })
	require.Len(t, groups, 3)
	assert.Equal(t, []string{"Quickstart", "Reservations", "Webhooks"}, []string{groups[0].attrs["label"], groups[1].attrs["label"], groups[2].attrs["label"]})
	options := groups[1].byRole("option", "")
	require.Len(t, options, 2)
	assert.Equal(t, "reservation-create", options[0].attrs["value"])
	assert.Equal(t, "POST /octotable-pms/api/v2/reservations — Create a reservation", options[0].textContent())
	assert.Contains(t, groups[0].byRole("option", "")[0].attrs, "selected", "the choices are the quickstart's call")
	assert.False(t, page.hasID(IDStep2ParamNamed("reservation_id")), "no parameter, no field")

	create := v.presetChoices(v.presets()[1], v.Choices)
	assert.Equal(t, apiChoices{Method: "POST", Path: wire.ReservationsPath, Property: wire.SandboxProperty, Body: `{"pax": 8}`, ContentType: quickstart.ContentJSON}, create)
	subscribe := v.presetChoices(v.presets()[3], create)
	assert.Empty(t, subscribe.Property, "a webhook wants no Property header")
}

// A path's parameters are fields, filled with what the last POSTs made;
// one left empty is named beside it, and the request does not go.
func TestStep2PathParamsAreFields(t *testing.T) {
	v := &apiStepView{Env: pickerEnv, CreatedIDs: map[string]string{"reservation_id": "50000002"}}
	read := v.presetChoices(v.presets()[2], apiChoices{})
	assert.Equal(t, map[string]string{"reservation_id": "50000002"}, read.Params)
	v.Choices = read
	page := render(t, v)
	id := page.byLabel(t, "reservation_id")
	assert.Equal(t, "50000002", id.attrs["value"])
	assert.Equal(t, "false", id.attrs["aria-invalid"])
	assert.Equal(t, "reservation-read", v.preset())

	v.Choices = read.with(IDStep2ParamNamed("reservation_id"), "")
	assert.Equal(t, "50000002", read.Params["reservation_id"], "the choices it came from are left as they were")
	assert.Equal(t, "reservation-read", v.preset(), "the operation stays chosen while its id changes")
	page = render(t, v)
	empty := page.byLabel(t, "reservation_id")
	assert.Equal(t, "true", empty.attrs["aria-invalid"])
	assert.Contains(t, page.byID(t, empty.attrs["aria-describedby"]).textContent(), "enter reservation_id")
	assert.Empty(t, page.byID(t, IDStep2PathCheck).textContent(), "said once, beside its field")

	p := &playground{env: pickerEnv}
	p.sess.token.token.AccessToken = "t"
	p.step2.choices = v.Choices
	assert.ErrorContains(t, p.step2.request(p.env, p.sess.token.token.AccessToken).Check(), "enter reservation_id")
	assert.Empty(t, p.step2.request(p.env, p.sess.token.token.AccessToken).Preview(), "the preview shows no request that cannot go")
	p.step2.choices = read
	assert.Contains(t, p.step2.request(p.env, p.sess.token.token.AccessToken).Preview(), "GET /sandbox/octotable-pms/api/v2/reservations/50000002 HTTP/1.1")
}
