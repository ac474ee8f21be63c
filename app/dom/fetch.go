package dom

import (
	"context"
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/internal/wire"
)

// Fetched is what the browser's fetch brought back.
type Fetched struct {
	Status      int
	ContentType string
	RetryAfter  string
	Body        []byte
}

// MaxFetched bounds what Fetch reads: the relay caps its answers at
// wire.MaxAnswerBytes, plus the seal.
const MaxFetched = 2 * wire.MaxAnswerBytes

// ErrUnreachable is a fetch the browser could not make at all: no answer,
// not even an error status (the server is down, the network is, or
// something between them refused it). The page says so in words and tries
// again by itself.
var ErrUnreachable = errors.New("the playground's server cannot be reached")

// Fetch moves bytes with the browser's fetch, so the wasm links no
// net/http client (about 5 MB). It must not run on the JS event loop: call
// it from ctx.Async.
func Fetch(ctx context.Context, method, url, contentType string, body []byte) (Fetched, error) {
	f := &fetchCall{url: url, done: make(chan fetchResult, 1)}
	win := app.Window()
	abort := win.Get("AbortController").New()
	win.Call("fetch", url, fetchOptions(method, contentType, body, abort.Get("signal"))).
		Call("then", f.callback(f.gotResponse), f.callback(f.failed))
	select {
	case r := <-f.done:
		f.release()
		return r.res, r.err
	case <-ctx.Done():
		// The callbacks stay: the aborted promise still calls one of them.
		abort.Call("abort")
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return Fetched{}, fmt.Errorf("fetch %s: no answer in time: %w", url, ctx.Err())
		}
		return Fetched{}, fmt.Errorf("fetch %s: cancelled: %w", url, ctx.Err())
	}
}

// fetchOptions are fetch's RequestInit: nothing cached, no cookie to
// another origin, no redirect followed.
func fetchOptions(method, contentType string, body []byte, signal app.Value) map[string]any {
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
		"signal":      signal,
	}
	if body != nil {
		arr := app.Window().Get("Uint8Array").New(len(body))
		app.CopyBytesToJS(arr, body)
		opts["body"] = arr
	}
	return opts
}

// fetchCall is one fetch under way: the JavaScript callbacks it made, and
// where its one result goes.
type fetchCall struct {
	url   string
	res   Fetched
	funcs []app.Func
	done  chan fetchResult
}

type fetchResult struct {
	res Fetched
	err error
}

// finish hands over the result, once: a later call finds it taken.
func (f *fetchCall) finish(r fetchResult) {
	select {
	case f.done <- r:
	default:
	}
}

// callback makes fn a JavaScript function, released with the others.
func (f *fetchCall) callback(fn func(args []app.Value)) app.Func {
	jsFn := app.FuncOf(func(this app.Value, args []app.Value) any {
		fn(args)
		return nil
	})
	f.funcs = append(f.funcs, jsFn)
	return jsFn
}

func (f *fetchCall) release() {
	for _, fn := range f.funcs {
		fn.Release()
	}
}

// failed is a rejected promise: a network error or an abort.
func (f *fetchCall) failed(args []app.Value) {
	msg := "network error"
	if len(args) > 0 && args[0].Truthy() {
		msg = args[0].Get("message").String()
	}
	f.finish(fetchResult{err: fmt.Errorf("fetch %s: %s: %w", f.url, msg, ErrUnreachable)})
}

// gotResponse reads the status and the headers the relay's answers use,
// then the body.
func (f *fetchCall) gotResponse(args []app.Value) {
	r := args[0]
	f.res.Status = r.Get("status").Int()
	h := r.Get("headers")
	f.res.ContentType = headerValue(h, "Content-Type")
	f.res.RetryAfter = headerValue(h, "Retry-After")
	r.Call("arrayBuffer").Call("then", f.callback(f.gotBody), f.callback(f.failed))
}

// gotBody copies the body into Go, up to MaxFetched.
func (f *fetchCall) gotBody(args []app.Value) {
	arr := app.Window().Get("Uint8Array").New(args[0])
	n := arr.Length()
	if n > MaxFetched {
		f.finish(fetchResult{err: fmt.Errorf("fetch %s: answer larger than %d bytes", f.url, MaxFetched)})
		return
	}
	f.res.Body = make([]byte, n)
	app.CopyBytesToGo(f.res.Body, arr)
	f.finish(fetchResult{res: f.res})
}

func headerValue(headers app.Value, name string) string {
	v := headers.Call("get", name)
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	return v.String()
}
