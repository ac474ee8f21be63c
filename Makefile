# Octoplay: `make run` serves the playground on the embedded sandbox,
# `make test` runs every test, browser tests included.

GO       ?= go
CHROMIUM ?= /usr/lib/chromium/chromium
AXE      ?= .cache/npm/node_modules/axe-core/axe.min.js
AXE_VERSION = 4.14.1
# An independent validator of the HAR 1.2 schema, for the transcript.
HARV     ?= .cache/npm/node_modules/har-validator
HARV_VERSION = 5.1.5
# An independent validator of OpenAPI documents, for the sandbox's.
OAS      ?= .cache/npm/node_modules/@apidevtools/swagger-parser
OAS_VERSION = 12.1.0
# Lighthouse, for the bench's page rows (12.2.3 runs on Node 20).
LIGHTHOUSE ?= .cache/npm/node_modules/lighthouse/cli/index.js
LIGHTHOUSE_VERSION = 12.2.3
ARGS     ?=
# Flags of the bench: BENCH_ARGS="-only lighthouse" measures the page with Lighthouse alone.
BENCH_ARGS ?=
# The container engine: podman where it is installed, else docker.
ENGINE   ?= $(firstword $(shell command -v podman docker 2>/dev/null))
IMAGE    ?= octoplay

.PHONY: all wasm build image run test vet test-deps screenshot bench wasm-size clean

all: build

# The browser side: the same main package built for WebAssembly, with its
# brotli and gzip forms beside it for the server to send (pure Go; kept when
# the wasm did not change, since brotli's best quality takes half a minute).
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o web/app.wasm .
	$(GO) run ./internal/cmd/precompress web/app.wasm

# One self-contained binary: the server embeds web/, app.wasm included.
# Static (no cgo), so it runs on any Linux and alone in the container image.
build: wasm
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o bin/octoplay .

# The container image: bin/ is the build context, so the binary is all it
# can hold (deploy/Containerfile says why that is enough).
image: build
	@[ -n "$(ENGINE)" ] || { echo "make image needs podman or docker"; exit 1; }
	$(ENGINE) build -f deploy/Containerfile -t $(IMAGE) bin

run: build
	./bin/octoplay $(ARGS)

# Natively, everything, the bench's reference programs included (./...
# leaves testdata out); as the browser builds it, the playground and the
# libraries it may link: the commands under internal/cmd run natively only.
vet: wasm
	$(GO) vet ./... ./internal/cmd/bench/testdata/hello ./internal/cmd/bench/testdata/reference
	GOOS=js GOARCH=wasm $(GO) vet ./app/... $$($(GO) list ./internal/... | grep -v /internal/cmd/) .
	$(GO) vet -tags octoplaybench ./server/relay

# What the tests run besides Go: Debian's Chromium for the browser tests,
# curl for the README's examples, HTTPie, Python's requests and Node 18+
# for the snippets (the Go snippet's golang.org/x/oauth2 comes through the Go
# module proxy), podman with runc for the container image, and
# redis-server for the shared state and haproxy in front of the server (the
# tests start their own), installed
# when this machine lets us (root with apt-get); axe-core, har-validator
# and swagger-parser from the npm registry. Otherwise the tests that need
# them say what is missing.
test-deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	command -v http >/dev/null 2>&1 || missing="$$missing httpie"; \
	{ python3 -c 'import requests' || /usr/bin/python3 -c 'import requests'; } >/dev/null 2>&1 || missing="$$missing python3-requests"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v podman >/dev/null 2>&1 || missing="$$missing podman"; \
	command -v runc >/dev/null 2>&1 || missing="$$missing runc"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v haproxy >/dev/null 2>&1 || missing="$$missing haproxy"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing$$missing for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing$$missing: install them to run every test"; \
		fi; \
	fi
	@{ [ -f "$(AXE)" ] && [ -f "$(HARV)/package.json" ] && [ -f "$(OAS)/package.json" ] && [ -f "$(LIGHTHOUSE)" ]; } || \
		npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION) har-validator@$(HARV_VERSION) @apidevtools/swagger-parser@$(OAS_VERSION) lighthouse@$(LIGHTHOUSE_VERSION) \
		|| echo "npm could not install axe-core, har-validator, swagger-parser and lighthouse: the accessibility, HAR and OpenAPI tests and the bench's Lighthouse rows will say so"

# -timeout: the server package alone takes most of ten minutes on two busy
# cores, go test's default; each browser case keeps its own deadline.
test: test-deps vet
	OCTOPLAY_CHROMIUM=$(CHROMIUM) OCTOPLAY_AXE=$(CURDIR)/$(AXE) OCTOPLAY_HAR_VALIDATOR=$(CURDIR)/$(HARV) OCTOPLAY_OPENAPI_VALIDATOR=$(CURDIR)/$(OAS) OCTOPLAY_LIGHTHOUSE=$(CURDIR)/$(LIGHTHOUSE) $(GO) test -count=1 -timeout 30m ./...
	# The bench's build of the relay (make bench): it dials 127.0.0.1, nothing else.
	$(GO) test -count=1 -tags octoplaybench -run TestBenchBuild ./server/relay

# The performance table (the README's, in full in docs/performance.md): first load and cold start against a
# go-app hello world, the sealed relay against a bare reverse proxy on the
# same upstream path, in one run. The bench builds the server itself, with
# -tags octoplaybench (its relay may dial 127.0.0.1). Only 127.0.0.1 is
# loaded, for a bounded count and time.
bench: test-deps wasm
	OCTOPLAY_CHROMIUM=$(CHROMIUM) OCTOPLAY_LIGHTHOUSE=$(CURDIR)/$(LIGHTHOUSE) $(GO) run ./internal/cmd/bench $(BENCH_ARGS)

# What the playground's wasm links beyond the hello world's, package by
# package (go tool nm does not read wasm; this reads its name section).
wasm-size:
	mkdir -p .cache/wasm-size
	GOOS=js GOARCH=wasm $(GO) build -trimpath -o .cache/wasm-size/app.wasm .
	GOOS=js GOARCH=wasm $(GO) build -trimpath -o .cache/wasm-size/hello.wasm ./internal/cmd/bench/testdata/hello
	$(GO) run ./internal/cmd/wasmsize -ref .cache/wasm-size/hello.wasm .cache/wasm-size/app.wasm

# Refresh the README's screenshots from the browser tests: the playground
# after Step 2, the docs' embed at 420 px, and Step 2 with a write's body.
screenshot: wasm
	OCTOPLAY_CHROMIUM=$(CHROMIUM) OCTOPLAY_HAR_VALIDATOR=$(CURDIR)/$(HARV) OCTOPLAY_SCREENSHOT_DIR=$(CURDIR)/web $(GO) test -count=1 \
		-run 'TestPlaygroundStep1ThenStep2|TestEmbedFollowsTheContentForListedOriginsOnly|TestPartnerWritesFromStep2AndExportsATranscript' ./server/

clean:
	rm -rf bin web/app.wasm web/app.wasm.br web/app.wasm.gz web/app.wasm.sha256
