// Package dom is the page's work that go-app cannot do for it, on the
// browser's own APIs through syscall/js, behind plain Go functions and
// types: fetch (so the wasm links no net/http client), the clipboard, a
// download made in the page, the focus, and the height reported to the
// docs that frame the page. It knows no component: the playground decides
// what to do, this package only does it.
package dom
