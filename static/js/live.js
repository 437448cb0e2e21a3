// Live pages: a WebSocket to this server says when club data changed, and the page refetches
// the parts that show it. A part is an element with an id and data-live="tables it shows"
// ("local" for this machine's SMS outbox); data-live-src names a URL that answers with just
// its inside, otherwise the page's own URL is fetched and the part with the same id taken.
// A part someone is typing in is left alone and refreshed once they are done.
"use strict";

(() => {
  const body = document.body;
  const parts = () => [...document.querySelectorAll("[data-live][id]")];
  if (!body.dataset.liveLog || parts().length === 0) return;

  let log = body.dataset.liveLog;
  let at = Number(body.dataset.liveAt);
  let local = Number(body.dataset.liveLocal || 0);
  const status = document.getElementById("live-status");
  const show = (online) => {
    if (!status) return;
    status.hidden = false;
    status.classList.toggle("offline", !online);
    status.textContent = online ? status.dataset.on : status.dataset.off;
  };

  // A form field whose value differs from what the server sent, or an open <details>.
  const edited = (el) => {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return false;
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") return [...el.options].some((o) => o.selected !== o.defaultSelected);
    return "defaultValue" in el && el.value !== el.defaultValue;
  };
  const busy = (part) => {
    const active = document.activeElement;
    if (active && part.contains(active) && active.matches("input, textarea, select")) return true;
    if (part.querySelector("details[open]")) return true;
    return [...part.querySelectorAll("input, textarea, select")].some(edited);
  };

  const waiting = new Set();
  let timer = null;
  let running = false;

  // Puts `fresh` inside `part`, keeping the keyboard focus on the same link or cell.
  const swap = (part, html) => {
    const active = document.activeElement;
    const keep = active && part.contains(active)
      ? (active.id ? `#${CSS.escape(active.id)}`
        : active.dataset.col ? `[data-col="${active.dataset.col}"][data-row="${active.dataset.row}"]`
        : active.getAttribute("href") ? `[href="${CSS.escape(active.getAttribute("href"))}"]` : null)
      : null;
    part.innerHTML = html;
    if (keep) part.querySelector(keep)?.focus();
    part.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  };

  const refresh = async () => {
    timer = null;
    if (running) { timer = setTimeout(refresh, 100); return; }
    running = true;
    try {
      const due = [...waiting].filter((p) => p.isConnected);
      waiting.clear();
      const later = due.filter(busy);
      for (const p of later) p.dataset.liveStale = "1";
      const now = due.filter((p) => !busy(p));
      const own = now.filter((p) => !p.dataset.liveSrc);
      for (const part of now.filter((p) => p.dataset.liveSrc)) {
        const response = await fetch(part.dataset.liveSrc, { headers: { Accept: "text/html" } });
        if (response.ok) swap(part, await response.text());
      }
      if (own.length === 0) return;
      const response = await fetch(location.href, { headers: { Accept: "text/html" } });
      if (response.status === 401 || response.redirected) { location.reload(); return; }
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = (id) => page.getElementById(id);
      // The page changed shape (a shift closed, a booking became a series): take all of it,
      // unless someone is typing somewhere on it.
      const main = document.getElementById("main");
      const sameShape = parts().every((p) => fresh(p.id)) && [...page.querySelectorAll("[data-live][id]")].every((p) => document.getElementById(p.id));
      if (!sameShape) {
        if (busy(main)) { for (const p of own) p.dataset.liveStale = "1"; return; }
        // The message the last action left ("Booked.") is shown once; keep it through the swap.
        const flashes = [...main.querySelectorAll(":scope > .flash[role=status]")].map((f) => f.outerHTML).join("");
        swap(main, flashes + page.getElementById("main").innerHTML);
        return;
      }
      for (const part of own) swap(part, fresh(part.id).innerHTML);
    } catch (_) {
      // The server went away mid-fetch; the socket's reconnect brings the page up to date.
    } finally {
      running = false;
    }
  };
  const want = (part) => {
    waiting.add(part);
    if (!timer) timer = setTimeout(refresh, 30);
  };
  const wantTables = (tables) => {
    for (const part of parts()) {
      const shows = part.dataset.live.split(" ");
      if (tables === null || tables.some((t) => shows.includes(t))) want(part);
    }
  };
  // Parts skipped while someone typed get their turn when the typing is done.
  const retryStale = () => setTimeout(() => {
    for (const part of parts()) if (part.dataset.liveStale && !busy(part)) { delete part.dataset.liveStale; want(part); }
  }, 0);
  document.addEventListener("focusout", retryStale);
  document.addEventListener("reset", retryStale);
  document.addEventListener("toggle", retryStale, true);

  let delay = 500;
  let watchdog = null;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/live?log=${encodeURIComponent(log)}&at=${at}&local=${local}`);
    // No word from the server for this long: the connection is dead even if TCP did not say.
    const heard = () => { clearTimeout(watchdog); watchdog = setTimeout(() => socket.close(), 40_000); };
    socket.addEventListener("open", () => { delay = 500; heard(); show(true); });
    socket.addEventListener("message", (event) => {
      heard();
      const m = JSON.parse(event.data);
      if (m.t === "changed") { at = m.at; wantTables(m.tables); }
      else if (m.t === "reset") { log = m.log; at = m.at; wantTables(null); }
      else if (m.t === "local") { local = m.n; wantTables(["local"]); }
    });
    socket.addEventListener("close", () => {
      clearTimeout(watchdog);
      show(false);
      // Back off up to 15 s, with jitter so that desks do not all come back at once.
      setTimeout(connect, delay * (0.75 + Math.random() / 2));
      delay = Math.min(delay * 2, 15_000);
    });
  };
  connect();
})();
