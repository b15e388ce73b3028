// digest serve: reload when the site is rebuilt, show build problems over the page.
(() => {
  "use strict";
  const data = document.getElementById("digest-live");
  if (!data || !("EventSource" in window)) return;
  const page = JSON.parse(data.textContent);
  const CSS = __OVERLAY_CSS__;
  let box = null;
  let lostTimer = 0;
  const dismissedKey = "digest-overlay-dismissed";

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clear() {
    if (box) { box.remove(); box = null; }
  }
  function draw(tone, title, problems, key) {
    if (!box) {
      box = el("digest-overlay");
      box.id = "digest-overlay";
      box.attachShadow({ mode: "open" });
      document.documentElement.appendChild(box);
    }
    const root = box.shadowRoot;
    root.replaceChildren(el("style", "", CSS));
    const panel = el("section", "panel " + tone);
    panel.setAttribute("role", "alert");
    const head = el("header");
    head.append(el("span", "title", title));
    const close = el("button", "close", "\u00d7");
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", () => {
      if (key) sessionStorage.setItem(dismissedKey, key);
      clear();
    });
    head.append(close);
    panel.append(head);
    for (const p of problems) {
      const item = el("div", "problem");
      const where = p.line ? p.path + ":" + p.line : p.path;
      if (where) item.append(el("div", "where", where));
      item.append(el("div", "message", p.message));
      if (p.hint) item.append(el("div", "hint", p.hint));
      panel.append(item);
    }
    root.append(panel);
  }
  function show(state) {
    const problems = state.problems;
    const key = JSON.stringify(problems);
    if (!problems.length || sessionStorage.getItem(dismissedKey) === key) { clear(); return; }
    const n = problems.length;
    const title = state.failed
      ? "Build failed \u2014 this is the last good build. Fix it and save."
      : (n === 1 ? "1 problem" : n + " problems") +
        " \u2014 left out of the site until fixed. Save a fix and this page updates.";
    draw(state.failed ? "error" : "warning", title, problems, key);
  }
  function connect() {
    const events = new EventSource("__PREFIX__events");
    events.addEventListener("state", (e) => {
      clearTimeout(lostTimer);
      lostTimer = 0;
      const state = JSON.parse(e.data);
      if (state.site !== page.site) {
        events.close();
        // A page that moved (a retitled article) is followed to its new address.
        const moved = (state.moved || []).find((pair) => pair[0] === location.pathname);
        if (moved) location.replace(moved[1] + location.search);
        else location.reload();
        return;
      }
      show(state);
    });
    events.addEventListener("error", () => {
      if (lostTimer) return;
      lostTimer = setTimeout(() => draw("lost",
        "Lost the connection to digest serve \u2014 this page may be out of date.", [], ""), 2000);
    });
  }
  show(page);
  connect();
})();
