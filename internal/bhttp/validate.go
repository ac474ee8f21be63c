package bhttp

// The rules both the encoder and the decoder apply, so that the encoder never
// writes what the decoder would refuse. Errors name the part at fault, never
// its value: values may hold credentials.

// isTchar reports whether c may appear in a token (RFC 9110 §5.6.2).
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// checkFieldName wants a lower-case token. RFC 9292 §3.6 refuses names that
// are not tokens, and through RFC 9113 §8.2.1 upper-case ones; a name
// starting with ':' (a pseudo-field) is not a token either.
func checkFieldName(name string) error {
	if name == "" {
		return errorf(ErrMalformed, "empty field name")
	}
	// The name is left out of these errors: a name that is not a token may
	// be a whole field line, value and all.
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			return errorf(ErrMalformed, "field name has an upper-case letter")
		}
		if !isTchar(c) {
			return errorf(ErrMalformed, "field name is not a token")
		}
	}
	return nil
}

// checkFieldValue refuses what makes an HTTP/2 field value malformed (RFC
// 9113 §8.2.1: NUL, CR, LF, white space at either end) and, beyond that, every
// other control character but HTAB, which RFC 9110 §5.5 does not allow either.
func checkFieldValue(name, value string) error {
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return errorf(ErrMalformed, "value of field %q has a control character", name)
		}
	}
	if n := len(value); n > 0 && (isSpace(value[0]) || isSpace(value[n-1])) {
		return errorf(ErrMalformed, "value of field %q starts or ends with white space", name)
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// checkControlData applies RFC 9113 §8.3.1 to the request control data, as
// RFC 9292 §3.4 says.
func checkControlData(method, scheme, authority, path string) error {
	if !isToken(method) {
		return errorf(ErrMalformed, "method is not a token")
	}
	if !validScheme(scheme) {
		return errorf(ErrMalformed, "scheme is not a URI scheme")
	}
	if !validAuthority(authority) {
		return errorf(ErrMalformed, "authority has a character that is not allowed")
	}
	for i := 0; i < len(path); i++ {
		// Visible ASCII only; '#' starts a fragment, which is never sent.
		if c := path[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return errorf(ErrMalformed, "path has a character that is not allowed")
		}
	}
	if (scheme == "http" || scheme == "https") && path != "*" && (path == "" || path[0] != '/') {
		return errorf(ErrMalformed, "path of an %s request must start with '/'", scheme)
	}
	return nil
}

// validScheme allows an empty scheme (a CONNECT request has none, RFC 9113
// §8.5) or the syntax of RFC 3986 §3.1.
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if !alpha && (i == 0 || !(('0' <= c && c <= '9') || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// validAuthority allows the characters of RFC 3986 §3.2 host and port, empty
// included (RFC 9292 §3.4 encodes an absent authority as empty). It refuses
// '@': userinfo is deprecated (RFC 9110 §4.2.4), and in a URL it is where
// credentials leak.
func validAuthority(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '.' || c == '_' || c == '~' || c == '%':
		case c == ':' || c == '[' || c == ']':
		case c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')':
		case c == '*' || c == '+' || c == ',' || c == ';' || c == '=':
		default:
			return false
		}
	}
	return true
}

// checkStatus keeps final status codes in 200..599 (RFC 9292 §3.5) and
// informational ones in 100..199 (§3.5.1).
func checkStatus(status int, informational bool) error {
	if informational && (status < 100 || status > 199) {
		return errorf(ErrMalformed, "informational status code %d is not 1xx", status)
	}
	if !informational && (status < 200 || status > 599) {
		return errorf(ErrMalformed, "final status code %d is not in 200..599", status)
	}
	return nil
}
