// Octoplay's loading screen, before the wasm runs. go-app's app.js shows a
// failed load as the bare error ("TypeError: Failed to fetch") in its
// loading screen, with no way on; this says what happened in words and
// offers to try again. (A file of its own: the page's CSP runs no inline
// script.)
"use strict";
(() => {
  const label = document.getElementById("app-wasm-loader-label");
  const icon = document.getElementById("app-wasm-loader-icon");
  if (!label) {
    return;
  }
  // The label app.js writes while it loads: "Loading the playground: 42%".
  const template = typeof goappLoadingLabel === "string" ? goappLoadingLabel : "{progress}";
  const [before, after] = template.split("{progress}");
  const loading = (text) => text.startsWith(before) && text.endsWith(after ?? "");

  const explain = () => {
    const said = label.textContent;
    if (label.dataset.failed || !label.isConnected || loading(said)) {
      return;
    }
    label.dataset.failed = "true";
    if (icon) {
      icon.classList.remove("goapp-spin");
    }
    const retry = document.createElement("a");
    retry.id = "load-retry";
    retry.href = location.href;
    retry.textContent = "Try again";
    label.setAttribute("role", "alert");
    label.replaceChildren(
      "The playground could not load: its code did not arrive (" + said + "). " +
        "Check your connection, or whether a proxy or an extension blocks it. ",
      retry,
    );
  };
  new MutationObserver(explain).observe(label, { childList: true, characterData: true, subtree: true });
  explain();
})();

// Framed by a docs page (embed.js), the page says how tall it is as soon as
// it is parsed, before the wasm runs (the wasm reports every change after
// that): the docs size the frame to the prerendered steps at once, and know
// the frame was allowed, rather than waiting for the wasm on a slow link.
// The same message as the wasm's, to the origins the page's meta names
// (the server's -frame-ancestors) alone.
(() => {
  const meta = document.querySelector('meta[name="octoplay-frame-ancestors"]');
  if (window.parent === window || !meta) {
    return;
  }
  const origins = meta.content.split(/\s+/).filter(Boolean);
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  for (const origin of origins) {
    window.parent.postMessage({ type: "octoplay:resize", height }, origin);
  }
})();

// A click on Request token or Send before the wasm runs is kept, never
// silently lost: the button says it will go once the page is ready, and
// the playground does the click then (app/ui reads the mark,
// data-early-click on the root element, and removes it). The mark holds
// the button's id and nothing else.
(() => {
  const kept = ["request-token", "send"];
  document.addEventListener("click", (event) => {
    const main = document.getElementById("playground");
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (!main || main.dataset.mounted === "true" || !button || !kept.includes(button.id)) {
      return;
    }
    event.preventDefault();
    document.documentElement.dataset.earlyClick = button.id;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Starting… it goes once the page is ready";
  }, true);
})();
