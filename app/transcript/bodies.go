package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/url"
	"strings"
)

// bodyKind is how a body is read for its credentials.
type bodyKind int

const (
	bodyText bodyKind = iota
	bodyJSON
	bodyForm
)

// kindOf reads a body by its Content-Type, and as JSON whatever its type
// when it parses as JSON: an answer labelled text/plain may hold a token.
func kindOf(contentType string, body []byte) bodyKind {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		return bodyForm
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") || json.Valid(body):
		return bodyJSON
	}
	return bodyText
}

// learnBody finds the credentials of a body: the string values of the
// sensitive fields, and what free text says.
func learnBody(kind bodyKind, body []byte, learn func(secret)) {
	switch kind {
	case bodyJSON:
		var v any
		if json.Unmarshal(body, &v) == nil {
			learnJSON(v, learn)
		}
	case bodyForm:
		learnForm(string(body), learn)
	}
	learnText(string(body), learn)
}

func learnJSON(v any, learn func(secret)) {
	switch v := v.(type) {
	case map[string]any:
		for k, member := range v {
			if what, ok := sensitive(k); ok {
				if s, ok := member.(string); ok {
					learn(secret{s, what})
				}
			}
			learnJSON(member, learn)
		}
	case []any:
		for _, e := range v {
			learnJSON(e, learn)
		}
	}
}

func learnForm(form string, learn func(secret)) {
	for _, pair := range strings.Split(form, "&") {
		k, v, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if what, ok := sensitive(name); ok && err1 == nil {
			learn(secret{v, what})
			if err2 == nil {
				learn(secret{value, what})
			}
		}
	}
}

// redactBody removes every credential from a body, and says whether it
// changed anything.
func (r *redactor) redactBody(kind bodyKind, body []byte) ([]byte, bool) {
	var out []byte
	switch kind {
	case bodyJSON:
		if b, err := r.redactJSON(body); err == nil {
			out = b
			break
		}
		out = []byte(r.freeText(string(body)))
	case bodyForm:
		out = []byte(r.form(string(body)))
	default:
		out = []byte(r.freeText(string(body)))
	}
	return out, !bytes.Equal(out, body)
}

// form removes credentials from a form or a query, pair by pair, keeping
// the pairs that hold none as they came; what it puts in is form-encoded.
func (r *redactor) form(form string) string {
	if form == "" {
		return ""
	}
	pairs := strings.Split(form, "&")
	for i, pair := range pairs {
		k, v, hasValue := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		what, isSensitive := sensitive(name)
		switch {
		case err1 == nil && isSensitive && v != "":
			pairs[i] = k + "=" + url.QueryEscape(Marker(what))
		case err1 != nil || err2 != nil || r.text(name) == name && r.text(value) == value:
			// As it came, but for a secret that decoding did not show
			// (one %-encoded twice, or a pair that does not decode).
			pairs[i] = r.inForm(pair)
		default:
			pairs[i] = url.QueryEscape(r.text(name))
			if hasValue {
				pairs[i] += "=" + url.QueryEscape(r.text(value))
			}
		}
	}
	return strings.Join(pairs, "&")
}

// redactJSON rewrites a JSON text with every sensitive field's value a
// marker and every string (names included) redacted as decoded, so that no
// escape (\u0041, \/) hides a secret. Members keep their order and numbers
// their digits; a text that changes is written again, indented if it was
// on several lines, and one that does not is kept as it came.
func (r *redactor) redactJSON(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	w := jsonRewriter{dec: dec, r: r}
	if err := w.value(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("transcript: more than one JSON value")
	}
	if !w.changed {
		return body, nil
	}
	out := w.out.Bytes()
	if bytes.ContainsRune(body, '\n') {
		var indented bytes.Buffer
		if json.Indent(&indented, out, "", "  ") == nil {
			out = indented.Bytes()
		}
	}
	return out, nil
}

type jsonRewriter struct {
	dec     *json.Decoder
	r       *redactor
	out     bytes.Buffer
	changed bool
}

func (w *jsonRewriter) value() error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return w.container(t)
	case string:
		w.str(w.r.text(t), t)
	case json.Number:
		w.out.WriteString(t.String())
	case bool:
		w.out.WriteString(map[bool]string{true: "true", false: "false"}[t])
	case nil:
		w.out.WriteString("null")
	}
	return nil
}

func (w *jsonRewriter) container(open json.Delim) error {
	w.out.WriteRune(rune(open))
	for first := true; w.dec.More(); first = false {
		if !first {
			w.out.WriteByte(',')
		}
		if open == '{' {
			tok, err := w.dec.Token()
			if err != nil {
				return err
			}
			name := tok.(string)
			w.str(w.r.text(name), name)
			w.out.WriteByte(':')
			if what, ok := sensitive(name); ok {
				var raw json.RawMessage
				if err := w.dec.Decode(&raw); err != nil {
					return err
				}
				if s := string(raw); s == "null" || s == `""` {
					w.out.WriteString(s)
				} else {
					w.str(Marker(what), "")
				}
				continue
			}
		}
		if err := w.value(); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return err
	}
	w.out.WriteRune(rune(open) + 2) // '{'+2 is '}', '['+2 is ']'
	return nil
}

// str writes s as a JSON string, noting a change from was.
func (w *jsonRewriter) str(s, was string) {
	if s != was {
		w.changed = true
	}
	enc := json.NewEncoder(&w.out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	w.out.Truncate(w.out.Len() - 1)
}
