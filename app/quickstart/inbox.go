package quickstart

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"octoplay/internal/wire"
)

// Delivery is one webhook event of the sandbox's inbox (GET
// wire.InboxPath), as OctoTable would POST it to the subscription's
// endpoint.
type Delivery struct {
	DeliveredAt string            `json:"delivered_at"`
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Headers     map[string]string `json:"headers"`
	Body        json.RawMessage   `json:"body"`
}

// ParseDeliveries reads the inbox's answer, {"data": [Delivery...]}.
func ParseDeliveries(body []byte) ([]Delivery, error) {
	var inbox struct {
		Data []Delivery `json:"data"`
	}
	if err := json.Unmarshal(body, &inbox); err != nil {
		return nil, fmt.Errorf("quickstart: webhook inbox: %w", err)
	}
	return inbox.Data, nil
}

// Text is the delivery as HTTP/1.1 text: the request line, the headers in
// name order, and the JSON body pretty-printed.
func (d Delivery) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\n", d.Method, d.URL)
	for _, name := range slices.Sorted(maps.Keys(d.Headers)) {
		fmt.Fprintf(&b, "%s: %s\n", name, d.Headers[name])
	}
	body, err := PrettyJSON(string(d.Body))
	if err != nil {
		body = string(d.Body)
	}
	b.WriteString("\n" + body)
	return b.String()
}

// HasInbox says whether the environment offers the sandbox's webhook
// inbox among its operations.
func (e Environment) HasInbox() bool {
	return slices.ContainsFunc(e.Operations, func(op wire.Operation) bool { return op.Method == "GET" && op.Path == wire.InboxPath })
}
