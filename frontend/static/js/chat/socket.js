// The one WebSocket a page keeps to /ws/ (see "Real-time protocol" in ARCHITECTURE.md).
//
// Phones drop connections all the time: the socket reconnects by itself with exponential
// backoff and jitter, at once when the browser says it is back online, and treats a
// connection that stops answering pings as dead. What to send after (re)connecting is up
// to the caller: `onOpen` is called every time a new connection is ready.

export const CLOSE_NOT_SIGNED_IN = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_ABUSE = 4429;

const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const ABUSE_WAIT_MS = 30_000;

export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

export class ChatSocket {
  /**
   * handlers: onOpen(), onFrame(frame), onDown({offline}), onSignedOut(),
   * onForbidden(), onAbuse()
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.notBefore = 0; // after a 4429 close: no new connection before this time
    this.stopped = false;
    // One socket per page: the header's bell listens to this one instead of opening its own.
    ChatSocket.page ??= this;

    window.addEventListener("online", () => this.connectNow());
    window.addEventListener("offline", () => this.drop({ offline: true, retry: false }));
    document.addEventListener("visibilitychange", () => {
      // A phone waking up: check at once that the connection still lives.
      if (document.visibilityState === "visible") {
        if (this.isOpen) this.ping();
        else this.connectNow();
      }
    });
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  start() {
    this.connect();
  }

  /** Send one frame; false when there is no open connection (the caller keeps it). */
  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** The caller got its subscription answered: the next outage starts the backoff anew. */
  settled() {
    this.attempt = 0;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped || this.ws !== null) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      this.schedule(wait);
      return;
    }
    if (navigator.onLine === false) {
      // No network at all: wait for the "online" event, and look again now and then.
      this.handlers.onDown({ offline: true });
      this.schedule(BACKOFF_MAX_MS);
      return;
    }
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.schedule(this.nextDelay());
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (this.ws !== ws) return;
      this.startPinging();
      this.handlers.onOpen();
      document.dispatchEvent(new CustomEvent("bredvid:open"));
    });
    ws.addEventListener("message", (event) => {
      if (this.ws !== ws) return;
      this.heardFrom();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame.type === "string") {
        this.handlers.onFrame(frame);
        document.dispatchEvent(new CustomEvent("bredvid:frame", { detail: frame }));
      }
    });
    ws.addEventListener("close", (event) => {
      if (this.ws !== ws) return; // a connection we already gave up on
      this.ws = null;
      this.stopPinging();
      this.closed(event.code);
    });
  }

  connectNow() {
    if (this.stopped || this.ws !== null) return;
    this.attempt = 0;
    this.connect();
  }

  closed(code) {
    if (code === CLOSE_NOT_SIGNED_IN) {
      this.stopped = true;
      this.handlers.onSignedOut();
    } else if (code === CLOSE_FORBIDDEN) {
      this.stopped = true;
      this.handlers.onForbidden();
    } else if (code === CLOSE_ABUSE) {
      this.notBefore = Date.now() + ABUSE_WAIT_MS;
      this.handlers.onAbuse();
      this.schedule(ABUSE_WAIT_MS);
    } else {
      this.handlers.onDown({ offline: navigator.onLine === false });
      this.schedule(this.nextDelay());
    }
  }

  /** Give up on the current connection without waiting for a close handshake. */
  drop({ offline, retry }) {
    const ws = this.ws;
    if (ws === null) {
      if (offline) this.handlers.onDown({ offline });
      return;
    }
    this.ws = null;
    this.stopPinging();
    try {
      ws.close();
    } catch {
      // already closing
    }
    this.handlers.onDown({ offline });
    // Offline: the "online" event reconnects; the slow timer covers a browser that never says.
    if (!this.stopped) this.schedule(retry ? this.nextDelay() : BACKOFF_MAX_MS);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop({ offline: false, retry: false });
  }

  nextDelay() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    this.attempt += 1;
    // "Equal jitter": never sooner than half the ceiling, so a crowd of phones spreads out.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  schedule(ms) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), ms);
  }

  startPinging() {
    this.stopPinging();
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  stopPinging() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }

  ping() {
    if (!this.send({ type: "ping" })) return;
    if (this.pongTimer === null) {
      // Nothing heard back: a half-open connection (common after a network switch).
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        this.drop({ offline: navigator.onLine === false, retry: true });
      }, PONG_WITHIN_MS);
    }
  }

  heardFrom() {
    clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }
}
