// Turning what people write into DOM nodes: always text, never HTML. Web addresses become
// links by splitting the text around them; only http: and https: ever become a link.

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"»”’]+$/;

/** Drop sentence punctuation and an unbalanced closing bracket from the end of a match. */
function trimUrl(raw) {
  let url = raw.replace(TRAILING, "");
  for (const [open, close] of [
    ["(", ")"],
    ["[", "]"],
  ]) {
    while (url.endsWith(close) && url.split(close).length > url.split(open).length) {
      url = url.slice(0, -1).replace(TRAILING, "");
    }
  }
  return url;
}

function safeHref(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Append `text` to `parent` as text nodes, with web addresses as links. */
export function appendLinkified(parent, text, newTabHint) {
  let done = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = trimUrl(match[0]);
    const href = safeHref(raw);
    if (href === null) continue;
    if (match.index > done) parent.append(text.slice(done, match.index));
    const link = document.createElement("a");
    link.href = href;
    link.rel = "noopener noreferrer nofollow";
    link.target = "_blank";
    link.textContent = raw;
    if (newTabHint) {
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = ` ${newTabHint}`;
      link.append(hint);
    }
    parent.append(link);
    done = match.index + raw.length;
  }
  if (done < text.length) parent.append(text.slice(done));
}

/** "%(name)s skriver…" with params filled in (the texts come from Django's catalogue). */
export function format(template, params = {}) {
  return template.replace(/%\((\w+)\)s/g, (whole, key) => (key in params ? String(params[key]) : whole));
}

export function snippet(text, max = 80) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The named parts of a date, in the reader's language and the site's time zone. */
function partsOf(language, options) {
  const formatter = new Intl.DateTimeFormat(language, options);
  return (date) => Object.fromEntries(formatter.formatToParts(date).map((part) => [part.type, part.value]));
}

/** The one clock of the pages (Django's "H.i"): 24-hour, a dot, in every language. */
function clockFormatter(language, zone) {
  const clock = partsOf(language, { ...zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return (date) => {
    const { hour, minute } = clock(date);
    return `${hour}.${minute}`;
  };
}

/** "17.05" today, else "3 november 17.05" (the pages' "j F H.i"). */
export function timeFormatter(language, timeZone, now = () => new Date()) {
  const zone = timeZone ? { timeZone } : {};
  const clock = clockFormatter(language, zone);
  const day = partsOf(language, { ...zone, day: "numeric", month: "long" });
  const dayKey = new Intl.DateTimeFormat("en-CA", { ...zone, dateStyle: "short" });
  return (date) => {
    const time = clock(date);
    if (dayKey.format(date) === dayKey.format(now())) return time;
    const { day: d, month } = day(date);
    return `${d} ${month} ${time}`;
  };
}

/** "tisdag 1 december, 17.05": the meetup line as the pages write it ("l j F, H.i"). */
export function meetupFormatter(language, timeZone) {
  const zone = timeZone ? { timeZone } : {};
  const clock = clockFormatter(language, zone);
  const day = partsOf(language, { ...zone, weekday: "long", day: "numeric", month: "long" });
  return (date) => {
    const { weekday, day: d, month } = day(date);
    return `${weekday} ${d} ${month}, ${clock(date)}`;
  };
}

/**
 * What a reader sees of a message: a meetup card (kept as data) written out in the reader's
 * language with the page's sentences (`texts`, from Django's catalogue), else the text as written.
 */
export function messageText(message, texts, formatDay) {
  const card = message.card;
  if (!card || !texts || typeof texts[card.event] !== "string") return message.body;
  let text = format(texts[card.event], {
    title: card.title,
    when: formatDay(new Date(card.starts_at)),
    place: card.place || "",
    reason: card.reason || "",
  });
  if (card.repeats > 1) text += ` ${format(texts.repeats, { n: card.repeats })}`;
  return text.trim();
}

/** "1 december, 17.05": a moment as the pages write it ("j F, H.i"). */
export function dayTimeFormatter(language, timeZone) {
  const zone = timeZone ? { timeZone } : {};
  const clock = clockFormatter(language, zone);
  const day = partsOf(language, { ...zone, day: "numeric", month: "long" });
  return (date) => {
    const { day: d, month } = day(date);
    return `${d} ${month}, ${clock(date)}`;
  };
}

export function listFormatter(language) {
  if (typeof Intl.ListFormat === "function") {
    const list = new Intl.ListFormat(language, { style: "long", type: "conjunction" });
    return (items) => list.format(items);
  }
  return (items) => items.join(", ");
}

/** A random id for idempotent sends; crypto.randomUUID needs a secure context. */
export function newClientId() {
  if (typeof crypto.randomUUID === "function" && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
