package quickstart_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

func TestCreateClientRequestIsOctoTablesCreateClient(t *testing.T) {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox" + wire.TokenPath}
	r := quickstart.CreateClientRequest{Env: env, PropertyName: "My sandbox restaurant"}
	req, err := r.Build(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/sandbox"+wire.CreateClientPath, req.Path)
	assert.Equal(t, "application/json", req.Header.Get("content-type"))
	assert.JSONEq(t, `{"redirect_uri": "https://example.com/callback", "sandbox_property": {"name": "My sandbox restaurant"}}`, string(req.Body))
	assert.Contains(t, r.Preview(), "POST /sandbox"+wire.CreateClientPath+" HTTP/1.1\nHost: 127.0.0.1:8080\n")

	_, err = quickstart.CreateClientRequest{}.Build(time.Now())
	assert.Error(t, err, "no environment, no request")
}

func TestParseCreatedClient(t *testing.T) {
	c, err := quickstart.ParseCreatedClient([]byte(`{"data": [{"client_id": "public_0001e848-6950a1c0-0a0b0c0d-0123456789abcdef", "client_secret": "9d2f0d38-8e4a-4c49-a0b5-1f7f0d0c2b11",
		"id": 2000123, "username": "", "password": "", "properties": [{"id": 2000123, "name": "My sandbox restaurant", "enabled": true, "sandbox": true, "expires_at": "2026-12-08T12:00:00Z"}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, "public_0001e848-6950a1c0-0a0b0c0d-0123456789abcdef", c.ClientID)
	assert.Equal(t, "9d2f0d38-8e4a-4c49-a0b5-1f7f0d0c2b11", c.ClientSecret)
	assert.Equal(t, 2000123, c.PropertyID)
	assert.Equal(t, time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC), c.ExpiresAt)

	for _, bad := range []string{`nope`, `{"data": []}`, `{"data": [{"client_id": "x"}]}`, `{"data": [{"client_id": "x", "client_secret": "s3cret"}, {}]}`} {
		_, err := quickstart.ParseCreatedClient([]byte(bad))
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "s3cret")
	}
}
