// Building one message of the list as DOM. Every text goes in as text (textContent or text
// nodes); buttons carry data-action for the list's one click handler, and data-focus-key so
// focus can come back to "the same button" after the message is rebuilt.

import { appendLinkified, format, messageText, snippet } from "./text.js";

export const EDIT_WINDOW_MS = 15 * 60 * 1000;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function actionButton(label, action, { className = "chat-action", focusKey = action, data = {} } = {}) {
  const button = el("button", className, label);
  button.type = "button";
  button.dataset.action = action;
  button.dataset.focusKey = focusKey;
  for (const [key, value] of Object.entries(data)) button.dataset[key] = value;
  return button;
}

function meta(ctx, { name, createdAt, editedAt }) {
  const line = el("p", "chat-msg__meta");
  line.append(el("span", "chat-msg__author", name), " ");
  const date = new Date(createdAt);
  const time = el("time", "chat-msg__time", ctx.formatTime(date));
  time.dateTime = date.toISOString();
  line.append(time);
  if (editedAt) line.append(" ", el("span", "chat-msg__edited", ctx.strings.edited));
  return line;
}

function quote(ctx, replyTo) {
  const original = replyTo ? ctx.messageById(replyTo) : null;
  if (!original || redacted(original)) return null;
  const block = el("blockquote", "chat-msg__quote");
  const who = format(ctx.strings.replyTo, { name: original.author.display_name });
  block.append(el("span", "chat-msg__quote-author", who), " ");
  const text = original.state === "deleted" ? ctx.strings.deleted : snippet(ctx.textOf(original), 90);
  block.append(el("span", "chat-msg__quote-text", text));
  return block;
}

function body(ctx, text) {
  const paragraph = el("p", "chat-msg__body");
  appendLinkified(paragraph, text, ctx.strings.newTab);
  return paragraph;
}

/** A card about a meetup (posted when one is scheduled, changed or cancelled) links to it. */
function meetupLink(ctx, meetup) {
  if (!meetup || typeof meetup.url !== "string" || !meetup.url.startsWith("/")) return null;
  const line = el("p", "chat-msg__meetup");
  const link = el("a", null, meetup.title);
  link.href = meetup.url;
  const when = el("time", "chat-msg__meetup-time", ctx.formatTime(new Date(meetup.starts_at)));
  when.dateTime = meetup.starts_at;
  line.append(link, " ", when);
  return line;
}

function editForm(ctx, message) {
  const form = el("div", "chat-edit");
  const id = `chat-edit-${message.seq}`;
  const label = el("label", "visually-hidden", ctx.strings.editLabel);
  label.htmlFor = id;
  const input = el("textarea", "chat-edit__input");
  input.id = id;
  input.rows = 2;
  input.maxLength = 4000;
  input.value = ctx.ui.editDraft;
  input.dataset.focusKey = "edit-input";
  input.dataset.role = "edit-input";
  input.dataset.seq = message.seq;
  const buttons = el("div", "chat-edit__actions");
  buttons.append(
    actionButton(ctx.strings.save, "edit-save", { className: "chat-button chat-button--primary" }),
    actionButton(ctx.strings.cancel, "edit-cancel", { className: "chat-button" }),
  );
  form.append(label, input, buttons);
  return form;
}

/** Seen: the emoji. Heard: "React with ❤️" (the sentence, in the reader's language). */
function reactionLabel(ctx, emoji) {
  const seen = el("span", "chat-reaction__emoji", emoji);
  seen.setAttribute("aria-hidden", "true");
  return [el("span", "visually-hidden", format(ctx.strings.reactWith, { emoji })), seen];
}

