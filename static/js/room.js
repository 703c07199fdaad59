/* The live room's pages (participant, console, projector): apply events to the page.
 * Uses window.Live (live.js); other apps add their own handlers the same way. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.Live) return;
  var Live = window.Live;
  var role = root.dataset.liveRole;
  var me = root.dataset.participant ? parseInt(root.dataset.participant, 10) : null;
  var words = document.querySelector("[data-live-state]").dataset;
  var timerEndsAt = null;
  var lastFloor = null;
  // Phase names in this page's language: events carry the phase's code only (docs/realtime.md);
  // the page embeds its labels (#phase-labels) and the snapshot brings them too.
  var phaseLabels = {};
  var labelsNode = document.getElementById("phase-labels");
  if (labelsNode) { try { phaseLabels = JSON.parse(labelsNode.textContent) || {}; } catch (e) { phaseLabels = {}; } }
  if (typeof phaseLabels !== "object") phaseLabels = {};
  function phaseLabel(code) { return phaseLabels[code] || code; }

  function t(key, value) { return (words[key] || "%s").replace("%s", value === undefined ? "" : value); }
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function text(bind, value) { all('[data-bind="' + bind + '"]').forEach(function (el) { el.textContent = value; }); }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function showPhase(label, phase) {
    text("phase", label);
    all("[data-phase-button]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.phaseButton === phase ? "true" : "false");
    });
  }

  var currentFocus = null;

  function showFocus(clause) {
    currentFocus = clause || null;
    all('[data-bind="focus"]').forEach(function (box) {
      box.textContent = "";
      if (!clause) { box.appendChild(el("p", { "class": "muted" }, t("noFocus"))); return; }
      box.appendChild(el("p", { "class": "focus-number" }, t("article", clause.number)));
      var quote = el("blockquote", { "class": "focus-text" }, clause.text);
      box.appendChild(quote);
    });
    var select = document.getElementById("focus-select");
    if (select) select.value = clause ? String(clause.id) : "";
  }

  function showQueue(queue) {
    text("floor", queue.floor ? queue.floor.display_name : t("nobody"));
    all('[data-bind="queue"]').forEach(function (list) {
      list.textContent = "";
      if (!queue.hands.length) { list.appendChild(el("li", { "class": "muted" }, list.dataset.empty)); return; }
      queue.hands.forEach(function (p) {
        var li = el("li", { "data-participant": p.id }, p.display_name);
        if (p.organisation) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", { "class": "muted" }, "(" + p.organisation + ")")); }
        if (list.dataset.controls === "facilitator") {
          var give = el("button", { type: "button" }, list.dataset.give);
          give.addEventListener("click", function () { command("queue.give_floor", { participant_id: p.id }); });
          var lower = el("button", { type: "button", "class": "secondary" }, list.dataset.lower);
          lower.addEventListener("click", function () { command("queue.lower", { participant_id: p.id }); });
          li.appendChild(document.createTextNode(" ")); li.appendChild(give);
          li.appendChild(document.createTextNode(" ")); li.appendChild(lower);
        }
        list.appendChild(li);
      });
    });
    if (me !== null) {
      var raised = queue.hands.some(function (p) { return p.id === me; });
      all('[data-bind="hand"]').forEach(function (b) {
        b.setAttribute("aria-pressed", raised ? "true" : "false");
        b.textContent = raised ? b.dataset.lower : b.dataset.raise;
        var input = b.form && b.form.querySelector('input[name="action"]');
        if (input) input.value = raised ? "lower" : "raise";
      });
    }
  }

  function showTimer(endsAt) {
    timerEndsAt = endsAt ? new Date(endsAt) : null;
    tick();
  }

  function tick() {
    var out;
    if (!timerEndsAt) out = "—";
    else {
      var left = Math.max(0, Math.round((timerEndsAt - Date.now()) / 1000));
      out = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) { timerEndsAt = null; Live.announce(t("timerEnded")); }
    }
    text("timer", out);
  }
  setInterval(tick, 1000);

  function showClosed(closed) {
    all('[data-bind="closed"]').forEach(function (n) { n.hidden = !closed; });
    // A closed session is no longer "live" and invites nobody to join (the projector's QR code).
    all("[data-open-only]").forEach(function (n) { n.hidden = closed; });
    var root = document.getElementById("live");
    if (root) { if (closed) { root.dataset.closed = "1"; } else { delete root.dataset.closed; } }
  }

  function showPresent(people) {
    all('[data-bind="present"]').forEach(function (list) {
      list.textContent = "";
      people.forEach(function (p) {
        var li = el("li", { "data-participant": p.id }, p.display_name);
        if (p.organisation) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", { "class": "muted" }, "(" + p.organisation + ")")); }
        var remove = el("button", { type: "button", "class": "secondary" }, list.dataset.remove);
        remove.addEventListener("click", function () {
          if (window.confirm(list.dataset.confirm)) command("session.remove_participant", { participant_id: p.id });
        });
        li.appendChild(document.createTextNode(" ")); li.appendChild(remove);
        list.appendChild(li);
      });
    });
  }

  var presentTimer = null;
  function refreshPresent() {
    if (role !== "facilitator") return;
    clearTimeout(presentTimer);
    presentTimer = setTimeout(function () {
      Live.send("presence.list", {}).then(function (data) { showPresent(data.participants); }, function () {});
    }, 300);
  }

  function command(type, data) {
    return Live.send(type, data).catch(function (error) {
      Live.announce(error.message || "");
      var box = document.querySelector(".messages") || root;
      var p = el("p", { "class": "message error", role: "alert" }, error.message || "");
      box.insertBefore(p, box.firstChild);
      setTimeout(function () { p.remove(); }, 8000);
      throw error;
    });
  }

  Live.onSnapshot(function (data) {
    var s = data.session;
    // The page's own labels win: the snapshot's are in the socket's language, which may not be the page's.
    (s.phases || []).forEach(function (p) { if (!phaseLabels[p.value]) phaseLabels[p.value] = p.label; });
    showPhase(phaseLabel(s.phase), s.phase);
    showFocus(s.focus_clause);
    showTimer(s.timer_ends_at);
    showClosed(s.closed);
    if (data.queue) showQueue(data.queue);
    if (data.presence) text("presence", data.presence.count);
    refreshPresent();
  });
  Live.on("session.phase_changed", function (d) {
    showPhase(phaseLabel(d.phase), d.phase);
    Live.announce(t("phaseChanged", phaseLabel(d.phase)));
  });
  Live.on("session.focus_changed", function (d) {
    showFocus(d.clause);
    if (d.clause) Live.announce(t("focusChanged", d.clause.number));
  });
  // The focus clause's text changes when an amendment is accepted or an organiser edits it.
  Live.on("clause.changed", function (d) {
    if (currentFocus && d.clause.id === currentFocus.id) {
      showFocus(d.clause);
      Live.announce(t("focusChanged", d.clause.number));
    }
  });
  Live.on("clause.deleted", function (d) {
    if (currentFocus && d.id === currentFocus.id) showFocus(null);
  });
  Live.on("session.timer_changed", function (d) {
    showTimer(d.ends_at);
    if (d.seconds) Live.announce(t("timerStarted", Math.round(d.seconds / 60)));
  });
  Live.on("session.closed", function () { showClosed(true); Live.announce(t("closed")); });
  Live.on("queue.changed", function (d) {
    var before = lastFloor;
    showQueue(d);
    lastFloor = d.floor ? d.floor.id : null;
    if (d.floor && d.floor.id !== before) Live.announce(t("floorChanged", d.floor.display_name));
  });
  Live.on("presence.changed", function (d) { text("presence", d.count); refreshPresent(); });
  Live.on("session.participant_removed", function () { refreshPresent(); });

  // Forms keep working without JavaScript; with it, they become commands.
  all("form[data-command]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var type = form.dataset.command;
      var submitter = e.submitter;
      var data = {};
      if (type === "session.set_phase") data.phase = submitter ? submitter.value : "";
      if (type === "session.set_focus") {
        var v = form.querySelector("select").value;
        data.clause_id = v ? parseInt(v, 10) : null;
      }
      if (type === "session.set_timer") {
        var minutes = submitter && submitter.hasAttribute("data-timer-stop") ? 0 : parseInt(form.querySelector("input[name=minutes]").value, 10);
        data.seconds = minutes > 0 ? minutes * 60 : null;
      }
      command(type, data).catch(function () {});
    });
  });
  all("form[data-queue-form]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!e.submitter) return;
      e.preventDefault();
      var parts = e.submitter.value.split(":");
      var id = parts[1] ? parseInt(parts[1], 10) : null;
      if (parts[0] === "give") command("queue.give_floor", { participant_id: id }).catch(function () {});
      else if (parts[0] === "lower") command("queue.lower", { participant_id: id }).catch(function () {});
      else if (parts[0] === "clear") command("queue.clear", {}).catch(function () {});
    });
  });
  // A hand raised offline (or while the server is out) says it is not sent yet, until the ack.
  all("form[data-hand-form]").forEach(function (form) {
    var note = form.querySelector("[data-hand-pending]");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector('[data-bind="hand"]');
      if (button.getAttribute("aria-busy") === "true") return; // a double tap sends it once
      var lower = form.querySelector('input[name="action"]').value === "lower";
      button.setAttribute("aria-busy", "true");
      if (note) note.hidden = false;
      function done() {
        button.removeAttribute("aria-busy");
        if (note) note.hidden = true;
      }
      command(lower ? "queue.lower_hand" : "queue.raise_hand", {}).then(done, done);
    });
  });
})();
