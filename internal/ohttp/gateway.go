package ohttp

import (
	"crypto/hpke"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
)

// Gateway opens requests sealed to any of its keys (RFC 9458 §4.3) and
// publishes their configurations (§3.2). It is safe for concurrent use, keys
// included: a key can be rotated while requests are being opened.
//
// To rotate a key without failing clients that still hold the old
// configuration, add the new key, retire the old one (it is no longer
// published but still opens requests), and remove it after a grace period
// longer than clients cache the configuration.
type Gateway struct {
	mu      sync.RWMutex
	keys    []*PrivateKey // in the order they were added
	retired map[uint8]bool
}

// NewGateway returns a gateway holding keys, which must have distinct key
// identifiers.
func NewGateway(keys ...*PrivateKey) (*Gateway, error) {
	g := &Gateway{retired: map[uint8]bool{}}
	for _, k := range keys {
		if err := g.AddKey(k); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// AddKey adds and publishes k. Its key identifier must not be in use.
func (g *Gateway) AddKey(k *PrivateKey) error {
	if k == nil {
		return fmt.Errorf("ohttp: add nil key")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lookup(k.keyID) != nil {
		return fmt.Errorf("ohttp: key id %d is already in use", k.keyID)
	}
	g.keys = append(g.keys, k)
	return nil
}

// RetireKey stops publishing the key keyID but keeps opening requests sealed
// to it. It reports whether the gateway holds that key.
func (g *Gateway) RetireKey(keyID uint8) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lookup(keyID) == nil {
		return false
	}
	g.retired[keyID] = true
	return true
}

// RemoveKey forgets the key keyID: requests sealed to it fail with
// ErrUnknownKey from then on. It reports whether the gateway held that key.
func (g *Gateway) RemoveKey(keyID uint8) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.IndexFunc(g.keys, func(k *PrivateKey) bool { return k.keyID == keyID })
	if i < 0 {
		return false
	}
	g.keys = slices.Delete(g.keys, i, i+1)
	delete(g.retired, keyID)
	return true
}

// lookup returns the key keyID, or nil. The caller holds g.mu.
func (g *Gateway) lookup(keyID uint8) *PrivateKey {
	for _, k := range g.keys {
		if k.keyID == keyID {
			return k
		}
	}
	return nil
}

// KeyConfigs returns the "application/ohttp-keys" list (RFC 9458 §3.2) of the
// keys not retired, X-Wing keys first: a client that takes the first
// configuration it supports thus ends up post-quantum when it can.
func (g *Gateway) KeyConfigs() []byte {
	g.mu.RLock()
	var configs []KeyConfig
	for _, k := range g.keys {
		if !g.retired[k.keyID] {
			configs = append(configs, k.Config())
		}
	}
	g.mu.RUnlock()
	slices.SortStableFunc(configs, func(a, b KeyConfig) int {
		return boolRank(a.KEM != KEMXWing) - boolRank(b.KEM != KEMXWing)
	})
	b, err := MarshalKeyConfigs(configs)
	if err != nil {
		// Configurations made by PrivateKey.Config always encode.
		panic("ohttp: own key configuration does not encode: " + err.Error())
	}
	return b
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OpenedRequest is a request the gateway has opened, with what it needs to
// seal the response.
type OpenedRequest struct {
	// Request is the plaintext: a Binary HTTP request (RFC 9292).
	Request []byte
	// KeyID, KEM, KDF and AEAD are those the request was sealed with.
	KeyID          uint8
	KEM, KDF, AEAD uint16
	// Enc is the request's encapsulated key. HPKE draws a fresh one for every
	// request, so a gateway can refuse one it has seen recently as a replay
	// (RFC 9458 §6.5).
	Enc []byte

	ctx    *hpke.Recipient
	params suiteParams
}

// OpenRequest decapsulates and decrypts a request (RFC 9458 §4.3). Errors
// wrap ErrMalformed, ErrUnknownKey, ErrUnsupportedSuite or ErrDecrypt.
func (g *Gateway) OpenRequest(encapsulated []byte) (*OpenedRequest, error) {
	hdr, err := parseHeader(encapsulated)
	if err != nil {
		return nil, err
	}
	g.mu.RLock()
	key := g.lookup(hdr.keyID)
	g.mu.RUnlock()
	if key == nil {
		return nil, errorf(ErrUnknownKey, "key id %d", hdr.keyID)
	}
	if hdr.suite.KEM != key.kemID || !key.offers(hdr.suite.KDF, hdr.suite.AEAD) {
		return nil, errorf(ErrUnsupportedSuite, "key %d does not offer %s", hdr.keyID, hdr.suite)
	}
	params, err := hdr.suite.params()
	if err != nil {
		return nil, err
	}
	rest := encapsulated[headerSize:]
	if len(rest) < params.kem.encSize+tagSize {
		return nil, errorf(ErrMalformed, "encapsulated request of %d bytes is cut short", len(encapsulated))
	}
	enc, ct := rest[:params.kem.encSize], rest[params.kem.encSize:]
	recipient, err := hpke.NewRecipient(enc, key.key.priv, params.kdf.kdf, params.aead.aead, hdr.info())
	if err != nil {
		// A public key that is not a point, or one of small order: what
		// the client sent is not a valid encapsulation.
		return nil, errorf(ErrDecrypt, "encapsulated key does not decapsulate")
	}
	request, err := recipient.Open(nil, ct)
	if err != nil {
		return nil, errorf(ErrDecrypt, "request does not authenticate")
	}
	return &OpenedRequest{
		Request: request,
		KeyID:   hdr.keyID,
		KEM:     hdr.suite.KEM,
		KDF:     hdr.suite.KDF,
		AEAD:    hdr.suite.AEAD,
		Enc:     append([]byte(nil), enc...),
		ctx:     recipient,
		params:  params,
	}, nil
}

// Suite returns the suite the request was sealed with.
func (o *OpenedRequest) Suite() Suite { return Suite{KEM: o.KEM, KDF: o.KDF, AEAD: o.AEAD} }

// SealResponse encapsulates a Binary HTTP response to the client that sealed
// the request (RFC 9458 §4.4), with a fresh random response nonce.
func (o *OpenedRequest) SealResponse(response []byte) ([]byte, error) {
	nonce := make([]byte, o.params.responseNonceSize())
	_, _ = rand.Read(nonce) // never fails: crypto/rand.Read crashes the program rather than return an error
	return o.sealResponseWithNonce(response, nonce)
}

// sealResponseWithNonce is SealResponse with a given nonce, so that tests can
// reproduce RFC 9458 Appendix A.
func (o *OpenedRequest) sealResponseWithNonce(response, nonce []byte) ([]byte, error) {
	return sealResponse(o.ctx, o.params, o.Enc, nonce, response)
}
