/* The projector, the room's shared screen (templates/agora/projector.html): the article in focus
 * with its line numbers (fetched from the server, which numbers the whole text as manifesto/lines.py),
 * the amendment(s) the facilitator put on screen (session.amendment_shown: one, or several side by
 * side) as a word diff with their live tally (support.changed), and each decision in words: an
 * accepted change folds into the article (struck words go, new words settle), collective mode's
 * "retenu" and a rejection say so, an undo (amendment.acceptance_undone) puts the diff back.
 * Every piece of text goes in with textContent. Nothing here scrolls; when a text is too long for
 * the screen, the stage steps its font size down (classes fit-1…fit-4) until it fits.
 */
(function () {
  "use strict";
  var root = document.getElementById("live");
  var box = document.querySelector("[data-projected]");
  if (!root || !box || !window.Live) return;
  var Live = window.Live;
  var labelsNode = document.getElementById("family-labels");
  var familyLabels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var outcomeNode = document.getElementById("outcome-words");
  var outcomeWords = outcomeNode ? JSON.parse(outcomeNode.textContent) : {};
  var SVG = "http://www.w3.org/2000/svg";
  var article = document.querySelector("[data-projector-article]");
  var stage = document.querySelector("[data-projector-stage]");
  var cardsHolder = box.querySelector("[data-projected-cards]");
  var shown = {}; // amendment id -> the projected item drawn (amendment, chunks…)
  var focusId = null;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key] === undefined ? "" : values[key]; })
      .replace("%s", values.s === undefined ? "" : values.s);
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------------ fitting the screen
  function overflowing() {
    return stage.scrollHeight > stage.clientHeight + 1 || document.documentElement.scrollHeight > window.innerHeight + 1;
  }
  // From the largest size down: a short text takes the room, a long one steps down until it fits.
  var SIZES = ["grow-2", "grow-1", "", "fit-1", "fit-2", "fit-3", "fit-4"];
  function fit() {
    SIZES.forEach(function (c) { if (c) stage.classList.remove(c); });
    for (var i = 0; i < SIZES.length; i++) {
      if (i > 0 && SIZES[i - 1]) stage.classList.remove(SIZES[i - 1]);
      if (SIZES[i]) stage.classList.add(SIZES[i]);
      if (!overflowing()) return;
    }
  }
  window.addEventListener("resize", fit);

  // ------------------------------------------------------------------ the article in focus
  function drawArticle(data) {
    var number = article.querySelector("[data-article-number]");
    var lines = article.querySelector("[data-article-lines]");
    clear(lines);
    focusId = data.clause ? data.clause.id : null;
    number.textContent = data.clause ? fmt(article.dataset.labelArticle, { s: data.clause.number }) : "";
    if (!data.clause) { lines.appendChild(make("p", "muted", article.dataset.labelNone)); fit(); return; }
    data.lines.forEach(function (line) {
      var p = make("p", "nline" + (line.paragraph_start ? " para" : ""));
      var ln = make("span", "ln", String(line.number));
      ln.setAttribute("aria-hidden", "true");
      p.appendChild(ln);
      p.appendChild(make("span", "lt", line.text));
      lines.appendChild(p);
    });
    fit();
  }
  function loadArticle() {
    fetch(root.dataset.articleUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) drawArticle(data); })
      .catch(function () { /* offline: the snapshot on reconnect asks again */ });
  }

  // ------------------------------------------------------------------ one amendment on screen
  function drawDiff(node, chunks) {
    clear(node);
    chunks.forEach(function (chunk) {
      var op = chunk[0], text = chunk[1];
      var tag = op === "insert" ? "ins" : op === "delete" ? "del" : null;
      node.appendChild(tag ? make(tag, null, text) : document.createTextNode(text));
    });
  }

  function rect(cls, x, w) {
    var r = document.createElementNS(SVG, "rect");
    r.setAttribute("class", cls); r.setAttribute("x", x); r.setAttribute("y", "0");
    r.setAttribute("height", "10"); r.setAttribute("width", w);
    return r;
  }

  function drawTally(card, totals, byFamily) {
    ["pour", "contre", "abstention"].forEach(function (k) {
      card.querySelector('[data-projected-total="' + k + '"]').textContent = totals[k] || 0;
    });
    var holder = card.querySelector("[data-projected-families]");
    clear(holder);
    var codes = Object.keys(byFamily || {});
    if (!codes.length) return;
    holder.appendChild(make("h3", null, box.dataset.labelFamilies));
    codes.forEach(function (code) {
      var c = byFamily[code], total = (c.pour + c.contre + c.abstention) || 1;
      var pour = Math.round(1000 * c.pour / total) / 10, contre = Math.round(1000 * c.contre / total) / 10;
      var row = make("div", "family-row");
      var label = make("span", "family-label", familyLabels[code] || code || box.dataset.labelUnknown);
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("class", "family-bar"); svg.setAttribute("viewBox", "0 0 100 10");
      svg.setAttribute("preserveAspectRatio", "none"); svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", label.textContent + " : " + c.pour + " " + box.dataset.labelPour + ", " +
        c.contre + " " + box.dataset.labelContre + ", " + c.abstention + " " + box.dataset.labelAbstention);
      svg.appendChild(rect("bar-pour", 0, pour));
      svg.appendChild(rect("bar-contre", pour, contre));
      svg.appendChild(rect("bar-abstention", pour + contre, Math.max(0, 100 - pour - contre)));
      row.appendChild(label); row.appendChild(svg);
      row.appendChild(make("span", "family-counts", c.pour + " · " + c.contre + " · " + c.abstention));
      holder.appendChild(row);
    });
  }

  // The decision in words (deliberation/templatetags/deliberation.py: decision_headline says the same).
  function headline(a, position) {
    var d = box.dataset;
    if (a.state === "accepted") {
      if (a.kind === "insert") return d.wordInserted;
      return fmt(a.kind === "delete" ? d.wordDeleted : d.wordModified, { number: a.clause_number });
    }
    if (a.state === "retained") return d.wordRetained; // in the page's language (the frame's label is the site's)
    if (a.state === "rejected" && a.outcome !== "not_retained") {
      return a.decision_reason ? fmt(d.wordRejected, { reason: a.decision_reason }) : d.wordRejectedPlain;
    }
    if (a.state === "open") return "";
    var answer = Live.answerText(a, outcomeWords); // in the page's language (the frame's `answer` is the site's)
    return answer ? answer.charAt(0).toUpperCase() + answer.slice(1) : "";
  }

  function field(tag, cls, attr) { var n = make(tag, cls); n.setAttribute(attr, ""); return n; }

  function buildCard(item) {
    var a = item.amendment;
    var card = make("article", "projected-card state-" + a.state);
    card.setAttribute("data-projected-card", a.id);
    var title = make("h2", "projected-title");
    title.appendChild(field("span", null, "data-projected-number"));
    title.appendChild(document.createTextNode(" "));
    title.appendChild(field("span", "projected-clause", "data-projected-clause"));
    title.appendChild(document.createTextNode(" "));
    var review = field("span", "badge review", "data-projected-review");
    review.textContent = box.dataset.labelReview;
    title.appendChild(review);
    var meta = make("p", "projected-meta");
    meta.appendChild(field("span", null, "data-projected-author"));
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(field("span", null, "data-projected-agora"));
    if (item.citation) { meta.appendChild(document.createTextNode(" · ")); meta.appendChild(field("span", null, "data-projected-citation")); }
    var totals = make("dl", "projected-totals");
    ["pour", "contre", "abstention"].forEach(function (k) {
      var div = make("div", "t-" + k);
      div.appendChild(make("dt", null, box.dataset["label" + k.charAt(0).toUpperCase() + k.slice(1)]));
      var dd = make("dd"); dd.setAttribute("data-projected-total", k); div.appendChild(dd);
      totals.appendChild(div);
    });
    [title, meta, field("p", "projected-diff diff", "data-projected-diff"), field("p", "projected-outcome", "data-projected-outcome"),
     totals, field("div", "projected-families", "data-projected-families")].forEach(function (n) { card.appendChild(n); });
    card.querySelector("[data-projected-number]").textContent = fmt(box.dataset.labelNumber, { number: a.number });
    card.querySelector("[data-projected-clause]").textContent = a.clause_number ? "— " + fmt(box.dataset.labelClause, { number: a.clause_number }) : "";
    card.querySelector("[data-projected-author]").textContent = a.author;
    card.querySelector("[data-projected-agora]").textContent = a.agora;
    if (item.citation) card.querySelector("[data-projected-citation]").textContent = item.citation;
    drawDiff(card.querySelector("[data-projected-diff]"), item.chunks);
    card.querySelector("[data-projected-outcome]").textContent = headline(a);
    drawTally(card, item.totals, item.by_family);
    if (a.state === "accepted") card.classList.add("applied");
    review.hidden = !item.needs_review;
    return card;
  }

  // "À revoir" as the console says it: an open amendment whose article's text is no longer the
  // one it was written on (its diff is against that older text); an undone adoption clears it.
  function stale(a, clauseText) {
    if (a.state !== "open" || a.kind === "insert") return false;
    return clauseText === null || clauseText !== a.base_text;
  }
  function reviewClause(clauseId, clauseText) {
    Object.keys(shown).forEach(function (id) {
      var item = shown[id], card = cardOf(id);
      if (!card || item.amendment.clause_id !== clauseId) return;
      item.needs_review = stale(item.amendment, clauseText);
      item.clauseText = clauseText;
      card.querySelector("[data-projected-review]").hidden = !item.needs_review;
    });
  }
  Live.on("clause.changed", function (d) { reviewClause(d.clause.id, d.clause.text); });
  Live.on("clause.added", function (d) { reviewClause(d.clause.id, d.clause.text); });
  Live.on("clause.deleted", function (d) { reviewClause(d.id, null); });

  function cardOf(id) { return cardsHolder.querySelector('[data-projected-card="' + id + '"]'); }

  Live.on("session.amendment_shown", function (d) {
    var items = d.group && d.group.length ? d.group : (d.amendment ? [d] : []);
    shown = {};
    clear(cardsHolder);
    items.forEach(function (item) { shown[item.amendment.id] = item; cardsHolder.appendChild(buildCard(item)); });
    box.setAttribute("data-count", String(items.length));
    box.hidden = !items.length;
    fit();
    if (items.length) Live.announce(items.map(function (i) { return fmt(box.dataset.labelNumber, { number: i.amendment.number }); }).join(", "));
  });

  Live.on("support.changed", function (d) {
    var card = shown[d.amendment_id] && cardOf(d.amendment_id);
    if (card) drawTally(card, d.totals, d.by_family);
  });

  function decided(a, extra) {
    var card = shown[a.id] && cardOf(a.id);
    if (!card) return;
    shown[a.id].amendment = a;
    card.className = "projected-card state-" + a.state;
    var out = card.querySelector("[data-projected-outcome]");
    out.textContent = extra && extra.undone ? box.dataset.wordUndone : headline(a, extra && extra.position);
    // Restart the animations: the change folds into the article (reduced motion: it just does).
    void card.offsetWidth;
    card.classList.add("decided");
    if (a.state === "accepted") card.classList.add("applied");
    if (a.state !== "open") shown[a.id].needs_review = false;
    else if (shown[a.id].clauseText !== undefined) shown[a.id].needs_review = stale(a, shown[a.id].clauseText);
    card.querySelector("[data-projected-review]").hidden = !shown[a.id].needs_review;
    fit();
    Live.announce(out.textContent);
  }

  ["amendment.accepted", "amendment.rejected", "amendment.marked_duplicate", "amendment.merged",
   "amendment.withdrawn", "amendment.reopened"].forEach(function (type) {
    Live.on(type, function (d) { decided(d.amendment); });
  });
  Live.on("amendment.position_taken", function (d) { decided(d.amendment, { position: d.position }); });
  Live.on("amendment.acceptance_undone", function (d) { decided(d.amendment, { undone: true }); });
  Live.on("amendment.hidden", function (d) {
    // A hidden amendment leaves the wall at once.
    var card = cardOf(d.amendment.id);
    if (card) { card.remove(); delete shown[d.amendment.id]; }
    if (!cardsHolder.children.length) box.hidden = true;
  });

  Live.on("session.join_box_changed", function (d) {
    if (d.small) box.setAttribute("data-join-small", ""); else box.removeAttribute("data-join-small");
    fit();
  });

  // The article: its numbered lines come from the server whenever the focus or its text changes.
  Live.on("session.focus_changed", function () { loadArticle(); });
  ["clause.changed", "clause.added", "clause.deleted", "clause.moved"].forEach(function (type) {
    Live.on(type, function () { loadArticle(); }); // a change anywhere may renumber the lines after it
  });
  var snapshots = 0;
  Live.onSnapshot(function (data) {
    // A second snapshot means this screen was away too long to be told what changed (past the
    // resume limit): what the facilitator put on screen meanwhile came in events it never saw.
    // A wall has nothing to lose, so it loads itself again, as it is now.
    snapshots += 1;
    if (snapshots > 1) { location.reload(); return; }
    var f = data.session.focus_clause;
    if ((f ? f.id : null) !== focusId || f) loadArticle();
  });

  Array.prototype.forEach.call(cardsHolder.querySelectorAll("[data-projected-card]"), function (card) {
    var d = card.dataset;
    shown[d.projectedCard] = { needs_review: !card.querySelector("[data-projected-review]").hidden, amendment: {
      id: Number(d.projectedCard), clause_id: d.clauseId ? Number(d.clauseId) : null, state: d.state, kind: d.kind, base_text: d.baseText
    } };
  });
  document.addEventListener("DOMContentLoaded", fit);
  window.addEventListener("load", fit);
}());
