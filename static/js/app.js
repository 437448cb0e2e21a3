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

// A select or date input with data-autosubmit submits its form when changed.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});

// The day grid: keyboard moves between slots and bookings, dragging down a court selects a
// range for a new booking, and the grid refreshes itself in place.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("day-grid");
  if (!holder) return;

  holder.addEventListener("keydown", (event) => {
    const here = event.target.closest("[data-col]");
    if (!here) return;
    const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    let col = Number(here.dataset.col) + move[0];
    let row = Number(here.dataset.row) + move[1];
    // Bookings span rows: find whatever covers the target slot.
    const spot = holder.querySelector(`a.cell[data-col="${col}"][data-row="${row}"], a.booking[data-col="${col}"][data-row="${row}"]`)
      || [...holder.querySelectorAll(`a.booking[data-col="${col}"]`)].find((b) => {
        const start = Number(b.dataset.row);
        return row >= start && row < start + Number(b.dataset.span);
      });
    if (spot) spot.focus();
  });

  let drag = null;
  holder.addEventListener("mousedown", (event) => {
    const cell = event.target.closest("a.cell");
    if (!cell || event.button !== 0) return;
    drag = { from: cell, to: cell };
    event.preventDefault();
  });
  holder.addEventListener("mouseover", (event) => {
    const cell = event.target.closest("a.cell");
    if (!drag || !cell || cell.dataset.col !== drag.from.dataset.col) return;
    drag.to = cell;
    const [a, b] = [Number(drag.from.dataset.row), Number(cell.dataset.row)].sort((x, y) => x - y);
    for (const c of holder.querySelectorAll(`a.cell[data-col="${cell.dataset.col}"]`)) {
      const r = Number(c.dataset.row);
      c.classList.toggle("selecting", r >= a && r <= b);
    }
  });
  document.addEventListener("mouseup", () => {
    if (!drag) return;
    const { from, to } = drag;
    drag = null;
    const top = Number(from.dataset.row) <= Number(to.dataset.row) ? from : to;
    const rows = Math.abs(Number(from.dataset.row) - Number(to.dataset.row)) + 1;
    const step = Number(holder.querySelector(".daygrid").dataset.step);
    const url = new URL(top.href);
    if (rows > 1) url.searchParams.set("minutes", String(rows * step));
    window.location.href = url.toString();
  });

  // Moving and resizing: drag a booking to another slot or court, or its lower edge to change
  // its length; Shift+arrows move a focused booking, Shift+Alt+Up/Down change its length. Each
  // move is a form posted to the server, which checks it like any change and comes back here.
  const csrf = holder.dataset.moveCsrf;
  const geometry = () => {
    const g = holder.querySelector(".daygrid");
    const heads = [...holder.querySelectorAll(".court-head")];
    return { step: Number(g.dataset.step), first: Number(g.dataset.first), heads };
  };
  const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const place = (booking, col, row, span) => {
    const { step, first, heads } = geometry();
    const head = heads.find((h) => Number(h.dataset.col) === col);
    if (!head || row < 1 || span < 1) return;
    const form = document.createElement("form");
    form.method = "post";
    form.action = `/bookings/${booking.dataset.id}/move`;
    // Rows count from 1 (the first slot of the day).
    const fields = { csrf, court_id: head.dataset.court, start: hhmm(first + (row - 1) * step), minutes: String(span * step) };
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  };
  const at = (b) => ({ col: Number(b.dataset.col), row: Number(b.dataset.row), span: Number(b.dataset.span) });

  let moving = null;
  holder.addEventListener("mousedown", (event) => {
    const booking = event.target.closest("a.booking");
    if (!csrf || !booking || event.button !== 0) return;
    event.preventDefault();
    const rowHeight = booking.getBoundingClientRect().height / Number(booking.dataset.span) || 1;
    const resize = Boolean(event.target.closest(".resize"));
    moving = { booking, x: event.clientX, y: event.clientY, rowHeight, resize, ...at(booking), moved: false };
  });
  document.addEventListener("mousemove", (event) => {
    if (!moving) return;
    const { booking, x, y } = moving;
    if (!moving.moved && Math.hypot(event.clientX - x, event.clientY - y) < 6) return;
    moving.moved = true;
    const rows = Math.round((event.clientY - y) / moving.rowHeight);
    const { heads } = geometry();
    const over = heads.find((h) => { const r = h.getBoundingClientRect(); return event.clientX >= r.left && event.clientX < r.right; });
    const start = at(booking);
    if (moving.resize) {
      moving.span = Math.max(1, start.span + rows);
      booking.style.gridRow = `${start.row + 1} / span ${moving.span}`;
    } else {
      moving.row = Math.max(1, start.row + rows);
      if (over) moving.col = Number(over.dataset.col);
      booking.style.gridRow = `${moving.row + 1} / span ${start.span}`;
      booking.style.gridColumn = String(moving.col + 1);
    }
    booking.classList.add("moving");
  });
  document.addEventListener("mouseup", () => {
    if (!moving) return;
    const m = moving;
    moving = null;
    if (!m.moved) return;
    // The drop is not a click on the link.
    m.booking.addEventListener("click", (e) => e.preventDefault(), { once: true });
    const was = at(m.booking);
    if (m.col === was.col && m.row === was.row && m.span === was.span) return;
    place(m.booking, m.col, m.row, m.span);
  });
  holder.addEventListener("keydown", (event) => {
    const booking = event.target.closest("a.booking");
    if (!csrf || !booking || !event.shiftKey || !event.key.startsWith("Arrow")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const { col, row, span } = at(booking);
    const d = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) place(booking, col, row, span + d);
    else if (event.key === "ArrowUp" || event.key === "ArrowDown") place(booking, col, row + d, span);
    else place(booking, col + d, row, span);
  }, true);
  // Back from a move: the booking keeps the focus, for the next key press.
  const focus = new URLSearchParams(window.location.search).get("focus");
  const moved = focus && document.getElementById(`b-${focus}`);
  if (moved) moved.focus();

  // Open today's grid at the current time rather than at opening time.
  const line = holder.querySelector(".now-line");
  if (line) line.parentElement.scrollTop = Math.max(0, line.offsetTop - 120);

  // Refresh in place: every minute, and when the desk comes back to this tab.
  const refresh = async () => {
    if (drag || moving || holder.contains(document.activeElement) && document.activeElement !== document.body) return;
    const response = await fetch(holder.dataset.fragment, { headers: { Accept: "text/html" } });
    if (response.ok) holder.innerHTML = await response.text();
  };
  setInterval(refresh, 60_000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });

  // Alt+← / Alt+→ change the day.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey) return;
    const link = document.getElementById(event.key === "ArrowLeft" ? "prev-day" : event.key === "ArrowRight" ? "next-day" : "");
    if (link) { event.preventDefault(); link.click(); }
  });
});

