// Small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  // Forms that end something (disable an account, revoke a token) ask first.
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // A second click while the first submit is under way would only be deduplicated by the
  // server; disabling the button makes that visible.
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
    setTimeout(() => { button.disabled = false; }, 5000);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  // Put the cursor on the first field the server marked as wrong.
  const invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
  // Select a freshly issued token so it can be copied at once.
  const secret = document.getElementById("new-token");
  if (secret) {
    const range = document.createRange();
    range.selectNodeContents(secret);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
});
