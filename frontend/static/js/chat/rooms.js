// The room list keeps its unread counts, last messages and the tab title live: it follows
// each listed room over the one socket without being present in them
// (`subscribe {room, after_seq, present: false}`, see ARCHITECTURE.md).

import { ChatSocket, socketUrl } from "./socket.js";
import { meetupFormatter, messageText, snippet } from "./text.js";

class RoomList {
  constructor(root) {
    const data = root.dataset;
    this.meId = Number(data.meId);
    this.plural = new Intl.PluralRules(data.language);
    this.texts = { one: data.unreadOne, other: data.unreadOther };
    const cardTexts = JSON.parse(document.getElementById("room-card-texts").textContent);
    const formatDay = meetupFormatter(data.language, data.timeZone);
    this.textOf = (message) => messageText(message, cardTexts, formatDay);
    this.title = document.title;
    this.cards = new Map();
    for (const card of root.querySelectorAll(".room-card[data-room-id]")) {
      const id = Number(card.dataset.roomId);
      this.cards.set(id, {
        card,
        seq: Number(card.dataset.lastSeq),
        unread: Number(card.dataset.unread),
        waiting: true,
      });
    }
    this.socket = new ChatSocket(socketUrl(data.wsPath), {
      onOpen: () => this.follow(),
      onFrame: (frame) => this.onFrame(frame),
      onDown: () => {
        document.body.dataset.live = "down";
      },
      onSignedOut: () => this.socket.stop(),
      onForbidden: () => this.socket.stop(),
      onAbuse: () => {},
    });
  }

  start() {
    this.showTitle();
    if (this.cards.size) this.socket.start();
  }

  follow() {
    for (const [room, state] of this.cards) {
      state.waiting = true;
      this.socket.send({ type: "subscribe", room, after_seq: state.seq, present: false });
    }
  }

  onFrame(frame) {
    const state = this.cards.get(frame.room ?? frame.message?.room);
    if (!state) return;
    if (frame.type === "subscribed") {
      for (const message of frame.backlog) this.heard(state, message);
      state.seq = Math.max(state.seq, frame.last_seq);
      state.waiting = false;
      if ([...this.cards.values()].every((s) => !s.waiting)) document.body.dataset.live = "up";
    } else if (frame.type === "message.new") {
      this.heard(state, frame.message);
    } else if (frame.type === "read.updated" && frame.user?.id === this.meId && frame.seq >= state.seq) {
      this.setUnread(state, 0);
    }
  }

  heard(state, message) {
    if (message.seq <= state.seq) return;
    state.seq = message.seq;
    if (message.state !== "visible") return;
    const last = state.card.querySelector(".room-card__last");
    if (last) {
      last.classList.remove("room-card__last--empty");
      const author = document.createElement("span");
      author.className = "room-card__author";
      author.textContent = `${message.author.display_name}:`;
      last.replaceChildren(author, ` ${snippet(this.textOf(message), 90)}`);
    }
    if (message.author.id !== this.meId) this.setUnread(state, state.unread + 1);
  }

  setUnread(state, count) {
    state.unread = count;
    const { card } = state;
    const id = `room-${card.dataset.roomId}-unread`;
    let badge = card.querySelector(".room-card__badge");
    const link = card.querySelector(".room-card__link");
    card.classList.toggle("room-card--unread", count > 0);
    if (count === 0) {
      badge?.remove();
      link?.removeAttribute("aria-describedby");
    } else {
      if (!badge) {
        badge = document.createElement("p");
        badge.className = "room-card__badge";
        badge.id = id;
        card.querySelector(".room-card__title").after(badge);
        link?.setAttribute("aria-describedby", id);
      }
      const text = this.texts[this.plural.select(count)] ?? this.texts.other;
      badge.textContent = text.replace(/\d+/, String(count));
    }
    this.showTitle();
  }

  showTitle() {
    const total = [...this.cards.values()].reduce((sum, s) => sum + s.unread, 0);
    document.title = total ? `(${total}) ${this.title}` : this.title;
  }
}

const root = document.getElementById("room-list");
if (root) new RoomList(root).start();