function reactionBar(ctx, message) {
  const bar = el("div", "chat-msg__reactions");
  const present = new Set();
  for (const reaction of message.reactions) {
    if (!reaction.count) continue;
    present.add(reaction.emoji);
    const mine = reaction.users.includes(ctx.me.id);
    const button = actionButton("", "react", {
      className: "chat-reaction",
      focusKey: `react:${reaction.emoji}`,
      data: { emoji: reaction.emoji },
    });
    button.setAttribute("aria-pressed", String(mine));
    button.append(...reactionLabel(ctx, reaction.emoji), " ");
    button.append(el("span", "chat-reaction__count", String(reaction.count)));
    bar.append(button);
  }
  const missing = ctx.emoji.filter((emoji) => !present.has(emoji));
  if (missing.length === 0) return { bar, picker: null };
  const pickerId = `chat-picker-${message.seq}`;
  const open = ctx.ui.pickerOpen;
  const toggle = actionButton("", "picker", { className: "chat-reaction chat-reaction--add" });
  toggle.setAttribute("aria-expanded", String(open));
  toggle.setAttribute("aria-controls", pickerId);
  toggle.append(el("span", "chat-reaction__plus", "+"), el("span", "visually-hidden", ctx.strings.addReaction));
  toggle.querySelector(".chat-reaction__plus").setAttribute("aria-hidden", "true");
  const face = el("span", null, "🙂");
  face.setAttribute("aria-hidden", "true");
  toggle.append(face);
  bar.append(toggle);

  const picker = el("div", "chat-picker");
  picker.id = pickerId;
  picker.hidden = !open;
  for (const emoji of missing) {
    const button = actionButton("", "react", {
      className: "chat-reaction chat-reaction--choice",
      focusKey: `react:${emoji}`,
      data: { emoji },
    });
    button.setAttribute("aria-pressed", "false");
    button.append(...reactionLabel(ctx, emoji));
    picker.append(button);
  }
  return { bar, picker };
}

/** Asked in place, not in a modal dialog: "Leave quickly" must stay one tap away. */
function deleteQuestion(ctx, message) {
  const group = el("div", "chat-confirm");
  group.setAttribute("role", "group");
  const question = el("p", "chat-confirm__question", ctx.strings.deleteQuestion);
  question.id = `chat-confirm-${message.seq}`;
  group.setAttribute("aria-labelledby", question.id);
  const buttons = el("div", "chat-confirm__actions");
  buttons.append(
    actionButton(ctx.strings.delete, "delete-confirm", { className: "chat-button chat-button--danger" }),
    actionButton(ctx.strings.cancel, "delete-cancel", { className: "chat-button" }),
  );
  group.append(question, buttons);
  return group;
}

/** What the server says this reader may do with the message (its `actions`). */
function may(message, action) {
  return (message.actions || []).includes(action);
}

/** Edit and delete as the server allowed them, until the 15 minutes it counted from run out. */
function canChange(message, action) {
  return may(message, action) && Date.now() - new Date(message.created_at).getTime() < EDIT_WINDOW_MS;
}

function stateNote(ctx, message) {
  if (message.state === "hidden") return el("p", "chat-msg__note", ctx.strings.hidden);
  if (message.state === "held") return el("p", "chat-msg__note", ctx.strings.held);
  return null;
}

/** Others get hidden and held messages without their text: only say that it is hidden. */
function redacted(message) {
  return (message.state === "hidden" || message.state === "held") && !message.body;
}

/** Reporting a message: the reasons in plain words, an optional note, and a thank-you. */
function reportForm(ctx, message) {
  const ui = ctx.ui;
  const form = el("div", "chat-report");
  const fieldset = el("fieldset", "chat-report__fieldset");
  fieldset.append(el("legend", "chat-report__legend", ctx.strings.reportQuestion));
  for (const reason of ctx.reportReasons) {
    const id = `chat-report-${message.seq}-${reason.value}`;
    const choice = el("div", "chat-report__choice");
    const input = el("input");
    input.type = "radio";
    input.name = `chat-report-${message.seq}`;
    input.id = id;
    input.value = reason.value;
    input.checked = ui.reportReason === reason.value;
    input.dataset.role = "report-reason";
    input.dataset.seq = message.seq;
    input.dataset.focusKey = `report:${reason.value}`;
    const label = el("label", null, reason.label);
    label.htmlFor = id;
    choice.append(input, label);
    fieldset.append(choice);
  }
  form.append(fieldset);
  const noteId = `chat-report-note-${message.seq}`;
  const noteLabel = el("label", "chat-report__note-label", ctx.strings.reportNote);
  noteLabel.htmlFor = noteId;
  const note = el("textarea", "chat-report__note");
  note.id = noteId;
  note.rows = 2;
  note.maxLength = 1000;
  note.value = ui.reportNote || "";
  note.dataset.role = "report-note";
  note.dataset.seq = message.seq;
  note.dataset.focusKey = "report-note";
  form.append(noteLabel, note, el("p", "chat-report__privacy", ctx.strings.reportPrivacy));
  if (ui.reportError) form.append(el("p", "chat-msg__error", ui.reportError));
  const buttons = el("div", "chat-report__actions");
  const send = actionButton(ui.reportSending ? ctx.strings.sending : ctx.strings.reportSend, "report-send", {
    className: "chat-button chat-button--primary",
  });
  send.disabled = Boolean(ui.reportSending);
  buttons.append(send, actionButton(ctx.strings.cancel, "report-cancel", { className: "chat-button" }));
  form.append(buttons);
  return form;
}

