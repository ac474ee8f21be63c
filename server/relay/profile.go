package relay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"

	"octoplay/internal/bhttp"
	"octoplay/internal/clientauth"
	"octoplay/internal/wire"
)

var errProfile = errors.New("profile")

// applyProfile adds the credentials of the profile a token request names,
// in the body or as HTTP Basic, as the request chose, and returns them (nil
// when the request names none), so that the answer can be scrubbed of the
// secret (scrub.go). A request that names a profile must carry no
// credentials of its own: the gateway never has to choose between two
// secrets. It asks for an answer without content coding: one the gateway
// can read through for the secret.
func applyProfile(t *target, req *bhttp.Request) (*Credentials, error) {
	name, style := req.Header.Get(wire.HeaderProfile), req.Header.Get(wire.HeaderClientAuth)
	req.Header.Del(wire.HeaderProfile)
	req.Header.Del(wire.HeaderClientAuth)
	if name == "" {
		return nil, nil
	}
	if t.kind != tokenTarget {
		return nil, fmt.Errorf("%w: a profile applies to the token request only", errProfile)
	}
	creds, ok := t.env.Profiles[name]
	if !ok {
		return nil, fmt.Errorf("%w: environment %s has no profile %q", errProfile, t.env.Name, name)
	}
	if req.Header.Get("authorization") != "" {
		return nil, fmt.Errorf("%w: the request names profile %q and also carries an Authorization header", errProfile, name)
	}
	form, isJSON, err := tokenParams(req)
	if err != nil {
		return nil, err
	}
	for k := range form {
		// Any spelling: a JSON upstream may match field names without case.
		if strings.EqualFold(k, "client_secret") {
			return nil, fmt.Errorf("%w: the request names profile %q and also carries a client_secret", errProfile, name)
		}
	}
	req.Header.Set("accept-encoding", "identity")
	switch style {
	case wire.ClientAuthBasic:
		req.Header.Set("authorization", clientauth.Basic(creds.ClientID, creds.ClientSecret))
		delete(form, "client_id")
	case "", wire.ClientAuthBody:
		form["client_id"] = creds.ClientID
		form["client_secret"] = creds.ClientSecret
	default:
		return nil, fmt.Errorf("%w: %s must be %s or %s, not %q", errProfile, wire.HeaderClientAuth, wire.ClientAuthBody, wire.ClientAuthBasic, style)
	}
	if err := setTokenParams(req, form, isJSON); err != nil {
		return nil, err
	}
	return &creds, nil
}

// tokenParams reads a token request's body as form or JSON parameters.
func tokenParams(req *bhttp.Request) (map[string]any, bool, error) {
	mt, _, err := mime.ParseMediaType(req.Header.Get("content-type"))
	if err != nil && len(req.Body) > 0 {
		return nil, false, fmt.Errorf("%w: the token request's Content-Type is not a media type", errProfile)
	}
	params := map[string]any{}
	switch {
	case len(req.Body) == 0:
		return params, mt == "application/json", nil
	case mt == "application/json":
		// UseNumber: a number goes back upstream as it came, not as a float64.
		dec := json.NewDecoder(bytes.NewReader(req.Body))
		dec.UseNumber()
		// A JSON null decodes to a nil map, which the profile cannot fill.
		if err := dec.Decode(&params); err != nil || params == nil || !atEOF(dec) {
			return nil, false, fmt.Errorf("%w: the token request's JSON body is not an object", errProfile)
		}
		return params, true, nil
	case mt == "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(string(req.Body))
		if err != nil {
			return nil, false, fmt.Errorf("%w: the token request's form body is not valid form encoding", errProfile)
		}
		for k, v := range values {
			if len(v) != 1 {
				return nil, false, fmt.Errorf("%w: parameter %q is repeated", errProfile, k)
			}
			params[k] = v[0]
		}
		return params, false, nil
	default:
		return nil, false, fmt.Errorf("%w: the token request's body must be form or JSON, not %q", errProfile, mt)
	}
}

// atEOF says whether nothing but white space follows what dec decoded.
func atEOF(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}

func setTokenParams(req *bhttp.Request, params map[string]any, isJSON bool) error {
	if isJSON {
		b, err := json.Marshal(params)
		if err != nil {
			return fmt.Errorf("%w: encode JSON body: %v", errProfile, err)
		}
		req.Body = b
		req.Header.Set("content-type", "application/json")
		return nil
	}
	values := url.Values{}
	for k, v := range params {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: parameter %q is not a string", errProfile, k)
		}
		values.Set(k, s)
	}
	req.Body = []byte(values.Encode())
	req.Header.Set("content-type", "application/x-www-form-urlencoded")
	return nil
}
