package bhttp

// Request is an HTTP request as RFC 9292 §3.4 carries it: the four fields of
// the request control data, which follow the HTTP/2 pseudo-header fields
// (RFC 9113 §8.3.1), then header fields, content and trailer fields.
type Request struct {
	// Method is the request method, a token such as "GET" (":method").
	Method string
	// Scheme is the target URI's scheme, such as "https" (":scheme").
	Scheme string
	// Authority is the target's host and optional port (":authority"); empty
	// when the request has none, in which case a "host" field may name it.
	Authority string
	// Path is the target's path and query (":path"), "/" at the least for
	// http and https.
	Path string
	// Header holds the header fields; nil when there are none.
	Header Fields
	// Body is the content; nil when there is none.
	Body []byte
	// Trailer holds the trailer fields; nil when there are none.
	Trailer Fields
}

// MarshalBinary encodes r as a known-length request (RFC 9292 §3.1), with
// field names lower-cased. It fails with ErrMalformed if r breaks a rule the
// decoder enforces.
func (r *Request) MarshalBinary() ([]byte, error) {
	if err := checkControlData(r.Method, r.Scheme, r.Authority, r.Path); err != nil {
		return nil, err
	}
	b := make([]byte, 0, sectionsSize(r.Body, r.Header, r.Trailer)+
		len(r.Method)+len(r.Scheme)+len(r.Authority)+len(r.Path))
	b = appendVarint(b, framingKnownRequest)
	b = appendPrefixed(b, r.Method)
	b = appendPrefixed(b, r.Scheme)
	b = appendPrefixed(b, r.Authority)
	b = appendPrefixed(b, r.Path)
	return appendTail(b, r.Header, r.Body, r.Trailer)
}

// UnmarshalRequest decodes a request in the known-length (framing 0) or
// indeterminate-length (framing 2) form, bounded by lim. Errors wrap
// ErrMalformed (ErrTruncated for a message cut short) or ErrTooLarge.
func UnmarshalRequest(b []byte, lim Limits) (*Request, error) {
	d, err := newDecoder(b, lim, framingKnownRequest, framingIndeterminateRequest, "request")
	if err != nil {
		return nil, err
	}
	var control [4][]byte // method, scheme, authority, path
	budget := d.lim.MaxControlDataSize
	for i, what := range [...]string{"method", "scheme", "authority", "path"} {
		if control[i], err = d.prefixed(budget, what); err != nil {
			return nil, err
		}
		budget -= len(control[i])
	}
	// One string for the four, each cut from it.
	text := string(control[0]) + string(control[1]) + string(control[2]) + string(control[3])
	r := &Request{}
	for i, field := range [...]*string{&r.Method, &r.Scheme, &r.Authority, &r.Path} {
		*field, text = text[:len(control[i])], text[len(control[i]):]
	}
	if err := checkControlData(r.Method, r.Scheme, r.Authority, r.Path); err != nil {
		return nil, err
	}
	if r.Header, err = d.optionalSection("header section"); err != nil {
		return nil, err
	}
	if r.Body, r.Trailer, err = d.tail(); err != nil {
		return nil, err
	}
	return r, nil
}
