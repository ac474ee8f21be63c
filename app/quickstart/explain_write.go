package quickstart

// codeValidation is the code of OctoTable's error for a body with fields
// to fix.
const codeValidation = "VALIDATION_ERROR"

// explainWrite explains what a write meets: fields to fix, a conflict
// with what is there, a body too large or of a type the API does not take,
// a method the path does not have; nil for any other answer.
func explainWrite(a Answer) *Explanation {
	switch a.Status {
	case 400:
		// OctoTable's validation error names every field to fix in its
		// message, one after the other.
		if octotableCode(a) != codeValidation {
			return nil
		}
		return &Explanation{"400: fields to fix", "OctoTable says " + octotableMessage(a) + ". Fix the body, then send again.", FixCheckRequest}
	case 409:
		if octotableCode(a) == "" {
			return nil
		}
		return &Explanation{"409: in conflict with what is there", "OctoTable says " + octotableMessage(a) + ". Change the body (for a reservation, the day, the hour, the guests or the table), then send again.", FixCheckRequest}
	case 413:
		return &Explanation{"413: the body is too large", "The API refused a body this large. Send a smaller one.", FixCheckRequest}
	case 415:
		types := a.Header.Get("accept-post") + a.Header.Get("accept-patch")
		if types != "" {
			types = " (it takes " + types + ")"
		}
		return &Explanation{"415: the API does not take this content type", "Choose the content type the API takes" + types + ", then send again.", FixCheckRequest}
	case 405:
		text := "Choose another method, or another path."
		if allow := a.Header.Get("allow"); allow != "" {
			text = "It takes " + allow + ". Choose one of those, or another path."
		}
		return &Explanation{"405: this path does not take that method", text, FixCheckRequest}
	}
	return nil
}
