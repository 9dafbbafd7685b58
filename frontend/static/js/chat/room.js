// One chat room page (/rum/<id>/): the socket protocol, the composer and the actions on
// messages. The list itself (order, dedupe, rendering) lives in list.js.
//
// A jump in seq is filled from REST once, and the answer is trusted: a seq this person may
// not see stays a gap. Sending is optimistic and idempotent: each message carries a
// client_id and is re-sent with the same one after a reconnect or on "Try again".
//
// Moderation shows here too: any message not one's own can be reported (over REST, answered
// only with a thank-you); a hidden message vanishes for others; `room.updated` locks and
// unlocks the composer, sets slow mode, the pinned message and the group's next meetup.

import { MessageList } from "./list.js";
import { buildCrisisCard, EDIT_WINDOW_MS, markRuns } from "./messages.js";
import { Outbox } from "./outbox.js";
import { ChatSocket, socketUrl } from "./socket.js";
import {
  appendLinkified,
  format,
  listFormatter,
  meetupFormatter,
  messageText,
  newClientId,
  snippet,
  timeFormatter,
} from "./text.js";

const INITIAL_MESSAGES = 30; // at least this many of the newest messages on opening
const INITIAL_MAX = 150; // at most this many, even with many unread
const UNREAD_CONTEXT = 3; // read messages shown above the first unread one
const OLDER_PAGE = 50;
const GAP_PAGE = 100;
const GAP_MAX_PAGES = 20;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 5000;
const READ_DEBOUNCE_MS = 1000;
const OFFLINE_GRACE_MS = 1500;
const PRESENCE_NAMES = 5;
const ANNOUNCEMENTS_KEPT = 3;

class HttpError extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/** The room is as high as what is visible of the screen: with the keyboard open the visual
 * viewport shrinks while the layout viewport may not, and the composer has to stay above it. */
function fitToVisibleScreen() {
  const viewport = window.visualViewport;
  if (!viewport) return;
  const fit = () => document.documentElement.style.setProperty("--chat-height", `${Math.round(viewport.height)}px`);
  viewport.addEventListener("resize", fit);
  fit();
}

class ChatRoom {
  constructor(root) {
    const data = root.dataset;
    this.root = root;
    this.roomId = Number(data.roomId);
    this.me = { id: Number(data.meId), name: data.meName };
    this.canPost = data.canPost === "true";
    this.canModerate = data.canModerate === "true"; // locks do not apply to moderators
    this.muted = data.muted === "true"; // a moderator paused this person's writing here
    this.mutedUntil = data.mutedUntil ? new Date(data.mutedUntil) : null;
    this.timeZone = data.timeZone;
    this.language = data.language;
    this.urls = { messages: data.messagesUrl, read: data.readUrl, login: data.loginUrl, report: data.reportUrl };
    this.csrfToken = data.csrfToken;
    this.strings = { ...document.getElementById("chat-strings").dataset };
    this.emoji = JSON.parse(document.getElementById("chat-emoji").textContent);
    this.reportReasons = JSON.parse(document.getElementById("chat-report-reasons").textContent);
    this.formatDay = meetupFormatter(data.language, data.timeZone);
    this.cardTexts = JSON.parse(document.getElementById("chat-card-texts").textContent);
    this.textOf = (message) => messageText(message, this.cardTexts, this.formatDay);
    this.pinnedId = data.pinnedId ? Number(data.pinnedId) : null;
    this.formatTime = timeFormatter(data.language, data.timeZone);
    this.formatList = listFormatter(data.language);

    const lastSeq = Number(data.lastSeq);
    const lastRead = Number(data.lastReadSeq);
    this.initial = { lastSeq, lastRead, meId: this.me.id };
    this.startSeq = startSeq(lastSeq, lastRead);
    this.lastSeq = this.startSeq; // the highest seq heard from the server
    this.hasOlder = this.startSeq > 0;
    this.readSent = lastRead;

    this.pending = new Map(); // client_id -> {clientId, body, replyTo, createdAt, status, error}
    this.outbox = new Outbox({ room: this.roomId, user: this.me.id }); // pending, kept across reloads
    this.replyTo = null;
    this.typers = new Map(); // user id -> {name, until}
    this.ready = false; // subscribed on the current connection
    this.loaded = false; // the first subscription has been answered
    this.gapChain = Promise.resolve();
    this.unfilledGaps = [];
    this.lastTypingSent = 0;

    const $ = (id) => document.getElementById(id);
    this.$ = {
      scroller: $("chat-scroller"),
      list: $("chat-messages"),
      empty: $("chat-empty"),
      older: $("chat-older"),
      jump: $("chat-jump"),
      connection: $("chat-connection"),
      alert: $("chat-alert"),
      announcer: $("chat-announcer"),
      presence: $("chat-presence"),
      typing: $("chat-typing"),
      form: $("chat-composer"),
      input: $("chat-input"),
      send: $("chat-send"),
      note: $("chat-composer-note"),
      reply: $("chat-reply"),
      replyText: $("chat-reply-text"),
      replyCancel: $("chat-reply-cancel"),
      meetup: $("chat-meetup"),
      meetupLink: $("chat-meetup-link"),
      meetupTime: $("chat-meetup-time"),
      pinned: $("chat-pinned"),
      pinnedAuthor: $("chat-pinned-author"),
      pinnedBody: $("chat-pinned-body"),
      supportNow: $("chat-support-now"),
      crisis: $("chat-crisis"),
      mute: $("chat-mute"),
    };
    this.crisisCard = JSON.parse(document.getElementById("chat-crisis-card").textContent);
    this.slowModeNote = this.canPost && !this.muted ? this.$.note.textContent : "";
    this.list = new MessageList(this.$, () => ({
      strings: this.strings,
      me: this.me,
      emoji: this.emoji,
      canPost: this.canPost,
      formatTime: this.formatTime,
      textOf: this.textOf,
      reportReasons: this.reportReasons,
    }));

    this.socket = new ChatSocket(socketUrl(data.wsPath), {
      onOpen: () => this.subscribe(),
      onFrame: (frame) => this.onFrame(frame),
      onDown: ({ offline }) => this.down(offline),
      onSignedOut: () => this.signedOut(),
      onForbidden: () => this.stopWith(this.strings.forbidden),
      onAbuse: () => this.abused(),
    });
  }

