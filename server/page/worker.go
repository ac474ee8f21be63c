//go:build !js

package page

import (
	"errors"
	"strings"

	"octoplay/internal/wire"
)

// swFetchListener is the part of go-app's service worker that answers every
// fetch from its cache; patchServiceWorker replaces it.
const swFetchListener = `self.addEventListener("fetch", (event) => {
  event.respondWith(fetchWithCache(event.request));
});`

// swFetchPassBy lets the network have what the cache must never hold or
// answer: anything but GET (the sealed relay POSTs), the relay's own paths
// (key configurations must be fresh) and the sandbox (answers carry tokens).
// A page the cache does not hold as it is asked for (a link with its
// query) comes from the network, and when the server cannot be reached,
// the cached page stands in for it: the playground runs from the cache
// and says the server is down, trying again, in place of the browser's
// error page.
const swFetchPassBy = `self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" ||
      url.origin !== self.location.origin ||
      url.pathname === "` + wire.RelayPath + `" || url.pathname.startsWith("` + wire.RelayPath + `/") ||
      url.pathname.startsWith("` + wire.SandboxMount + `/")) {
    return;
  }
  if (event.request.mode === "navigate") {
    event.respondWith(octoplayNavigate(event.request));
    return;
  }
  event.respondWith(fetchWithCache(event.request));
});

async function octoplayNavigate(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  try {
    return await fetch(request);
  } catch (err) {
    // The cached page varies by Accept-Encoding, which a navigation's
    // request need not share with the worker's install.
    const shell = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    if (shell) {
      return shell;
    }
    throw err;
  }
}`

// patchServiceWorker returns go-app's service worker with swFetchPassBy in
// place of its fetch listener. It fails, rather than serve a worker that
// caches secrets, if go-app's template no longer has the listener it knows.
func patchServiceWorker(template string) (string, error) {
	if strings.Count(template, swFetchListener) != 1 {
		return "", errors.New("patch service worker: go-app's fetch listener not found; review swFetchPassBy against the new template")
	}
	return strings.Replace(template, swFetchListener, swFetchPassBy, 1), nil
}
