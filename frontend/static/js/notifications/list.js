// The notification list keeps itself live: a `notification.new` frame (from the bell's socket,
// or the page's own) puts the new one at the top, and the unread line and "mark all as read"
// follow. After a reconnect it asks REST once for what came while the socket was away.
// Every text goes in as text; only links inside the site are made links.

import { dayTimeFormatter } from "../chat/text.js";

class NotificationList {
  constructor(root) {
    const data = root.dataset;
    this.api = data.api;
    this.list = document.getElementById("notification-list");
    this.empty = document.getElementById("notifications-empty");
    this.unreadLine = document.getElementById("notifications-unread");
    this.markAll = document.getElementById("notifications-all");
    this.template = document.getElementById("notification-template");
    this.plural = new Intl.PluralRules(data.language);
    this.texts = { one: data.unreadOne, other: data.unreadOther };
    this.formatWhen = dayTimeFormatter(data.language, data.timeZone);
    this.shown = new Set([...this.list.querySelectorAll("li[data-id]")].map((li) => Number(li.dataset.id)));
    this.unread = this.list.querySelectorAll(".notification--unread").length;
    this.opened = false;
  }

  start() {
    document.addEventListener("bredvid:frame", (event) => {
      const frame = event.detail;
      if (frame.type === "notification.new" && frame.notification) this.add([frame.notification]);
    });
    document.addEventListener("bredvid:open", () => {
      if (this.opened) this.catchUp();
      this.opened = true;
    });
  }

  async catchUp() {
    try {
      const response = await fetch(this.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const page = await response.json();
      this.add([...page.results].reverse(), page.unread);
    } catch {
      // offline again: the next reconnect asks once more
    }
  }

  /** Put the ones not shown yet at the top, oldest first so the newest ends on top. */
  add(notifications, unread) {
    let added = 0;
    for (const note of notifications) {
      if (!Number.isInteger(note.id) || this.shown.has(note.id)) continue;
      this.shown.add(note.id);
      this.list.prepend(this.item(note));
      if (!note.read_at) added += 1;
    }
    this.showUnread(Number.isInteger(unread) ? unread : this.unread + added);
    if (this.shown.size) {
      this.list.hidden = false;
      this.empty.hidden = true;
    }
  }

  item(note) {
    const item = this.template.content.firstElementChild.cloneNode(true);
    item.dataset.id = String(note.id);
    const [link, plain] = item.querySelectorAll(".notification__title > a, .notification__title > span:not(.visually-hidden)");
    const url = typeof note.url === "string" && note.url.startsWith("/") && !note.url.startsWith("//") ? note.url : "";
    if (url) {
      link.href = url;
      link.textContent = note.title;
      plain.remove();
    } else {
      plain.textContent = note.title;
      link.remove();
    }
    const body = item.querySelector(".notification__body");
    if (note.body) body.textContent = note.body;
    else body.remove();
    const when = new Date(note.created_at);
    const time = item.querySelector("time");
    time.dateTime = note.created_at;
    time.textContent = this.formatWhen(when);
    const form = item.querySelector("form");
    if (note.read_at) {
      item.classList.remove("notification--unread");
      item.querySelector(".notification__title .visually-hidden").remove();
      form.remove();
    } else {
      form.querySelector("input[name=id]").value = String(note.id);
      form.querySelector("button .visually-hidden").textContent = `: ${note.title}`;
    }
    return item;
  }

  showUnread(count) {
    this.unread = count;
    const text = this.texts[this.plural.select(count)] ?? this.texts.other;
    this.unreadLine.textContent = text.replace(/\d+/, String(count));
    this.markAll.hidden = count === 0;
  }
}

const root = document.getElementById("notifications");
if (root) new NotificationList(root).start();
