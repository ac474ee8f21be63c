package redisstate_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/state/redisstate"
)

// Every form of -redis-url the README gives reaches the database it names,
// with its password: the replay window's key lands there and nowhere else.
func TestTheURLFormsReachTheirDatabase(t *testing.T) {
	const password = "pa$$:w0rd/with@signs"
	dir := t.TempDir()
	socket := filepath.Join(dir, "redis.sock")
	certFile, keyFile := selfSigned(t, dir)
	tlsAddr := testkit.FreeAddr(t)
	_, tlsPort, _ := net.SplitHostPort(tlsAddr)
	r := testkit.StartRedis(t, "--requirepass", password, "--unixsocket", socket, "--unixsocketperm", "700",
		"--tls-port", tlsPort, "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", certFile, "--tls-auth-clients", "no")
	// Go reads SSL_CERT_FILE once, at the first certificate it verifies:
	// nothing in this test binary verifies one before. It is how an
	// operator trusts a private CA, too.
	t.Setenv("SSL_CERT_FILE", certFile)

	escaped := "pa$$%3Aw0rd%2Fwith%40signs"
	for _, c := range []struct {
		name, url string
		db        int
	}{
		{"redis, database in the path", "redis://:" + escaped + "@" + r.Addr + "/3", 3},
		{"redis, user and database in the query", "redis://default:" + escaped + "@" + r.Addr + "?db=5", 5},
		{"unix socket", "unix://:" + escaped + "@" + socket + "?db=4", 4},
		{"rediss, TLS with a private CA", "rediss://:" + escaped + "@" + tlsAddr + "/6", 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			log := &testkit.SyncBuffer{}
			opts, err := redis.ParseURL(c.url)
			require.NoError(t, err)
			seedEpoch(t, opts, "urls:")
			s, err := redisstate.Open(context.Background(), c.url, "urls:", 8, slog.New(slog.NewTextHandler(log, nil)))
			require.NoError(t, err)
			defer s.Close()
			require.NoError(t, s.Ready(), log.String())
			id := sha256.Sum256([]byte(c.url))
			fresh, err := s.ReplayWindow(time.Minute, nil).Remember(context.Background(), id, time.Now().Add(30*time.Second))
			require.NoError(t, err)
			assert.True(t, fresh)

			for db := range 8 {
				raw := redis.NewClient(&redis.Options{Addr: r.Addr, Password: password, DB: db})
				keys, err := raw.Keys(context.Background(), "urls:replay:*").Result()
				raw.FlushDB(context.Background())
				raw.Close()
				require.NoError(t, err)
				if db == c.db {
					assert.Len(t, keys, 1, "database %d", db)
				} else {
					assert.Empty(t, keys, "database %d", db)
				}
			}
		})
	}

	// A wrong password is an unavailable store, said once, without the
	// password, never the URL.
	log := &testkit.SyncBuffer{}
	s, err := redisstate.Open(context.Background(), "redis://:n0t-the-0ne@"+r.Addr+"/0", "urls:", 8, slog.New(slog.NewTextHandler(log, nil)))
	require.NoError(t, err)
	defer s.Close()
	require.Error(t, s.Ready())
	assert.NotContains(t, s.Ready().Error(), "n0t-the-0ne")
	assert.NotContains(t, log.String(), "n0t-the-0ne")
	assert.Contains(t, log.String(), "state store unavailable")
}

// selfSigned writes a certificate for 127.0.0.1, its own CA, and its key
// into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "octoplay test redis"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "redis.crt"), filepath.Join(dir, "redis.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	return certFile, keyFile
}
