{% autoescape off %}// Bredvid's service worker, scope "/". It keeps:
// - the app shell (styles, scripts, icons, our offline page), cached when it installs;
// - the last few rooms and meetup pages a person opened, network first and from the cache
//   only when the network fails, so a reload without a connection still shows the room;
// - static files, as they are asked for.
// Nothing from /api/ is ever cached. Signing out (or "Leave quickly") empties the page cache
// and the chat's outbox: phones are often shared.

const VERSION = "{{ version }}";
const SHELL_CACHE = `bredvid-shell-${VERSION}`;
const PAGES_CACHE = `bredvid-pages-${VERSION}`;
const STATIC_CACHE = `bredvid-static-${VERSION}`;
const OFFLINE_URL = "{{ offline_url }}";
const STATIC_URL = "{{ static_url }}";
const SHELL = {{ shell_json }};
const PAGES_KEPT = 5; // of each kind below
const PAGE_KINDS = [/^\/rum\/\d+\/$/, /^\/traffar\/\d+\/$/];
const NEVER = [/^\/api\//, /^\/ws\//, /^\/admin\//, /^\/konto\//];
const SIGN_OUT = /^\/konto\/(logout|quick-exit)\//;
const OUTBOX_DB = "bredvid-outbox";
{% if push_script %}
try {
  importScripts("{{ push_script }}");
} catch {
  // Push is an extra: the worker runs without it.
}
{% endif %}
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const current = [SHELL_CACHE, PAGES_CACHE, STATIC_CACHE];
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => !current.includes(name)).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") event.waitUntil(forget());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (SIGN_OUT.test(url.pathname)) event.waitUntil(forget());
    return;
  }
  if (NEVER.some((pattern) => pattern.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFile(request, event));
  }
});

/** Network first; a room or meetup page is kept; without a network, the kept copy or ours. */
async function navigate(request, url) {
  const key = url.origin + url.pathname; // one copy per page, whatever the query
  try {
    const response = await fetch(request);
    if (response.redirected && new URL(response.url).pathname.startsWith("/konto/login/")) {
      await forget(); // signed out elsewhere: nothing of theirs stays
    } else if (response.ok && !response.redirected && kindOf(url.pathname) !== null) {
      await keep(key, url.pathname, response.clone());
    }
    return response;
  } catch {
    const cache = await caches.open(PAGES_CACHE);
    const kept = await cache.match(key);
    if (kept) return kept;
    const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
    return offline || Response.error();
  }
}

function kindOf(path) {
  const index = PAGE_KINDS.findIndex((pattern) => pattern.test(path));
  return index === -1 ? null : index;
}

/** Keep this page as the newest of its kind and drop the oldest beyond PAGES_KEPT. */
async function keep(key, path, response) {
  const cache = await caches.open(PAGES_CACHE);
  await cache.delete(key); // re-added below, so the keys stay oldest first
  await cache.put(key, response);
  const kind = kindOf(path);
  const same = (await cache.keys()).filter((request) => kindOf(new URL(request.url).pathname) === kind);
  await Promise.all(same.slice(0, Math.max(0, same.length - PAGES_KEPT)).map((request) => cache.delete(request)));
}

/** From the cache at once when there, refreshed in the background; else from the network. */
async function staticFile(request, event) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = (await cache.match(request)) || (await caches.match(request, { cacheName: SHELL_CACHE }));
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

/** Forget every page and unsent message kept on this device. */
async function forget() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith("bredvid-pages-")).map((name) => caches.delete(name)));
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(OUTBOX_DB);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
{% endautoescape %}
