// "Leave quickly": a click on the link, or Escape pressed twice within a second, blanks
// the page at once and replaces it with the neutral site, so this page drops out of the
// tab's history. A signed-in member is also signed out by a beacon, which the browser
// delivers even as the page goes, so Back or a new tab shows nothing of theirs (signed-in
// pages are sent with Cache-Control: no-store). Without JavaScript the link still works
// as an ordinary link.

const DOUBLE_ESCAPE_MS = 1000;

const link = document.getElementById("quick-exit");

if (link) {
  const target = link.href;
  let leaving = false;
  let lastEscape = -Infinity;

  const signOut = () => {
    const url = link.dataset.signOut;
    if (!url || !navigator.sendBeacon) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", link.dataset.csrf || "");
    navigator.sendBeacon(url, body);
  };

  const leave = () => {
    if (leaving) return;
    leaving = true;
    // pwa.js forgets the pages and unsent messages this device kept.
    document.dispatchEvent(new Event("bredvid:leave"));
    signOut();
    // Nothing should stay on screen while the next site loads over a slow network.
    document.title = "";
    document.body.replaceChildren();
    window.location.replace(target);
  };

  link.addEventListener("click", (event) => {
    event.preventDefault();
    leave();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.repeat) return;
    const now = performance.now();
    if (now - lastEscape <= DOUBLE_ESCAPE_MS) {
      leave();
    } else {
      lastEscape = now;
    }
  });
}

// A page restored from the back-forward cache was not asked for again: ask, so a signed-out
// browser gets the login page instead of what the member saw.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && link && link.dataset.signOut) window.location.reload();
});
