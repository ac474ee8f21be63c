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

// pythonAPI is Step 2 with requests.
func pythonAPI(c apiCall) string {
	var b strings.Builder
	b.WriteString(`# Step 2 of the OctoTable quickstart: an API call with the access token of
# Step 1 as a Bearer credential (RFC 6750 §2.1). Needs requests: pip install requests
import os

import requests

response = requests.` + strings.ToLower(c.Method) + `(
    ` + literal(c.URL) + `,
    headers={
        "Accept": "application/json",
        "Authorization": "Bearer " + os.environ["` + EnvToken + `"],
`)
	if c.Property != "" {
		b.WriteString("        \"Property\": " + literal(c.Property) + ",\n")
	}
	b.WriteString("    },\n    timeout=30,\n)\n" + pythonPrint)
	return b.String()
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
      Accept: "application/json",
      Authorization: "Bearer " + env("` + EnvToken + `"),
`)
	if c.Property != "" {
		b.WriteString("      Property: " + literal(c.Property) + ",\n")
	}
	b.WriteString("    },\n  });\n" + nodePrint)
	return b.String()
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
