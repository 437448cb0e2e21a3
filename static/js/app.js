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

// Search as you type: an input with data-live-search fetches result rows from that URL and
// puts them into the element named by data-target. Enter still submits the form normally.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-live-search]")) {
    const target = document.getElementById(input.dataset.target);
    const form = input.form;
    let timer = null;
    let latest = 0;
    const run = async () => {
      const params = new URLSearchParams(new FormData(form));
      const ticket = ++latest;
      const response = await fetch(`${input.dataset.liveSearch}?${params}`, { headers: { Accept: "text/html" } });
      if (!response.ok || ticket !== latest) return; // an older answer must not overwrite a newer one
      target.innerHTML = await response.text();
      history.replaceState(null, "", `${form.action}?${params}`);
    };
    const soon = () => { clearTimeout(timer); timer = setTimeout(run, 120); };
    input.addEventListener("input", soon);
    form.addEventListener("change", soon);
    // Keep the cursor at the end of a query restored from the address bar.
    input.setSelectionRange(input.value.length, input.value.length);
  }
});
