package clientauth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBasic(t *testing.T) {
	tests := []struct{ name, id, secret, want string }{
		// base64("octoplay-demo:octoplay-demo-secret")
		{name: "plain", id: "octoplay-demo", secret: "octoplay-demo-secret", want: "Basic b2N0b3BsYXktZGVtbzpvY3RvcGxheS1kZW1vLXNlY3JldA=="},
		// base64("a%2Bb%3Ac:p+w%25") : "+" and ":" in the id, space and "%" in the secret
		{name: "form-encoded first", id: "a+b:c", secret: "p w%", want: "Basic YSUyQmIlM0FjOnArdyUyNQ=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Basic(tt.id, tt.secret))
		})
	}
}
