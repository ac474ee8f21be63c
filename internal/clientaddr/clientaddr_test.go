package clientaddr

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKey(t *testing.T) {
	tests := []struct{ remote, want string }{
		{"203.0.113.7:5555", "203.0.113.7"},
		{"[::ffff:203.0.113.7]:5555", "203.0.113.7"},
		{"[2001:db8:1:2:3:4:5:6]:5555", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:443", "fe80::/64"},
		{"203.0.113.7", "203.0.113.7"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			assert.Equal(t, tt.want, Key(tt.remote))
		})
	}
}

func TestOf(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	r.RemoteAddr = "[2001:db8:1:2::9]:443"
	assert.Equal(t, "2001:db8:1:2::/64", Of(r), "the connection's address")
	r = r.WithContext(WithAddr(context.Background(), "203.0.113.7"))
	assert.Equal(t, "203.0.113.7", Of(r), "the outer client's address, put in the context in-process")
	_, ok := From(context.Background())
	assert.False(t, ok)
}

func TestRange(t *testing.T) {
	tests := []struct{ key, want string }{
		{"203.0.113.7", "203.0.113.0/24"},
		{"203.0.113.250", "203.0.113.0/24"},
		{"2001:db8:1:2::/64", "2001:db8:1::/48"},
		{"2001:db8:1:ffff::/64", "2001:db8:1::/48"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			assert.Equal(t, tt.want, Range(tt.key))
		})
	}
}
