// The club's booking widget: paste
//   <script src="https://HUB/widget.js" data-days="7" async></script>
// into a page of a site the club listed in Settings -> Portal. It shows each court's free
// starts for the coming days; a start opens the portal with that slot chosen. Names never.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script) return;
  const hub = new URL(script.src).origin;
  const days = Math.min(Math.max(parseInt(script.dataset.days || "7", 10) || 7, 1), 14);
  // The fallback link's words, in the host page's language (data-lang, or the page's lang).
  const lang = (script.dataset.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2);
  const bookACourt = { en: "Book a court", ru: "Забронировать корт" }[lang.toLowerCase()] || "Book a court";
  const box = document.createElement("div");
  box.className = "courtside-widget";
  box.setAttribute("aria-live", "polite");
  script.after(box);

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  function show(data, index) {
    box.replaceChildren();
    const nav = el("div", "", "courtside-days");
    data.days.forEach((d, i) => {
      const b = el("button", d.label);
      b.type = "button";
      b.setAttribute("aria-pressed", String(i === index));
      b.addEventListener("click", () => show(data, i));
      nav.append(b);
    });
    box.append(nav);
    const day = data.days[index];
    for (const court of day.courts) {
      const section = el("section", "", "courtside-court");
      section.append(el("h3", court.name));
      const list = el("div", "", "courtside-starts");
      for (const t of court.free) {
        const a = el("a", t);
        a.href = `${hub}/p/book/${encodeURIComponent(court.id)}?date=${day.date}&start=${t}`;
        a.target = "_blank";
        a.rel = "noopener";
        list.append(a);
      }
      if (!court.free.length) list.append(el("span", "—"));
      section.append(list);
      box.append(section);
    }
  }

  fetch(`${hub}/p/widget/availability.json?days=${days}`, { credentials: "omit" })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((data) => show(data, 0))
    .catch(() => {
      const a = el("a", bookACourt);
      a.href = `${hub}/p/`;
      box.replaceChildren(a);
    });
})();
