package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// The sandbox client the bench gives the server and the reference sandbox.
const (
	benchClientID     = "octoplay-bench"
	benchClientSecret = "octoplay-bench-secret"
)

// tokenForm is Step 1 as the quickstart sends it, for the bench's client.
var tokenForm = url.Values{
	"grant_type":    {"client_credentials"},
	"client_id":     {benchClientID},
	"client_secret": {benchClientSecret},
}.Encode()

// plainSender posts Step 1 in the clear, as to the sandbox or the proxy.
// It makes nothing before a run and checks each answer as it comes.
func plainSender(client *http.Client, tokenURL string) func() (sender, func() error, error) {
	send := func(ctx context.Context, _ int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(tokenForm))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, err = answerOf(client, req, "application/json")
		return err
	}
	return func() (sender, func() error, error) { return send, func() error { return nil }, nil }
}

// relayKeys fetches the relay's key configurations by KEM.
func relayKeys(ctx context.Context, client *http.Client, base string) (map[uint16]ohttp.KeyConfig, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+wire.RelayKeysPath, nil)
	if err != nil {
		return nil, err
	}
	body, err := answerOf(client, req, ohttp.MediaTypeKeys)
	if err != nil {
		return nil, fmt.Errorf("bench: relay keys: %w", err)
	}
	configs, err := ohttp.ParseKeyConfigs(body)
	if err != nil {
		return nil, fmt.Errorf("bench: relay keys: %w", err)
	}
	byKEM := make(map[uint16]ohttp.KeyConfig)
	for _, c := range configs {
		byKEM[c.KEM] = c
	}
	if _, ok := byKEM[ohttp.KEMX25519]; !ok {
		return nil, errors.New("bench: the relay offers no X25519 key")
	}
	if _, ok := byKEM[ohttp.KEMXWing]; !ok {
		return nil, errors.New("bench: the relay offers no X-Wing key")
	}
	return byKEM, nil
}

// sealedSender seals, when called, n Step 1 requests to tokenURL through
// the relay at base, each with its own encapsulated key (the relay refuses
// a replay) and a fresh Date. Its sender posts request i and keeps the
// sealed answer; its check opens every answer kept, after the run, and
// fails unless each is the token endpoint's 200.
func sealedSender(client *http.Client, base, tokenURL string, cfg ohttp.KeyConfig, n int) func() (sender, func() error, error) {
	return func() (sender, func() error, error) {
		target, err := url.Parse(tokenURL)
		if err != nil {
			return nil, nil, err
		}
		sealed := make([][]byte, n)
		contexts := make([]*ohttp.ClientContext, n)
		answers := make([][]byte, n)
		for i := range n {
			inner := &bhttp.Request{Method: http.MethodPost, Scheme: target.Scheme, Authority: target.Host, Path: target.Path, Body: []byte(tokenForm)}
			inner.Header.Set("content-type", "application/x-www-form-urlencoded")
			inner.Header.Set("date", time.Now().UTC().Format(http.TimeFormat))
			plain, err := inner.MarshalBinary()
			if err != nil {
				return nil, nil, err
			}
			if sealed[i], contexts[i], err = ohttp.SealRequest(cfg, plain); err != nil {
				return nil, nil, err
			}
		}
		send := func(ctx context.Context, i int) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+wire.RelayPath, bytes.NewReader(sealed[i]))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
			answers[i], err = answerOf(client, req, ohttp.MediaTypeResponse)
			return err
		}
		check := func() error {
			for i, answer := range answers {
				if answer == nil {
					continue // not sent: the run ran out of time
				}
				if err := checkSealedAnswer(contexts[i], answer); err != nil {
					return err
				}
			}
			return nil
		}
		return send, check, nil
	}
}

// checkSealedAnswer opens a sealed answer and fails unless it is a 200.
func checkSealedAnswer(ctx *ohttp.ClientContext, answer []byte) error {
	opened, err := ctx.OpenResponse(answer)
	if err != nil {
		return err
	}
	res, err := bhttp.UnmarshalResponse(opened, bhttp.DefaultLimits)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK {
		return fmt.Errorf("the upstream answered %d through the relay: %.200s", res.Status, res.Body)
	}
	return nil
}

// answerOf sends req and returns the body of a 200 of the given media type.
func answerOf(client *http.Client, req *http.Request, mediaType string) ([]byte, error) {
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), mediaType) {
		return nil, fmt.Errorf("%s answered %s %s: %.200s", req.URL.Path, res.Status, res.Header.Get("Content-Type"), body)
	}
	return body, nil
}
