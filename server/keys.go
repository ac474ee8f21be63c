//go:build !js

package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"octoplay/internal/ohttp"
)

// newRelayKeys makes the two keys a gateway offers when it is given none:
// X-Wing first (a sealed blob kept in a HAR file should not fall to a
// future quantum computer), then DHKEM(X25519). Their key ids are random,
// so a client holding another instance's configuration gets RFC 9458's key
// problem and fetches the keys again, rather than a decryption failure.
func newRelayKeys() ([]*ohttp.PrivateKey, error) {
	var ids [2]byte
	for ids[0] == ids[1] {
		if _, err := rand.Read(ids[:]); err != nil {
			return nil, fmt.Errorf("new relay keys: %w", err)
		}
	}
	xwing, err := ohttp.GenerateKey(ids[0], ohttp.KEMXWing)
	if err != nil {
		return nil, fmt.Errorf("new relay keys: %w", err)
	}
	x25519, err := ohttp.GenerateKey(ids[1], ohttp.KEMX25519)
	if err != nil {
		return nil, fmt.Errorf("new relay keys: %w", err)
	}
	return []*ohttp.PrivateKey{xwing, x25519}, nil
}

// parseRelayKeys reads a comma-separated list of keys in the form
// PrivateKey.SecretText writes. Errors never hold key material.
func parseRelayKeys(list string) ([]*ohttp.PrivateKey, error) {
	var keys []*ohttp.PrivateKey
	for i, text := range strings.Split(list, ",") {
		if strings.TrimSpace(text) == "" {
			continue
		}
		k, err := ohttp.ParsePrivateKey(text)
		if err != nil {
			return nil, fmt.Errorf("parse relay keys: key %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// relayGateway holds the current keys, published, and the previous ones,
// which still open requests until the grace period ends or ctx is done:
// clients that fetched the old configuration keep working through a
// rotation.
func relayGateway(ctx context.Context, cfg Config, logger *slog.Logger) (*ohttp.Gateway, error) {
	current, err := parseRelayKeys(cfg.RelayKeys)
	if err != nil {
		return nil, err
	}
	if len(current) == 0 {
		if current, err = newRelayKeys(); err != nil {
			return nil, err
		}
	}
	previous, err := parseRelayKeys(cfg.RelayPreviousKeys)
	if err != nil {
		return nil, err
	}
	gw, err := ohttp.NewGateway(append(current, previous...)...)
	if err != nil {
		return nil, fmt.Errorf("relay gateway: %w (current and previous keys need distinct key ids: make another pair with -new-relay-key)", err)
	}
	for _, k := range previous {
		gw.RetireKey(k.KeyID())
	}
	if len(previous) > 0 {
		go removeAfterGrace(ctx, gw, previous, cfg.RelayKeyGrace, logger)
	}
	for _, k := range current {
		logger.Info("relay key", "key_id", k.KeyID(), "kem", fmt.Sprintf("0x%04x", k.KEM()))
	}
	return gw, nil
}

// removeAfterGrace removes the previous keys from the gateway once the
// grace period is over, or gives up when ctx is done: the server that
// holds the gateway has stopped, and nothing keeps it alive.
func removeAfterGrace(ctx context.Context, gw *ohttp.Gateway, previous []*ohttp.PrivateKey, grace time.Duration, logger *slog.Logger) {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return
	case <-timer.C:
	}
	for _, k := range previous {
		gw.RemoveKey(k.KeyID())
	}
	logger.Info("relay: previous keys removed after the grace period", "count", len(previous))
}

// printNewRelayKeys writes a fresh pair of keys for OCTOPLAY_RELAY_KEY, for
// operators who run several instances behind one name.
func printNewRelayKeys(w io.Writer) error {
	keys, err := newRelayKeys()
	if err != nil {
		return err
	}
	var texts []string
	for _, k := range keys {
		t, err := k.SecretText()
		if err != nil {
			return fmt.Errorf("print new relay keys: %w", err)
		}
		texts = append(texts, t)
	}
	_, err = fmt.Fprintln(w, strings.Join(texts, ","))
	return err
}
