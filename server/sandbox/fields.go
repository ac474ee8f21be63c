package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A field is one query parameter or body member the API takes, said once:
// the handlers check requests against it and the OpenAPI document
// describes it from the same value.
type field struct {
	name     string
	kind     kind
	required bool
	// enum lists the values of kEnum and kEnumList.
	enum []string
	// least is the smallest value of a kInt (zero: no bound below 0).
	least int
	// members are the fields of a kObject.
	members []field
	doc     string
}

type kind int

const (
	kString kind = iota
	kInt
	kBool
	kDate
	kTime
	kEnum
	kEnumList
	kIntList
	kURL
	kObject
	// kRefused is a name the docs use that the API refuses: doc says why.
	kRefused
)

// The layouts of OctoTable's dates and times: no time zone (the docs give
// none; the sandbox's are UTC).
const (
	dateLayout     = "2006-01-02"
	timeLayout     = "15:04:05"
	dateTimeLayout = "2006-01-02T15:04:05"
	// checkinLayout is the check-in's, with milliseconds, as the docs show.
	checkinLayout = "2006-01-02T15:04:05.000"
)

// want says what a value of f looks like, for error messages.
func (f field) want() string {
	switch f.kind {
	case kInt:
		if f.least > 0 {
			return fmt.Sprintf("an integer of at least %d", f.least)
		}
		return "an integer"
	case kBool:
		return "true or false"
	case kDate:
		return "a date YYYY-MM-DD"
	case kTime:
		return "a time HH:mm:ss"
	case kEnum:
		return "one of " + strings.Join(f.enum, ", ")
	case kEnumList:
		return "an array of " + strings.Join(f.enum, ", ")
	case kIntList:
		return "an array of integers"
	case kURL:
		return "an https URL"
	case kObject:
		return "an object with " + fieldNames(f.members)
	}
	return "a string"
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// checkText checks one textual value (a query parameter, or a JSON string
// of a date, a time or an enum).
func (f field) checkText(v string) bool {
	switch f.kind {
	case kInt:
		n, err := strconv.Atoi(v)
		return err == nil && n >= f.least
	case kBool:
		return v == "true" || v == "false"
	case kDate:
		_, err := time.Parse(dateLayout, v)
		return err == nil
	case kTime:
		_, err := time.Parse(timeLayout, v)
		return err == nil && len(v) == len(timeLayout)
	case kEnum, kEnumList:
		return slices.Contains(f.enum, v)
	case kURL:
		u, err := url.Parse(v)
		return err == nil && u.Scheme == "https" && u.Host != "" && len(v) <= 2048
	}
	return len(v) <= maxText
}

// maxText bounds every string a client writes.
const maxText = 500

// checkJSON checks one body member's value, and says what is wrong.
func (f field) checkJSON(raw json.RawMessage) []string {
	bad := []string{f.name + ": want " + f.want()}
	switch f.kind {
	case kRefused:
		return []string{f.name + ": " + f.doc}
	case kInt:
		var n int
		if json.Unmarshal(raw, &n) != nil || n < f.least {
			return bad
		}
	case kBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return bad
		}
	case kIntList, kEnumList:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil || items == nil || len(items) > 50 {
			return bad
		}
		item := field{name: f.name, kind: kInt, enum: f.enum}
		if f.kind == kEnumList {
			item.kind = kEnum
		}
		for _, it := range items {
			if item.checkJSON(it) != nil {
				return bad
			}
		}
	case kObject:
		members, err := objectMembers(raw)
		if err != nil {
			return bad
		}
		var problems []string
		for _, p := range checkMembers(members, f.members) {
			problems = append(problems, f.name+"."+p)
		}
		return problems
	default:
		var s string
		if json.Unmarshal(raw, &s) != nil || !f.checkText(s) {
			return bad
		}
	}
	return nil
}

// checkMembers checks a body's members against the fields it may have, and
// lists every problem: a member named twice, one that is not a field, a
// value of the wrong kind, a required field missing.
func checkMembers(members []jsonMember, fields []field) []string {
	var problems []string
	seen := map[string]bool{}
	for _, m := range members {
		if seen[m.name] {
			problems = append(problems, m.name+": given twice")
			continue
		}
		seen[m.name] = true
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == m.name })
		if i < 0 {
			problems = append(problems, fmt.Sprintf("%s: not a field of this body (its fields are %s)", m.name, fieldNames(fields)))
			continue
		}
		problems = append(problems, fields[i].checkJSON(m.value)...)
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			problems = append(problems, f.name+": required, "+f.want())
		}
	}
	return problems
}

// query is a request's query, read against the fields an operation takes.
type query struct{ values url.Values }

// readQuery checks r's query against params: every problem is reported at
// once. An array parameter is written name[] (as the docs write it),
// repeated; plain name is taken too.
func readQuery(r *http.Request, params []field) (query, *failure) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return query{}, badRequest("the query is not valid: " + err.Error())
	}
	var problems []string
	for name := range values {
		base := strings.TrimSuffix(name, "[]")
		if !slices.ContainsFunc(params, func(f field) bool { return f.name == base }) {
			if len(params) == 0 {
				problems = append(problems, name+": this endpoint takes no query parameters")
			} else {
				problems = append(problems, fmt.Sprintf("%s: not a parameter of this endpoint (its parameters are %s)", name, fieldNames(params)))
			}
		}
	}
	q := query{values: url.Values{}}
	for _, p := range params {
		got := append(values[p.name], values[p.name+"[]"]...)
		list := p.kind == kEnumList || p.kind == kIntList
		switch {
		case len(got) == 0 && p.required:
			problems = append(problems, p.name+": required, "+p.want())
		case len(got) > 1 && !list:
			problems = append(problems, p.name+": given more than once")
		}
		item := p
		if p.kind == kIntList {
			item.kind = kInt
		}
		for _, v := range got {
			if !item.checkText(v) {
				problems = append(problems, fmt.Sprintf("%s: %q is not %s", p.name, v, item.want()))
				break
			}
		}
		q.values[p.name] = got
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return query{}, invalid(problems)
	}
	return q, nil
}

func (q query) str(name string) string { return q.values.Get(name) }

func (q query) has(name string) bool { return len(q.values[name]) > 0 }

func (q query) int(name string) int {
	n, _ := strconv.Atoi(q.values.Get(name))
	return n
}

func (q query) list(name string) []string { return q.values[name] }

func (q query) ints(name string) []int {
	var out []int
	for _, v := range q.values[name] {
		n, _ := strconv.Atoi(v)
		out = append(out, n)
	}
	return out
}

// flag is a boolean parameter: whether it was given true.
func (q query) flag(name string) bool { return q.values.Get(name) == "true" }
