package bhttp

// The encoder writes the known-length forms (RFC 9292 §3.1) with every section
// present, and minimal varints: the bytes RFC 9292 §5 shows for its examples.

func appendPrefixed(b []byte, s string) []byte {
	b = appendVarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendSection writes a known-length field section, names lower-cased.
func appendSection(b []byte, f Fields) ([]byte, error) {
	size := 0
	for _, fl := range f {
		if err := checkFieldName(lowerASCII(fl.Name)); err != nil {
			return nil, err
		}
		if err := checkFieldValue(fl.Name, fl.Value); err != nil {
			return nil, err
		}
		size += varintLen(uint64(len(fl.Name))) + len(fl.Name) + varintLen(uint64(len(fl.Value))) + len(fl.Value)
	}
	b = appendVarint(b, uint64(size))
	for _, fl := range f {
		b = appendPrefixed(b, lowerASCII(fl.Name))
		b = appendPrefixed(b, fl.Value)
	}
	return b, nil
}

// appendTail writes header section, content and trailer section, which
// requests and responses share.
func appendTail(b []byte, header Fields, body []byte, trailer Fields) ([]byte, error) {
	b, err := appendSection(b, header)
	if err != nil {
		return nil, err
	}
	b = appendVarint(b, uint64(len(body)))
	b = append(b, body...)
	return appendSection(b, trailer)
}

// sectionsSize estimates the encoded size, to allocate once.
func sectionsSize(body []byte, sections ...Fields) int {
	n := 16 + len(body)
	for _, f := range sections {
		for _, fl := range f {
			n += 16 + len(fl.Name) + len(fl.Value)
		}
	}
	return n
}
