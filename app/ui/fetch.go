package ui

import (
	"context"
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// fetched is what the browser's fetch brought back.
type fetched struct {
	Status      int
	ContentType string
	RetryAfter  string
	Body        []byte
}

// maxFetched bounds what fetchBytes reads; the relay caps its answers at
// 1 MiB plus the seal.
const maxFetched = 2 << 20

// fetchBytes moves bytes with the browser's fetch, so the wasm links no
// net/http client (about 5 MB). It must not run on the JS event loop: call
// it from ctx.Async.
func fetchBytes(ctx context.Context, method, url, contentType string, body []byte) (fetched, error) {
	type result struct {
		res fetched
		err error
	}
	done := make(chan result, 1)
	win := app.Window()
	abort := win.Get("AbortController").New()
	headers := map[string]any{}
	if contentType != "" {
		headers["Content-Type"] = contentType
	}
	opts := map[string]any{
		"method":      method,
		"headers":     headers,
		"cache":       "no-store",
		"credentials": "same-origin",
		"redirect":    "error",
		"signal":      abort.Get("signal"),
	}
	if body != nil {
		arr := win.Get("Uint8Array").New(len(body))
		app.CopyBytesToJS(arr, body)
		opts["body"] = arr
	}

	send := func(r result) {
		select {
		case done <- r:
		default: // an answer was already given
		}
	}
	var funcs []app.Func
	callback := func(fn func(args []app.Value)) app.Func {
		f := app.FuncOf(func(this app.Value, args []app.Value) any {
			fn(args)
			return nil
		})
		funcs = append(funcs, f)
		return f
	}
	fail := callback(func(args []app.Value) {
		msg := "network error"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Get("message").String()
		}
		send(result{err: fmt.Errorf("fetch %s: %s", url, msg)})
	})
	var res fetched
	gotBody := callback(func(args []app.Value) {
		arr := win.Get("Uint8Array").New(args[0])
		n := arr.Length()
		if n > maxFetched {
			send(result{err: fmt.Errorf("fetch %s: answer larger than %d bytes", url, maxFetched)})
			return
		}
		res.Body = make([]byte, n)
		app.CopyBytesToGo(res.Body, arr)
		send(result{res: res})
	})
	gotResponse := callback(func(args []app.Value) {
		r := args[0]
		res.Status = r.Get("status").Int()
		h := r.Get("headers")
		res.ContentType = headerValue(h, "Content-Type")
		res.RetryAfter = headerValue(h, "Retry-After")
		r.Call("arrayBuffer").Call("then", gotBody, fail)
	})
	win.Call("fetch", url, opts).Call("then", gotResponse, fail)

	select {
	case r := <-done:
		for _, f := range funcs {
			f.Release()
		}
		return r.res, r.err
	case <-ctx.Done():
		// The callbacks stay: the aborted promise still calls one of them.
		abort.Call("abort")
		return fetched{}, errors.Join(fmt.Errorf("fetch %s: cancelled", url), ctx.Err())
	}
}

func headerValue(headers app.Value, name string) string {
	v := headers.Call("get", name)
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	return v.String()
}
