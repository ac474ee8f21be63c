package snippets

import "strings"

// goToken is Step 1 in Go. A form goes through golang.org/x/oauth2's
// clientcredentials, which is what a Go program would use; it only ever
// sends a form (RFC 6749 §4.4.2), so the JSON the quickstart's table shows
// is sent with net/http.
func goToken(c tokenCall) string {
	if c.JSON {
		return goJSONToken(c)
	}
	style := "\t\t// The id and the secret in the body. Left unset, x/oauth2 would guess,\n" +
		"\t\t// and a wrong guess sends the secret twice.\n" +
		"\t\tAuthStyle: oauth2.AuthStyleInParams,\n"
	if c.Basic {
		style = "\t\t// HTTP Basic: x/oauth2 form-encodes the id and the secret first, as\n" +
			"\t\t// RFC 6749 §2.3.1 says. Left unset, it would guess, and a wrong guess\n" +
			"\t\t// sends the secret twice.\n" +
			"\t\tAuthStyle: oauth2.AuthStyleInHeader,\n"
	}
	return `// Step 1 of the OctoTable quickstart: an access token with the OAuth 2.0
// client credentials grant (RFC 6749 §4.4), through golang.org/x/oauth2.
// In a module: go mod init example && go get golang.org/x/oauth2 && go run .
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	config := clientcredentials.Config{
		ClientID:     os.Getenv("` + EnvClientID + `"),
		ClientSecret: os.Getenv("` + EnvClientSecret + `"),
		TokenURL:     ` + literal(c.URL) + `,
` + style + `	}
	token, err := config.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	// OctoTable names the token's type "type"; x/oauth2 reads the standard
	// "token_type" (RFC 6749 §5.1) and, finding none, takes Bearer, which
	// is right. It turns expires_in into token.Expiry and leaves
	// token.ExpiresIn 0: the answer's own field is what the server said.
	out, err := json.MarshalIndent(map[string]any{
		"access_token": token.AccessToken,
		"expires_in":   token.Extra("expires_in"),
		"type":         token.Extra("type"),
		"token_type":   token.Type(),
	}, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(append(out, '\n'))
}
`
}

// goJSONToken is Step 1 with a JSON body, in net/http.
func goJSONToken(c tokenCall) string {
	var b strings.Builder
	b.WriteString(`// Step 1 of the OctoTable quickstart: an access token with the OAuth 2.0
// client credentials grant (RFC 6749 §4.4), in JSON as the quickstart's
// table shows. golang.org/x/oauth2 only sends a form, so this uses net/http.
// Run it: go run step1.go
package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
`)
	if c.Basic {
		b.WriteString("\t\"net/url\"\n")
	}
	b.WriteString(`	"os"
)

func main() {
	body, err := json.Marshal(map[string]string{
`)
	if c.Basic {
		b.WriteString("\t\t\"grant_type\": \"client_credentials\",\n")
	} else {
		b.WriteString(`		"grant_type":    "client_credentials",
		"client_id":     os.Getenv("` + EnvClientID + `"),
		"client_secret": os.Getenv("` + EnvClientSecret + `"),
`)
	}
	b.WriteString(`	})
	if err != nil {
		log.Fatal(err)
	}
	req, err := http.NewRequest("POST", ` + literal(c.URL) + `, bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
`)
	if c.Basic {
		b.WriteString(`	// HTTP Basic wants the id and the secret form-encoded first (RFC 6749
	// §2.3.1); SetBasicAuth sends them as they are.
	req.SetBasicAuth(url.QueryEscape(os.Getenv("` + EnvClientID + `")), url.QueryEscape(os.Getenv("` + EnvClientSecret + `")))
`)
	}
	b.WriteString(`	// The answer names the token's type "type", where RFC 6749 §5.1 says
	// "token_type": a library that reads only token_type finds none.
`)
	b.WriteString(goSendAndPrint)
	return b.String()
}

// goAPI is Step 2 in Go, with net/http.
func goAPI(c apiCall) string {
	var b strings.Builder
	b.WriteString(`// Step 2 of the OctoTable quickstart: an API call with the access token of
// Step 1 as a Bearer credential (RFC 6750 §2.1). Run it: go run step2.go
package main

import (
	"io"
	"log"
	"net/http"
	"os"
`)
	body := "nil"
	if c.Body != "" {
		b.WriteString("\t\"strings\"\n")
		body = "strings.NewReader(" + goText(c.Body) + ")"
	}
	b.WriteString(`)

func main() {
	req, err := http.NewRequest(` + literal(c.Method) + `, ` + literal(c.URL) + `, ` + body + `)
	if err != nil {
		log.Fatal(err)
	}
`)
	if c.Accept {
		b.WriteString("\treq.Header.Set(\"Accept\", \"application/json\")\n")
	}
	b.WriteString("\treq.Header.Set(\"Authorization\", \"Bearer \"+os.Getenv(\"" + EnvToken + "\"))\n")
	for _, f := range c.Fields {
		b.WriteString("\treq.Header.Set(" + literal(f.Name) + ", " + literal(f.Value) + ")\n")
	}
	b.WriteString(goSendAndPrint)
	return b.String()
}

// goText writes a body as a Go string: as it reads, in a raw string, where
// it can be; else as one escaped literal (Go drops carriage returns from
// raw strings).
func goText(s string) string {
	if !strings.ContainsAny(s, "`\r") {
		return "`" + s + "`"
	}
	return literal(s)
}

// goSendAndPrint ends both net/http programs: send, print the answer as it
// came, and exit 1 on an error status so that a script notices.
const goSendAndPrint = `	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	os.Stdout.Write(answer)
	if res.StatusCode >= 300 {
		log.Fatal(res.Status)
	}
}
`
