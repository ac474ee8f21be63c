// Octoplay's embed for documentation pages. Include it where the playground
// should appear:
//
//   <script src="https://playground.example.com/embed.js" data-env="sandbox" async></script>
//
// It puts an iframe of the playground (?embed=1) in place of the script
// element and keeps the frame as tall as the playground's content: the
// playground posts {"type": "octoplay:resize", "height": <CSS px>} to the
// pages its server lets frame it (-frame-ancestors), and this script takes
// such a message from that frame and the playground's origin alone.
// data-env, data-step, data-profile and data-theme ("light", "dark") pass
// on to the playground's link; data-title names the frame; data-height is
// the height before the first report (default 640).
//
// A frame that has not reported within data-wait milliseconds (default
// 5000; the playground reports as soon as its page is parsed) was refused
// (the docs' origin is not in the server's -frame-ancestors) or cannot
// load: it is folded away and a link opens the playground in a tab of its
// own, with a line saying why. A report that comes later brings the frame
// back and takes the link away.
"use strict";
(() => {
  const script = document.currentScript;
  if (!script) {
    return;
  }
  const origin = new URL(script.src).origin;
  const src = new URL("/", origin);
  src.searchParams.set("embed", "1");
  for (const name of ["env", "step", "profile", "theme"]) {
    const value = script.dataset[name];
    if (value) {
      src.searchParams.set(name, value);
    }
  }
  const frame = document.createElement("iframe");
  frame.src = src.href;
  frame.title = script.dataset.title || "OctoTable token playground";
  frame.className = "octoplay-embed";
  frame.setAttribute("allow", "clipboard-write");
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = (Number(script.dataset.height) || 640) + "px";
  script.replaceWith(frame);

  const link = new URL(src);
  link.searchParams.delete("embed");
  const fallback = document.createElement("p");
  fallback.className = "octoplay-embed-fallback";
  fallback.setAttribute("role", "status");
  const open = document.createElement("a");
  open.href = link.href;
  open.target = "_blank";
  open.rel = "noopener";
  open.textContent = "Open the playground";
  fallback.append(open, " (it could not be shown on this page: the playground's server does not list this site, or it cannot be reached from here).");
  let reported = false;
  const wait = Number(script.dataset.wait) || 5000;
  setTimeout(() => {
    if (!reported) {
      frame.style.height = "0";
      frame.after(fallback);
    }
  }, wait);

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.origin !== origin || event.source !== frame.contentWindow ||
        !data || data.type !== "octoplay:resize" || !Number.isFinite(data.height)) {
      return;
    }
    reported = true;
    fallback.remove();
    // Bounded, so that a page that misbehaves cannot push the docs around.
    frame.style.height = Math.min(Math.max(Math.ceil(data.height), 120), 20000) + "px";
  });
})();
