// The message list of a room: messages kept by seq, shown in seq order, each exactly once.
// Messages still on their way (by client_id) and private notices come after the stored ones.
// Rebuilding a message keeps focus on "the same" control, so keyboard users never lose
// their place when a reaction or an edit arrives.

import { buildMessage, buildNotice, buildPending, markRuns } from "./messages.js";

const NEAR_EDGE_PX = 80;

export class MessageList {
  /** baseContext(): what every message needs to render (texts, me, emoji, canPost, clock). */
  constructor({ list, scroller, empty, jump }, baseContext) {
    this.$ = { list, scroller, empty, jump };
    this.baseContext = baseContext;
    this.messages = new Map(); // seq -> message payload
    this.seqById = new Map(); // message id -> seq (replies point at ids)
    this.sorted = []; // seqs in order
    this.elements = new Map(); // seq -> <li>
    this.ui = new Map(); // seq -> {error, pickerOpen, confirmDelete}
    this.dividerSeq = null;
    this.editing = null; // {seq, draft, saving}
  }

  get size() {
    return this.messages.size;
  }

  get(seq) {
    return this.messages.get(seq);
  }

  lowestSeq() {
    return this.sorted.length ? this.sorted[0] : null;
  }

  element(seq) {
    return this.elements.get(seq);
  }

  uiFor(seq) {
    if (!this.ui.has(seq)) this.ui.set(seq, { error: null, pickerOpen: false, confirmDelete: false });
    return this.ui.get(seq);
  }

  context(ui) {
    return {
      ...this.baseContext(),
      messageById: (id) => this.messages.get(this.seqById.get(id)),
      ui,
    };
  }

  /** Add a message, or replace the one with its seq (a backlog and a live frame may overlap). */
  upsert(message) {
    this.messages.set(message.seq, message);
    this.seqById.set(message.id, message.seq);
    if (this.elements.has(message.seq)) {
      this.render(message.seq);
      return;
    }
    const index = sortedIndex(this.sorted, message.seq);
    this.sorted.splice(index, 0, message.seq);
    const item = this.build(message);
    this.$.list.insertBefore(item, this.elements.get(this.sorted[index + 1]) ?? this.firstUnstored());
    this.elements.set(message.seq, item);
    this.$.empty.hidden = true;
  }

  firstUnstored() {
    return this.$.list.querySelector(".chat-msg--pending, .chat-notice");
  }

  build(message) {
    const editing = this.editing !== null && this.editing.seq === message.seq;
    const ui = {
      ...this.uiFor(message.seq),
      divider: this.dividerSeq === message.seq,
      editing,
      editDraft: editing ? this.editing.draft : "",
    };
    return buildMessage(this.context(ui), message);
  }

  /** Rebuild one message in place. */
  render(seq) {
    const old = this.elements.get(seq);
    if (!old) return;
    const fresh = this.build(this.messages.get(seq));
    swapKeepingFocus(old, fresh);
    this.elements.set(seq, fresh);
  }

  renderAll() {
    for (const seq of this.sorted) this.render(seq);
  }

  /** Replies quote their original: show the quote once the original is known or changed. */
  renderRepliesTo(ids) {
    const wanted = new Set(ids);
    for (const [seq, message] of this.messages) {
      if (wanted.has(message.reply_to)) this.render(seq);
    }
  }

  renderPending(pending) {
    const fresh = buildPending(this.context({}), pending);
    const old = document.getElementById(fresh.id);
    if (old) swapKeepingFocus(old, fresh);
    else this.$.list.append(fresh);
    this.$.empty.hidden = true;
  }

  /** Take a pending message away; true when focus was inside it. */
  removePending(clientId) {
    const shown = document.getElementById(`chat-pending-${clientId}`);
    const hadFocus = shown !== null && shown.contains(document.activeElement);
    shown?.remove();
    return hadFocus;
  }

  addNotice(notice) {
    const item = buildNotice(this.context({}), notice);
    this.$.list.insertBefore(item, this.$.list.querySelector(".chat-msg--pending"));
    this.$.empty.hidden = true;
    return item;
  }

  /** "New messages" goes above the first message (not one's own) unread when the page opened. */
  placeDivider({ lastRead, lastSeq, meId }) {
    if (lastRead === 0) return; // a first visit: everything is new, no line needed
    const first = this.sorted.find(
      (seq) => seq > lastRead && seq <= lastSeq && this.messages.get(seq).author.id !== meId,
    );
    if (first === undefined || first === this.dividerSeq) return;
    const previous = this.dividerSeq;
    this.dividerSeq = first;
    if (previous !== null) this.render(previous);
    this.render(first);
  }

  scrollToDividerOrBottom() {
    markRuns(this.$.list);
    const divider = this.elements.get(this.dividerSeq);
    if (divider) this.$.scroller.scrollTop = divider.offsetTop - 8;
    else this.scrollToBottom();
  }

  /** Run `change` (which adds messages above) without moving what is on screen. */
  keepingView(change) {
    const scroller = this.$.scroller;
    const height = scroller.scrollHeight;
    const top = scroller.scrollTop;
    change();
    markRuns(this.$.list); // runs change the spacing: settle it before measuring
    scroller.scrollTop = top + (scroller.scrollHeight - height);
  }

  scrollable() {
    return this.$.scroller.scrollHeight > this.$.scroller.clientHeight;
  }

  nearTop() {
    return this.$.scroller.scrollTop < NEAR_EDGE_PX;
  }

  nearBottom() {
    const s = this.$.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_EDGE_PX;
  }

  scrollToBottom() {
    this.$.scroller.scrollTop = this.$.scroller.scrollHeight;
    this.$.jump.hidden = true;
  }

  /** The newest stored message that is, or has been, on screen. */
  highestSeenSeq() {
    const s = this.$.scroller;
    const bottom = s.scrollTop + s.clientHeight;
    for (let i = this.sorted.length - 1; i >= 0; i -= 1) {
      const item = this.elements.get(this.sorted[i]);
      if (item && item.offsetTop < bottom) return this.sorted[i];
    }
    return 0;
  }

  /** Own messages still inside their edit window (their buttons go away when it ends). */
  *recentOwn(meId, sinceMs) {
    for (const [seq, message] of this.messages) {
      if (message.author.id === meId && new Date(message.created_at).getTime() > sinceMs) yield seq;
    }
  }
}

function sortedIndex(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function swapKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const hadFocus = active !== null && old.contains(active);
  const key = hadFocus && active !== old ? active.dataset.focusKey : undefined;
  const caret = hadFocus && active.tagName === "TEXTAREA" ? [active.selectionStart, active.selectionEnd] : null;
  old.replaceWith(fresh);
  if (!hadFocus) return;
  const target = key ? fresh.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
  (target ?? fresh).focus({ preventScroll: true });
  if (target && caret) target.setSelectionRange(...caret);
}
