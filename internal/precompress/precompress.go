// Package precompress makes, and checks, the precompressed forms of a
// file: its brotli and gzip encodings (RFC 9110 §8.4.1), written beside it
// (app.wasm.br, app.wasm.gz) with their digest (app.wasm.sha256), for a
// server to check at start without decompressing them, and to send in
// place of the file to a browser that accepts them. It is pure Go, so that a build needs nothing
// but the Go toolchain. `make wasm` writes them with its command
// (internal/cmd/precompress); server/assets checks and serves them.
package precompress

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// BrotliQuality is the brotli quality File uses: the best. On the
// playground's 8.2 MB wasm (2 cores) quality 11 gives 1.59 MB in 30 to 45 s,
// quality 10 1.63 MB in 16 s, quality 9 1.79 MB in 2 s; gzip -9 gives
// 2.19 MB. 12 % fewer bytes than quality 9 for every first visit is worth
// half a minute of a build that changed the wasm: an unchanged one is not
// compressed again.
const BrotliQuality = 11

// Coding is one precompressed form.
type Coding struct {
	Name       string // as Content-Encoding names it
	Ext        string // the extension of the file beside the original
	compress   func(io.Writer) (io.WriteCloser, error)
	decompress func(io.Reader) (io.Reader, error)
}

// Codings are the forms File writes, in a server's order of preference:
// brotli first.
func Codings() []Coding {
	return []Coding{
		{
			Name: "br",
			Ext:  ".br",
			compress: func(w io.Writer) (io.WriteCloser, error) {
				return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: BrotliQuality}), nil
			},
			decompress: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		},
		{
			Name: "gzip",
			Ext:  ".gz",
			compress: func(w io.Writer) (io.WriteCloser, error) {
				return gzip.NewWriterLevel(w, gzip.BestCompression)
			},
			decompress: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		},
	}
}

// Encode writes raw to dst in coding c.
func (c Coding) Encode(dst io.Writer, raw []byte) error {
	w, err := c.compress(dst)
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// ErrStale is what Matches says of a form that decodes, but not to the
// content it is checked against: an older build's.
var ErrStale = errors.New("its content is not the file's: an older build")

// Matches checks that the file name of fsys, in coding c, decompresses to
// content whose SHA-256 is sum. It streams: nothing the size of the wasm
// is held in memory.
func (c Coding) Matches(fsys fs.FS, name string, sum [sha256.Size]byte) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := c.decompress(f)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	if [sha256.Size]byte(h.Sum(nil)) != sum {
		return ErrStale
	}
	return nil
}

// DigestExt is the extension of the digest File writes beside a file
// (app.wasm.sha256), in sha256sum's format (`sha256sum -c` checks it): the
// SHA-256 of the file and of each of its forms, as the build wrote them.
const DigestExt = ".sha256"

// Extensions are those of the files File writes beside a file: each
// form's and the digest's.
func Extensions() []string {
	exts := []string{DigestExt}
	for _, c := range Codings() {
		exts = append(exts, c.Ext)
	}
	return exts
}

// Check says whether the form of the file name of fsys in coding c is the
// one the build wrote for content whose SHA-256 is sum, by the digest
// beside it: the digest must name sum for the file and the form's own
// SHA-256 for the form. It reads the form's compressed bytes once and
// decompresses nothing, so that a server's start neither spends the
// seconds nor holds the decoder's memory that decoding the wasm takes.
func (c Coding) Check(fsys fs.FS, name string, sum [sha256.Size]byte) error {
	sums, err := readDigest(fsys, name+DigestExt)
	if err != nil {
		return fmt.Errorf("no digest of the build's forms (%w)", err)
	}
	if got, ok := sums[name]; !ok || got != sum {
		return fmt.Errorf("%s: %w", name+DigestExt, ErrStale)
	}
	want, ok := sums[name+c.Ext]
	if !ok {
		return fmt.Errorf("%s does not name %s", name+DigestExt, name+c.Ext)
	}
	got, err := fileSum(fsys, name+c.Ext)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%s is not the form %s names: %w", name+c.Ext, name+DigestExt, ErrStale)
	}
	return nil
}

// readDigest reads a digest in sha256sum's format into the sum of each
// name it lists.
func readDigest(fsys fs.FS, name string) (map[string][sha256.Size]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string][sha256.Size]byte{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		hexSum, file, ok := strings.Cut(lines.Text(), "  ")
		b, err := hex.DecodeString(hexSum)
		if !ok || err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("%s: a line is not a SHA-256 and a name", name)
		}
		sums[file] = [sha256.Size]byte(b)
	}
	return sums, lines.Err()
}

// fileSum is the SHA-256 of the file name of fsys, streamed.
func fileSum(fsys fs.FS, name string) ([sha256.Size]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [sha256.Size]byte{}, err
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}

// writeDigest writes the digest of the file at path and of its forms
// beside it, through a temporary file and a rename like the forms.
func writeDigest(path string, sum [sha256.Size]byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%x  %s\n", sum, base)
	for _, c := range Codings() {
		formSum, err := fileSum(os.DirFS(dir), base+c.Ext)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%x  %s\n", formSum, base+c.Ext)
	}
	_, err := writeFile(path+DigestExt, func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	})
	return err
}

// File writes the precompressed forms of the file at path beside it
// (path.br, path.gz), each through a temporary file and a rename, so that
// a server never embeds half of one, and then their digest (path.sha256)
// for the server's start to check them by (Check). A form that already decompresses to
// the file's content is kept: compressing the wasm at the best brotli
// quality takes half a minute, and `make wasm` runs on every build. It
// reports what it did to log.
func File(path string, log io.Writer) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("precompress: %w", err)
	}
	sum := sha256.Sum256(raw)
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	for _, c := range Codings() {
		target := path + c.Ext
		if c.Matches(os.DirFS(dir), base+c.Ext, sum) == nil {
			fmt.Fprintf(log, "%s: up to date\n", target)
			continue
		}
		start := time.Now()
		size, err := writeEncoded(target, raw, c)
		if err != nil {
			return fmt.Errorf("precompress: %w", err)
		}
		fmt.Fprintf(log, "%s: %d bytes, %.1f %% of %d, in %v\n",
			target, size, 100*float64(size)/float64(len(raw)), len(raw), time.Since(start).Round(100*time.Millisecond))
	}
	if err := writeDigest(path, sum); err != nil {
		return fmt.Errorf("precompress: digest: %w", err)
	}
	return nil
}

// writeEncoded writes raw in coding c to target and returns its size.
func writeEncoded(target string, raw []byte, c Coding) (int64, error) {
	return writeFile(target, func(w io.Writer) error { return c.Encode(w, raw) })
}

// writeFile writes target with write through a temporary file and a
// rename, and returns its size.
func writeFile(target string, write func(io.Writer) error) (size int64, err error) {
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
	if err := write(tmp); err != nil {
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
