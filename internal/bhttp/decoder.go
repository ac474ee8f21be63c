package bhttp

// decoder reads one message from a byte slice. Every length it takes from the
// message is checked against both what is left of the input and a limit
// before it is used, so a hostile length can neither run past the input nor
// make the decoder allocate more than its limits allow.
type decoder struct {
	b             []byte
	lim           Limits
	indeterminate bool // RFC 9292 §3.2 framing
	// text is, when not empty, the whole of what the decoder reads as one
	// string: fields are cut from it rather than each copied (one
	// allocation a section, not two a field). pos is how much of it has
	// been read, last where the bytes take returned last begin.
	text      string
	pos, last int
}

// Framing indicators (RFC 9292 §3.3).
const (
	framingKnownRequest          = 0
	framingKnownResponse         = 1
	framingIndeterminateRequest  = 2
	framingIndeterminateResponse = 3
)

// newDecoder checks the size of b and reads its framing indicator, which must
// be known or indeterminate, the two forms of the kind of message wanted.
func newDecoder(b []byte, lim Limits, known, indeterminate uint64, kind string) (*decoder, error) {
	lim = lim.withDefaults()
	if len(b) > lim.MaxMessageSize {
		return nil, errorf(ErrTooLarge, "message of %d bytes, limit %d", len(b), lim.MaxMessageSize)
	}
	d := &decoder{b: b, lim: lim}
	f, err := d.varint("framing indicator")
	if err != nil {
		return nil, err
	}
	switch f {
	case known:
	case indeterminate:
		d.indeterminate = true
	case framingKnownRequest, framingKnownResponse, framingIndeterminateRequest, framingIndeterminateResponse:
		return nil, errorf(ErrMalformed, "framing indicator %d is not a %s", f, kind)
	default:
		return nil, errorf(ErrMalformed, "unknown framing indicator %d", f)
	}
	return d, nil
}

func (d *decoder) empty() bool { return len(d.b) == 0 }

func (d *decoder) varint(what string) (uint64, error) {
	v, n := readVarint(d.b)
	if n == 0 {
		return 0, errorf(ErrTruncated, "%s", what)
	}
	d.b = d.b[n:]
	d.pos += n
	return v, nil
}

// take returns the next n bytes, without copying them.
func (d *decoder) take(n uint64, what string) ([]byte, error) {
	if n > uint64(len(d.b)) {
		return nil, errorf(ErrTruncated, "%s of %d bytes, %d left", what, n, len(d.b))
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	d.last = d.pos
	d.pos += int(n)
	return p, nil
}

// str is p, which take returned last, as a string: cut from text when the
// decoder has it.
func (d *decoder) str(p []byte) string {
	if d.text == "" {
		return string(p)
	}
	return d.text[d.last : d.last+len(p)]
}

// limit refuses a length n over max; a negative max allows nothing.
func limit(n uint64, max int, what string) error {
	if max < 0 || n > uint64(max) {
		return errorf(ErrTooLarge, "%s of %d bytes, limit %d", what, n, max)
	}
	return nil
}

// prefixed reads a length, at most max, then that many bytes.
func (d *decoder) prefixed(max int, what string) ([]byte, error) {
	n, err := d.varint(what)
	if err != nil {
		return nil, err
	}
	if err := limit(n, max, what); err != nil {
		return nil, err
	}
	return d.take(n, what)
}

// optionalSection reads a header or trailer section that the message may have
// left off at its very end (RFC 9292 §3.8; RFC 9458 Appendix A leaves off even
// the header section of its request).
func (d *decoder) optionalSection(what string) (Fields, error) {
	if d.empty() {
		return nil, nil
	}
	if d.indeterminate {
		return d.indeterminateSection(what)
	}
	sec, err := d.prefixed(d.lim.MaxFieldSectionSize, what)
	if err != nil {
		return nil, err
	}
	if len(sec) == 0 {
		return nil, nil
	}
	in := &decoder{b: sec, lim: d.lim, text: string(sec)}
	f := make(Fields, 0, min(8, d.lim.MaxFields)) // a request's or answer's usual few, in one allocation
	for !in.empty() {
		nameLen, err := in.varint(what)
		if err != nil {
			return nil, err
		}
		if f, err = in.appendField(f, nameLen, d.lim.MaxFieldSectionSize, what); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// indeterminateSection reads field lines up to the zero that ends the section
// (RFC 9292 §3.2).
func (d *decoder) indeterminateSection(what string) (Fields, error) {
	start := len(d.b)
	var f Fields
	for {
		nameLen, err := d.varint(what)
		if err != nil {
			return nil, err
		}
		if nameLen == 0 {
			return f, nil
		}
		// The budget bounds the lengths before anything is read; the size
		// check after the line adds the length prefixes, as the known-length
		// form counts them.
		if f, err = d.appendField(f, nameLen, d.lim.MaxFieldSectionSize-(start-len(d.b)), what); err != nil {
			return nil, err
		}
		if used := start - len(d.b); used > d.lim.MaxFieldSectionSize {
			return nil, errorf(ErrTooLarge, "%s of more than %d bytes", what, d.lim.MaxFieldSectionSize)
		}
	}
}

// appendField reads the rest of a field line (RFC 9292 §3.6) whose name length
// has been read, and appends it to f. budget is what is left of the section's
// size limit; running past the end of d is ErrTruncated.
func (d *decoder) appendField(f Fields, nameLen uint64, budget int, what string) (Fields, error) {
	if len(f) >= d.lim.MaxFields {
		return nil, errorf(ErrTooLarge, "%s has more than %d fields", what, d.lim.MaxFields)
	}
	if nameLen == 0 {
		return nil, errorf(ErrMalformed, "%s has an empty field name", what)
	}
	if err := limit(nameLen, budget, what); err != nil {
		return nil, err
	}
	p, err := d.take(nameLen, what)
	if err != nil {
		return nil, err
	}
	name := d.str(p)
	if err := checkFieldName(name); err != nil {
		return nil, err
	}
	if p, err = d.prefixed(budget-len(name), what); err != nil {
		return nil, err
	}
	value := d.str(p)
	if err := checkFieldValue(name, value); err != nil {
		return nil, err
	}
	return append(f, Field{Name: name, Value: value}), nil
}

// tail reads what follows the header section: content, trailer section and
// padding. The content and trailers may be left off when empty (RFC 9292 §3.8).
func (d *decoder) tail() (body []byte, trailer Fields, err error) {
	if !d.empty() {
		if body, err = d.content(); err != nil {
			return nil, nil, err
		}
	}
	if trailer, err = d.optionalSection("trailer section"); err != nil {
		return nil, nil, err
	}
	// Padding is zeros (RFC 9292 §3.8); anything else is not a message the
	// sender meant, so it is refused rather than ignored.
	for _, c := range d.b {
		if c != 0 {
			return nil, nil, errorf(ErrMalformed, "non-zero byte after the message")
		}
	}
	return body, trailer, nil
}

// content reads the content, which it copies: callers may reuse their input.
func (d *decoder) content() ([]byte, error) {
	if !d.indeterminate {
		p, err := d.prefixed(d.lim.MaxBodySize, "content")
		if err != nil || len(p) == 0 {
			return nil, err
		}
		return append([]byte(nil), p...), nil
	}
	var body []byte
	for {
		n, err := d.varint("content chunk")
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return body, nil
		}
		if err := limit(n, d.lim.MaxBodySize-len(body), "content"); err != nil {
			return nil, err
		}
		p, err := d.take(n, "content chunk")
		if err != nil {
			return nil, err
		}
		body = append(body, p...)
	}
}
