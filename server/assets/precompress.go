//go:build !js

package assets

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Precompress writes the precompressed forms of the file at path beside it
// (path.br, path.gz), each through a temporary file and a rename, so that
// a server never embeds half of one. A form that already decompresses to
// the file's content is kept: compressing the wasm at the best brotli
// quality takes half a minute, and `make wasm` runs on every build. It
// reports what it did to log.
func Precompress(path string, log io.Writer) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("precompress: %w", err)
	}
	sum := sha256.Sum256(raw)
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	for _, c := range codings {
		target := path + c.ext
		if decodesTo(os.DirFS(dir), base+c.ext, c, sum) == nil {
			fmt.Fprintf(log, "%s: up to date\n", target)
			continue
		}
		start := time.Now()
		size, err := writeCompressed(target, raw, c)
		if err != nil {
			return fmt.Errorf("precompress: %w", err)
		}
		fmt.Fprintf(log, "%s: %d bytes, %.1f %% of %d, in %v\n",
			target, size, 100*float64(size)/float64(len(raw)), len(raw), time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// writeCompressed writes raw in coding c to target and returns its size.
func writeCompressed(target string, raw []byte, c contentCoding) (size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := c.encode(tmp, raw); err != nil {
		return 0, err
	}
	info, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	return info.Size(), os.Rename(tmp.Name(), target)
}
