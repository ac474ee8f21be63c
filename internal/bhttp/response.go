package bhttp

// Response is an HTTP response as RFC 9292 §3.5 carries it.
type Response struct {
	// Status is the final status code, 200 to 599.
	Status int
	// Header holds the header fields; nil when there are none.
	Header Fields
	// Body is the content; nil when there is none.
	Body []byte
	// Trailer holds the trailer fields; nil when there are none.
	Trailer Fields
	// Informational holds the interim (1xx) responses sent before the final
	// one (RFC 9292 §3.5.1), in order; nil when there were none.
	Informational []InfoResponse
}

// InfoResponse is an informational (1xx) response: a status code and a header
// section, no content.
type InfoResponse struct {
	// Status is 100 to 199.
	Status int
	// Header holds the header fields; nil when there are none.
	Header Fields
}

// MarshalBinary encodes r as a known-length response (RFC 9292 §3.1), with
// field names lower-cased. It fails with ErrMalformed if r breaks a rule the
// decoder enforces.
func (r *Response) MarshalBinary() ([]byte, error) {
	if err := checkStatus(r.Status, false); err != nil {
		return nil, err
	}
	sections := []Fields{r.Header, r.Trailer}
	for _, ir := range r.Informational {
		sections = append(sections, ir.Header)
	}
	b := make([]byte, 0, sectionsSize(r.Body, sections...)+8*len(r.Informational))
	b = appendVarint(b, framingKnownResponse)
	var err error
	for _, ir := range r.Informational {
		if err := checkStatus(ir.Status, true); err != nil {
			return nil, err
		}
		b = appendVarint(b, uint64(ir.Status))
		if b, err = appendSection(b, ir.Header); err != nil {
			return nil, err
		}
	}
	b = appendVarint(b, uint64(r.Status))
	return appendTail(b, r.Header, r.Body, r.Trailer)
}

// UnmarshalResponse decodes a response in the known-length (framing 1) or
// indeterminate-length (framing 3) form, bounded by lim, keeping its
// informational responses. Errors wrap ErrMalformed (ErrTruncated for a
// message cut short) or ErrTooLarge.
func UnmarshalResponse(b []byte, lim Limits) (*Response, error) {
	d, err := newDecoder(b, lim, framingKnownResponse, framingIndeterminateResponse, "response")
	if err != nil {
		return nil, err
	}
	r := &Response{}
	for {
		code, err := d.varint("status code")
		if err != nil {
			return nil, err
		}
		if code < 100 || code > 199 {
			if code < 200 || code > 599 {
				return nil, errorf(ErrMalformed, "final status code %d is not in 200..599", code)
			}
			r.Status = int(code)
			break
		}
		if len(r.Informational) >= d.lim.MaxInformational {
			return nil, errorf(ErrTooLarge, "more than %d informational responses", d.lim.MaxInformational)
		}
		ir := InfoResponse{Status: int(code)}
		if ir.Header, err = d.optionalSection("informational header section"); err != nil {
			return nil, err
		}
		r.Informational = append(r.Informational, ir)
	}
	if r.Header, err = d.optionalSection("header section"); err != nil {
		return nil, err
	}
	if r.Body, r.Trailer, err = d.tail(); err != nil {
		return nil, err
	}
	return r, nil
}
