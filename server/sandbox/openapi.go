package sandbox

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"octoplay/internal/wire"
)

// The OpenAPI 3.1 document of the API as the sandbox implements it,
// generated from the catalog and from the model's types, so that it cannot
// drift from what the sandbox serves: the tests validate every answer the
// sandbox gives against it.

// OpenAPIPath is where the sandbox serves its OpenAPI document.
const OpenAPIPath = "/openapi.json"

type object = map[string]any

// OpenAPI is the document, with its examples dated from now and its
// servers: OctoTable's, and the sandbox's at mount (its path on the
// server, such as wire.SandboxMount).
func OpenAPI(now time.Time, mount string) ([]byte, error) {
	g := &generator{schemas: object{}}
	paths := object{}
	ops := Operations(now)
	for i, op := range catalog {
		item, _ := paths[op.path].(object)
		if item == nil {
			item = object{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = g.operation(op, ops[i].Example)
	}
	paths[wire.TokenPath] = object{"post": g.tokenOperation()}
	g.schemas["Error"] = g.schema(reflect.TypeFor[envelope](), nil)
	doc := object{
		"openapi": "3.1.0",
		"info": object{
			"title":   "OctoTable API, as the Octoplay sandbox implements it",
			"version": "v2",
			"description": "OctoTable's restaurant API (rooms, tables, services, reservations, availability, orders, webhooks), " +
				"as its docs describe it and as the embedded sandbox answers. Get a token with the client credentials grant, " +
				"then send it as a Bearer token, with the Property header holding the token's property_id.",
		},
		"servers": []object{
			{"url": mount, "description": "the Octoplay sandbox"},
			{"url": "https://api.octotable.com", "description": "OctoTable"},
		},
		"security": []object{{"bearer": []string{}}},
		"tags":     g.tags(),
		"paths":    paths,
		"components": object{
			"schemas": g.schemas,
			"securitySchemes": object{
				"bearer": object{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
				"clientCredentials": object{"type": "oauth2", "flows": object{"clientCredentials": object{
					"tokenUrl": strings.TrimSuffix(mount, "/") + wire.TokenPath, "scopes": object{},
				}}},
			},
			"parameters": object{"Property": object{
				"name": "Property", "in": "header", "required": true,
				"description": "the id of the property (restaurant): your token's property_id",
				"schema":      object{"type": "string", "pattern": "^[0-9]+$"},
			}},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

type generator struct{ schemas object }

func (g *generator) tags() []object {
	var tags []object
	seen := map[string]bool{}
	for _, op := range catalog {
		if !seen[op.tag] {
			seen[op.tag] = true
			tags = append(tags, object{"name": op.tag})
		}
	}
	return tags
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (g *generator) operation(op *operation, example string) object {
	var params []any
	if op.auth == authProperty {
		params = append(params, object{"$ref": "#/components/parameters/Property"})
	}
	for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
		params = append(params, object{"name": m[1], "in": "path", "required": true, "schema": object{"type": "integer"}})
	}
	for _, p := range op.params {
		name := p.name
		if p.kind == kEnumList || p.kind == kIntList {
			name += "[]"
		}
		param := object{"name": name, "in": "query", "required": p.required, "schema": g.fieldSchema(p)}
		if p.doc != "" {
			param["description"] = p.doc
		}
		if p.kind == kEnumList || p.kind == kIntList {
			param["style"], param["explode"] = "form", true
		}
		params = append(params, param)
	}
	out := object{
		"operationId": operationID(op),
		"tags":        []string{op.tag},
		"summary":     op.summary,
		"responses": object{
			itoa(op.status): object{"description": http.StatusText(op.status),
				"content": object{jsonMediaType: object{"schema": g.answer(op)}}},
			"default": object{"description": "an error, in OctoTable's envelope",
				"content": object{jsonMediaType: object{"schema": object{"$ref": "#/components/schemas/Error"}}}},
		},
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if op.auth == authNone {
		out["security"] = []object{}
	}
	if op.body != nil {
		media := object{"schema": g.bodySchema(op.body)}
		if example != "" {
			var v any
			if json.Unmarshal([]byte(example), &v) == nil {
				media["example"] = v
			}
		}
		out["requestBody"] = object{"required": true, "content": object{jsonMediaType: media}}
	}
	return out
}

// operationID names an operation from its method and path:
// GET /octotable-pms/api/v2/rooms/{room_id} is getRoomsRoomId.
func operationID(op *operation) string {
	path := strings.TrimPrefix(strings.TrimPrefix(op.path, wire.PMSBase), wire.APIBase)
	id := strings.ToLower(op.method)
	for _, word := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '_' || r == '{' || r == '}' || r == '-' }) {
		id += strings.ToUpper(word[:1]) + word[1:]
	}
	if path == "" {
		id += "Api"
	}
	return id
}

func (g *generator) answer(op *operation) object {
	var item object
	if op.answer != nil {
		item = g.schema(op.answer, nil)
	}
	list := object{"type": "array", "items": item}
	envelope := func(props object, required ...string) object {
		return object{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	pages := object{
		"data": list, "page_number": object{"type": "integer"}, "page_size": object{"type": "integer"},
		"total_elements": object{"type": "integer"}, "total_pages": object{"type": "integer"},
		"last_page": object{"type": "boolean"}, "links": object{"type": "array", "items": object{"type": "string"}},
	}
	switch op.shape {
	case shapeList:
		return envelope(object{"data": list, "next_cursor": object{"type": "string", "description": "the cursor of the next page; absent on the last"}}, "data")
	case shapePaged, shapePagedIDs:
		return envelope(pages, "data", "page_number", "page_size", "total_elements", "total_pages", "last_page", "links")
	case shapeBare:
		return item
	case shapeNested:
		return envelope(object{"data": object{"type": "array", "items": list}}, "data")
	}
	return envelope(object{"data": list}, "data")
}

func (g *generator) tokenOperation() object {
	form := object{"type": "object", "required": []string{"grant_type"}, "properties": object{
		"grant_type":    object{"type": "string", "enum": []string{"client_credentials"}},
		"client_id":     object{"type": "string"},
		"client_secret": object{"type": "string"},
	}}
	return object{
		"operationId": "createToken", "tags": []string{"Quickstart"}, "security": []object{},
		"summary": "Get an access token with the client credentials grant (the quickstart's Step 1)",
		"requestBody": object{"required": true, "content": object{
			"application/x-www-form-urlencoded": object{"schema": form},
			jsonMediaType:                       object{"schema": form},
		}},
		"responses": object{
			"200":     object{"description": "a token", "content": object{jsonMediaType: object{"schema": g.schema(reflect.TypeFor[tokenResponse](), nil)}}},
			"default": object{"description": "an error, as RFC 6749 section 5.2 says", "content": object{jsonMediaType: object{"schema": g.schema(reflect.TypeFor[oauthError](), nil)}}},
		},
	}
}

// Patterns of OctoTable's times and zone-less date-times, which JSON
// Schema's formats (RFC 3339, with a zone) do not describe.
const (
	timePattern     = `^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$`
	dateTimePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?$`
)

// schema describes t; tag is the struct field's, if t is one's type.
func (g *generator) schema(t reflect.Type, tag *reflect.StructTag) object {
	s := object{}
	if tag != nil {
		if doc := tag.Get("doc"); doc != "" {
			s["description"] = doc
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		name := t.Name()
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = object{} // a placeholder, against recursion
			props, required := object{}, []string{}
			for i := range t.NumField() {
				f := t.Field(i)
				jsonName, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				if jsonName == "-" || !f.IsExported() {
					continue
				}
				props[jsonName] = g.schema(f.Type, &f.Tag)
				if !strings.Contains(opts, "omitempty") {
					required = append(required, jsonName)
				}
			}
			g.schemas[name] = object{"type": "object", "properties": props, "required": required, "additionalProperties": false}
		}
		ref := object{"$ref": "#/components/schemas/" + name}
		if d, ok := s["description"]; ok {
			ref["description"] = d
		}
		return ref
	case reflect.Slice:
		s["type"] = "array"
		s["items"] = g.schema(t.Elem(), tag)
		delete(s["items"].(object), "description")
		return s
	case reflect.Map:
		s["type"] = "object"
		s["additionalProperties"] = g.schema(t.Elem(), nil)
		return s
	case reflect.Int, reflect.Int64:
		s["type"] = "integer"
	case reflect.Float64:
		s["type"] = "number"
	case reflect.Bool:
		s["type"] = "boolean"
	case reflect.String:
		s["type"] = "string"
		if tag != nil {
			if enum := tag.Get("enum"); enum != "" {
				s["enum"] = strings.Fields(enum)
			}
			switch tag.Get("format") {
			case "date":
				s["format"] = "date"
			case "rfc3339":
				s["format"] = "date-time"
			case "time":
				s["pattern"] = timePattern
			case "date-time":
				s["pattern"] = dateTimePattern
			}
		}
	}
	return s
}

// fieldSchema describes a request's field.
func (g *generator) fieldSchema(f field) object {
	s := object{}
	switch f.kind {
	case kInt:
		s["type"] = "integer"
		if f.least > 0 {
			s["minimum"] = f.least
		}
	case kBool:
		s["type"] = "boolean"
	case kDate:
		s["type"], s["format"] = "string", "date"
	case kTime:
		s["type"], s["pattern"] = "string", timePattern
	case kEnum:
		s["type"], s["enum"] = "string", f.enum
	case kEnumList:
		s["type"], s["items"] = "array", object{"type": "string", "enum": f.enum}
	case kIntList:
		s["type"], s["items"] = "array", object{"type": "integer"}
	case kURL:
		s["type"], s["format"], s["pattern"] = "string", "uri", "^https://"
	case kObject:
		return g.bodySchema(f.members)
	default:
		s["type"], s["maxLength"] = "string", maxText
	}
	if f.doc != "" {
		s["description"] = f.doc
	}
	return s
}

// bodySchema describes a body from its fields.
func (g *generator) bodySchema(fields []field) object {
	props, required := object{}, []string{}
	for _, f := range fields {
		if f.kind == kRefused {
			continue
		}
		props[f.name] = g.fieldSchema(f)
		if f.required {
			required = append(required, f.name)
		}
	}
	return object{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}
