// Package assets serves a go-app build's web assets (the web/ folder) so that
// a first visit downloads little and a later one nothing:
//
//   - A file with precompressed siblings (app.wasm.br, app.wasm.gz, which
//     internal/precompress writes at build time) is answered in the content coding the
//     browser prefers (RFC 9110 §12.5.3), with Vary: Accept-Encoding, the
//     Content-Length of what is sent, and the raw size in RawLengthHeader,
//     which go-app's loading bar divides by (its WasmContentLengthHeader).
//   - A text file without siblings (the style sheet, the scripts, the SVG
//     icon: kilobytes) is compressed in the same codings once, in memory,
//     when the server starts, and answered the same way: the build writes
//     siblings for the wasm alone, whose brotli takes half a minute.
//   - Every file has a URL that names the build, /<version>/web/<name>,
//     cacheable for a year as immutable (RFC 8246). The version hashes every
//     file, so a new build is a new URL and is never served stale. The plain
//     /web/<name> stays, with no-cache and a strong ETag.
//
// A sibling that is not the form the build's digest (app.wasm.sha256)
// names for its file's current content (left by an older build) is never
// served; neither are the digest and Go sources.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"octoplay/internal/precompress"
)

// RawLengthHeader carries a precompressed file's raw size. go-app's
// app.js reads the wasm's size from the header its WasmContentLengthHeader
// names and counts decoded bytes against it; Content-Length is the size of
// the compressed body, so the bar would end far past 100 %.
const RawLengthHeader = "X-Raw-Content-Length"

// Cache-Control for a URL that names the build, and for one that does not.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// file is one asset as the server answers it.
type file struct {
	name        string // path in the file system
	size        int64
	sum         [sha256.Size]byte
	contentType string
	variants    []variant // in the order of precompress.Codings
}

// variant is a file's precompressed sibling, checked by the build's digest,
// or its form compressed in memory at start (data).
type variant struct {
	coding string // as Content-Encoding names it
	name   string
	size   int64
	data   []byte // the form itself when it is not a file
}

// Server serves one build's web assets. It is safe for concurrent use.
type Server struct {
	fsys    fs.FS
	version string
	files   map[string]*file
}

// NewServer indexes the assets in fsys: it hashes every file for the
// version and the ETags, and keeps each precompressed sibling that matches
// its file. A sibling that does not is logged and left out.
func NewServer(fsys fs.FS, logger *slog.Logger) (*Server, error) {
	names, err := assetNames(fsys)
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	s := &Server{fsys: fsys, files: make(map[string]*file)}
	version := sha256.New()
	for _, name := range names {
		if siblingOf(name, names) != "" {
			continue
		}
		f, err := indexFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("assets: %w", err)
		}
		for _, c := range precompress.Codings() {
			v, err := matchingVariant(fsys, f, c)
			if err != nil {
				logger.Warn("precompressed asset left out: rebuild the assets", "file", name+c.Ext, "reason", err)
				continue
			}
			if v != nil {
				f.variants = append(f.variants, *v)
			}
		}
		if len(f.variants) == 0 && compressible(f) {
			if f.variants, err = compressedForms(fsys, f); err != nil {
				return nil, fmt.Errorf("assets: %w", err)
			}
		}
		s.files[name] = f
		fmt.Fprintf(version, "%s\x00%x\n", name, f.sum)
	}
	s.version = hex.EncodeToString(version.Sum(nil)[:10])
	return s, nil
}

// assetNames lists the regular files of fsys but Go sources, sorted.
func assetNames(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && path.Ext(name) != ".go" {
			names = append(names, name)
		}
		return nil
	})
	slices.Sort(names)
	return names, err
}

// siblingOf is the file that name is a precompressed form or the digest of, if the
// assets hold it; "" when name is a file of its own.
func siblingOf(name string, names []string) string {
	for _, ext := range precompress.Extensions() {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, found := slices.BinarySearch(names, base); found {
				return base
			}
		}
	}
	return ""
}

