// The installable app: registers the service worker (/sw.js, scope "/") and, when someone
// signs out or leaves quickly, forgets what this device kept of them: the pages the worker
// cached and the chat's unsent messages. Phones are often shared.

const OUTBOX_DB = "bredvid-outbox";

export function forgetThisDevice() {
  navigator.serviceWorker?.controller?.postMessage({ type: "forget" });
  // The page starts the same work itself, in case no worker controls it yet.
  if (window.caches) {
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("bredvid-pages-")).map((n) => caches.delete(n))))
      .catch(() => undefined);
  }
  try {
    window.indexedDB?.deleteDatabase(OUTBOX_DB);
  } catch {
    // storage turned off: nothing was kept
  }
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
}

// quick-exit.js says "bredvid:leave" just before the page goes.
document.addEventListener("bredvid:leave", forgetThisDevice);
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && new URL(form.action, window.location.href).pathname === "/konto/logout/") {
    forgetThisDevice();
  }
});

// The offline page stands in for the page asked for: "Try again" asks for that page again.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("a[data-reload]")) {
    event.preventDefault();
    window.location.reload();
  }
});
