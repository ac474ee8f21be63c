// Package quickstart is the plain logic of the playground: the OctoTable
// quickstart's two requests (RFC 6749 §4.4 client credentials grant, then
// an RFC 6750 Bearer call), how they look on the wire with secrets masked,
// what their answers mean, and what to do when they fail. It has no
// syscall/js, so `go test` covers it.
package quickstart

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"octoplay/internal/wire"
)

// Environment is one entry of the relay's list of environments: the
// contract's document itself (a defined type, so that the browser's
// methods can sit on it while the fields and their JSON names stay the
// relay's).
type Environment wire.Environment

// ParseEnvironments reads the relay's list of environments.
func ParseEnvironments(b []byte) ([]Environment, error) {
	var envs []Environment
	if err := json.Unmarshal(b, &envs); err != nil {
		return nil, fmt.Errorf("quickstart: environments: %w", err)
	}
	if len(envs) == 0 {
		return nil, fmt.Errorf("quickstart: environments: the relay lists none")
	}
	for i, e := range envs {
		if e.Name == "" {
			return nil, fmt.Errorf("quickstart: environments: entry %d has no name", i)
		}
		if _, ok := absoluteURL(e.TokenURL); !ok {
			return nil, fmt.Errorf("quickstart: environments: %q has no usable token URL", e.Name)
		}
	}
	return envs, nil
}

// absoluteURL parses an http(s) URL with a host: the only kind the relay
// forwards to (url.Parse alone takes "" or "api.octotable.com").
func absoluteURL(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false
	}
	return u, true
}

// Origin is what the environment puts in front of a path as OctoTable's
// docs write it: "https://api.octotable.com", or this server's
// "http://127.0.0.1:8080/sandbox" for the sandbox; "" when the token URL
// is not absolute.
func (e Environment) Origin() string {
	u, ok := absoluteURL(e.TokenURL)
	if !ok {
		return ""
	}
	if o, ok := strings.CutSuffix(e.TokenURL, wire.TokenPath); ok {
		return o
	}
	return u.Scheme + "://" + u.Host
}

// HasProfile says whether the environment holds credentials named p.
func (e Environment) HasProfile(p string) bool {
	return slices.Contains(e.Profiles, p)
}

// Preset is a Step 2 request OctoTable's docs describe.
type Preset struct {
	// Key names the preset uniquely (paths repeat: one reservation is read,
	// changed and removed at the same path).
	Key      string
	Label    string
	Method   string
	Path     string // may hold IDPlaceholder: see NeedsID
	Property bool   // needs the Property header
	// Tag is the area of the API an operation is in (OperationPresets);
	// "" for the playground's own examples. Query are the names of its
	// query parameters.
	Tag   string
	Query []string
	// Body and ContentType, for a write.
	Body        string
	ContentType ContentType
}

// Presets are the Step 2 requests an environment offers: the quickstart's
// own, then the read-only property resources when the environment lists
// their base under its origin (a preset's path goes after Origin, so a base
// elsewhere would give requests the relay refuses).
func (e Environment) Presets() []Preset {
	presets := []Preset{{Key: "api-root", Label: "API root (the quickstart's Step 2)", Method: "GET", Path: wire.APIBase}}
	if e.hasPMS() {
		presets = append(presets,
			Preset{Key: "rooms", Label: "Rooms", Method: "GET", Path: wire.PMSBase + "rooms", Property: true},
			Preset{Key: "services", Label: "Services", Method: "GET", Path: wire.PMSBase + "services", Property: true},
			Preset{Key: "reservations", Label: "Reservations, five at a time", Method: "GET", Path: wire.ReservationsPath + "?limit=5", Property: true},
		)
	}
	return presets
}

func (e Environment) hasPMS() bool {
	o := e.Origin()
	return o != "" && slices.Contains(e.APIBases, o+wire.PMSBase)
}

// exampleReservation is the body of the sandbox's "create" preset: dinner
// for eight in the main room on day, at an hour the fixtures leave free.
// One table seats eight, so sending it twice shows the 409 of a table
// taken.
func exampleReservation(day string) string {
	return fmt.Sprintf(`{
  "start_date": %q,
  "start_hour": "20:00:00",
  "pax": 8,
  "channel": "OCTOTABLE_ADMIN",
  "customer": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "3330000000"},
  "service_id": %d,
  "room_id": %d
}`, day, wire.ExampleService, wire.ExampleRoom)
}

// WritePresets are the sandbox's reservation writes, in the order a person
// tries them: create one (for wire.ExampleDay of now), read it, check its
// guests in, cancel it. The last three name the created reservation by
// IDPlaceholder (WithID fills it in, from CreatedID of the create's
// answer). Other environments have none: a write to the real OctoTable
// books a real table.
func (e Environment) WritePresets(now time.Time) []Preset {
	if e.Name != wire.SandboxEnvironment || !e.hasPMS() {
		return nil
	}
	one := wire.ReservationsPath + "/" + IDPlaceholder
	return []Preset{
		{Key: "reservation-create", Label: "Create a reservation", Method: "POST", Path: wire.ReservationsPath, Property: true,
			Body: exampleReservation(wire.ExampleDay(now)), ContentType: ContentJSON},
		{Key: "reservation-read", Label: "Read the reservation you created", Method: "GET", Path: one, Property: true},
		{Key: "reservation-checkin", Label: "Check its guests in", Method: "PATCH", Path: one + "/checkin", Property: true},
		{Key: "reservation-delete", Label: "Cancel the reservation", Method: "DELETE", Path: one, Property: true},
	}
}

// NeedsID says whether the preset's path still holds IDPlaceholder.
func (p Preset) NeedsID() bool { return strings.Contains(p.Path, IDPlaceholder) }

// WithID is the preset for the record id, put in its path escaped.
func (p Preset) WithID(id string) Preset {
	p.Path = strings.ReplaceAll(p.Path, IDPlaceholder, url.PathEscape(id))
	return p
}
