// The moderators' queue (/moderering/): the page lists the items; this keeps the list live.
//
// The server sends each moderator's socket a `moderation.queue` frame whenever an item is
// made or changes (a new report, a rule, a resolution). Items that match the page's filters
// are added or updated in place, in queue order (priority, then age); others leave the list.
// After a lost connection the list is fetched again from REST once, and that is trusted.

import { ChatSocket, socketUrl } from "../chat/socket.js";
import { format, snippet } from "../chat/text.js";

const AGE_EVERY_MS = 30_000;
const ANNOUNCEMENTS_KEPT = 3;
const PAGE = 100;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A short two-tone beep made with WebAudio (no sound file). Browsers may keep audio off until
 * the page has been clicked once; the banner is the cue that always shows.
 * Answers whether the sound could start.
 */
function beep() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return false;
  try {
    const audio = new Context();
    const gain = audio.createGain();
    gain.connect(audio.destination);
    const start = audio.currentTime;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.7);
    [880, 660].forEach((frequency, index) => {
      const tone = audio.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(start + index * 0.35);
      tone.stop(start + index * 0.35 + 0.3);
    });
    setTimeout(() => audio.close(), 1000);
    return audio.state === "running";
  } catch {
    return false;
  }
}

/** "för 3 minuter sedan": the age of an item, in the page's language. */
function ageFormatter(language, justNow) {
  const relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  const steps = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  return (iso) => {
    const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    for (const [unit, size] of steps) {
      if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
    }
    return justNow;
  };
}

class ModerationQueue {
  constructor(root) {
    const data = root.dataset;
    this.root = root;
    this.filters = {
      status: data.status || "open",
      priority: data.priority === "" ? null : Number(data.priority),
      room: data.room === "" ? null : Number(data.room),
    };
    this.urls = { api: data.apiUrl, item: data.itemUrl, login: data.loginUrl };
    this.labels = JSON.parse(document.getElementById("mod-labels").textContent);
    this.strings = { ...document.getElementById("mod-strings").dataset };
    this.age = ageFormatter(data.language, this.strings.justNow);
    this.$ = {
      list: document.getElementById("mod-queue-list"),
      empty: document.getElementById("mod-queue-empty"),
      live: document.getElementById("mod-live"),
      announcer: document.getElementById("mod-announcer"),
      alert: document.getElementById("mod-alert"),
    };
    this.opened = false; // a connection was up before: the next one refetches the list
    this.socket = new ChatSocket(socketUrl(data.wsPath), {
      onOpen: () => this.connected(),
      onFrame: (frame) => this.onFrame(frame),
      onDown: () => this.setLive("offline", this.strings.offline),
      onSignedOut: () => this.signedOut(),
      onForbidden: () => this.setLive("off", this.strings.stopped),
      onAbuse: () => this.setLive("offline", this.strings.offline),
    });
  }

  start() {
    this.socket.start();
    setInterval(() => this.refreshAges(), AGE_EVERY_MS);
    this.refreshAges();
  }

  connected() {
    this.setLive("on", this.strings.live);
    this.socket.settled();
    if (this.opened) this.reload();
    this.opened = true;
  }

  setLive(state, text) {
    this.$.live.dataset.state = state;
    this.$.live.textContent = text;
  }

