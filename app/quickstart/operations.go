package quickstart

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"octoplay/internal/wire"
)

// OperationPresets are the environment's operations (wire.Operation) as
// Step 2's examples, in the order the environment lists them: each its
// summary, the Property header when it wants one, and its example body as
// JSON. Their paths keep their parameters in braces (PathParams).
func (e Environment) OperationPresets() []Preset {
	out := make([]Preset, 0, len(e.Operations))
	for _, op := range e.Operations {
		pr := Preset{Key: operationKey(op), Label: op.Summary, Tag: op.Tag, Method: op.Method, Path: op.Path,
			Property: op.Property, Query: op.Query, Body: op.Example}
		if op.Example != "" {
			pr.ContentType = ContentJSON
		}
		out = append(out, pr)
	}
	return out
}

// presetKeys are the keys of the examples the operations replace, kept by
// the operation each was, so that what named an example still finds it.
var presetKeys = map[string]string{
	"GET " + wire.APIBase:                                          "api-root",
	"GET " + wire.PMSBase + "rooms":                                "rooms",
	"GET " + wire.PMSBase + "services":                             "services",
	"GET " + wire.ReservationsPath:                                 "reservations",
	"POST " + wire.ReservationsPath:                                "reservation-create",
	"GET " + wire.ReservationsPath + "/{reservation_id}":           "reservation-read",
	"PATCH " + wire.ReservationsPath + "/{reservation_id}/checkin": "reservation-checkin",
	"DELETE " + wire.ReservationsPath + "/{reservation_id}":        "reservation-delete",
}

// operationKey is the operation's key: its method and path, which no two
// operations share, or the key of the example it replaces.
func operationKey(op wire.Operation) string {
	k := op.Method + " " + op.Path
	if old, ok := presetKeys[k]; ok {
		return old
	}
	return k
}

// pathParam is a parameter of a path as OpenAPI writes it, in braces.
var pathParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// PathParams are the names of the parameters in braces in path, in the
// order they come, each once.
func PathParams(path string) []string {
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

// CreatedParam is the parameter that names, in the operations' paths,
// what a POST to path makes: room_id for POST .../rooms, whose one room is
// .../rooms/{room_id}. "" when no operation reads it back.
func (e Environment) CreatedParam(path string) string {
	for _, op := range e.Operations {
		if rest, ok := strings.CutPrefix(op.Path, path+"/"); ok && op.Method == "GET" {
			if names := PathParams(rest); len(names) == 1 && rest == "{"+names[0]+"}" {
				return names[0]
			}
		}
	}
	return ""
}

// MissingParamError says a parameter of the path has no value yet.
type MissingParamError struct{ Name string }

func (e *MissingParamError) Error() string {
	return "enter " + e.Name + ", a parameter of the path"
}

// fillPath is path with each parameter that params names put in, escaped
// as one segment (RFC 3986 §3.3); one named with no value is a
// *MissingParamError. A parameter params does not name stays as it is.
func fillPath(path string, params map[string]string) (string, error) {
	var missing error
	filled := pathParam.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := params[name]
		switch {
		case !ok:
			return m
		case strings.TrimSpace(v) == "":
			if missing == nil {
				missing = &MissingParamError{Name: name}
			}
			return m
		}
		return url.PathEscape(strings.TrimSpace(v))
	})
	return filled, missing
}

// SentPath is the path as it goes, its parameters put in; one without a
// value stays in braces (for a snippet, where the reader fills it in).
func (r APIRequest) SentPath() string {
	p, _ := fillPath(r.Path, r.Params)
	return p
}
