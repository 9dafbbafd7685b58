// The bell in the header: the unread count, live from `notification.new` frames.
//
// A page keeps one socket: when the page has one (a room, the moderation queue) the bell
// listens to its frames; otherwise it opens one to /ws/ just for notifications. After a
// reconnect it asks REST for the count once, since frames sent while away are lost.

import { ChatSocket, socketUrl } from "../chat/socket.js";

const MAX_SHOWN = 99;

class Bell {
  constructor(link) {
    this.link = link;
    this.badge = link.querySelector(".bell__count");
    this.status = document.getElementById("bell-status");
    this.count = Number(link.dataset.count) || 0;
    this.opened = false;
  }

  start() {
    document.addEventListener("bredvid:frame", (event) => this.onFrame(event.detail));
    document.addEventListener("bredvid:open", () => this.onOpen());
    document.addEventListener("bredvid:notifications-read", (event) => this.show(event.detail.unread));
    if (!ChatSocket.page) this.ownSocket().start();
  }

  ownSocket() {
    const stop = () => {};
    return new ChatSocket(socketUrl(this.link.dataset.wsPath), {
      onOpen: stop,
      onFrame: stop,
      onDown: stop,
      onSignedOut: stop,
      onForbidden: stop,
      onAbuse: stop,
    });
  }

  onOpen() {
    if (this.opened) this.refresh();
    this.opened = true;
    this.link.dataset.live = "up";
  }

  onFrame(frame) {
    if (frame.type !== "notification.new" || !frame.notification) return;
    if (frame.notification.read_at) return;
    this.show(this.count + 1, { announce: true });
  }

  async refresh() {
    try {
      const response = await fetch(this.link.dataset.api, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) this.show((await response.json()).unread);
    } catch {
      // offline again: the next reconnect asks once more
    }
  }

  label(count) {
    return count === 1 ? this.link.dataset.one : this.link.dataset.many.replace("{n}", String(count));
  }

  show(count, { announce = false } = {}) {
    if (!Number.isInteger(count) || count < 0) return;
    this.count = count;
    this.link.dataset.count = String(count);
    this.link.setAttribute("aria-label", this.label(count));
    this.link.classList.toggle("bell--unread", count > 0);
    this.badge.textContent = count > MAX_SHOWN ? `${MAX_SHOWN}+` : String(count);
    this.badge.hidden = count === 0;
    if (announce && this.status) this.status.textContent = this.label(count);
  }
}

const link = document.getElementById("notification-bell");
if (link) new Bell(link).start();
