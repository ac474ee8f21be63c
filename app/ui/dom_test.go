package ui

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// element is a rendered element, for tests that find what a page shows as
// a person or a screen reader does: by id, by role, by text; never by its
// place among its siblings.
type element struct {
	tag      string
	attrs    map[string]string
	children []*element
	text     string // this element's own text, between its children
}

// render is what ui renders, child components included, as a tree.
func render(t *testing.T, ui app.UI) *element {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(app.HTMLString(ui)))
	dec.Strict, dec.AutoClose, dec.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	root := &element{tag: "#root", attrs: map[string]string{}}
	open := []*element{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return root
		}
		require.NoError(t, err)
		parent := open[len(open)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			el := &element{tag: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				if a.Value == a.Name.Local {
					// go-app writes an attribute of value "true" (or "")
					// bare, which the decoder reads as its own name.
					a.Value = "true"
				}
				el.attrs[a.Name.Local] = a.Value
			}
			parent.children = append(parent.children, el)
			open = append(open, el)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			parent.text += string(tok)
		}
	}
}

// implicitRoles are the ARIA roles of the elements these tests meet that
// have one without a role attribute.
var implicitRoles = map[string]string{
	"button": "button", "nav": "navigation", "ol": "list", "ul": "list", "li": "listitem",
	"table": "table", "tr": "row", "td": "cell", "th": "columnheader", "select": "combobox",
	"option": "option", "h1": "heading", "h2": "heading", "h3": "heading", "section": "region",
}

func (e *element) role() string {
	if r, ok := e.attrs["role"]; ok {
		return r
	}
	if e.tag == "a" && e.attrs["href"] != "" {
		return "link"
	}
	return implicitRoles[e.tag]
}

// all are e's descendants that match, in document order.
func (e *element) all(match func(*element) bool) []*element {
	var found []*element
	for _, c := range e.children {
		if match(c) {
			found = append(found, c)
		}
		found = append(found, c.all(match)...)
	}
	return found
}

// byID is the element with the id; the test fails if there is none.
func (e *element) byID(t *testing.T, id string) *element {
	t.Helper()
	found := e.all(func(c *element) bool { return c.attrs["id"] == id })
	require.Len(t, found, 1, "one element with id %q", id)
	return found[0]
}

// hasID says whether an element has the id.
func (e *element) hasID(id string) bool {
	return len(e.all(func(c *element) bool { return c.attrs["id"] == id })) > 0
}

// byRole are the elements of the role whose accessible name (aria-label,
// else the text) contains name; "" takes them all.
func (e *element) byRole(role, name string) []*element {
	return e.all(func(c *element) bool {
		return c.role() == role && strings.Contains(c.name(), name)
	})
}

// oneByRole is the one element of the role and name.
func (e *element) oneByRole(t *testing.T, role, name string) *element {
	t.Helper()
	found := e.byRole(role, name)
	require.Len(t, found, 1, "one %s named %q", role, name)
	return found[0]
}

func (e *element) name() string {
	if l, ok := e.attrs["aria-label"]; ok {
		return l
	}
	return e.textContent()
}

// textContent is the element's text and its descendants', white space
// collapsed as a browser shows it outside <pre>.
func (e *element) textContent() string {
	var b strings.Builder
	var walk func(*element)
	walk = func(el *element) {
		b.WriteString(el.text)
		b.WriteString(" ")
		for _, c := range el.children {
			walk(c)
		}
	}
	walk(e)
	return strings.Join(strings.Fields(b.String()), " ")
}

// byLabel is the one element labelled so: by aria-label, or by a <label>
// whose for names its id.
func (e *element) byLabel(t *testing.T, label string) *element {
	t.Helper()
	var found []*element
	for _, l := range e.all(func(c *element) bool { return c.tag == "label" && c.textContent() == label }) {
		found = append(found, e.all(func(c *element) bool { return c.attrs["id"] == l.attrs["for"] })...)
	}
	found = append(found, e.all(func(c *element) bool { return c.attrs["aria-label"] == label })...)
	require.Len(t, found, 1, "one element labelled %q", label)
	return found[0]
}