  start() {
    fitToVisibleScreen();
    new MutationObserver(() => markRuns(this.$.list)).observe(this.$.list, { childList: true });
    this.bindComposer();
    this.bindList();
    this.bindPage();
    this.bindCrisisCard();
    this.setMuted(this.muted, this.mutedUntil, { quiet: true });
    this.restoreOutbox();
    this.socket.start();
  }

  // --- the connection ----------------------------------------------------------------

  subscribe() {
    const ref = `room:${this.roomId}`; // errors about the room itself come back with it
    this.socket.send({ type: "subscribe", room: this.roomId, after_seq: this.lastSeq, ref });
  }

  setConnection(state) {
    this.root.dataset.connection = state;
    this.ready = state === "up";
    clearTimeout(this.offlineTimer);
  }

  down(offline) {
    this.setConnection("down");
    if (offline) this.showOffline();
    // A blip that heals within a second or two needs no banner.
    else this.offlineTimer = setTimeout(() => this.showOffline(), OFFLINE_GRACE_MS);
  }

  showOffline() {
    if (this.ready || this.$.connection.childElementCount) return;
    const banner = bannerElement("chat-banner chat-banner--offline", this.strings.offline);
    banner.id = "chat-offline";
    this.$.connection.append(banner);
  }

  online() {
    this.setConnection("up");
    this.$.connection.replaceChildren();
    this.$.alert.replaceChildren();
    this.socket.settled();
  }

  /** Closed with 4429: the socket waits 30 s before it tries again. */
  abused() {
    this.setConnection("down");
    this.$.connection.replaceChildren();
    this.setAlert(this.strings.abuse);
  }

  stopWith(text) {
    this.setConnection("stopped");
    this.socket.stop();
    this.$.connection.replaceChildren();
    this.setAlert(text);
  }

  signedOut() {
    const next = encodeURIComponent(window.location.pathname);
    window.location.assign(`${this.urls.login}?next=${next}`);
  }

  setAlert(text) {
    this.$.alert.replaceChildren(bannerElement("chat-banner chat-banner--error", text));
  }

  announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    this.$.announcer.append(line);
    while (this.$.announcer.childElementCount > ANNOUNCEMENTS_KEPT) this.$.announcer.firstElementChild.remove();
  }

  // --- frames from the server --------------------------------------------------------

  onFrame(frame) {
    const handler = FRAME_HANDLERS[frame.type];
    if (handler) handler.call(this, frame);
  }

  /** A message from the server (backlog, live or REST): the list dedupes by seq. */
  store(message) {
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    this.list.upsert(message);
  }

  onSubscribed(frame) {
    if (frame.room !== this.roomId) return;
    const keepBottom = !this.loaded || this.list.nearBottom();
    this.online();
    if (typeof frame.muted === "boolean") this.setMuted(frame.muted, frame.muted_until ? new Date(frame.muted_until) : null);
    for (const message of frame.backlog) this.store(message);
    if (frame.has_more) this.fillGap(this.lastSeq);
    for (const after of this.unfilledGaps.splice(0)) this.fillGap(after);
    if (!this.loaded) this.firstLoad();
    else if (keepBottom) this.list.scrollToBottom();
    for (const pending of this.pending.values()) {
      if (pending.status !== "failed") this.sendPending(pending);
    }
    this.scheduleRead();
  }

  onMessageNew(frame) {
    const message = frame.message;
    if (message.room !== this.roomId) return;
    const expected = this.lastSeq + 1;
    const known = this.list.get(message.seq) !== undefined;
    const keepBottom = this.list.nearBottom();
    this.store(message);
    if (message.seq > expected) this.fillGap(expected - 1);
    if (known) return;
    this.typers.delete(message.author.id);
    this.renderTyping();
    const mine = message.author.id === this.me.id;
    if (mine || keepBottom) this.list.scrollToBottom();
    else this.$.jump.hidden = false;
    if (!mine && message.state === "visible") {
      const text = snippet(this.textOf(message), 140);
      this.announce(format(this.strings.newFrom, { name: message.author.display_name, text }));
    }
    this.scheduleRead();
  }

  onMessageUpdated(frame) {
    const message = frame.message;
    if (message.room !== this.roomId) return;
    const before = this.list.get(message.seq);
    if (before === undefined) {
      // Approved (or shown again) while we were here: it appears at its place in the room.
      if (message.state === "visible" && this.loaded && message.seq > (this.list.lowestSeq() ?? 0)) {
        const expected = this.lastSeq + 1;
        this.store(message);
        if (message.seq > expected) this.fillGap(expected - 1);
      }
      return;
    }
    const editing = this.list.editing;
    if (editing && editing.seq === message.seq) {
      const saved = editing.saving && message.edited_at !== before.edited_at;
      if (saved || message.state === "deleted") this.list.editing = null;
    }
    this.list.upsert(message);
    this.list.renderRepliesTo([message.id]);
  }

  onAck(frame) {
    const pending = this.pending.get(frame.client_id);
    if (!pending) return;
    const keepBottom = this.list.nearBottom();
    this.pending.delete(frame.client_id);
    this.outbox.remove(frame.client_id);
    const hadFocus = this.list.removePending(pending.clientId);
    if (this.list.get(frame.seq) === undefined) {
      // Shown in its place at once; message.new (or a backlog) brings the stored copy.
      this.list.upsert({
        id: frame.id,
        room: this.roomId,
        seq: frame.seq,
        author: { id: this.me.id, display_name: this.me.name },
        body: pending.body,
        reply_to: pending.replyTo,
        reactions: [],
        state: "visible",
        created_at: pending.createdAt,
        edited_at: null,
        meetup: null,
        actions: [], // what may be done with it comes with the stored copy
      });
    }
    if (hadFocus) this.list.element(frame.seq)?.focus({ preventScroll: true });
    if (keepBottom) this.list.scrollToBottom();
  }

  onError(frame) {
    const ref = frame.ref;
    const text = describeError(frame, this.strings.failed);
    if (typeof ref === "string" && this.pending.has(ref)) {
      const pending = this.pending.get(ref);
      pending.status = "failed";
      pending.error = text;
      this.list.renderPending(pending);
      this.outbox.save(pending);
      this.announce(`${this.strings.notSent} ${text}`);
      if (frame.code === "muted") this.setMuted(true, frame.retry_after ? new Date(Date.now() + frame.retry_after * 1000) : null);
      else if (frame.retry_after) this.showWait(frame.retry_after);
      return;
    }
    const [kind, value] = typeof ref === "string" ? ref.split(":") : [];
    const seq = Number(value);
    if (kind === "room" && seq === this.roomId) {
      if (frame.code === "not_found" || frame.code === "forbidden") this.stopWith(this.strings.roomGone);
      else this.setAlert(text);
    } else if (["edit", "delete", "react"].includes(kind) && this.list.get(seq) !== undefined) {
      if (this.list.editing && this.list.editing.seq === seq) this.list.editing.saving = false;
      this.list.uiFor(seq).error = text;
      this.list.render(seq);
      this.announce(text);
    } else if (kind !== "read" && kind !== "typing") {
      this.setAlert(text);
    }
  }

  onTyping(frame) {
    if (frame.room !== this.roomId || frame.user.id === this.me.id) return;
    this.typers.set(frame.user.id, { name: frame.user.display_name, until: Date.now() + TYPING_SHOWN_MS });
    this.renderTyping();
    setTimeout(() => this.renderTyping(), TYPING_SHOWN_MS + 50);
  }

  renderTyping() {
    const now = Date.now();
    for (const [id, typer] of this.typers) if (typer.until <= now) this.typers.delete(id);
    const names = [...this.typers.values()].map((typer) => typer.name);
    let text = "";
    if (names.length === 1) text = format(this.strings.typingOne, { name: names[0] });
    else if (names.length > 3) text = this.strings.typingCrowd;
    else if (names.length > 1) text = format(this.strings.typingMany, { names: this.formatList(names) });
    this.$.typing.textContent = text;
  }

  onPresence(frame) {
    if (frame.room !== this.roomId) return;
    const others = frame.users.filter((user) => user.id !== this.me.id).map((user) => user.display_name);
    if (others.length === 0) {
      this.$.presence.textContent = this.strings.nobodyHere;
      return;
    }
    const names = others.slice(0, PRESENCE_NAMES);
    if (others.length > PRESENCE_NAMES) names.push(`+${others.length - PRESENCE_NAMES}`);
    this.$.presence.textContent = format(this.strings.hereNow, { names: this.formatList(names) });
  }

  onReadUpdated(frame) {
    if (frame.room === this.roomId && frame.user && frame.user.id === this.me.id) {
      this.readSent = Math.max(this.readSent, frame.seq);
    }
  }

  onRoomUpdated(frame) {
    const room = frame.room && typeof frame.room === "object" ? frame.room : frame;
    if ((room.id ?? frame.room) !== this.roomId) return;
    if (typeof room.slow_mode_seconds === "number") this.setSlowMode(room.slow_mode_seconds);
    if (typeof room.can_post === "boolean") this.setCanPost(room.can_post);
    else if (typeof room.is_locked === "boolean") this.setLocked(room.is_locked);
    if ("pinned" in room) this.setPinned(room.pinned);
    if ("next_meetup" in room) this.setMeetup(room.next_meetup);
    if (typeof room.muted === "boolean") this.setMuted(room.muted, room.muted_until ? new Date(room.muted_until) : null);
  }

  /** A moderator's mute: a banner with the end in local time, the composer closed with a
   * neutral reason, and open again when it ends (a reconnect brings the state fresh). */
  setMuted(muted, until, { quiet = false } = {}) {
    clearTimeout(this.muteTimer);
    const over = until !== null && until.getTime() <= Date.now();
    const was = this.muted;
    this.muted = muted && !over;
    this.mutedUntil = this.muted ? until : null;
    const text = this.mutedUntil
      ? format(this.strings.mutedUntil, { time: this.untilText(this.mutedUntil) })
      : this.strings.mutedNow;
    this.$.mute.hidden = !this.muted;
    if (this.muted) this.$.mute.textContent = text;
    this.setCanPost(this.canPost);
    if (this.mutedUntil) {
      // setTimeout holds at most about 24.8 days; a longer mute re-arms itself
      const wait = Math.min(this.mutedUntil.getTime() - Date.now() + 500, 2 ** 31 - 1);
      this.muteTimer = setTimeout(() => this.setMuted(true, this.mutedUntil), wait);
    }
    if (!quiet && was !== this.muted) this.announce(this.muted ? text : this.strings.muteOver);
  }

  /** "14.30" today, else "3 december 14.30": in the room's time zone, as the server writes it. */
  untilText(date) {
    const parts = (options) =>
      Object.fromEntries(
        new Intl.DateTimeFormat(this.language, { timeZone: this.timeZone || undefined, ...options })
          .formatToParts(date)
          .map((part) => [part.type, part.value]),
      );
    const clock = parts({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const time = `${clock.hour}.${clock.minute}`;
    const day = (when) => new Intl.DateTimeFormat("en-CA", { timeZone: this.timeZone || undefined }).format(when);
    if (day(date) === day(new Date())) return time;
    const date_ = parts({ day: "numeric", month: "long" });
    return `${date_.day} ${date_.month} ${time}`;
  }

  setSlowMode(seconds) {
    this.slowModeNote = seconds ? format(this.strings.slowMode, { seconds }) : "";
    this.$.note.textContent = this.defaultNote();
  }

  /** A lock closes the composer for members (not for the room's moderators), with why. */
  setLocked(locked) {
    const canPost = !locked || this.canModerate;
    if (canPost === this.canPost) return;
    this.setCanPost(canPost);
    this.announce(canPost ? this.strings.unlocked : this.strings.locked);
  }

  /** The pinned message at the top of the room (text only), or none. */
  setPinned(message) {
    const shown = message && message.state === "visible" && message.body ? message : null;
    this.pinnedId = shown ? shown.id : null;
    this.$.pinned.hidden = shown === null;
    if (!shown) return;
    this.$.pinnedAuthor.textContent = `${shown.author.display_name}:`;
    this.$.pinnedBody.replaceChildren();
    appendLinkified(this.$.pinnedBody, this.textOf(shown), this.strings.newTab);
  }

  /** The group's next meetup in the room header (text only; only links inside the site). */
  setMeetup(meetup) {
    const url = meetup && typeof meetup.url === "string" ? meetup.url : "";
    const usable = url.startsWith("/") && !url.startsWith("//");
    this.$.meetup.hidden = !usable;
    if (!usable) return;
    this.$.meetupLink.textContent = meetup.title;
    this.$.meetupLink.href = url;
    const starts = new Date(meetup.starts_at);
    this.$.meetupTime.textContent = this.formatDay(starts);
    this.$.meetupTime.dateTime = starts.toISOString();
  }

  /** A private notice (a warning, or a crisis card after a worrying message). */
  onNotice(frame) {
    if (frame.kind === "crisis" && "room" in frame) {
      // One card per room, replaced by an update; another room's card stays in that room.
      if (frame.room === this.roomId || frame.room === null) this.showCrisisCard(frame);
      return;
    }
    const keepBottom = this.list.nearBottom();
    const notice = this.list.addNotice(frame);
    if (keepBottom || frame.kind === "crisis" || frame.kind === "warning") notice.scrollIntoView({ block: "nearest" });
    this.announce([frame.title, frame.body].filter(Boolean).join(": "));
  }

  bindCrisisCard() {
    this.$.supportNow.addEventListener("click", () => {
      if (this.$.crisis.hidden) this.openCrisisCard({ focus: true });
      else this.closeCrisisCard();
    });
    this.$.crisis.addEventListener("click", (event) => {
      const button = event.target.closest('button[data-action="crisis-close"]');
      if (button) this.closeCrisisCard();
    });
    if (this.crisisCard) this.renderCrisisCard();
  }

  showCrisisCard(card) {
    const update = !this.$.crisis.hidden && card.update;
    this.crisisCard = card;
    this.renderCrisisCard();
    this.openCrisisCard({ focus: false });
    if (!update) this.$.crisis.scrollIntoView({ block: "nearest" });
    this.announce([card.title, card.body].filter(Boolean).join(": "));
  }

  renderCrisisCard() {
    const card = this.crisisCard;
    this.$.crisis.replaceChildren(...buildCrisisCard({ strings: this.strings }, card));
    this.$.supportNow.hidden = !card.until;
    clearTimeout(this.cardTimer);
    if (card.until) {
      const left = new Date(card.until).getTime() - Date.now();
      this.cardTimer = setTimeout(() => {
        this.$.supportNow.hidden = true;
      }, Math.min(Math.max(left, 0), 2 ** 31 - 1));
    }
  }

  openCrisisCard({ focus }) {
    if (!this.crisisCard) return;
    this.$.crisis.hidden = false;
    this.$.supportNow.setAttribute("aria-expanded", "true");
    if (focus) this.$.crisis.focus();
  }

  closeCrisisCard() {
    this.$.crisis.hidden = true;
    this.$.supportNow.setAttribute("aria-expanded", "false");
    if (!this.$.supportNow.hidden) this.$.supportNow.focus();
    else (this.canPost && !this.muted ? this.$.input : this.$.scroller).focus();
  }

  // --- history from REST -------------------------------------------------------------

  firstLoad() {
    this.loaded = true;
    if (this.list.size === 0) this.$.empty.textContent = this.strings.noMessages;
    this.$.empty.hidden = this.list.size > 0 || this.pending.size > 0;
    this.list.placeDivider(this.initial);
    this.updateOlderButton();
    this.list.scrollToDividerOrBottom();
    this.fillScreen();
  }

  /** No scroll bar yet means no scrolling to the top either: load older ones by ourselves. */
  fillScreen() {
    if (this.hasOlder && !this.list.scrollable()) this.loadOlder();
  }

  fillGap(after) {
    this.gapChain = this.gapChain.then(() =>
      this.fetchAfter(after).catch(() => {
        this.unfilledGaps.push(after); // asked again after the next (re)subscription
      }),
    );
  }

  async fetchAfter(after) {
    let cursor = after;
    const keepBottom = this.list.nearBottom();
    for (let page = 0; page < GAP_MAX_PAGES; page += 1) {
      const answer = await this.getMessages({ after_seq: cursor, limit: GAP_PAGE });
      for (const message of answer.results) this.store(message);
      if (!answer.has_more || answer.results.length === 0) break;
      cursor = answer.results[answer.results.length - 1].seq;
    }
    if (keepBottom) this.list.scrollToBottom();
  }

  async loadOlder() {
    if (this.loadingOlder || !this.hasOlder || !this.loaded) return;
    this.loadingOlder = true;
    let loaded = false;
    try {
      const before = this.list.lowestSeq() ?? this.startSeq + 1;
      const answer = await this.getMessages({ before_seq: before, limit: OLDER_PAGE });
      this.list.keepingView(() => {
        for (const message of answer.results) this.store(message);
        this.list.placeDivider(this.initial);
        this.list.renderRepliesTo(answer.results.map((message) => message.id));
      });
      this.hasOlder = answer.has_more && answer.results.length > 0;
      loaded = true;
    } catch {
      this.setAlert(this.strings.loadFailed);
    } finally {
      this.loadingOlder = false;
      this.updateOlderButton();
    }
    if (loaded) this.fillScreen();
  }

  updateOlderButton() {
    if ((this.list.lowestSeq() ?? 2) <= 1) this.hasOlder = false;
    const hadFocus = document.activeElement === this.$.older;
    this.$.older.hidden = !this.hasOlder;
    if (hadFocus && !this.hasOlder) this.list.element(this.list.lowestSeq())?.focus();
  }

  async getMessages(params) {
    const response = await fetch(`${this.urls.messages}?${new URLSearchParams(params)}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.status === 401) this.signedOut();
    if (!response.ok) throw new HttpError(response.status);
    return response.json();
  }

  // --- read position -----------------------------------------------------------------

  scheduleRead() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.sendRead(), READ_DEBOUNCE_MS);
  }

  sendRead() {
    if (document.visibilityState !== "visible" || !this.ready) return;
    const seq = this.list.highestSeenSeq();
    if (seq > this.readSent && this.socket.send({ type: "read", room: this.roomId, seq, ref: "read" })) {
      this.readSent = seq;
    }
  }

  /** Leaving the page: a read position the socket could not send goes over REST. */
  flushReadOnLeave() {
    clearTimeout(this.readTimer);
    const seq = this.list.highestSeenSeq();
    if (seq <= this.readSent) return;
    this.readSent = seq;
    fetch(this.urls.read, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken },
      body: JSON.stringify({ seq }),
    }).catch(() => {});
  }

  // --- the composer ------------------------------------------------------------------

  bindComposer() {
    const { form, input, replyCancel } = this.$;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submit();
      }
    });
    input.addEventListener("input", () => {
      const now = Date.now();
      if (input.value.trim() && this.ready && now - this.lastTypingSent >= TYPING_EVERY_MS) {
        if (this.socket.send({ type: "typing", room: this.roomId, ref: "typing" })) this.lastTypingSent = now;
      }
    });
    replyCancel.addEventListener("click", () => {
      this.setReply(null);
      input.focus();
    });
  }

  submit() {
    const body = this.$.input.value.trim();
    if (!body || !this.canPost || this.muted) return;
    const pending = {
      clientId: newClientId(),
      body,
      replyTo: this.replyTo ? this.replyTo.id : null,
      createdAt: new Date().toISOString(),
      status: "sending",
      error: null,
    };
    this.pending.set(pending.clientId, pending);
    this.outbox.save(pending);
    this.$.input.value = "";
    this.setReply(null);
    this.sendPending(pending);
    this.list.scrollToBottom();
  }

  /** Messages written here before a reload and never acknowledged: shown, and sent again. */
  async restoreOutbox() {
    for (const pending of await this.outbox.load()) {
      if (this.pending.has(pending.clientId)) continue;
      this.pending.set(pending.clientId, pending);
      if (pending.status === "failed") this.list.renderPending(pending);
      else this.sendPending(pending); // the same client_id: at most one message results
    }
    this.$.empty.hidden = this.list.size > 0 || this.pending.size > 0;
  }

  /** Send (or queue until connected); a retry uses the same client_id, so never two messages. */
  sendPending(pending) {
    const frame = { type: "message.send", room: this.roomId, body: pending.body, client_id: pending.clientId };
    if (pending.replyTo) frame.reply_to = pending.replyTo;
    pending.error = null;
    pending.status = this.ready && this.socket.send(frame) ? "sending" : "queued";
    this.list.renderPending(pending);
  }

  setReply(message) {
    this.replyTo = message;
    this.$.reply.hidden = message === null;
    if (message) {
      const lead = format(this.strings.replyingTo, { name: message.author.display_name });
      this.$.replyText.replaceChildren(lead, " ", snippet(this.textOf(message), 80));
    }
  }

  setCanPost(canPost) {
    this.canPost = canPost;
    const open = canPost && !this.muted;
    this.$.input.disabled = !open;
    this.$.send.disabled = !open;
    this.$.note.textContent = this.defaultNote();
    if (!open) this.setReply(null);
    this.list.renderAll();
  }

  defaultNote() {
    if (this.muted) return this.strings.mutedNote;
    return this.canPost ? this.slowModeNote : this.strings.locked;
  }

  showWait(seconds) {
    clearInterval(this.waitTimer);
    let left = seconds;
    const tick = () => {
      if (left <= 0) {
        clearInterval(this.waitTimer);
        this.$.note.textContent = this.defaultNote();
        return;
      }
      this.$.note.textContent = format(this.strings.wait, { seconds: left });
      left -= 1;
    };
    tick();
    this.waitTimer = setInterval(tick, 1000);
  }

  // --- actions on messages -----------------------------------------------------------

  bindList() {
    const { list, scroller, older, jump } = this.$;
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (button && list.contains(button)) this.onButton(button);
    });
    list.addEventListener("input", (event) => {
      const editing = this.list.editing;
      const { role, seq } = event.target.dataset;
      if (role === "edit-input" && editing) editing.draft = event.target.value;
      else if (role === "report-reason") this.pickReason(Number(seq), event.target.value);
      else if (role === "report-note") this.list.uiFor(Number(seq)).reportNote = event.target.value;
    });
    list.addEventListener("keydown", (event) => {
      if (event.target.dataset.role !== "edit-input" || !this.list.editing) return;
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.saveEdit();
      } else if (event.key === "Escape") {
        this.cancelEdit();
      }
    });
    scroller.addEventListener("scroll", () => {
      if (this.list.nearTop()) this.loadOlder();
      if (this.list.nearBottom()) jump.hidden = true;
      this.scheduleRead();
    });
    older.addEventListener("click", () => this.loadOlder());
    jump.addEventListener("click", () => {
      this.list.scrollToBottom();
      (this.canPost ? this.$.input : scroller).focus();
    });
  }

  onButton(button) {
    const item = button.closest("li.chat-msg, li.chat-notice");
    const action = button.dataset.action;
    if (action === "notice-close") {
      const next = item.nextElementSibling ?? (this.canPost ? this.$.input : this.$.scroller);
      item.remove();
      next.focus();
    } else if (action === "retry") {
      const pending = this.pending.get(item.dataset.clientId);
      if (pending) this.sendPending(pending); // the same client_id
      document.getElementById(`chat-pending-${item.dataset.clientId}`)?.focus();
    } else if (item.dataset.seq) {
      this.onMessageAction(action, Number(item.dataset.seq), button);
    }
  }

  onMessageAction(action, seq, button) {
    const message = this.list.get(seq);
    if (!message) return;
    const state = this.list.uiFor(seq);
    state.error = null;
    const focusIn = (selector) => this.list.element(seq)?.querySelector(selector)?.focus();
    if (action === "reply") {
      this.setReply(message);
      this.$.input.focus();
    } else if (action === "react") {
      const fromPicker = button.closest(".chat-picker") !== null;
      const mine = button.getAttribute("aria-pressed") === "true";
      state.pickerOpen = false;
      this.act(mine ? "reaction.remove" : "reaction.add", seq, "react", { emoji: button.dataset.emoji });
      if (fromPicker) focusIn('[data-action="picker"]');
    } else if (action === "picker") {
      state.pickerOpen = !state.pickerOpen;
      this.list.render(seq);
    } else if (action === "edit") {
      if (this.list.editing) this.cancelEdit();
      this.list.editing = { seq, draft: message.body, saving: false };
      this.list.render(seq);
      const input = this.list.element(seq).querySelector("textarea");
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (action === "edit-save") {
      this.saveEdit();
    } else if (action === "edit-cancel") {
      this.cancelEdit();
    } else if (action === "delete" || action === "delete-cancel") {
      // Asked in place, not in a modal: "Leave quickly" stays one tap away.
      state.confirmDelete = action === "delete";
      this.list.render(seq);
      focusIn(action === "delete" ? '[data-action="delete-cancel"]' : '[data-action="delete"]');
    } else if (action === "delete-confirm") {
      state.confirmDelete = false;
      this.act("message.delete", seq, "delete");
    } else if (action === "report" || action === "report-cancel") {
      // Asked in place, like deleting: "Leave quickly" stays one tap away.
      state.reportOpen = action === "report";
      state.reportError = null;
      this.list.render(seq);
      focusIn(action === "report" ? 'input[data-role="report-reason"]' : '[data-action="report"]');
    } else if (action === "report-send") {
      this.sendReport(seq);
    }
  }

  pickReason(seq, reason) {
    const state = this.list.uiFor(seq);
    state.reportReason = reason;
    if (state.reportError) {
      state.reportError = null;
      this.list.render(seq); // focus stays on the same choice
    }
  }

  /** POST the report; the answer is only ever "thank you", whatever happens next. */
  async sendReport(seq) {
    const message = this.list.get(seq);
    const state = this.list.uiFor(seq);
    const focusIn = (selector) => this.list.element(seq)?.querySelector(selector)?.focus();
    if (!state.reportReason) {
      state.reportError = this.strings.reportChoose;
      this.list.render(seq);
      focusIn('input[data-role="report-reason"]');
      return;
    }
    state.reportError = null;
    state.reportSending = true;
    this.list.render(seq);
    let error = null;
    try {
      const response = await fetch(this.urls.report.replace(/\/0\/report\/$/, `/${message.id}/report/`), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrfToken },
        body: JSON.stringify({ reason: state.reportReason, note: (state.reportNote || "").trim() }),
      });
      if (response.status === 401) this.signedOut();
      if (!response.ok) error = describeError(await response.json().catch(() => ({})), this.strings.failed);
    } catch {
      error = this.strings.offline;
    }
    state.reportSending = false;
    if (error) {
      state.reportError = error;
      this.list.render(seq);
      focusIn('[data-action="report-send"]');
      return;
    }
    Object.assign(state, { reportOpen: false, reported: true, reportReason: null, reportNote: "" });
    this.list.render(seq);
    focusIn(".chat-report__thanks");
    this.announce(this.strings.reportThanks);
  }

  /** One frame about one message; its errors come back with ref "<kind>:<seq>". */
  act(type, seq, kind, extra = {}) {
    const message = this.list.get(seq);
    const sent = this.ready && this.socket.send({ type, id: message.id, ...extra, ref: `${kind}:${seq}` });
    if (!sent) this.list.uiFor(seq).error = this.strings.offline;
    this.list.render(seq);
    return sent;
  }

  saveEdit() {
    const editing = this.list.editing;
    const body = editing.draft.trim();
    if (body === this.list.get(editing.seq).body) {
      this.cancelEdit();
      return;
    }
    editing.saving = true;
    if (!this.act("message.edit", editing.seq, "edit", { body })) editing.saving = false;
  }

  cancelEdit() {
    const { seq } = this.list.editing;
    this.list.editing = null;
    this.list.uiFor(seq).error = null;
    this.list.render(seq);
    this.list.element(seq)?.querySelector('[data-action="edit"]')?.focus();
  }

  // --- the page ----------------------------------------------------------------------

  bindPage() {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.scheduleRead();
      else this.flushReadOnLeave();
    });
    window.addEventListener("pagehide", () => this.flushReadOnLeave());
    // The edit and delete buttons go away when a message's 15 minutes are over.
    setInterval(() => {
      const editing = this.list.editing;
      for (const seq of this.list.recentOwn(this.me.id, Date.now() - EDIT_WINDOW_MS - 60_000)) {
        if (!editing || editing.seq !== seq) this.list.render(seq);
      }
    }, 30_000);
  }
}

const FRAME_HANDLERS = {
  subscribed: ChatRoom.prototype.onSubscribed,
  "message.new": ChatRoom.prototype.onMessageNew,
  "message.updated": ChatRoom.prototype.onMessageUpdated,
  ack: ChatRoom.prototype.onAck,
  error: ChatRoom.prototype.onError,
  typing: ChatRoom.prototype.onTyping,
  presence: ChatRoom.prototype.onPresence,
  "read.updated": ChatRoom.prototype.onReadUpdated,
  "room.updated": ChatRoom.prototype.onRoomUpdated,
  notice: ChatRoom.prototype.onNotice,
};

/** Where the first subscription starts: the newest messages, or from the first unread one. */
function startSeq(lastSeq, lastRead) {
  let start = lastSeq - INITIAL_MESSAGES;
  if (lastRead > 0 && lastRead - UNREAD_CONTEXT < start) start = lastRead - UNREAD_CONTEXT;
  return Math.max(0, start, lastSeq - INITIAL_MAX);
}

function describeError(frame, fallback) {
  const fields = frame.fields ? Object.values(frame.fields).flat().join(" ") : "";
  return fields || frame.detail || fallback;
}

function bannerElement(className, text) {
  const banner = document.createElement("p");
  banner.className = className;
  banner.textContent = text;
  return banner;
}

const root = document.getElementById("chat-room");
if (root) new ChatRoom(root).start();
