package snippets

import "strings"

// pythonToken is Step 1 with requests: data= sends a form, json= JSON.
func pythonToken(c tokenCall) string {
	var b strings.Builder
	b.WriteString(`# Step 1 of the OctoTable quickstart: an access token with the OAuth 2.0
# client credentials grant (RFC 6749 §4.4). Needs requests: pip install requests
import os
`)
	if c.Basic {
		b.WriteString("from urllib.parse import quote_plus\n")
	}
	b.WriteString("\nimport requests\n\nresponse = requests.post(\n    " + literal(c.URL) + ",\n")
	body := "data="
	if c.JSON {
		body = "json="
	}
	if c.Basic {
		b.WriteString(`    # HTTP Basic wants the id and the secret form-encoded first (RFC 6749
    # §2.3.1); requests sends them as they are, so quote_plus does it.
    auth=(
        quote_plus(os.environ["` + EnvClientID + `"]),
        quote_plus(os.environ["` + EnvClientSecret + `"]),
    ),
    ` + body + `{"grant_type": "client_credentials"},
`)
	} else {
		b.WriteString(`    ` + body + `{
        "grant_type": "client_credentials",
        "client_id": os.environ["` + EnvClientID + `"],
        "client_secret": os.environ["` + EnvClientSecret + `"],
    },
`)
	}
	b.WriteString(`    headers={"Accept": "application/json"},
    timeout=30,
)
` + pythonPrint)
	return b.String()
}

// pythonAPI is Step 2 with requests; a body goes as bytes, since requests
// would encode a str body as Latin-1.
func pythonAPI(c apiCall) string {
	var b strings.Builder
	b.WriteString(`# Step 2 of the OctoTable quickstart: an API call with the access token of
# Step 1 as a Bearer credential (RFC 6750 §2.1). Needs requests: pip install requests
import os

import requests

response = requests.` + strings.ToLower(c.Method) + `(
    ` + literal(c.URL) + `,
    headers={
`)
	scriptHeaders(&b, "        ", c, literal, `"Bearer " + os.environ["`+EnvToken+`"]`)
	b.WriteString("    },\n")
	if c.Body != "" {
		b.WriteString("    data=" + pythonText(c.Body) + ".encode(),\n")
	}
	b.WriteString("    timeout=30,\n)\n" + pythonPrint)
	return b.String()
}

// scriptHeaders writes Step 2's headers as the entries of a Python dict or
// a JavaScript object, each on its line: key writes a name, auth is the
// expression of Authorization's value.
func scriptHeaders(b *strings.Builder, indent string, c apiCall, key func(string) string, auth string) {
	if c.Accept {
		b.WriteString(indent + key("Accept") + ": \"application/json\",\n")
	}
	b.WriteString(indent + key("Authorization") + ": " + auth + ",\n")
	for _, f := range c.Fields {
		b.WriteString(indent + key(f.Name) + ": " + literal(f.Value) + ",\n")
	}
}

// pythonText writes a body as a Python string: as it reads, in a raw
// triple-quoted string, where it can be; else as one escaped literal.
// Python reads a carriage return in its source as a line break, so a body
// with one is escaped too.
func pythonText(s string) string {
	if !strings.Contains(s, `"""`) && !strings.ContainsRune(s, '\r') && !strings.HasSuffix(s, `"`) && !strings.HasSuffix(s, `\`) {
		return `r"""` + s + `"""`
	}
	return literal(s)
}

// pythonPrint prints the answer as it came and exits 1 on an error status.
const pythonPrint = "print(response.text)\nresponse.raise_for_status()\n"

// nodeToken is Step 1 with Node's built-in fetch (Node 18 and later). The
// script uses no import or require, so node runs it as CommonJS or as an
// ES module alike.
func nodeToken(c tokenCall) string {
	var b strings.Builder
	b.WriteString(`// Step 1 of the OctoTable quickstart: an access token with the OAuth 2.0
// client credentials grant (RFC 6749 §4.4). Node 18 or later: node step1.js
` + nodeEnv)
	if c.Basic {
		b.WriteString(`
// HTTP Basic wants the id and the secret form-encoded first (RFC 6749
// §2.3.1); encodeURIComponent does it but for !'()*, which formEncode adds.
const formEncode = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
`)
	}
	b.WriteString("\nasync function main() {\n")
	if c.Basic {
		b.WriteString(`  const credentials = formEncode(env("` + EnvClientID + `")) + ":" + formEncode(env("` + EnvClientSecret + `"));
`)
	}
	b.WriteString("  const response = await fetch(" + literal(c.URL) + ", {\n    method: \"POST\",\n    headers: {\n")
	if c.Basic {
		b.WriteString("      Authorization: \"Basic \" + Buffer.from(credentials).toString(\"base64\"),\n")
	}
	if c.JSON {
		b.WriteString("      \"Content-Type\": \"application/json\",\n")
	}
	b.WriteString("      Accept: \"application/json\",\n    },\n")
	params := `{ grant_type: "client_credentials" }`
	if !c.Basic {
		params = `{
      grant_type: "client_credentials",
      client_id: env("` + EnvClientID + `"),
      client_secret: env("` + EnvClientSecret + `"),
    }`
	}
	if c.JSON {
		b.WriteString("    body: JSON.stringify(" + params + "),\n")
	} else {
		b.WriteString("    // A URLSearchParams body goes as application/x-www-form-urlencoded.\n")
		b.WriteString("    body: new URLSearchParams(" + params + "),\n")
	}
	b.WriteString("  });\n" + nodePrint)
	return b.String()
}

// nodeAPI is Step 2 with Node's built-in fetch.
func nodeAPI(c apiCall) string {
	var b strings.Builder
	b.WriteString(`// Step 2 of the OctoTable quickstart: an API call with the access token of
// Step 1 as a Bearer credential (RFC 6750 §2.1). Node 18 or later: node step2.js
` + nodeEnv + `
async function main() {
  const response = await fetch(` + literal(c.URL) + `, {
    method: ` + literal(c.Method) + `,
    headers: {
`)
	scriptHeaders(&b, "      ", c, nodeKey, `"Bearer " + env("`+EnvToken+`")`)
	b.WriteString("    },\n")
	if c.Body != "" {
		b.WriteString("    body: " + nodeText(c.Body) + ",\n")
	}
	b.WriteString("  });\n" + nodePrint)
	return b.String()
}

// nodeKey writes a header name as an object key: bare when it is an
// identifier, quoted otherwise.
func nodeKey(name string) string {
	for i, c := range name {
		if !(c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return literal(name)
		}
	}
	return name
}

// nodeText writes a body as a JavaScript string: as it reads, in a raw
// template literal, where it can be; else as one escaped literal. A
// template literal reads a carriage return as a line feed, so a body with
// one is escaped too.
func nodeText(s string) string {
	if !strings.ContainsAny(s, "`\r") && !strings.Contains(s, "${") {
		return "String.raw`" + s + "`"
	}
	return literal(s)
}

// nodeEnv says which variable is missing, where process.env would give
// undefined and fetch would send the word "undefined".
const nodeEnv = `
function env(name) {
  const value = process.env[name];
  if (!value) throw new Error("export " + name + " first");
  return value;
}
`

// nodePrint prints the answer as it came and exits 1 on an error status.
const nodePrint = `  console.log(await response.text());
  if (!response.ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`
