package snippets

import (
	"strings"

	"octoplay/app/quickstart"
)

// The shell snippets (curl and HTTPie) are bash: the form-encoding that
// HTTP Basic needs is a bash function rather than a tool that a fresh
// Debian or macOS may lack (python3, jq, curl 8.3's --variable).

// formEncodeFunc defines form_encode, for a tool whose Basic option sends
// the id and the secret as they are. It form-encodes a value byte by byte,
// keeping only RFC 3986's unreserved characters, as Go's url.QueryEscape
// does (but for the space, which it writes %20: both read back as a
// space). LC_ALL=C makes ${s:i:1} a byte, not a character.
func formEncodeFunc(option string) string {
	return "# HTTP Basic wants the id and the secret form-encoded first (RFC 6749 §2.3.1);\n" +
		"# " + option + " sends them as they are, so form_encode does it.\n" + formEncodeBody
}

const formEncodeBody = `form_encode() {
  local LC_ALL=C s=$1 i c
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) printf '%s' "$c" ;;
      *) printf '%%%02X' "'$c" ;;
    esac
  done
}
`

// jsonStringFunc writes a value as a JSON string (RFC 8259 §7); the bytes
// of a UTF-8 character pass as they are.
const jsonStringFunc = `# json_string writes a JSON string: a " or \ in a credential would break a
# body written by hand.
json_string() {
  local LC_ALL=C s=$1 i c
  printf '"'
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [\"\\]) printf '\\%s' "$c" ;;
      [[:cntrl:]]) printf '\\u%04X' "'$c" ;;
      *) printf '%s' "$c" ;;
    esac
  done
  printf '"'
}
`

// basicPair is the user:password of HTTP Basic, form-encoded at run time.
const basicPair = `"$(form_encode "$` + EnvClientID + `"):$(form_encode "$` + EnvClientSecret + `")"`

// ignoreStdin says why every HTTPie snippet passes --ignore-stdin.
const ignoreStdin = "# --ignore-stdin: in a script stdin is no terminal, and HTTPie would send it as the body.\n"

// ShellQuote quotes s for bash: in double quotes, as the quickstart writes
// URLs, unless s holds a character that double quotes would still expand
// or end on; then in single quotes, where nothing is special but the quote.
// The server's banner quotes with it too.
func ShellQuote(s string) string {
	if !strings.ContainsAny(s, "$`\\!\"\n") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// command writes a command over several lines, as the quickstart does.
func command(lines ...string) string { return strings.Join(lines, " \\\n") + "\n" }

// curlToken is the quickstart's curl, with the playground's choices.
func curlToken(c tokenCall) string {
	var b strings.Builder
	lines := []string{"curl --location " + ShellQuote(c.URL)}
	if c.Basic {
		b.WriteString(formEncodeFunc("curl's --user"))
		lines = append(lines, "--user "+basicPair)
	}
	if !c.JSON {
		lines = append(lines, `--data-urlencode "grant_type=client_credentials"`)
		if !c.Basic {
			lines = append(lines,
				`--data-urlencode "client_id=$`+EnvClientID+`"`,
				`--data-urlencode "client_secret=$`+EnvClientSecret+`"`)
		}
		b.WriteString(command(lines...))
		return b.String()
	}
	lines = append(lines, `--header "Content-Type: application/json"`, `--header "Accept: application/json"`)
	if c.Basic {
		lines = append(lines, `--data '{"grant_type": "client_credentials"}'`)
		b.WriteString(command(lines...))
		return b.String()
	}
	// The body comes from a here-document: readable, and the secret stays
	// out of curl's arguments, which other users of the machine can list.
	b.WriteString(jsonStringFunc)
	b.WriteString(command(append(lines, "--data @- <<EOF")...))
	b.WriteString(`{"grant_type": "client_credentials", "client_id": $(json_string "$` + EnvClientID +
		`"), "client_secret": $(json_string "$` + EnvClientSecret + `")}` + "\nEOF\n")
	return b.String()
}

// curlAPI is the quickstart's Step 2 curl, with the body as it goes
// (--data-raw: no @file reading, no stripped line breaks).
func curlAPI(c apiCall) string {
	first := "curl -X " + c.Method + " " + ShellQuote(c.URL)
	if c.Method == "HEAD" {
		first = "curl --head " + ShellQuote(c.URL) // -X HEAD would wait for a body that never comes
	}
	lines := []string{first}
	if c.Accept {
		lines = append(lines, `-H "Accept: application/json"`)
	}
	lines = append(lines, `-H "Authorization: Bearer $`+EnvToken+`"`)
	for _, f := range c.Fields {
		lines = append(lines, "-H "+ShellQuote(headerItem(f, ": ", ";")))
	}
	if c.Body != "" {
		lines = append(lines, "--data-raw "+ShellQuote(c.Body))
	}
	return command(lines...)
}

// headerItem writes a header as curl's -H and HTTPie's items take it: name,
// sep, value; both read a header with nothing after its colon as one to
// leave out, and want empty instead to send it with an empty value.
func headerItem(f quickstart.Header, sep, empty string) string {
	if f.Value == "" {
		return f.Name + empty
	}
	return f.Name + sep + f.Value
}

// httpieToken sends the items as a form with --form, else as HTTPie's
// default JSON object. HTTPie reads a backslash before : = @ or ; in an item
// as an escape and drops it, with no way to keep it: a secret holding such a
// pair needs another language.
func httpieToken(c tokenCall) string {
	var b strings.Builder
	// HTTPie takes its options before the method and the URL, never after.
	first := "http --ignore-stdin --form"
	if c.JSON {
		first = "http --ignore-stdin"
	}
	var lines []string
	if c.Basic {
		b.WriteString(formEncodeFunc("HTTPie's --auth"))
		lines = append(lines, first+" --auth "+basicPair, "POST "+ShellQuote(c.URL))
	} else {
		lines = append(lines, first+" POST "+ShellQuote(c.URL))
	}
	lines = append(lines, "grant_type=client_credentials")
	if !c.Basic {
		lines = append(lines, `client_id="$`+EnvClientID+`"`, `client_secret="$`+EnvClientSecret+`"`)
	}
	b.WriteString(ignoreStdin)
	b.WriteString(command(lines...))
	return b.String()
}

// httpieAPI is Step 2 with HTTPie's Header:value items, and the body as it
// goes with --raw (HTTPie 3 or later), which as an option comes before the
// method. HTTPie drops a backslash before : = @ or ; in an item, with no
// way to keep it: a header value holding such a pair needs another
// language.
func httpieAPI(c apiCall) string {
	lines := []string{"http --ignore-stdin " + c.Method + " " + ShellQuote(c.URL)}
	if c.Body != "" {
		lines = []string{"http --ignore-stdin", "--raw " + ShellQuote(c.Body), c.Method + " " + ShellQuote(c.URL)}
	}
	if c.Accept {
		lines = append(lines, `"Accept:application/json"`)
	}
	lines = append(lines, `"Authorization:Bearer $`+EnvToken+`"`)
	for _, f := range c.Fields {
		lines = append(lines, ShellQuote(headerItem(f, ":", ";")))
	}
	return ignoreStdin + command(lines...)
}
