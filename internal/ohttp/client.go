package ohttp

import (
	"context"
	"errors"
	"fmt"

	"octoplay/internal/bhttp"
)

// Transport moves a sealed request to the gateway and returns its sealed
// answer (the browser implements it with fetch, tests with net/http). It
// should send Content-Type message/ohttp-req, expect message/ohttp-res, and
// bound what it reads.
type Transport func(ctx context.Context, encapsulatedRequest []byte) ([]byte, error)

// Client sends Binary HTTP requests through an Oblivious HTTP gateway.
type Client struct {
	// ResponseLimits bounds the decoded response; zero fields take
	// bhttp.DefaultLimits.
	ResponseLimits bhttp.Limits

	sealer    *sealer
	transport Transport
}

// NewClient returns a client for the first of keyConfigs whose KEM, KDF and
// AEAD it supports, with the first supported suite of that configuration.
// Gateway.KeyConfigs lists X-Wing keys first, so the client ends up on X-Wing.
func NewClient(keyConfigs []KeyConfig, t Transport) (*Client, error) {
	if t == nil {
		return nil, errors.New("ohttp: nil transport")
	}
	var errs []error
	for _, cfg := range keyConfigs {
		s, err := newSealer(cfg)
		if err == nil {
			return &Client{sealer: s, transport: t}, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, errorf(ErrUnsupportedSuite, "no key configuration")
	}
	return nil, fmt.Errorf("ohttp: no usable key configuration: %w", errors.Join(errs...))
}

// Suite returns the suite the client seals with.
func (c *Client) Suite() Suite { return c.sealer.hdr.suite }

// KeyID returns the identifier of the gateway key the client seals to.
func (c *Client) KeyID() uint8 { return c.sealer.hdr.keyID }

// Do encodes req, seals it, sends it through the transport, opens the answer
// and decodes it.
func (c *Client) Do(ctx context.Context, req *bhttp.Request) (*bhttp.Response, error) {
	plain, err := req.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("ohttp: encode request: %w", err)
	}
	sealed, rc, err := c.sealer.seal(plain)
	if err != nil {
		return nil, err
	}
	answer, err := c.transport(ctx, sealed)
	if err != nil {
		return nil, fmt.Errorf("ohttp: transport: %w", err)
	}
	opened, err := rc.OpenResponse(answer)
	if err != nil {
		return nil, err
	}
	resp, err := bhttp.UnmarshalResponse(opened, c.ResponseLimits)
	if err != nil {
		return nil, fmt.Errorf("ohttp: decode response: %w", err)
	}
	return resp, nil
}
