//go:build !js

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"octoplay/server/sandbox"
)

// serveEnv, set, makes the bench's own binary the reference servers (the
// test binary too, through TestMain): a process of their own, as the
// relay's server is.
const serveEnv = "OCTOPLAY_BENCH_SERVE"

// serveReference serves what the relay is measured against, on 127.0.0.1:
// the sandbox directly, and a bare httputil.ReverseProxy with a pooled
// transport in front of it. It prints both URLs, sandbox first, and
// serves until SIGTERM.
func serveReference() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sandboxLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	proxyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	target := &url.URL{Scheme: "http", Host: sandboxLn.Addr().String()}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     time.Minute,
		},
	}
	servers := []*http.Server{{Handler: sb}, {Handler: proxy}}
	go servers[0].Serve(sandboxLn)
	go servers[1].Serve(proxyLn)
	fmt.Printf("sandbox: %s proxy: http://%s\n", target, proxyLn.Addr())

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(shutdown)
	}
	return 0
}
