// Messages written but not yet acknowledged, kept in IndexedDB so that a reload (or a phone
// that kills the tab) does not lose them. Each keeps the client_id it was written with: when
// the socket is back it is sent again with that id, and the server's idempotency makes sure
// only one message results. Signing out deletes the whole database (pwa.js, sw.js).

const DB_NAME = "bredvid-outbox";
const STORE = "messages";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class Outbox {
  constructor({ room, user }) {
    this.room = room;
    this.user = user;
    this.db = null;
  }

  async open() {
    if (this.db) return this.db;
    if (!window.indexedDB) return null;
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "clientId" });
    this.db = await request(req);
    // Sign-out deletes the database: let it.
    this.db.onversionchange = () => {
      this.db.close();
      this.db = null;
    };
    return this.db;
  }

  async run(mode, work) {
    try {
      const db = await this.open();
      if (!db) return undefined;
      return await request(work(db.transaction(STORE, mode).objectStore(STORE)));
    } catch {
      return undefined; // storage refused (private mode, full disk): the page still works
    }
  }

  /** This person's unsent messages in this room, oldest first. */
  async load() {
    const all = (await this.run("readonly", (store) => store.getAll())) || [];
    return all
      .filter((item) => item.room === this.room && item.user === this.user)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(({ clientId, body, replyTo, createdAt, status, error }) => ({
        clientId,
        body,
        replyTo,
        createdAt,
        // One that was on its way when the page went is sent again; a refused one waits for "Try again".
        status: status === "failed" ? "failed" : "queued",
        error: error ?? null,
      }));
  }

  save(pending) {
    const { clientId, body, replyTo, createdAt, status, error } = pending;
    const item = { clientId, body, replyTo, createdAt, status, error, room: this.room, user: this.user };
    return this.run("readwrite", (store) => store.put(item));
  }

  remove(clientId) {
    return this.run("readwrite", (store) => store.delete(clientId));
  }
}
