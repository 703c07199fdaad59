/* Coécrire deliberation, live: amendments under their clause, supports, comments, moderation.
 *
 * Builds on window.Live (live.js): state from the snapshot part "amendments", then events.
 * Mounts on [data-deliberation] (the session's amendments page) or, on the live room pages,
 * in #live-extensions. Every piece of user text goes in with textContent; the only HTML
 * inserted is the diff, which the server escapes (<ins>/<del> around escaped text).
 * Without JavaScript the same page works with plain forms.
 *
 * Also: the proposal form's word-by-word preview (#propose-form), with or without Live.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ word diff (as manifesto/diff.py)
  var TOKEN = /[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*|\s+|[^\p{L}\p{N}_\s]/gu;

  function tokenize(text) { return (text || "").match(TOKEN) || []; }

  function wordDiff(oldText, newText) {
    var a = tokenize(oldText), b = tokenize(newText);
    var n = a.length, m = b.length, chunks = [];
    if (n * m > 400000) { // too long for a live preview: show it as replaced
      return [{ op: "delete", text: oldText || "" }, { op: "insert", text: newText || "" }];
    }
    var lcs = [], i, j;
    for (i = 0; i <= n; i++) { lcs.push(new Uint16Array(m + 1)); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    function push(op, text) {
      var last = chunks[chunks.length - 1];
      if (last && last.op === op) { last.text += text; } else { chunks.push({ op: op, text: text }); }
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { push("equal", a[i]); i++; j++; }
      else if (lcs[i + 1][j] >= lcs[i][j + 1]) { push("delete", a[i]); i++; }
      else { push("insert", b[j]); j++; }
    }
    while (i < n) { push("delete", a[i++]); }
    while (j < m) { push("insert", b[j++]); }
    return chunks;
  }

  function renderDiff(el, oldText, newText) {
    el.textContent = "";
    wordDiff(oldText, newText).forEach(function (chunk) {
      if (chunk.op === "equal") { el.appendChild(document.createTextNode(chunk.text)); return; }
      var tag = document.createElement(chunk.op === "insert" ? "ins" : "del");
      tag.textContent = chunk.text;
      el.appendChild(tag);
    });
  }

  // ------------------------------------------------------------------ words (the page may translate them)
  var WORDS = {
    title: "Amendements", amendment: "Amendement n° %s", article: "Article %s", endOfSection: "Nouveaux articles — %s",
    open: "En discussion", accepted: "Adopté", rejected: "Rejeté", duplicate: "Doublon", merged: "Fusionné",
    withdrawn: "Retiré", hidden: "Masqué", review: "à revoir",
    modify: "Nouvelle rédaction", "delete": "Suppression", insert: "Nouvel article",
    by: "par %s", totals: "Pour : %s · Contre : %s · Abstention : %s",
    pour: "Pour", contre: "Contre", abstention: "Abstention",
    comment: "Commenter", commentLabel: "Votre commentaire", stance: "Sens",
    withdraw: "Retirer", accept: "Adopter", reject: "Rejeter", hide: "Masquer", reopen: "Rouvrir", reason: "Motif",
    propose: "Proposer un amendement", kind: "Nature", where: "Article", after: "Après l'article %s",
    atEnd: "À la fin de la partie « %s »", text: "Texte proposé", justification: "Exposé des motifs",
    preview: "Aperçu des changements", submit: "Déposer l'amendement",
    proposed: "Votre amendement n° %s est déposé.", newAmendment: "Nouvel amendement n° %s sur l'article %s",
    acceptedNews: "Amendement n° %s adopté", hiddenNote: "Masqué par l'animation ; visible seulement par son auteur·rice et les animateur·rices.",
    none: "Aucun amendement pour l'instant.", conflictLink: "Résoudre le conflit", deleted: "(article supprimé)",
    merged_note: "Fusionné avec les modifications faites entre-temps.",
    draftTitle: "Votre proposition n'a pas été déposée",
    draftWaiting: "Votre proposition attend la réponse du serveur…",
    draftKept: "Votre texte est gardé ici, et reviendra dans le formulaire à la prochaine phase de propositions.",
    draftKeptToCopy: "Votre texte reste ici pour que vous puissiez le copier : il ne peut plus être déposé dans cette séance.",
    draftForget: "Effacer ce brouillon",
    pendingSend: "En attente d'envoi : votre proposition partira au retour du réseau.",
    proposalsClosed: "La phase a changé : les propositions sont closes.",
    textFrozen: "Le texte est figé : il ne peut plus être modifié.",
    stageClosed: "Les amendements ne sont pas ouverts à cette étape du processus.",
    sessionClosed: "La séance est close.",
    counter: "%s / %s caractères",
    tooLong: "Ce texte compte %s caractères, pour %s au plus : raccourcissez-le. Rien n'a été envoyé ; votre texte reste ici.",
    maxText: 5000, maxWhy: 2000, maxComment: 1000
  };
  // collective: the manifesto's decision mode (from the page's words); in collective mode a
  // facilitator's decision is the agora's position and never changes the text.
  var reopenable = { rejected: 1, duplicate: 1, merged: 1, hidden: 1, retained: 1 };

  function w(key) {
    var text = WORDS[key] || key, args = Array.prototype.slice.call(arguments, 1);
    return text.replace(/%s/g, function () { return args.length ? String(args.shift()) : ""; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "className") { node.className = attrs[key]; }
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  // ------------------------------------------------------------------ the proposal page's preview
  function setupPreview(form) {
    var texts = {};
    var source = document.getElementById("clause-texts");
    if (source) { texts = JSON.parse(source.textContent); }
    var kind = form.querySelector("[name=kind]"), clause = form.querySelector("[name=clause]");
    var text = form.querySelector("[name=text]"), out = document.getElementById("propose-diff");
    if (!kind || !clause || !text || !out) { return; }
    function update() {
      var base = kind.value === "insert" ? "" : (texts[clause.value] || "");
      renderDiff(out, base, kind.value === "delete" ? "" : text.value);
    }
    clause.addEventListener("change", function () {
      if (kind.value === "modify" && !text.dataset.touched && texts[clause.value]) { text.value = texts[clause.value]; }
      update();
    });
    kind.addEventListener("change", update);
    text.addEventListener("input", function () { text.dataset.touched = "1"; update(); });
    if (!text.value && kind.value === "modify" && texts[clause.value]) { text.value = texts[clause.value]; }
    update();
  }

  // ------------------------------------------------------------------ live state
  var state = {
    sessionId: null, phase: null, you: { participant: null, is_facilitator: false }, focusId: null,
    clauses: {}, clauseOrder: [], sections: [], amendments: {}, scopeIsWholeText: true,
    proposals: {}, closed: false,
    readOnly: false // the projector: public amendments, no controls
  };
  var root = null, listEl = null, statusEl = null, formEl = null;

  // ------------------------------------------------------------------ the proposal being written
  // What a person typed must never vanish: not when the phase closes while they write, not when
  // a proposal sent offline is refused on their return (the phase changed meanwhile), not on a
  // reload. Each draft is kept in localStorage, per session and article, from the first
  // keystroke until the server acknowledges it; a proposal sent keeps its command id until an
  // answer comes, so sending it again (a double tap, a reload) reuses the id and the server
  // answers its stored reply instead of filing a copy. Shape:
  // {kind, where, text, justification, id, pending, refusal, at}.
  var draft = null; // the draft shown while the form is closed
  var PREFIX = "coecrire-draft-";

  function draftPrefix() { return PREFIX + state.sessionId + "-"; }
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function storedDraft(where) {
    try { return JSON.parse(storage().getItem(draftPrefix() + where) || "null"); } catch (e) { return null; }
  }
  function saveDraft(d) {
    d.at = Date.now();
    try { storage().setItem(draftPrefix() + d.where, JSON.stringify(d)); } catch (e) { /* refused: the page keeps it */ }
  }
  function dropDraft(where) { try { storage().removeItem(draftPrefix() + where); } catch (e) { /* nothing kept */ } }
  function storedDrafts() {
    var out = [], s = storage(), prefix = draftPrefix();
    for (var i = 0; s && i < s.length; i++) {
      var key = s.key(i), d = key && key.indexOf(prefix) === 0 ? storedDraft(key.slice(prefix.length)) : null;
      if (d) { out.push(d); }
    }
    return out.sort(function (x, y) { return (y.at || 0) - (x.at || 0); });
  }

  // Why the form is not offered now ("" when it is): the phase, the text frozen, the stage.
  function closedReason() {
    var p = state.proposals || {};
    if (state.closed) { return w("sessionClosed"); }
    if (state.phase !== "proposals") { return w("proposalsClosed"); }
    if (p.text_status && p.text_status !== "drafting") { return w("textFrozen"); }
    if (p.stage_allows === false) { return w("stageClosed"); }
    return "";
  }

  // A refusal that only said the form was closed (the phase, the session, the stage): stale once
  // the form is open again, and said afresh (closedReason) while it stays closed.
  function isClosedRefusal(d) {
    return !!d.closedRefusal || ["sessionClosed", "proposalsClosed", "textFrozen", "stageClosed"].some(function (k) { return d.refusal === w(k); });
  }

  // Whether a closed form can open again in this session: only a phase change can bring it back.
  function comesBack() {
    var p = state.proposals || {};
    return !state.closed && !(p.text_status && p.text_status !== "drafting") && p.stage_allows !== false;
  }

  function liveForm() { return formEl && formEl.querySelector("form[data-propose-form]"); }

  function clearForm() {
    var form = liveForm();
    if (form) {
      var d = form.api.current();
      if (d.typed || d.pending) {
        if (!d.refusal) { d.refusal = closedReason(); d.closedRefusal = true; }
        saveDraft(d);
        draft = d;
      }
    }
    formEl.textContent = "";
  }

  function renderKeptDraft() {
    if (!draft) { draft = storedDrafts()[0] || null; }
    if (!draft || !state.you.participant || state.readOnly) { return; }
    var d = draft;
    var block = el("section", { className: "kept-draft stack", "aria-labelledby": "kept-draft-title", "data-kept-draft": "" }, [
      el("h3", { id: "kept-draft-title", text: w("draftTitle") }),
      el("p", { className: "errorlist", role: "alert", "data-kept-draft-reason": "", text: d.pending ? w("draftWaiting") : (isClosedRefusal(d) ? closedReason() || d.refusal : d.refusal || closedReason()) }),
      // The form comes back only with a new phase of proposals in a session still open with a
      // text still drafting; otherwise promising it would be false.
      el("p", { "data-kept-draft-note": "", text: w(comesBack() ? "draftKept" : "draftKeptToCopy") }),
      el("label", { "for": "kept-draft-text", text: w("text") }),
      el("textarea", { id: "kept-draft-text", readonly: "readonly", rows: "5", "data-kept-draft-text": "" }),
      d.justification ? el("label", { "for": "kept-draft-justification", text: w("justification") }) : null,
      d.justification ? el("textarea", { id: "kept-draft-justification", readonly: "readonly", rows: "2" }) : null
    ]);
    block.querySelector("#kept-draft-text").value = d.text;
    if (d.justification) { block.querySelector("#kept-draft-justification").value = d.justification; }
    if (!d.pending) {
      block.appendChild(button(w("draftForget"), function () {
        dropDraft(d.where);
        draft = null;
        formEl.textContent = "";
        renderKeptDraft();
      }, { className: "secondary", "data-forget-draft": "" }));
    }
    formEl.appendChild(block);
  }

  function proposalData(d) {
    var isClause = d.where.charAt(0) === "c", id = parseInt(d.where.slice(1), 10);
    return {
      kind: d.kind, clause_id: isClause ? id : null, section_id: isClause ? null : id,
      text: d.kind === "delete" ? "" : d.text, justification: d.justification
    };
  }

  // Send (or resend, under the same id) one draft; its answer is shown wherever the draft is.
  function sendProposal(d) {
    d.id = d.id || Live.newId();
    d.pending = true;
    d.refusal = "";
    saveDraft(d);
    var form = liveForm();
    if (form) { form.api.sending(true, d); }
    Live.send("amendment.propose", proposalData(d), d.id).then(function (data) {
      var a = data.amendment;
      dropDraft(d.where);
      if (draft && draft.where === d.where) { draft = null; }
      var shown = liveForm();
      if (shown) { shown.api.sending(false, d); shown.api.clear(d.where); } else { formEl.textContent = ""; renderProposeForm(); }
      upsert(Object.assign(a, { mine: true }));
      Live.announce(w("proposed", a.number));
      say(w("proposed", a.number));
    }, function (err) {
      // A refusal is stored under its id: a new attempt needs a new id.
      var message = err && err.code === "wrong_phase" ? w("proposalsClosed") : (err && err.message) || String(err);
      d.id = null;
      d.pending = false;
      d.refusal = message;
      // Refused because the form was closed (phase, session, stage): stale once it is open again.
      d.closedRefusal = !!(err && (err.code === "wrong_phase" || err.code === "session_closed" || err.code === "wrong_stage"));
      saveDraft(d);
      var shown = liveForm();
      if (shown) {
        shown.api.sending(false, d);
        shown.api.fill(d);
      } else {
        draft = d;
        formEl.textContent = "";
        renderProposeForm();
      }
      Live.announce(message);
    });
  }

  // Drafts sent before a reload whose answer never came: resent under their id (applied once).
  function resendWaiting() {
    storedDrafts().forEach(function (d) {
      if (d.pending && d.id && !Live.isPending(d.id)) { sendProposal(d); }
    });
  }

  // ------------------------------------------------------------------ counters: no silent truncation
  // Fields have no maxlength (a browser cuts a long paste without a word): a counter shows the
  // length against the limit and an over-long text is refused before sending, text kept.
  function counter(field, max) {
    var out = el("p", { className: "char-counter", id: field.id + "-count", "data-counter": "" });
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    field.setAttribute("data-maxlength", max);
    function update() {
      var n = field.value.length;
      out.textContent = w("counter", n, max);
      out.classList.toggle("over", n > max);
    }
    field.addEventListener("input", update);
    field.updateCount = update;
    update();
    return out;
  }

  function tooLong(fields) {
    for (var i = 0; i < fields.length; i++) {
      var max = parseInt(fields[i].getAttribute("data-maxlength"), 10);
      if (max && fields[i].value.length > max) { return { field: fields[i], message: w("tooLong", fields[i].value.length, max) }; }
    }
    return null;
  }

  // The server-rendered forms (proposal, edit, comment): the same counter and refusal.
  function guardForm(form) {
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-maxlength]"));
    if (!fields.length) { return; }
    fields.forEach(function (f) { f.parentNode.insertBefore(counter(f, f.getAttribute("data-maxlength")), f.nextSibling); });
    var error = el("p", { className: "errorlist", role: "alert", "data-length-error": "" });
    form.insertBefore(error, form.firstChild);
    form.addEventListener("submit", function (event) {
      var over = tooLong(fields);
      error.textContent = over ? over.message : "";
      if (over) { event.preventDefault(); over.field.focus(); }
    });
  }

  function mount() {
    root = document.querySelector("[data-deliberation]");
    if (!root) {
      var host = document.getElementById("live-extensions");
      if (!host) { return false; }
      root = el("section", { className: "deliberation stack", "aria-labelledby": "deliberation-title", "data-deliberation": "" });
      host.appendChild(root);
    }
    var words = document.getElementById("deliberation-words");
    if (words) { Object.assign(WORDS, JSON.parse(words.textContent)); }
    // What the server rendered for readers without JavaScript gives way to the live list.
    Array.prototype.forEach.call(root.querySelectorAll("[data-deliberation-static]"), function (node) { node.remove(); });
    if (!root.querySelector("h2")) { root.appendChild(el("h2", { id: "deliberation-title", text: w("title") })); }
    if (WORDS.collective && WORDS.modeNote) { root.appendChild(el("p", { className: "mode-note", "data-mode-note": "", text: w("modeNote") })); }
    statusEl = el("p", { className: "deliberation-status", role: "alert", "data-deliberation-status": "" });
    formEl = el("div", { "data-propose": "" });
    listEl = el("div", { className: "amendment-groups stack", "data-amendment-groups": "" });
    root.appendChild(statusEl);
    root.appendChild(formEl);
    root.appendChild(listEl);
    return true;
  }

  function say(message) { if (statusEl) { statusEl.textContent = message || ""; } }

  function refused(error) {
    say(error && error.message ? error.message : String(error));
  }

  function mine(a) { return !!a.mine; }

  function needsReview(a) {
    if (a.state !== "open" || a.kind === "insert") { return false; }
    if (a.clause_id === null) { return true; }
    var clause = state.clauses[a.clause_id];
    // The text decides, not the revision: an undone adoption gives the words back under a new revision.
    return !!clause && clause.text !== a.base_text;
  }

  function groupKey(a) {
    if (a.clause_id !== null && state.clauses[a.clause_id]) { return "c" + a.clause_id; }
    return "s" + a.section_id;
  }

  // ------------------------------------------------------------------ rendering
  function groupEl(key) {
    var existing = listEl.querySelector('[data-group="' + key + '"]');
    if (existing) { return existing; }
    var heading, body = null;
    if (key.charAt(0) === "c") {
      var clause = state.clauses[key.slice(1)];
      heading = el("h3", { text: w("article", clause.number) });
      body = el("blockquote", { className: "clause-text", "data-clause-text": clause.id, text: clause.text });
    } else {
      var section = state.sections.filter(function (s) { return "s" + s.id === key; })[0];
      heading = el("h3", { text: w("endOfSection", section ? section.title : "") });
    }
    var group = el("section", { className: "amendment-group", "data-group": key }, [
      heading, body, el("ol", { className: "amendments", "data-amendment-list": "" })
    ]);
    // Keep groups in text order: clauses by their order, section ends after them.
    var order = state.clauseOrder.map(function (id) { return "c" + id; })
      .concat(state.sections.map(function (s) { return "s" + s.id; }));
    var index = order.indexOf(key), placed = false;
    Array.prototype.forEach.call(listEl.querySelectorAll("[data-group]"), function (other) {
      if (!placed && order.indexOf(other.getAttribute("data-group")) > index) {
        listEl.insertBefore(group, other);
        placed = true;
      }
    });
    if (!placed) { listEl.appendChild(group); }
    return group;
  }

  function button(label, onClick, attrs) {
    var b = el("button", Object.assign({ type: "button" }, attrs || {}), []);
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function supportControls(a) {
    var box = el("div", { className: "support-controls", role: "group", "aria-label": w("stance") });
    // The three look alike; the chosen one is pressed (aria-pressed, filled, ✓), not "primary".
    ["pour", "contre", "abstention"].forEach(function (value) {
      var b = button(w(value), function () {
        if (box.getAttribute("aria-busy") === "true") { return; }
        box.setAttribute("aria-busy", "true");
        b.setAttribute("data-sending", "");
        Live.send("support.set", { amendment_id: a.id, value: value }).then(function () {
          a.own_support = value;
          renderCard(a);
          say("");
        }, function (error) { box.removeAttribute("aria-busy"); b.removeAttribute("data-sending"); refused(error); });
      }, { "aria-pressed": a.own_support === value ? "true" : "false", className: "stance", "data-support": value });
      box.appendChild(b);
    });
    return box;
  }

  function commentForm(a) {
    var stance = el("select", { "aria-label": w("stance"), "data-comment-stance": "" }, [
      el("option", { value: "pour", text: w("pour") }), el("option", { value: "contre", text: w("contre") })
    ]);
    var input = el("input", { "aria-label": w("commentLabel"), "data-comment-text": "", "data-maxlength": WORDS.maxComment });
    var form = el("form", { className: "comment-form" }, [stance, input, el("button", { type: "submit", text: w("comment") })]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var over = tooLong([input]);
      if (over) { say(over.message); input.focus(); return; }
      Live.send("comment.add", { amendment_id: a.id, stance: stance.value, text: input.value }).then(function () {
        input.value = "";
        say("");
      }, refused);
    });
    return form;
  }

  function moderationControls(a) {
    var box = el("div", { className: "moderation-controls" });
    if (a.state === "open") {
      box.appendChild(button(w("accept"), function () {
        Live.send("amendment.accept", { amendment_id: a.id, resolved_text: null, expected_revision: null }).then(function (data) {
          say(data.merged ? w("merged_note") : "");
        }, function (error) {
          refused(error);
          if (error && error.code === "conflict") {
            statusEl.appendChild(document.createTextNode(" "));
            statusEl.appendChild(el("a", { href: a.url + "adopter/", text: w("conflictLink") }));
          }
        });
      }, { "data-action": "accept" }));
    }
    if (a.state !== "accepted" && a.state !== "hidden") {
      var reason = el("input", { "aria-label": w("reason"), maxlength: "500", placeholder: w("reason"), "data-reason": "" });
      box.appendChild(reason);
      if (a.state === "open") {
        box.appendChild(button(w("reject"), function () {
          Live.send("amendment.reject", { amendment_id: a.id, reason: reason.value }).then(function () { say(""); }, refused);
        }, { className: "secondary", "data-action": "reject" }));
      }
      box.appendChild(button(w("hide"), function () {
        Live.send("amendment.hide", { amendment_id: a.id, reason: reason.value }).then(function () { say(""); }, refused);
      }, { className: "secondary", "data-action": "hide" }));
    }
    if (reopenable[a.state]) {
      box.appendChild(button(w("reopen"), function () {
        Live.send("amendment.reopen", { amendment_id: a.id }).then(function () { say(""); }, refused);
      }, { className: "secondary", "data-action": "reopen" }));
    }
    return box;
  }

  // In collective mode, what the agora decided, said so that nobody takes it for a change of the text.
  function positionNote(a) {
    if (!WORDS.collective || a.state === "open" || a.state === "withdrawn" || a.state === "accepted") { return ""; }
    var key = { retained: "retainedNote", rejected: "notRetainedNote", duplicate: "duplicateNote", merged: "mergedNote", hidden: "hiddenPositionNote" }[a.state];
    return key && WORDS[key] ? w(key) : "";
  }

  function familyLine(byFamily) {
    var keys = Object.keys(byFamily || {});
    if (!keys.length) { return null; }
    return el("p", { className: "by-family muted", text: keys.sort().map(function (key) {
      var c = byFamily[key];
      return (key || "—") + " : " + c.pour + " / " + c.contre + " / " + c.abstention;
    }).join(" · ") });
  }

  function renderCard(a) {
    var id = "amendement-live-" + a.id;
    var old = document.getElementById(id);
    var canSee = !a.hidden || (!state.readOnly && (state.you.is_facilitator || mine(a)));
    if (!canSee) { if (old) { old.remove(); } return; }
    // Keep what the person was typing in this card.
    var typed = {}, focused = null;
    if (old) {
      Array.prototype.forEach.call(old.querySelectorAll("input, select"), function (field) {
        var key = Object.keys(field.dataset)[0];
        if (key) { typed[key] = field.value; if (field === document.activeElement) { focused = key; } }
      });
    }
    var participant = !!state.you.participant && !state.readOnly;
    var header = el("h4", {}, [
      el("a", { href: a.url, text: w("amendment", a.number) }),
      document.createTextNode(" "),
      el("span", { className: "badge state", text: w(a.state) }),
      needsReview(a) ? el("span", { className: "badge review", text: w("review") }) : null
    ]);
    var meta = el("p", { className: "muted", text: w(a.kind) + (a.author ? " — " + w("by", a.author) : "") + (a.agora ? " (" + a.agora + ")" : "") });
    var diff = el("p", { className: "diff" });
    diff.innerHTML = a.diff_html; // escaped by the server: <ins>/<del> around escaped text only
    var totals = a.totals || { pour: 0, contre: 0, abstention: 0 };
    var children = [header, meta];
    if (a.hidden) { children.push(el("p", { className: "muted", text: w("hiddenNote") })); }
    children.push(diff);
    if (a.justification) { children.push(el("p", { className: "justification", text: a.justification })); }
    if (a.decision_reason) { children.push(el("p", { className: "decision", text: w("reason") + " : " + a.decision_reason })); }
    var note = positionNote(a);
    if (note) { children.push(el("p", { className: "position", "data-position": "", text: note })); }
    if (a.outcome && (a.outcome !== "pending" || a.state !== "open") && a.state !== "withdrawn") {
      children.push(el("p", { className: "outcome outcome-" + a.outcome, "data-outcome": a.outcome, text: w("answer", Live.answerText(a, WORDS.outcomes)) }));
    }
    children.push(el("p", { className: "totals", "data-totals": "", text: w("totals", totals.pour, totals.contre, totals.abstention) }));
    children.push(familyLine(a.by_family));
    var comments = el("ul", { className: "comments" });
    (a.comments || []).forEach(function (c) {
      comments.appendChild(el("li", { className: "comment stance-" + c.stance, text: w(c.stance) + " — " + c.author + " : " + c.text }));
    });
    children.push(comments);
    if (a.state === "open" && participant && state.phase === "supports") { children.push(supportControls(a)); }
    if (a.state === "open" && participant && (state.phase === "proposals" || state.phase === "supports")) { children.push(commentForm(a)); }
    if (a.state === "open" && participant && mine(a) && (state.phase === "proposals" || state.phase === "supports")) {
      children.push(button(w("withdraw"), function () {
        Live.send("amendment.withdraw", { amendment_id: a.id }).then(function () { say(""); }, refused);
      }, { className: "secondary", "data-action": "withdraw" }));
    }
    if (state.you.is_facilitator && !state.readOnly) { children.push(moderationControls(a)); }
    var card = el("li", { id: id, className: "amendment state-" + a.state, "data-amendment-id": a.id, "data-state": a.state }, children);
    Object.keys(typed).forEach(function (key) {
      var field = card.querySelector("[data-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }) + "]");
      if (field) { field.value = typed[key]; if (focused === key) { setTimeout(function () { field.focus(); }, 0); } }
    });
    if (old && old.parentNode && old.closest("[data-group]").getAttribute("data-group") === groupKey(a)) {
      old.parentNode.replaceChild(card, old);
      return;
    }
    if (old) { old.remove(); }
    var list = groupEl(groupKey(a)).querySelector("[data-amendment-list]");
    var next = null;
    Array.prototype.forEach.call(list.children, function (item) {
      var other = state.amendments[item.getAttribute("data-amendment-id")];
      if (!next && other && other.number > a.number) { next = item; }
    });
    list.insertBefore(card, next);
    updateEmpty();
  }

  function updateEmpty() {
    var empty = listEl.querySelector("[data-empty]");
    var any = listEl.querySelector("[data-amendment-id]");
    if (!any && !empty) { listEl.appendChild(el("p", { "data-empty": "", className: "muted", text: w("none") })); }
    if (any && empty) { empty.remove(); }
  }

  function renderAll(fresh) {
    if (fresh) { listEl.textContent = ""; } // a snapshot replaces everything; otherwise cards update in place
    Object.keys(state.amendments).map(function (id) { return state.amendments[id]; })
      .sort(function (x, y) { return x.number - y.number; })
      .forEach(renderCard);
    updateEmpty();
    renderProposeForm();
  }

  function renderProposeForm() {
    var show = !!state.you.participant && !state.readOnly && !closedReason();
    if (!show) { clearForm(); renderKeptDraft(); return; }
    if (liveForm()) { return; } // already there: keep what is being typed
    formEl.textContent = ""; // a kept draft goes back into the form below
    var kind = el("select", { id: "live-kind", name: "kind" }, ["modify", "delete", "insert"].map(function (k) {
      return el("option", { value: k, text: w(k) });
    }));
    var where = el("select", { id: "live-where", name: "where" });
    state.clauseOrder.forEach(function (id) {
      var c = state.clauses[id];
      where.appendChild(el("option", { value: "c" + c.id, text: w("article", c.number), selected: c.id === state.focusId ? "selected" : null }));
    });
    state.sections.forEach(function (s) { where.appendChild(el("option", { value: "s" + s.id, text: w("atEnd", s.title) })); });
    var text = el("textarea", { id: "live-text", name: "text", rows: "5" });
    var why = el("textarea", { id: "live-justification", name: "justification", rows: "2" });
    var preview = el("p", { className: "diff", "aria-live": "polite", "data-preview": "" });
    var error = el("p", { className: "errorlist", role: "alert", "data-propose-error": "" });
    var submit = el("button", { type: "submit", text: w("submit") });
    var waiting = el("p", { className: "pending-note", role: "status", "data-propose-pending": "", hidden: "hidden", text: w("pendingSend") });
    var form = el("form", { className: "stack propose-live", "data-propose-form": "" }, [
      el("h3", { text: w("propose") }), error,
      el("div", {}, [el("label", { "for": "live-kind", text: w("kind") }), kind]),
      el("div", {}, [el("label", { "for": "live-where", text: w("where") }), where]),
      el("div", {}, [el("label", { "for": "live-text", text: w("text") }), text, counter(text, WORDS.maxText)]),
      el("div", {}, [el("label", { "for": "live-justification", text: w("justification") }), why, counter(why, WORDS.maxWhy)]),
      el("div", {}, [el("p", { text: w("preview") }), preview]),
      submit, waiting
    ]);
    var sentId = null; // the command id of what this form sent and is waiting for
    function base() {
      var target = where.value.charAt(0) === "c" ? state.clauses[where.value.slice(1)] : null;
      return target && kind.value !== "insert" ? target.text : "";
    }
    function update() { renderDiff(preview, base(), kind.value === "delete" ? "" : text.value); }
    function prefill() {
      if (kind.value === "modify" && !text.dataset.touched) { text.value = base(); text.updateCount(); }
      update();
    }
    function current() {
      var typed = (text.dataset.touched && text.value.trim() && text.value !== base()) || why.value.trim();
      return {
        kind: kind.value, where: where.value, text: text.value, justification: why.value, typed: !!typed,
        id: sentId, pending: !!sentId, refusal: error.textContent
      };
    }
    // Every keystroke is kept (per article); an untouched prefill is not a draft.
    function keep() {
      var d = current();
      if (d.typed) { saveDraft(d); } else { dropDraft(d.where); }
    }
    function fill(d) {
      kind.value = d.kind;
      if (where.querySelector('option[value="' + d.where + '"]')) { where.value = d.where; where.dataset.touched = "1"; }
      text.value = d.text;
      text.dataset.touched = "1";
      why.value = d.justification;
      error.textContent = d.refusal || "";
      text.updateCount();
      why.updateCount();
      update();
    }
    function sending(on) {
      submit.setAttribute("aria-disabled", on ? "true" : "false");
      text.readOnly = why.readOnly = on;
      waiting.hidden = !on;
    }
    form.api = {
      current: current, fill: fill,
      sending: function (on, d) {
        if (d.where !== where.value) { return; }
        sentId = on ? d.id : null;
        sending(on);
      },
      clear: function (sentWhere) {
        if (where.value !== sentWhere) { return; }
        text.value = ""; why.value = ""; delete text.dataset.touched; error.textContent = "";
        why.updateCount();
        prefill();
      }
    };
    where.addEventListener("change", function () {
      var previous = where.dataset.value, mine = storedDraft(where.value);
      where.dataset.touched = "1";
      where.dataset.value = where.value;
      if (mine) { fill(mine); return; }
      if (text.dataset.touched && previous) { dropDraft(previous); keep(); } // the text moves with the article
      error.textContent = "";
      prefill();
    });
    kind.addEventListener("change", function () { prefill(); keep(); });
    text.addEventListener("input", function () { text.dataset.touched = "1"; update(); keep(); });
    why.addEventListener("input", keep);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sentId) { return; } // a double tap: the first one is on its way
      var over = tooLong([text, why]);
      if (over) {
        error.textContent = over.message;
        over.field.focus();
        return;
      }
      var d = current();
      d.id = (storedDraft(d.where) || {}).id || null; // resent unanswered: the same id, applied once
      sentId = d.id = d.id || Live.newId();
      sendProposal(d);
    });
    formEl.appendChild(form);
    // Back in the form: the draft kept while it was closed, else the one for this article, else the latest.
    var d = draft || storedDraft(where.value) || storedDrafts()[0];
    draft = null;
    if (d) {
      if (isClosedRefusal(d)) { d.refusal = ""; d.closedRefusal = false; saveDraft(d); } // the form is open again
      fill(d);
      if (d.pending && d.id) { sentId = d.id; sending(true); }
    }
    where.dataset.value = where.value;
    prefill();
    form.refocus = function () {
      if (!where.dataset.touched && state.focusId && state.clauses[state.focusId]) {
        where.value = "c" + state.focusId;
        where.dataset.value = where.value;
        var mine = storedDraft(where.value);
        if (mine) { fill(mine); } else { prefill(); }
      }
    };
  }

  function upsert(incoming) {
    if (incoming.session_id !== state.sessionId) { return; }
    var known = state.amendments[incoming.id];
    var merged = Object.assign({}, known || { totals: { pour: 0, contre: 0, abstention: 0 }, comments: [], by_family: {} }, incoming);
    if (incoming.hidden && known) {
      // A hidden amendment's event leaves its text out; those who may see it keep what they had.
      ["author", "base_text", "text", "justification", "diff_html", "decision_reason"].forEach(function (key) {
        if (!incoming[key]) { merged[key] = known[key]; }
      });
    }
    if (known && known.mine) { merged.mine = true; }
    state.amendments[incoming.id] = merged;
    renderCard(merged);
  }

  // ------------------------------------------------------------------ wiring to Live
  function start() {
    if (!mount()) { return; }
    var liveRoot = document.getElementById("live");
    state.sessionId = liveRoot ? parseInt(liveRoot.dataset.liveSession, 10) : null;
    state.readOnly = !!liveRoot && liveRoot.dataset.liveRole === "projector";

    Live.onSnapshot(function (data) {
      var part = data.amendments || { amendments: [], clauses: [], sections: [] };
      state.phase = data.session.phase;
      state.you = data.session.you;
      state.sessionId = data.session.id;
      state.focusId = data.session.focus_clause ? data.session.focus_clause.id : null;
      state.scopeIsWholeText = !(data.session.scope || []).length;
      state.clauses = {};
      state.clauseOrder = [];
      part.clauses.forEach(function (c) { state.clauses[c.id] = c; state.clauseOrder.push(c.id); });
      state.sections = part.sections;
      state.amendments = {};
      part.amendments.forEach(function (a) { state.amendments[a.id] = a; });
      state.proposals = part.proposals || {};
      state.closed = !!data.session.closed;
      clearForm();
      renderAll(true);
      resendWaiting();
    });

    ["amendment.proposed", "amendment.edited", "amendment.withdrawn", "amendment.accepted", "amendment.rejected",
     "amendment.marked_duplicate", "amendment.merged", "amendment.hidden", "amendment.reopened",
     "amendment.acceptance_undone"].forEach(function (type) {
      Live.on(type, function (data) {
        var isNew = !state.amendments[data.amendment.id];
        upsert(data.amendment);
        var a = state.amendments[data.amendment.id];
        if (type === "amendment.proposed" && isNew && a && !a.mine) {
          Live.announce(w("newAmendment", a.number, a.clause_number || ""));
        }
        if (type === "amendment.accepted") { Live.announce(w("acceptedNews", data.amendment.number)); }
      });
    });

    // Collective mode: the agora took a position; the text did not change.
    Live.on("amendment.position_taken", function (data) {
      upsert(data.amendment);
      // Named from the code in the page's language; the frame's label is in the site's.
      var key = { retained: "retainedNote", not_retained: "notRetainedNote", duplicate: "duplicateNote",
                  merged: "mergedNote", hidden: "hiddenPositionNote" }[data.position.position];
      var note = w("amendment", data.amendment.number) + " — " + (key && WORDS[key] ? w(key) : data.position.label);
      Live.announce(note);
      say(note);
    });

    Live.on("support.changed", function (data) {
      var a = state.amendments[data.amendment_id];
      if (!a) { return; }
      a.totals = data.totals;
      a.by_family = data.by_family;
      renderCard(a);
    });

    Live.on("comment.added", function (data) {
      var a = state.amendments[data.comment.amendment_id];
      if (!a) { return; }
      a.comments = (a.comments || []).filter(function (c) { return c.id !== data.comment.id; }).concat([data.comment]);
      renderCard(a);
    });

    function clauseChanged(clause) {
      if (!state.clauses[clause.id]) {
        if (!state.scopeIsWholeText) { return; }
        state.clauseOrder.push(clause.id);
      }
      state.clauses[clause.id] = clause;
      Array.prototype.forEach.call(document.querySelectorAll('[data-clause-text="' + clause.id + '"]'), function (node) {
        node.textContent = clause.text;
      });
      Object.keys(state.amendments).forEach(function (id) {
        var a = state.amendments[id];
        if (a.clause_id === clause.id) { renderCard(a); }
      });
    }
    Live.on("clause.changed", function (data) { clauseChanged(data.clause); });
    Live.on("clause.added", function (data) { clauseChanged(data.clause); });
    Live.on("clause.deleted", function (data) {
      Object.keys(state.amendments).forEach(function (id) {
        var a = state.amendments[id];
        if (a.clause_id === data.id && a.state === "open" && a.kind !== "insert") { a.clause_id = null; }
      });
      delete state.clauses[data.id];
      state.clauseOrder = state.clauseOrder.filter(function (id) { return id !== data.id; });
      var group = listEl.querySelector('[data-group="c' + data.id + '"]');
      if (group) { group.remove(); }
      clearForm();
      renderAll(true);
    });

    Live.on("session.phase_changed", function (data) {
      if (data.session_id !== state.sessionId) { return; }
      state.phase = data.phase;
      renderAll();
    });
    Live.on("session.closed", function (data) {
      if (data.session_id !== state.sessionId) { return; }
      state.closed = true;
      renderAll();
    });
    // Signing opened (the text is frozen), a stage of the process opened or closed: the form
    // is offered only when proposing can work (docs/realtime-deliberation.md).
    Live.on("manifesto.status_changed", function (data) {
      state.proposals.text_status = data.status;
      renderAll();
    });
    Live.on("stage.opened", function (data) {
      var allowing = state.proposals.stages_allowing;
      state.proposals.stage_allows = !allowing || allowing.indexOf(data.kind) >= 0;
      renderAll();
    });
    Live.on("stage.closed", function () {
      state.proposals.stage_allows = !state.proposals.stages_allowing;
      renderAll();
    });
    Live.on("session.focus_changed", function (data) {
      if (data.session_id !== state.sessionId) { return; }
      state.focusId = data.clause ? data.clause.id : null;
      var form = formEl.querySelector("form");
      if (form && form.refocus) { form.refocus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("propose-form");
    if (form) { setupPreview(form); }
    var words = document.getElementById("deliberation-words");
    if (words) { Object.assign(WORDS, JSON.parse(words.textContent)); }
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (f) {
      if (!f.hasAttribute("data-propose-form")) { guardForm(f); }
    });
    if (window.Live && document.getElementById("live")) { start(); }
  });

  window.Deliberation = { wordDiff: wordDiff, tokenize: tokenize };
})();
