/* The facilitator's console (templates/agora/console.html), around deliberation.js's amendment list:
 *  - the focused article's amendments first (its group is marked and ordered first by CSS);
 *  - on each amendment: show on the projector, mark as duplicate of n°, a box to select it (to show
 *    several side by side or merge them), and, for a few seconds after an accept, "Annuler l'adoption";
 *  - what accept and reject will do, said next to the buttons (aria-describedby);
 *  - keyboard shortcuts (listed on the page), never while typing in a field;
 *  - the projector's join box, made small or large again.
 * Every action is a live command that the server checks (docs/realtime-deliberation.md); the same
 * actions exist as forms without JavaScript (moderation queue, these forms' own actions).
 */
(function () {
  "use strict";
  var tools = document.querySelector("[data-console-tools]");
  var host = document.getElementById("live-extensions");
  if (!tools || !host || !window.Live) return;
  var Live = window.Live;
  var words = tools.dataset;
  var statusEl = tools.querySelector("[data-console-status]");
  var undoSeconds = parseInt(words.undoSeconds || "0", 10);
  var amendments = {}; // id -> the amendment's public data (snapshot, then events)
  var undoUntil = {}; // id -> local time (ms) until which the undo is offered
  var lastAccepted = null;
  var selected = []; // ids, in the order they were ticked
  var shownIds = (tools.dataset.shown || "").split(" ").filter(Boolean).map(Number);
  var focusId = null;
  var currentId = null;
  var wordsNode = document.getElementById("deliberation-words");
  var collective = !!(wordsNode && JSON.parse(wordsNode.textContent).collective);
  var joinSmall = tools.querySelector("[data-join-toggle]").getAttribute("aria-pressed") === "true";

  function w(key, value, seconds) {
    return (words[key] || key).replace("%s", value === undefined ? "" : value).replace("%t", seconds === undefined ? "" : seconds);
  }
  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(message) { statusEl.textContent = message || ""; }
  function send(type, data, done) {
    return Live.send(type, data).then(function (reply) { say(done || ""); return reply; }, function (error) {
      say(error && error.message ? error.message : String(error));
      throw error;
    });
  }
  function cards() {
    // In the order the facilitator sees them: the focused article's group first.
    var all = Array.prototype.slice.call(host.querySelectorAll("li.amendment[data-amendment-id]"));
    var first = all.filter(function (c) { return c.closest(".is-focus"); });
    return first.concat(all.filter(function (c) { return !c.closest(".is-focus"); }));
  }
  function card(id) { return host.querySelector('li.amendment[data-amendment-id="' + id + '"]'); }

  // ------------------------------------------------------------------ each amendment's extra actions
  function extras(c) {
    var id = Number(c.getAttribute("data-amendment-id"));
    var a = amendments[id] || {};
    var state = c.getAttribute("data-state");
    var box = make("div", { "class": "console-extras", "data-console-extras": "" });
    var pick = make("label", { "class": "pick" });
    var tick = make("input", { type: "checkbox", "data-select": "" });
    tick.checked = selected.indexOf(id) >= 0;
    tick.addEventListener("change", function () { toggleSelected(id, tick.checked); });
    pick.appendChild(tick);
    pick.appendChild(document.createTextNode(" " + w("wordSelect", a.number || "")));
    box.appendChild(pick);
    if (state !== "hidden") {
      var shown = shownIds.indexOf(id) >= 0;
      var show = make("button", { type: "button", "class": "secondary", "data-action": "show", "aria-pressed": shown ? "true" : "false" },
        shown ? words.wordShown : words.wordShow);
      show.addEventListener("click", function () { showOne(id); });
      box.appendChild(show);
    }
    if (state === "open") {
      var dup = make("input", { "class": "dup-number", inputmode: "numeric", size: "4", "aria-label": words.wordDuplicate, placeholder: "n°", "data-duplicate-of": "" });
      var dupButton = make("button", { type: "button", "class": "secondary", "data-action": "duplicate" }, words.wordDuplicateButton);
      dupButton.addEventListener("click", function () { markDuplicate(id, dup.value); });
      box.appendChild(dup);
      box.appendChild(dupButton);
      describeDecisions(c, a, box);
    }
    if ((state === "accepted" || state === "retained") && undoUntil[id] > Date.now()) {
      var undo = make("button", { type: "button", "class": "danger", "data-action": "undo" });
      undo.addEventListener("click", function () { undoAccept(id); });
      box.appendChild(undo);
      label(undo, id);
    }
    return box;
  }

  function describeDecisions(c, a, box) {
    var accept = c.querySelector("[data-action=accept]");
    var reject = c.querySelector("[data-action=reject]");
    var help = make("p", { "class": "hint decision-help", id: "decide-help-" + a.id });
    var text;
    if (collective) text = words.wordRetainHelp;
    else if (a.kind === "insert") text = w("wordAcceptHelpInsert", "", undoSeconds);
    else text = w("wordAcceptHelp", a.clause_number || "", undoSeconds);
    help.textContent = text + " " + words.wordRejectHelp;
    box.appendChild(help);
    if (accept) accept.setAttribute("aria-describedby", help.id);
    if (reject) reject.setAttribute("aria-describedby", help.id);
  }

  function label(button, id) {
    var left = Math.max(0, Math.ceil((undoUntil[id] - Date.now()) / 1000));
    button.textContent = w("wordUndo", left);
  }

  function augment() {
    cards().forEach(function (c) {
      var id = Number(c.getAttribute("data-amendment-id"));
      var old = c.querySelector("[data-console-extras]");
      if (old && old.getAttribute("data-for-state") === c.getAttribute("data-state")) return;
      if (old) old.remove();
      var box = extras(c);
      box.setAttribute("data-for-state", c.getAttribute("data-state"));
      c.appendChild(box);
      c.setAttribute("tabindex", "-1");
      if (id === currentId) c.classList.add("is-current");
    });
    Array.prototype.forEach.call(host.querySelectorAll("[data-group]"), function (g) {
      var focused = focusId !== null && g.getAttribute("data-group") === "c" + focusId;
      g.classList.toggle("is-focus", focused);
      if (focused) g.setAttribute("aria-label", words.wordFocused); else g.removeAttribute("aria-label");
    });
  }
  var pending = null;
  function soon() { if (!pending) pending = setTimeout(function () { pending = null; augment(); }, 0); }
  new MutationObserver(function (records) {
    // Only what deliberation.js redrew; our own extras do not count.
    if (records.some(function (r) { return !(r.target.closest && r.target.closest("[data-console-extras], [data-console-tools]")); })) soon();
  }).observe(host, { childList: true, subtree: true });

  function redraw(id) {
    var c = card(id);
    if (!c) return;
    var old = c.querySelector("[data-console-extras]");
    if (old) old.remove();
    soon();
  }

  // ------------------------------------------------------------------ actions
  function showOne(id) {
    send("session.show_amendment", { amendment_id: id });
  }
  function markDuplicate(id, raw) {
    var number = parseInt(raw, 10);
    var original = Object.keys(amendments).map(function (k) { return amendments[k]; })
      .filter(function (a) { return a.number === number; })[0];
    if (!original) { say(w("wordUnknownNumber", raw)); return; }
    send("amendment.mark_duplicate", { amendment_id: id, duplicate_of: original.id });
  }
  function undoAccept(id) {
    send("amendment.undo_accept", { amendment_id: id }, words.wordUndone).then(function () {
      delete undoUntil[id];
      redraw(id);
    }, function () {});
  }

  function toggleSelected(id, on) {
    selected = selected.filter(function (x) { return x !== id; });
    if (on) selected.push(id);
    var summary = tools.querySelector("[data-selection-summary]");
    summary.textContent = selected.length
      ? w("wordSelection", selected.map(function (x) { return "n° " + (amendments[x] ? amendments[x].number : x); }).join(", "))
      : words.wordNothingSelected;
    tools.querySelector("[data-selection-show]").disabled = !(selected.length >= 1 && selected.length <= 4);
    tools.querySelector("[data-selection-merge]").disabled = selected.length < 2;
    var c = card(id);
    var tick = c && c.querySelector("[data-select]");
    if (tick) tick.checked = on;
  }
  tools.querySelector("[data-selection-show]").addEventListener("click", function () {
    send("session.show_amendments", { amendment_ids: selected.slice() });
  });
  var mergeForm = tools.querySelector("[data-console-merge]");
  tools.querySelector("[data-selection-merge]").addEventListener("click", function () {
    var first = amendments[selected[0]];
    mergeForm.hidden = false;
    var text = mergeForm.querySelector("#merge-text");
    if (!text.value && first) text.value = first.text || "";
    text.focus();
  });
  mergeForm.querySelector("[data-merge-cancel]").addEventListener("click", function () { mergeForm.hidden = true; });
  mergeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    send("amendment.merge", {
      amendment_ids: selected.slice(), text: mergeForm.querySelector("#merge-text").value,
      justification: mergeForm.querySelector("#merge-why").value
    }).then(function (reply) {
      say(w("wordMerged", reply.amendment.number));
      selected.slice().forEach(function (id) { toggleSelected(id, false); });
      mergeForm.hidden = true;
      mergeForm.querySelector("#merge-text").value = "";
      mergeForm.querySelector("#merge-why").value = "";
    }, function () {});
  });

  var joinForm = tools.querySelector("[data-console-join]");
  function showJoin(small) {
    joinSmall = small;
    joinForm.querySelector("[data-join-toggle]").setAttribute("aria-pressed", small ? "true" : "false");
    joinForm.querySelector('input[name="small"]').value = small ? "0" : "1";
  }
  joinForm.addEventListener("submit", function (e) {
    e.preventDefault();
    send("session.set_join_box", { small: !joinSmall }).then(function (reply) { showJoin(reply.small); }, function () {});
  });
  tools.querySelector("[data-console-clear]").form.addEventListener("submit", function (e) {
    e.preventDefault();
    send("session.show_amendment", { amendment_id: null });
  });

  // ------------------------------------------------------------------ what the room does
  function remember(a) { amendments[a.id] = Object.assign(amendments[a.id] || {}, a); }
  Live.onSnapshot(function (data) {
    amendments = {};
    ((data.amendments || {}).amendments || []).forEach(remember);
    focusId = data.session.focus_clause ? data.session.focus_clause.id : null;
    soon();
  });
  ["amendment.proposed", "amendment.edited", "amendment.withdrawn", "amendment.rejected", "amendment.marked_duplicate",
   "amendment.merged", "amendment.hidden", "amendment.reopened", "amendment.position_taken"].forEach(function (type) {
    Live.on(type, function (d) { remember(d.amendment); });
  });
  Live.on("amendment.accepted", function (d) {
    remember(d.amendment);
    // The window is counted on this screen's clock from the event (the server holds the real deadline).
    if (d.undo_until && undoSeconds && Date.parse(d.undo_until) > Date.now() - 60000) {
      undoUntil[d.amendment.id] = Date.now() + undoSeconds * 1000;
      lastAccepted = d.amendment.id;
      redraw(d.amendment.id);
    }
  });
  Live.on("amendment.position_taken", function (d) {
    if (d.position.position === "retained" && undoSeconds) {
      undoUntil[d.amendment.id] = Date.now() + undoSeconds * 1000;
      lastAccepted = d.amendment.id;
      redraw(d.amendment.id);
    }
  });
  Live.on("amendment.acceptance_undone", function (d) { remember(d.amendment); delete undoUntil[d.amendment.id]; });
  Live.on("session.focus_changed", function (d) { focusId = d.clause ? d.clause.id : null; soon(); });
  Live.on("session.amendment_shown", function (d) {
    var before = shownIds;
    shownIds = d.group && d.group.length ? d.group.map(function (g) { return g.amendment.id; }) : (d.amendment ? [d.amendment.id] : []);
    before.concat(shownIds).forEach(redraw);
  });
  Live.on("session.join_box_changed", function (d) { showJoin(d.small); });

  setInterval(function () {
    Object.keys(undoUntil).forEach(function (id) {
      var c = card(id);
      var button = c && c.querySelector("[data-action=undo]");
      if (undoUntil[id] <= Date.now()) { delete undoUntil[id]; if (button) button.remove(); return; }
      if (button) label(button, id);
    });
  }, 1000);

  // ------------------------------------------------------------------ keyboard
  host.addEventListener("click", function (e) {
    var c = e.target.closest && e.target.closest("li.amendment[data-amendment-id]");
    if (c && !typing(e.target) && !e.target.closest("button, a, label")) setCurrent(c);
  });
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  function setCurrent(c) {
    cards().forEach(function (x) { x.classList.remove("is-current"); });
    if (!c) return;
    currentId = Number(c.getAttribute("data-amendment-id"));
    c.classList.add("is-current");
    c.focus({ preventScroll: true });
    c.scrollIntoView({ block: "nearest" });
  }
  function current() {
    var c = currentId !== null ? card(currentId) : null;
    return c || cards()[0] || null;
  }
  document.addEventListener("keydown", function (e) {
    var target = e.target;
    if (e.key === "Enter" && target.matches) {
      var c0 = target.closest("li.amendment");
      if (c0 && target.matches("[data-reason]")) { e.preventDefault(); var rj = c0.querySelector("[data-action=reject]"); if (rj) rj.click(); return; }
      if (c0 && target.matches("[data-duplicate-of]")) { e.preventDefault(); c0.querySelector("[data-action=duplicate]").click(); return; }
    }
    if (e.key === "Escape" && typing(target)) { target.blur(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(target) || e.defaultPrevented) return;
    var list = cards(), c = current(), index = c ? list.indexOf(c) : -1, field;
    switch (e.key) {
      case "j": setCurrent(list[Math.min(list.length - 1, index + 1)]); break;
      case "k": setCurrent(list[Math.max(0, index - 1)]); break;
      case "p": if (c) showOne(Number(c.getAttribute("data-amendment-id"))); break;
      case "a": field = c && c.querySelector("[data-action=accept]"); if (field) { setCurrent(c); field.click(); } break;
      case "u": if (lastAccepted !== null && undoUntil[lastAccepted] > Date.now()) undoAccept(lastAccepted); break;
      case "r": field = c && c.querySelector("[data-reason]"); if (field) { setCurrent(c); field.focus(); } break;
      case "d": field = c && c.querySelector("[data-duplicate-of]"); if (field) { setCurrent(c); field.focus(); } break;
      case "x": field = c && c.querySelector("[data-select]"); if (field) { field.checked = !field.checked; toggleSelected(Number(c.getAttribute("data-amendment-id")), field.checked); } break;
      default: return;
    }
    e.preventDefault();
  });
}());
