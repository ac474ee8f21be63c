package relay

import (
	"io"
	"net/http"
)

// readBody reads req's body, at most max bytes, into one buffer of its
// declared length: reading allocates what the body holds and no more
// (io.ReadAll's doubling leaves up to as much again behind, and a flood of
// uploads is the case that matters). The server's upload budget has already
// reserved the declared length. Without one, it reads up to max.
func readBody(w http.ResponseWriter, req *http.Request, max int64) ([]byte, error) {
	body := http.MaxBytesReader(w, req.Body, max)
	if n := req.ContentLength; n > 0 && n <= max {
		buf := make([]byte, n)
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(body)
}