function reportThanks(ctx) {
  const thanks = el("p", "chat-report__thanks", ctx.strings.reportThanks);
  thanks.tabIndex = -1;
  thanks.dataset.focusKey = "report-thanks";
  return thanks;
}

/** The list item of a stored message. `ctx.ui` is this message's UI state. */
export function buildMessage(ctx, message) {
  const mine = message.author.id === ctx.me.id;
  const item = el("li", `chat-msg${mine ? " chat-msg--mine" : ""}`);
  item.id = `chat-msg-${message.seq}`;
  item.dataset.seq = message.seq;
  item.dataset.author = message.author.id;
  item.tabIndex = -1;
  if (redacted(message)) {
    // Hidden by a moderator: it vanishes for everyone but its author and the moderators.
    // The empty item keeps its place (and its seq), so nothing else in the list moves.
    item.classList.add("chat-msg--gone");
    item.hidden = true;
    return item;
  }
  if (ctx.ui.divider) {
    const divider = el("p", "chat-divider");
    divider.append(el("span", "chat-divider__text", ctx.strings.newMessages));
    item.append(divider);
  }
  const { display_name: name } = message.author;
  item.append(meta(ctx, { name, createdAt: message.created_at, editedAt: message.edited_at }));
  const replied = quote(ctx, message.reply_to);
  if (replied) item.append(replied);

  if (message.state === "deleted") {
    item.classList.add("chat-msg--deleted");
    item.append(el("p", "chat-msg__body chat-msg__body--deleted", ctx.strings.deleted));
    return item;
  }
  item.append(ctx.ui.editing ? editForm(ctx, message) : body(ctx, ctx.textOf(message)));
  const meetup = meetupLink(ctx, message.meetup);
  if (meetup) item.append(meetup);
  const note = stateNote(ctx, message);
  if (note) item.append(note);
  if (ctx.ui.error) item.append(el("p", "chat-msg__error", ctx.ui.error));
  if (ctx.ui.editing) return item;

  if (ctx.ui.confirmDelete) {
    item.append(deleteQuestion(ctx, message));
    return item;
  }
  const tools = el("div", "chat-msg__tools");
  let picker = null;
  if (may(message, "react")) {
    const reactions = reactionBar(ctx, message);
    tools.append(reactions.bar);
    picker = reactions.picker;
  }
  const actions = el("div", "chat-msg__actions");
  if (may(message, "reply") && ctx.canPost) actions.append(actionButton(ctx.strings.reply, "reply"));
  if (canChange(message, "edit")) actions.append(actionButton(ctx.strings.edit, "edit"));
  if (canChange(message, "delete")) actions.append(actionButton(ctx.strings.delete, "delete"));
  const reportable = may(message, "report");
  if (reportable && !ctx.ui.reported && !ctx.ui.reportOpen) {
    const report = actionButton(ctx.strings.report, "report");
    report.setAttribute("aria-expanded", "false");
    actions.append(report);
  }
  if (actions.childElementCount) tools.append(actions);
  if (tools.childElementCount) item.append(tools);
  if (picker) item.append(picker);
  if (reportable && ctx.ui.reportOpen) item.append(reportForm(ctx, message));
  if (ctx.ui.reported) item.append(reportThanks(ctx));
  return item;
}

/** A run of messages by one author names them once: each item after the first of a run
 * (nothing between them but messages of the same author) gets chat-msg--cont. */
export function markRuns(list) {
  let previous = null;
  for (const item of list.children) {
    if (item.hidden) continue;
    const author = item.dataset.author;
    const divided = item.querySelector(":scope > .chat-divider") !== null;
    const cont = Boolean(author) && author === previous && !divided;
    item.classList.toggle("chat-msg--cont", cont);
    previous = author || null;
  }
}

