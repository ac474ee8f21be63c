package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// failure is an error answer: its status, extra headers and JSON body. Token
// endpoint failures carry RFC 6749 §5.2 bodies, API failures OctoTable's
// envelope; both are written by write, so every answer gets the same headers.
type failure struct {
	status int
	header http.Header
	body   any
}

// oauthError is the body of a token endpoint failure (RFC 6749 §5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// envelope is OctoTable's error body, as its Error Manual shows it:
// {"success": false, "error": {"code", "message", "class_name"}}.
type envelope struct {
	Success bool          `json:"success"`
	Error   envelopeError `json:"error"`
}

type envelopeError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	ClassName string `json:"class_name"`
}

// OctoTable's error codes and the class names that go with them. The manual
// shows RESOURCE_NOT_FOUND / ResourceNotFoundException; the others follow
// the same pattern.
const (
	codeBadRequest       = "BAD_REQUEST"
	codeUnauthorized     = "UNAUTHORIZED"
	codeInvalidToken     = "INVALID_TOKEN"
	codeForbidden        = "FORBIDDEN"
	codeNotFound         = "RESOURCE_NOT_FOUND"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeValidation       = "VALIDATION_ERROR"
	codeConflict         = "CONFLICT"
	codeTooLarge         = "PAYLOAD_TOO_LARGE"
	codeMediaType        = "UNSUPPORTED_MEDIA_TYPE"
	codeLimitExceeded    = "LIMIT_EXCEEDED"
	codeUnavailable      = "SERVICE_UNAVAILABLE"
)

var classNames = map[string]string{
	codeBadRequest:       "BadRequestException",
	codeUnauthorized:     "UnauthorizedException",
	codeInvalidToken:     "UnauthorizedException",
	codeForbidden:        "ForbiddenException",
	codeNotFound:         "ResourceNotFoundException",
	codeMethodNotAllowed: "MethodNotAllowedException",
	codeValidation:       "ValidationException",
	codeConflict:         "ConflictException",
	codeTooLarge:         "PayloadTooLargeException",
	codeMediaType:        "UnsupportedMediaTypeException",
	codeLimitExceeded:    "LimitExceededException",
	codeUnavailable:      "ServiceUnavailableException",
}

// tokenFailure is a token endpoint error (RFC 6749 §5.2). description must
// stay within printable ASCII without '"' and '\', as §5.2 requires, which
// is why the descriptions say "section" where comments say "§".
func tokenFailure(status int, code, description string) *failure {
	return &failure{
		status: status,
		header: http.Header{},
		body:   oauthError{Error: code, Description: description},
	}
}

// invalidRequest is RFC 6749 §5.2's answer to a missing, repeated or
// malformed parameter, or a request that is otherwise malformed.
func invalidRequest(description string) *failure {
	return tokenFailure(http.StatusBadRequest, "invalid_request", description)
}

// apiFailure is an API error in OctoTable's envelope.
func apiFailure(status int, code, message string) *failure {
	return &failure{
		status: status,
		header: http.Header{},
		body: envelope{Error: envelopeError{
			Code:      code,
			Message:   message,
			ClassName: classNames[code],
		}},
	}
}

func notFound() *failure {
	return apiFailure(http.StatusNotFound, codeNotFound, "no such endpoint")
}

// badRequest is a 400 in the envelope, for a request that is malformed.
func badRequest(message string) *failure {
	return apiFailure(http.StatusBadRequest, codeBadRequest, message)
}

// invalid is a 400 that lists every problem of a request at once, so that
// one round trip fixes them all.
func invalid(problems []string) *failure {
	return apiFailure(http.StatusBadRequest, codeValidation, "the request is not valid: "+strings.Join(problems, "; "))
}

// missing is a 404 for a resource of kind (room, table...) with that id.
func missing(kind string, id int) *failure {
	return apiFailure(http.StatusNotFound, codeNotFound, fmt.Sprintf("%s with id %d not found", kind, id))
}

// conflict is a 409: the request is well formed, but the state forbids it.
func conflict(message string) *failure {
	return apiFailure(http.StatusConflict, codeConflict, message)
}

func (f *failure) withHeader(key, value string) *failure {
	f.header.Set(key, value)
	return f
}

func (f *failure) write(w http.ResponseWriter) {
	for key, values := range f.header {
		w.Header()[key] = values
	}
	writeJSON(w, f.status, f.body)
}

// writeJSON writes every answer of the sandbox. All of them are about a
// credential or what it grants, so none may be stored by a cache: RFC 6749
// §5.1 asks this of token answers, and it is as true of the rest.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	setNoStore(w.Header())
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // messages such as "Bearer <token>" stay readable
	// The bodies are plain structs, which always encode: an error here only
	// means the client has gone.
	_ = enc.Encode(body)
}

// writeNoContent answers 204, with no body and so no Content-Type.
func writeNoContent(w http.ResponseWriter) {
	setNoStore(w.Header())
	w.WriteHeader(http.StatusNoContent)
}

func setNoStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
}
