/* The editorial desk, live: polls the manifesto's journal (?since=<seq>) and, when an event
 * concerns the desk (a position taken, an amendment proposed or answered, supports, the text),
 * reloads the groups from the server and announces it. Without JavaScript the page is complete
 * and every action is a plain form. Polling stops while the tab is hidden. */
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk || !window.fetch) return;
  var groups = document.getElementById("desk-groups");
  var stateEl = desk.querySelector("[data-live-state]");
  var announceEl = desk.querySelector("[data-live-announce]");
  var seq = parseInt(desk.getAttribute("data-seq"), 10) || 0;
  var INTERVAL = 2000;
  var timer = null;
  var busy = false;

  function setState(name) {
    if (!stateEl) return;
    stateEl.textContent = stateEl.getAttribute("data-" + name) || "";
    stateEl.setAttribute("data-state", name);
  }

  function announce(text) {
    if (!announceEl || !text) return;
    announceEl.textContent = "";
    setTimeout(function () { announceEl.textContent = text; }, 50);
  }

  function editing() {
    // Never replace the groups under an editor who is typing a reason or has a form open.
    var active = document.activeElement;
    return (active && groups.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName)) ||
      groups.querySelector("details.set-aside[open]") !== null;
  }

  function reload(messages) {
    return fetch(desk.getAttribute("data-fragment-url"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        groups.innerHTML = html;
        desk.setAttribute("data-seq", String(seq));
        announce(messages.join(" · ") || stateEl.getAttribute("data-updated"));
      });
  }

  function poll() {
    if (busy || document.hidden) return schedule();
    busy = true;
    fetch(desk.getAttribute("data-journal-url") + "?since=" + seq, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        setState("online");
        if (!data.changed) { seq = data.seq; return; }
        if (editing()) return; // try again at the next poll, from the same seq
        seq = data.seq;
        return reload(data.messages || []);
      })
      .catch(function () { setState("offline"); })
      .then(function () { busy = false; schedule(); });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, INTERVAL);
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  setState("connecting");
  poll();
})();