/** The list item of a message still on its way (or refused), shown with its state. */
export function buildPending(ctx, pending) {
  const item = el("li", "chat-msg chat-msg--mine chat-msg--pending");
  item.id = `chat-pending-${pending.clientId}`;
  item.dataset.clientId = pending.clientId;
  item.dataset.author = ctx.me.id;
  item.tabIndex = -1;
  item.append(meta(ctx, { name: ctx.me.name, createdAt: pending.createdAt }));
  const replied = quote(ctx, pending.replyTo);
  if (replied) item.append(replied);
  item.append(body(ctx, pending.body));
  if (pending.status === "failed") {
    item.classList.add("chat-msg--failed");
    const error = el("p", "chat-msg__error");
    error.append(`${ctx.strings.notSent} ${pending.error} `);
    error.append(actionButton(ctx.strings.tryAgain, "retry", { className: "chat-button chat-button--primary" }));
    item.append(error);
  } else {
    const text = pending.status === "queued" ? ctx.strings.queued : ctx.strings.sending;
    item.append(el("p", "chat-msg__status", text));
  }
  return item;
}

function telHref(phone) {
  const number = String(phone).replace(/[^\d+]/g, "");
  return number ? `tel:${number}` : null;
}

function safeUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function contactItem(ctx, contact) {
  const item = el("li", "chat-notice__contact");
  item.append(el("p", "chat-notice__name", contact.name || ""));
  const links = el("p", "chat-notice__links");
  const tel = contact.phone ? telHref(contact.phone) : null;
  if (tel) {
    const call = el("a", "chat-button chat-button--primary", format(ctx.strings.call, { number: contact.phone }));
    call.href = tel;
    links.append(call);
  }
  const web = contact.url ? safeUrl(contact.url) : null;
  if (web) {
    const site = el("a", "chat-notice__web", new URL(web).host);
    site.href = web;
    site.rel = "noopener noreferrer";
    site.target = "_blank";
    site.append(el("span", "visually-hidden", ` ${ctx.strings.newTab}`));
    links.append(site);
  }
  if (links.childElementCount) item.append(links);
  if (contact.hours) item.append(el("p", "chat-notice__hours", contact.hours));
  return item;
}

/** A private notice (a warning, a crisis card with people to call): only this person sees it. */
export function buildNotice(ctx, notice) {
  const kind = notice.kind === "crisis" || notice.kind === "warning" ? notice.kind : "info";
  const item = el("li", `chat-notice chat-notice--${kind}`);
  item.tabIndex = -1;
  if (notice.title) item.append(el("p", "chat-notice__title", notice.title));
  if (notice.body) {
    const text = el("p", "chat-notice__body");
    appendLinkified(text, notice.body, ctx.strings.newTab);
    item.append(text);
  }
  const contacts = Array.isArray(notice.contacts) ? notice.contacts : [];
  if (contacts.length) {
    const list = el("ul", "chat-notice__contacts");
    for (const contact of contacts) list.append(contactItem(ctx, contact));
    item.append(list);
  }
  const footer = el("p", "chat-notice__footer");
  footer.append(el("span", "chat-notice__private", ctx.strings.onlyYou), " ");
  footer.append(actionButton(ctx.strings.close, "notice-close", { className: "chat-button" }));
  item.append(footer);
  return item;
}

/** The room's one crisis card (its contents, in the panel above the messages). Lines that
 * always answer say so; the panel's close button hides it, "Support now" opens it again. */
export function buildCrisisCard(ctx, card) {
  const nodes = [];
  const top = el("div", "chat-crisis__top");
  const title = el("h2", "chat-notice__title", card.title || "");
  title.id = "chat-crisis-title";
  top.append(title, actionButton(ctx.strings.close, "crisis-close", { className: "chat-button" }));
  nodes.push(top);
  if (card.body) {
    const text = el("p", "chat-notice__body");
    appendLinkified(text, card.body, ctx.strings.newTab);
    nodes.push(text);
  }
  const contacts = Array.isArray(card.contacts) ? card.contacts : [];
  if (contacts.length) {
    const list = el("ul", "chat-notice__contacts");
    for (const contact of contacts) {
      const item = contactItem(ctx, contact);
      if (contact.always_open && !contact.hours) item.append(el("p", "chat-notice__hours", ctx.strings.alwaysOpen));
      list.append(item);
    }
    nodes.push(list);
  }
  nodes.push(el("p", "chat-notice__private", ctx.strings.onlyYou));
  return nodes;
}
