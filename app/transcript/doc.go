// Package transcript makes what a partner attaches to a support ticket
// from the playground's exchanges: a HAR 1.2 file (HAR, which browsers'
// DevTools import) and Markdown for the ticket's text (Markdown), of the
// requests as the relay sent them upstream and their answers, with timings.
//
// A HAR saved from DevTools holds every credential the page sent, which
// is how secrets leak through support tickets. This package removes them
// by construction: an Exchange can only be made by Record, which removes
// the client secret, the token, every Authorization value, HTTP Basic
// credentials, cookies, and the client_secret, access_token, refresh_token
// and id_token fields (JSON at any depth, forms, queries, free text), and
// every exact occurrence of the secret or the token, or of a credential it
// found, in every form it takes in traffic: as is, URL-encoded, base64
// (whole, or inside a longer encoding such as Basic's), JSON-escaped. Each
// shows as a Marker that says what was removed. HAR and Markdown have
// nothing else to write from.
//
// It is plain Go without syscall/js, linked into the wasm: the browser
// builds the files and downloads them without a network request.
package transcript
