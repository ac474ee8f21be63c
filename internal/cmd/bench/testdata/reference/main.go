// Command reference serves what the bench measures the relay against, on
// 127.0.0.1: the sandbox directly, and a bare httputil.ReverseProxy with a
// pooled transport in front of it. It is a process of its own, as the
// relay's server is. It prints both URLs on one line, sandbox first, and
// serves until SIGTERM. It is a measuring stick, not a product.
package main

import (
	"context"
	"flag"
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

func main() {
	clientID := flag.String("client-id", sandbox.DemoClientID, "the sandbox client's id")
	clientSecret := flag.String("client-secret", sandbox.DemoClientSecret, "and its secret")
	flag.Parse()
	if err := serve(*clientID, *clientSecret); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func serve(clientID, clientSecret string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{clientID: clientSecret}})
	if err != nil {
		return err
	}
	sandboxLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	proxyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
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
	return nil
}
