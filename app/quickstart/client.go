package quickstart

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// CreateClientRequest is Step 0: OctoTable's create-client, which gives a
// visitor a client id and secret of their own for a sandbox property.
// Nothing it sends is secret; its answer holds the new client's secret.
type CreateClientRequest struct {
	Env Environment
	// PropertyName names the sandbox property the client gets.
	PropertyName string
}

// createClientRedirect is the redirect uri create-client requires and the
// client credentials grant never uses.
const createClientRedirect = "https://example.com/callback"

// URL is where the request goes: create-client under the environment's
// origin.
func (r CreateClientRequest) URL() string {
	return r.Env.Origin() + wire.CreateClientPath
}

func (r CreateClientRequest) body() []byte {
	var b struct {
		RedirectURI     string `json:"redirect_uri"`
		SandboxProperty struct {
			Name string `json:"name"`
		} `json:"sandbox_property"`
	}
	b.RedirectURI, b.SandboxProperty.Name = createClientRedirect, r.PropertyName
	out, _ := json.Marshal(b) // two strings: never fails
	return out
}

func (r CreateClientRequest) header() bhttp.Fields {
	var h bhttp.Fields
	h.Set("content-type", string(ContentJSON))
	h.Set("accept", "application/json")
	return h
}

// Build makes the request, dated now.
func (r CreateClientRequest) Build(now time.Time) (*bhttp.Request, error) {
	if r.Env.Origin() == "" {
		return nil, errors.New("choose an environment")
	}
	req, err := newRequest(http.MethodPost, r.URL(), now)
	if err != nil {
		return nil, err
	}
	req.Header = append(r.header(), req.Header...)
	req.Body = r.body()
	return req, nil
}

// Preview is the request as HTTP/1.1 text: it holds no secret.
func (r CreateClientRequest) Preview() string {
	u, ok := absoluteURL(r.URL())
	if !ok {
		return ""
	}
	return httpText(http.MethodPost, u, r.header(), r.body())
}

// CreatedClient is what create-client gave: the client's id and secret,
// its sandbox property and when both expire.
type CreatedClient struct {
	ClientID     string
	ClientSecret string
	PropertyID   int
	ExpiresAt    time.Time
}

// ParseCreatedClient reads create-client's 201 answer, {"data": [client]}.
// Its error never holds the secret.
func ParseCreatedClient(body []byte) (CreatedClient, error) {
	var answer struct {
		Data []struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
			Properties   []struct {
				ID        int    `json:"id"`
				ExpiresAt string `json:"expires_at"`
			} `json:"properties"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return CreatedClient{}, fmt.Errorf("read the created client: the answer is not JSON: %w", err)
	}
	if len(answer.Data) != 1 || answer.Data[0].ClientID == "" || answer.Data[0].ClientSecret == "" {
		return CreatedClient{}, errors.New("read the created client: the answer has no client id and secret in data")
	}
	d := answer.Data[0]
	c := CreatedClient{ClientID: d.ClientID, ClientSecret: d.ClientSecret}
	if len(d.Properties) > 0 {
		c.PropertyID = d.Properties[0].ID
		c.ExpiresAt, _ = time.Parse(time.RFC3339, d.Properties[0].ExpiresAt) // shown only when it reads
	}
	return c, nil
}
