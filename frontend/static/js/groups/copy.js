// "Copy the link" buttons next to read-only link fields (a group's invitation links).
// Without JavaScript, or where the clipboard is not available, the buttons stay hidden
// and the link can still be selected and copied by hand.

const status = document.getElementById("copy-status");

for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = button.dataset.copied;
    } catch {
      field.focus();
      field.select();
    }
  });
}
