# Octoplay: `make run` serves the playground on the embedded sandbox,
# `make test` runs every test, browser tests included.

GO       ?= go
CHROMIUM ?= /usr/lib/chromium/chromium
ARGS     ?=

.PHONY: all wasm build run test vet browser clean

all: build

# The browser side: the same main package built for WebAssembly.
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o web/app.wasm .

# One self-contained binary: the server embeds web/, app.wasm included.
build: wasm
	$(GO) build -trimpath -o bin/octoplay .

run: build
	./bin/octoplay $(ARGS)

vet: wasm
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./internal/... .

# Debian's Chromium for the browser tests, installed when this machine lets
# us (root with apt-get); otherwise the browser tests say what is missing.
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "no Chromium at $(CHROMIUM): install Debian's chromium package to run the browser tests"; \
		fi; \
	fi

test: browser vet
	OCTOPLAY_CHROMIUM=$(CHROMIUM) $(GO) test -count=1 ./...

clean:
	rm -rf bin web/app.wasm
