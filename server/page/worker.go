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

// swInstallNow is go-app's install listener: an async function the event
// does not wait for, so the browser may activate the worker, which then
// controls the page, before the cache holds the page it stands in with.
const swInstallNow = `self.addEventListener("install", async (event) => {
  try {
    console.log("installing app worker {{.Version}}");
    await installWorker();
    await self.skipWaiting();
  } catch (error) {
    console.error("error during installation:", error);
  }
});`

// swInstallCached is the same install, which the event waits for: a worker
// that controls the page holds it.
const swInstallCached = `self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    try {
      console.log("installing app worker {{.Version}}");
      await installWorker();
      await self.skipWaiting();
    } catch (error) {
      console.error("error during installation:", error);
    }
  })());
});`

// patchServiceWorker returns go-app's service worker with swFetchPassBy in
// place of its fetch listener, and an install the browser waits for. It
// fails, rather than serve a worker that caches secrets, if go-app's
// template no longer has the listeners it knows.
func patchServiceWorker(template string) (string, error) {
	if strings.Count(template, swFetchListener) != 1 {
		return "", errors.New("patch service worker: go-app's fetch listener not found; review swFetchPassBy against the new template")
	}
	if strings.Count(template, swInstallNow) != 1 {
		return "", errors.New("patch service worker: go-app's install listener not found; review swInstallCached against the new template")
	}
	worker := strings.Replace(template, swFetchListener, swFetchPassBy, 1)
	return strings.Replace(worker, swInstallNow, swInstallCached, 1), nil
}