// indexFile hashes one file, streaming: the wasm is megabytes.
func indexFile(fsys fs.FS, name string) (*file, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	var head [512]byte
	n, _ := io.ReadFull(f, head[:])
	h.Write(head[:n])
	rest, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := &file{name: name, size: int64(n) + rest}
	h.Sum(out.sum[:0])
	out.contentType = mime.TypeByExtension(path.Ext(name))
	if out.contentType == "" {
		out.contentType = http.DetectContentType(head[:n])
	}
	return out, nil
}

// Version names this build: it changes whenever any asset does.
func (s *Server) Version() string { return s.version }

// VersionedPrefix is the path under which every asset is immutable:
// "/<version>/web/".
func (s *Server) VersionedPrefix() string { return "/" + s.version + "/web/" }

// Resolver is go-app's ResourceResolver for this build.
func (s *Server) Resolver() Resolver { return Resolver{version: s.version} }

// Resolver points every /web/ location of go-app's page, scripts, manifest
// and service worker at the build's versioned path. It has no ServeHTTP on
// purpose: go-app then serves no file itself.
type Resolver struct{ version string }

// Resolve maps "/web/x" (and go-app's other spellings, "web/x", "/web")
// to "/<version>/web/x" and leaves any other location as it is.
func (r Resolver) Resolve(location string) string {
	if location == "" {
		return "/"
	}
	rel := strings.TrimPrefix(location, "/")
	if rel == "web" || strings.HasPrefix(rel, "web/") {
		return "/" + r.version + "/" + rel
	}
	return location
}

// ServeHTTP answers GET and HEAD for /web/<name> and /<version>/web/<name>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, cacheControl, ok := s.route(r.URL.Path)
	f := s.files[name]
	if !ok || f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("Content-Type", f.contentType)
	served, size, etag := f.name, f.size, hex.EncodeToString(f.sum[:12])
	var data []byte
	if len(f.variants) > 0 {
		h.Add("Vary", "Accept-Encoding")
		h.Set(RawLengthHeader, strconv.FormatInt(f.size, 10))
		if v := f.negotiate(r.Header.Get("Accept-Encoding")); v != nil {
			h.Set("Content-Encoding", v.coding)
			served, size, etag, data = v.name, v.size, etag+"-"+v.coding, v.data
		}
	}
	h.Set("ETag", `"`+etag+`"`)

	if data != nil {
		http.ServeContent(fullLength{w, size}, r, f.name, time.Time{}, bytes.NewReader(data))
		return
	}
	content, err := s.fsys.Open(served)
	if err != nil {
		http.Error(w, "asset unreadable", http.StatusInternalServerError)
		return
	}
	defer content.Close()
	seeker, ok := content.(io.ReadSeeker)
	if !ok {
		http.Error(w, "asset unreadable", http.StatusInternalServerError)
		return
	}
	http.ServeContent(fullLength{w, size}, r, f.name, time.Time{}, seeker)
}

// route maps a request path to an asset name and its caching.
func (s *Server) route(urlPath string) (name, cacheControl string, ok bool) {
	if name, ok := strings.CutPrefix(urlPath, s.VersionedPrefix()); ok {
		return name, cacheImmutable, true
	}
	if name, ok := strings.CutPrefix(urlPath, "/web/"); ok {
		return name, cacheRevalidate, true
	}
	return "", "", false
}

// fullLength sets Content-Length on a whole answer: http.ServeContent
// leaves it off when Content-Encoding is set (it cannot tell a
// precompressed body from one a wrapper compresses on the fly).
type fullLength struct {
	http.ResponseWriter
	size int64
}

func (w fullLength) WriteHeader(code int) {
	if code == http.StatusOK {
		w.Header().Set("Content-Length", strconv.FormatInt(w.size, 10))
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (w fullLength) Unwrap() http.ResponseWriter { return w.ResponseWriter }
