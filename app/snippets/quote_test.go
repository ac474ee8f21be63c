package snippets

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "https://api.octotable.com/api/v2/", want: `"https://api.octotable.com/api/v2/"`},
		{in: "/r?limit=5&start_date=2026-04-01", want: `"/r?limit=5&start_date=2026-04-01"`},
		{in: "it's", want: `"it's"`},
		{in: "$HOME", want: `'$HOME'`},
		{in: "it's $HOME", want: `'it'\''s $HOME'`},
		{in: "a`b", want: "'a`b'"},
		{in: `a\b`, want: `'a\b'`},
		{in: `a"b`, want: `'a"b'`},
		{in: "a!b", want: `'a!b'`},
		{in: "client_id=octoplay-demo", want: `"client_id=octoplay-demo"`},
		{in: "client_secret=a$b", want: `'client_secret=a$b'`},
		{in: "x`y`", want: "'x`y`'"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ShellQuote(tt.in), tt.in)
	}
}

// What bash makes of a quoted word is the word itself.
func TestShellQuoteRoundTripsThroughBash(t *testing.T) {
	testkit.NeedCommand(t, "bash", "apt-get install bash")
	for _, s := range []string{"plain", "it's $HOME `id` \\ \" ! &;|<>()*?[]{}~#", "''", "\n"} {
		out, err := exec.Command("bash", "-c", "printf '%s' "+ShellQuote(s)).Output()
		require.NoError(t, err, s)
		assert.Equal(t, s, string(out))
	}
}

func TestLiteral(t *testing.T) {
	assert.Equal(t, `"https://x/r?a=1&b=<2>"`, literal("https://x/r?a=1&b=<2>"), "no HTML escaping")
	assert.Equal(t, `"a\"b\\c\nd"`, literal("a\"b\\c\nd"))
	assert.Equal(t, `"café"`, literal("café"))
}

// The bash helpers agree with Go's own encoders on every printable ASCII
// character, on UTF-8 and on control characters, whatever the locale.
func TestShellHelpersMatchGo(t *testing.T) {
	testkit.NeedCommand(t, "bash", "apt-get install bash")
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	values := []string{ascii.String(), "p+ss:w%rd é€😀", "tab\there\x01", "-leading-dash", ""}
	for _, locale := range []string{"C.UTF-8", "C"} {
		for _, v := range values {
			run := func(fn, call string) string {
				cmd := exec.Command("bash", "-c", fn+call+` "$1"`, "bash", v)
				cmd.Env = append(os.Environ(), "LC_ALL="+locale, "LANG="+locale)
				out, err := cmd.Output()
				require.NoError(t, err)
				return string(out)
			}
			assert.Equal(t, strings.ReplaceAll(url.QueryEscape(v), "+", "%20"), run(formEncodeBody, "form_encode"), "%s %q", locale, v)
			var back string
			got := run(jsonStringFunc, "json_string")
			require.NoError(t, json.Unmarshal([]byte(got), &back), got)
			assert.Equal(t, v, back, "%s %q", locale, v)
		}
	}
}