  signedOut() {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${this.urls.login}?next=${next}`);
  }

  announce(text) {
    this.$.announcer.append(el("p", null, text));
    while (this.$.announcer.childElementCount > ANNOUNCEMENTS_KEPT) this.$.announcer.firstElementChild.remove();
  }

  onFrame(frame) {
    if (frame.type !== "moderation.queue" || !frame.item) return;
    this.upsert(frame.item, { live: true });
    if (frame.alert) this.alert(frame.item);
  }

  /** An urgent crisis item just arrived: a banner that stays until it is hidden, and a beep. */
  alert(item) {
    const box = this.$.alert;
    const link = el("a", "mod-alert__link", this.strings.urgentOpen);
    link.href = this.urls.item.replace(/\/0\/$/, `/${item.id}/`);
    const close = el("button", "button button--secondary mod-alert__close", this.strings.urgentClose);
    close.type = "button";
    close.addEventListener("click", () => {
      box.hidden = true;
      box.replaceChildren();
    });
    box.replaceChildren(el("p", "mod-alert__text", this.strings.urgent), link, close);
    box.hidden = false;
    box.dataset.item = item.id;
    box.dataset.sound = beep() ? "played" : "blocked";
  }

  matches(item) {
    const { status, priority, room } = this.filters;
    if (item.status !== status) return false;
    return (priority === null || item.priority === priority) && (room === null || item.room.id === room);
  }

  upsert(item, { live }) {
    const old = document.getElementById(`mod-item-${item.id}`);
    if (!this.matches(item)) {
      if (old && !old.contains(document.activeElement)) old.remove();
      this.updateEmpty();
      return;
    }
    const fresh = this.build(item);
    const grew = old === null || Number(old.dataset.count) < item.count;
    const hadFocus = old !== null && old.contains(document.activeElement);
    if (old) old.remove();
    this.$.list.insertBefore(fresh, this.placeBefore(item));
    if (hadFocus) fresh.querySelector("a").focus({ preventScroll: true });
    this.updateEmpty();
    if (live && grew && item.status === "open") this.announce(format(this.strings.newItem, { room: item.room.name }));
  }

  /** The first item that comes after this one in queue order (priority, age, id). */
  placeBefore(item) {
    const created = new Date(item.created_at).getTime();
    for (const other of this.$.list.children) {
      const priority = Number(other.dataset.priority);
      const otherCreated = new Date(other.dataset.created).getTime();
      if (
        priority > item.priority ||
        (priority === item.priority && otherCreated > created) ||
        (priority === item.priority && otherCreated === created && Number(other.dataset.id) > item.id)
      ) {
        return other;
      }
    }
    return null;
  }

  updateEmpty() {
    this.$.empty.hidden = this.$.list.childElementCount > 0;
    this.$.empty.textContent = this.filters.status === "open" ? this.strings.emptyOpen : this.strings.emptyOther;
  }

  /** The same markup as templates/frontend/moderation/_item.html. */
  build(item) {
    const labels = this.labels;
    const li = el("li", `mod-item mod-item--p${item.priority}`);
    li.id = `mod-item-${item.id}`;
    li.dataset.id = item.id;
    li.dataset.priority = item.priority;
    li.dataset.created = item.created_at;
    li.dataset.count = item.count;

    const tags = el("p", "mod-item__tags");
    const tag = (className, text) => tags.append(el("span", className, text), " ");
    tag(`mod-tag mod-tag--p${item.priority}`, labels.priorities[String(item.priority)] ?? "");
    tag("mod-tag", labels.sources[item.source] ?? item.source);
    if (item.status !== "open") tag("mod-tag mod-tag--status", labels.statuses[item.status] ?? item.status);
    if (item.message.state !== "visible") tag("mod-tag mod-tag--state", labels.states[item.message.state] ?? "");
    li.append(tags);

    const title = el("h3", "mod-item__title");
    const link = el("a", "mod-item__link", item.message.body ? snippet(item.message.body, 200) : this.strings.noText);
    link.href = this.urls.item.replace(/\/0\/$/, `/${item.id}/`);
    title.append(link);
    li.append(title);

    const meta = el("p", "mod-item__meta");
    meta.append(el("span", "mod-item__room", item.room.name), " · ");
    meta.append(el("span", "mod-item__author", item.message.author.display_name));
    if (item.count) {
      const { reportsOne, reportsMany } = this.strings;
      const count = item.count === 1 ? reportsOne : format(reportsMany, { count: item.count });
      meta.append(" · ", el("span", "mod-item__count", count));
    }
    const age = el("time", "mod-item__age", this.age(item.created_at));
    age.dateTime = item.created_at;
    meta.append(" · ", age);
    li.append(meta);

    const reasons = (item.reasons || []).map((reason) => labels.reasons[reason] ?? reason);
    if (reasons.length) li.append(el("p", "mod-item__reasons", reasons.join(", ")));
    return li;
  }

  refreshAges() {
    for (const time of this.$.list.querySelectorAll("time.mod-item__age")) {
      time.textContent = this.age(time.dateTime);
    }
  }

  /** After an outage: what is in the queue now, from REST (the socket only rings the bell). */
  async reload() {
    const params = new URLSearchParams({ status: this.filters.status, limit: PAGE });
    if (this.filters.priority !== null) params.set("priority", this.filters.priority);
    if (this.filters.room !== null) params.set("room", this.filters.room);
    let answer;
    try {
      const response = await fetch(`${this.urls.api}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 401) this.signedOut();
      if (!response.ok) return;
      answer = await response.json();
    } catch {
      return;
    }
    const wanted = new Set(answer.results.map((item) => item.id));
    for (const shown of [...this.$.list.children]) {
      if (!wanted.has(Number(shown.dataset.id)) && !shown.contains(document.activeElement)) shown.remove();
    }
    for (const item of answer.results) this.upsert(item, { live: true });
  }
}

const root = document.getElementById("mod-queue");
if (root) new ModerationQueue(root).start();
