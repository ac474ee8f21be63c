package bhttp

// Field is one field line (RFC 9110 §5). Names are lower-case on the wire
// (RFC 9292 §3.6); the encoder lower-cases them, the decoder refuses others.
type Field struct {
	Name, Value string
}

// Fields is a header or trailer section: field lines in order, a name
// repeated as often as it was sent (RFC 9110 §5.2). A nil Fields is an empty
// section. Lookups ignore the case of ASCII letters in names.
type Fields []Field

// Get returns the value of the first field named name, or "".
func (f Fields) Get(name string) string {
	for _, fl := range f {
		if equalFoldASCII(fl.Name, name) {
			return fl.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (f Fields) Values(name string) []string {
	var vs []string
	for _, fl := range f {
		if equalFoldASCII(fl.Name, name) {
			vs = append(vs, fl.Value)
		}
	}
	return vs
}

// Add appends a field line, its name lower-cased.
func (f *Fields) Add(name, value string) {
	*f = append(*f, Field{Name: lowerASCII(name), Value: value})
}

// Set replaces every field named name with one line holding value, where the
// first of them stood, or at the end if there was none.
func (f *Fields) Set(name, value string) {
	name = lowerASCII(name)
	for i, fl := range *f {
		if equalFoldASCII(fl.Name, name) {
			(*f)[i] = Field{Name: name, Value: value}
			*f = deleteFrom(*f, i+1, name)
			return
		}
	}
	*f = append(*f, Field{Name: name, Value: value})
}

// Del removes every field named name.
func (f *Fields) Del(name string) {
	*f = deleteFrom(*f, 0, name)
}

// deleteFrom removes the fields named name from f[start:], in place.
func deleteFrom(f Fields, start int, name string) Fields {
	out := f[:start]
	for _, fl := range f[start:] {
		if !equalFoldASCII(fl.Name, name) {
			out = append(out, fl)
		}
	}
	clear(f[len(out):]) // let the removed values be collected
	return out
}

// lowerASCII lower-cases ASCII letters only: Unicode case mapping would turn
// an invalid name such as "\u212a" (Kelvin sign) into a valid "k".
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
