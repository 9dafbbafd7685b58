/* Push in the service worker: `importScripts("/static/js/sw-push.js")` from /sw.js.
 * A classic script (no modules), so importScripts can load it.
 * Phones are shared: the notification shows only the neutral text the server sends and
 * opens a page of our own origin. */
const PUSH_FALLBACK = { title: "Bredvid", body: "Du har något nytt i Bredvid", url: "/notiser/" };

function pushText(value, fallback) {
  return typeof value === "string" && value.trim() ? value.slice(0, 200) : fallback;
}

function pushPath(url) {
  try {
    const parsed = new URL(url, self.location.origin);
    if (parsed.origin === self.location.origin) return parsed.pathname + parsed.search + parsed.hash;
  } catch {
    /* not a URL: the fallback below */
  }
  return PUSH_FALLBACK.url;
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = (event.data && event.data.json()) || {};
  } catch {
    data = {};
  }
  const title = pushText(data.title, PUSH_FALLBACK.title);
  event.waitUntil(
    self.registration.showNotification(title, {
      body: pushText(data.body, PUSH_FALLBACK.body),
      tag: "bredvid", // one notification on the lock screen, however many arrive
      renotify: true,
      data: { url: pushPath(data.url || PUSH_FALLBACK.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = pushPath(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(url);
      await open.focus();
      try {
        return await open.navigate(url);
      } catch {
        return self.clients.openWindow(url);
      }
    })(),
  );
});
