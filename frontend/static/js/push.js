// "Notifications on this device": subscribe this browser through its service worker with the
// server's VAPID key and tell the server; switching off removes both. What the phone then
// shows is always the server's neutral text (sw-push.js), never who or what.
const STORE = "bredvid.push";

const box = document.querySelector("[data-push-toggle]");
if (box) {
  setUp(box).catch(() => {
    box.hidden = true; // no service worker to be had: no switch rather than a broken one
  });
}

function keyBytes(base64url) {
  const base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || {};
  } catch {
    return {};
  }
}

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": box.dataset.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404) throw new Error(`HTTP ${response.status}`);
  return response.status === 200 || response.status === 201 ? response.json() : null;
}

async function registration() {
  const existing = await navigator.serviceWorker.getRegistration("/");
  return existing || navigator.serviceWorker.register("/sw.js", { scope: "/" });
}

async function subscribe(worker, key) {
  const options = { userVisibleOnly: true, applicationServerKey: keyBytes(key) };
  try {
    return await worker.pushManager.subscribe(options);
  } catch (error) {
    // A subscription made with an older server key must go before a new one can be made.
    const old = await worker.pushManager.getSubscription();
    if (!old || error.name !== "InvalidStateError") throw error;
    await old.unsubscribe();
    return worker.pushManager.subscribe(options);
  }
}

async function switchOn(worker, key) {
  if ((await Notification.requestPermission()) !== "granted") return "denied";
  const subscription = (await subscribe(worker, key)).toJSON();
  const { id } = await call(box.dataset.subscriptionsUrl, "POST", {
    endpoint: subscription.endpoint,
    keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
  });
  localStorage.setItem(STORE, JSON.stringify({ person: box.dataset.person, endpoint: subscription.endpoint, id }));
  return "on";
}

async function switchOff(worker) {
  const stored = remembered();
  if (stored.id) await call(`${box.dataset.subscriptionsUrl}${stored.id}/`, "DELETE");
  localStorage.removeItem(STORE);
  const subscription = await worker.pushManager.getSubscription();
  if (subscription) await subscription.unsubscribe();
  return "off";
}

async function setUp(root) {
  const toggle = root.querySelector("[data-push-switch]");
  const status = root.querySelector("[data-push-status]");
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    toggle.disabled = true;
    status.textContent = root.dataset.unsupported;
    root.hidden = false;
    return;
  }
  const response = await fetch(root.dataset.keyUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return; // push is not set up on this server: no switch at all
  const { public_key: key } = await response.json();
  const worker = await registration();
  const current = await worker.pushManager.getSubscription();
  const stored = remembered();
  // On a shared phone the switch shows only this person's own subscription as on.
  toggle.checked = Boolean(current && stored.person === root.dataset.person && stored.endpoint === current.endpoint);
  if (Notification.permission === "denied") status.textContent = root.dataset.denied;
  root.hidden = false;

  toggle.addEventListener("change", async () => {
    toggle.disabled = true;
    status.textContent = "";
    try {
      const state = toggle.checked ? await switchOn(await navigator.serviceWorker.ready, key) : await switchOff(worker);
      toggle.checked = state === "on";
      if (state === "denied") status.textContent = root.dataset.denied;
    } catch {
      toggle.checked = !toggle.checked;
      status.textContent = root.dataset.failed;
    } finally {
      toggle.disabled = false;
    }
  });
}