// Member pickers: typing shows matching members; picking one fills the hidden id. Text left
// unpicked stays as typed (the server reads it as a card number, a unique name, or a guest).
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-member-pick]")) {
    const hidden = document.getElementById(input.dataset.memberPick);
    const list = document.createElement("ul");
    list.className = "suggestions";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    if (hidden.value) input.classList.add("picked");
    let items = [];
    let active = -1;
    let timer = null;
    const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; };
    const choose = (m) => {
      hidden.value = m.id;
      input.value = m.name;
      input.classList.add("picked");
      close();
      // Whatever depends on who plays (the price line) hears about it.
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const show = () => {
      list.innerHTML = "";
      items.forEach((m, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === active));
        const name = document.createElement("span");
        name.textContent = m.name;
        const extra = document.createElement("small");
        extra.textContent = `№ ${m.card}${m.phone ? " · " + m.phone : ""}`;
        li.append(name, extra);
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(m); });
        list.append(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    };
    input.addEventListener("input", () => {
      hidden.value = "";
      input.classList.remove("picked");
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { items = []; show(); return; }
      timer = setTimeout(async () => {
        const response = await fetch(`/members/suggest?q=${encodeURIComponent(q)}`);
        if (!response.ok) return;
        items = (await response.json()).members;
        active = items.length ? 0 : -1;
        show();
      }, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        show();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }
});

// The booking form's price line follows court, time, length, kind and players as they change.
document.addEventListener("DOMContentLoaded", () => {
  const quote = document.querySelector("[data-quote]");
  if (!quote) return;
  const form = quote.closest("form");
  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (name !== "csrf" && name !== "command_id" && name !== "note") params.append(name, value);
      }
      const response = await fetch(`${quote.dataset.quote}?${params}`, { headers: { Accept: "text/plain" } });
      if (response.ok) quote.textContent = await response.text();
      // The passes that could pay follow the same fields (who plays, when, where).
      for (const select of form.querySelectorAll("select[data-options]")) {
        const options = await fetch(`${select.dataset.options}?${params}`);
        if (!options.ok) continue;
        select.innerHTML = await options.text();
        const wrapper = select.closest("[hidden], .pass-pick");
        if (wrapper) wrapper.hidden = select.options.length <= 1;
      }
    }, 150);
  };
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
});

// The pass product form shows only the fields its kind uses.
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.querySelector("[data-pass-kind]");
  if (!kind) return;
  const show = () => {
    for (const part of document.querySelectorAll("[data-for-kind]")) {
      part.hidden = !part.dataset.forKind.split(" ").includes(kind.value);
    }
  };
  kind.addEventListener("change", show);
  show();
});

// SMS text boxes: a live count of SMS parts, as the server counts them (GSM-7 160/153, with
// ^{}\[~]|€ taking two; anything else UCS-2 70/67 in UTF-16 units). The server's count is the
// one that decides; this only saves a round trip while typing.
(() => {
  const basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const ext = "^{}\\[~]|€\f";
  const count = (text) => {
    const chars = Array.from(text.trim());
    let gsm = true;
    const widths = chars.map((c) => {
      if (basic.includes(c)) return 1;
      if (ext.includes(c)) return 2;
      gsm = false;
      return 0;
    });
    const units = gsm ? widths : chars.map((c) => c.length);
    const total = units.reduce((a, b) => a + b, 0);
    const [single, part] = gsm ? [160, 153] : [70, 67];
    let parts = total === 0 ? 0 : 1;
    if (total > single) {
      let used = 0;
      for (const w of units) {
        if (used + w > part) { parts += 1; used = 0; }
        used += w;
      }
    }
    return { gsm, parts, total };
  };
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.dataset || !box.dataset.smsCount) return;
    const out = document.getElementById(box.dataset.smsCount);
    const c = count(box.value);
    out.textContent = (c.gsm ? box.dataset.gsm : box.dataset.ucs).replace("{parts}", c.parts).replace("{units}", c.total);
  });
})();

// First-run setup: a server that only knows UTC proposes the browser's own zone instead, which
// is where the club's desk is.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector("input[data-suggest-zone]");
  if (!zone || !["UTC", "Etc/UTC", ""].includes(zone.value)) return;
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const known = [...(zone.list ? zone.list.options : [])].some((o) => o.value === mine);
  if (mine && known) zone.value = mine;
});

// Print buttons on receipts, reports and the day sheet.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
