// Command reference serves what the bench measures the relay against, on
// 127.0.0.1, one role per process so that each one's CPU time is its own:
//
//	reference -serve sandbox            the sandbox, the upstream of every run
//	reference -serve proxy -upstream U  a bare httputil.ReverseProxy with a
//	                                    pooled transport in front of U
//
// It prints its URL on one line and serves until SIGTERM. It is a
// measuring stick, not a product.
package main

import (
	"context"
	"errors"
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
	role := flag.String("serve", "", "sandbox or proxy")
	upstream := flag.String("upstream", "", "the proxy's upstream, http://host:port")
	clientID := flag.String("client-id", sandbox.DemoClientID, "the sandbox client's id")
	clientSecret := flag.String("client-secret", sandbox.DemoClientSecret, "and its secret")
	flag.Parse()
	handler, err := newHandler(*role, *upstream, *clientID, *clientSecret)
	if err == nil {
		err = serve(*role, handler)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reference:", err)
		os.Exit(1)
	}
}

func newHandler(role, upstream, clientID, clientSecret string) (http.Handler, error) {
	switch role {
	case "sandbox":
		return sandbox.New(sandbox.Config{Clients: map[string]string{clientID: clientSecret}})
	case "proxy":
		target, err := url.Parse(upstream)
		if err != nil || target.Scheme != "http" || target.Host == "" {
			return nil, fmt.Errorf("-upstream %q: want http://host:port", upstream)
		}
		return &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
			Transport: &http.Transport{
				Proxy:               nil,
				MaxIdleConns:        256,
				MaxIdleConnsPerHost: 256,
				IdleConnTimeout:     time.Minute,
			},
		}, nil
	}
	return nil, errors.New("-serve must be sandbox or proxy")
}

func serve(role string, handler http.Handler) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	fmt.Printf("%s: http://%s\n", role, ln.Addr())

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
