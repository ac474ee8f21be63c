package relay

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// BenchmarkRelayStep1 is POST /relay end to end in one process, as the
// relay's handler serves it (rate limit, open, replay window, target,
// forward over loopback TCP to an upstream that answers as the sandbox's
// token endpoint does, seal), without the HTTP server in front of it.
// Every request is sealed before the timer starts: the browser does that.
func BenchmarkRelayStep1(b *testing.B) {
	answer := []byte(`{"access_token":"4uX0dPq8Yc2d9rT1kLm3nB7vW5xZ0aQe","expires_in":1440,"type":"Bearer","token_type":"Bearer"}`)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		w.Write(answer)
	}))
	defer up.Close()
	target, err := url.Parse(up.URL + "/auth/token")
	if err != nil {
		b.Fatal(err)
	}
	env, err := NewEnvironment("up", "", target.String(), []string{up.URL + "/api/"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, kem := range []uint16{ohttp.KEMX25519, ohttp.KEMXWing} {
		key, err := ohttp.GenerateKey(1, kem)
		if err != nil {
			b.Fatal(err)
		}
		gw, err := ohttp.NewGateway(key)
		if err != nil {
			b.Fatal(err)
		}
		r, err := New(Config{
			Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
			Gateway:       gw,
			Environments:  []*Environment{env},
			DialControl:   func(string, string, syscall.RawConn) error { return nil },
			RatePerSecond: 1e9,
			RateBurst:     1e9,
		})
		if err != nil {
			b.Fatal(err)
		}
		handler := r.Handler(nil)
		b.Run(ohttp.Suite{KEM: kem, KDF: ohttp.KDFHKDFSHA256, AEAD: ohttp.AEADAES128GCM}.String(), func(b *testing.B) {
			sealed := make([][]byte, b.N)
			var first *ohttp.ClientContext
			for i := range sealed {
				inner := &bhttp.Request{Method: http.MethodPost, Scheme: target.Scheme, Authority: target.Host, Path: target.Path,
					Body: []byte("grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret")}
				inner.Header.Set("accept", "application/json")
				inner.Header.Set("content-type", "application/x-www-form-urlencoded")
				inner.Header.Set("date", time.Now().UTC().Format(http.TimeFormat))
				plain, err := inner.MarshalBinary()
				if err != nil {
					b.Fatal(err)
				}
				var ctx *ohttp.ClientContext
				if sealed[i], ctx, err = ohttp.SealRequest(key.Config(), plain); err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					first = ctx
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				req := httptest.NewRequest(http.MethodPost, wire.RelayPath, bytes.NewReader(sealed[i]))
				req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ohttp.MediaTypeResponse {
					b.Fatalf("relay answered %d: %s", rec.Code, rec.Body)
				}
				if i == 0 {
					b.StopTimer()
					checkRelayed(b, first, rec.Body.Bytes(), answer)
					b.StartTimer()
				}
			}
		})
	}
}

// checkRelayed fails unless sealed is the upstream's answer, body want.
func checkRelayed(b *testing.B, ctx *ohttp.ClientContext, sealed, want []byte) {
	plain, err := ctx.OpenResponse(sealed)
	if err != nil {
		b.Fatal(err)
	}
	res, err := bhttp.UnmarshalResponse(plain, bhttp.DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	if res.Status != http.StatusOK || !bytes.Equal(res.Body, want) {
		b.Fatalf("the relay answered %d: %s", res.Status, res.Body)
	}
}
