// "Leave quickly": a click on the link, or Escape pressed twice within a second, blanks
// the page at once and replaces it with the neutral site, so this page drops out of the
// tab's history. Without JavaScript the link still works as an ordinary link.

const DOUBLE_ESCAPE_MS = 1000;

const link = document.getElementById("quick-exit");

if (link) {
  const target = link.href;
  let leaving = false;
  let lastEscape = -Infinity;

  const leave = () => {
    if (leaving) return;
    leaving = true;
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
