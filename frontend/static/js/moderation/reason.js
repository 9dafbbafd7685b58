// Every moderator action needs a reason (it goes in the audit log). In a form marked
// data-needs-reason, the submit buttons stay disabled until the reason field has text and
// a hint says why. The server checks again: this only saves a round trip.

function watch(form) {
  const reason = form.querySelector("textarea[data-reason], input[data-reason]");
  if (!reason) return;
  const hint = form.querySelector("[data-reason-hint]");
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  if (hint && !hint.id) hint.id = `${reason.id}-hint`;
  if (hint) {
    const described = (reason.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(hint.id)) reason.setAttribute("aria-describedby", [...described, hint.id].join(" "));
  }
  const update = () => {
    const missing = reason.value.trim() === "";
    for (const button of buttons) button.disabled = missing;
    if (hint) hint.hidden = !missing;
  };
  reason.addEventListener("input", update);
  // A second tap while the page loads would send the action twice.
  form.addEventListener("submit", () => {
    setTimeout(() => {
      for (const button of buttons) button.disabled = true;
    });
  });
  // Coming back with the browser's back button keeps the text: look again then.
  window.addEventListener("pageshow", update);
  update();
}

for (const form of document.querySelectorAll("form[data-needs-reason]")) watch(form);
