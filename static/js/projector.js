/* The projector's amendment on screen (session.amendment_shown), its live tally (support.changed)
   and its decision (accepted / rejected / position taken), drawn from the frames with textContent. */
(function () {
  "use strict";
  var box = document.querySelector("[data-projected]");
  if (!box || !window.Live) return;
  var labelsNode = document.getElementById("family-labels");
  var familyLabels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var SVG = "http://www.w3.org/2000/svg";
  var shownId = null;

  function q(sel) { return box.querySelector(sel); }
  function fmt(template, value) { return template.replace("%(number)s", value); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function drawDiff(chunks) {
    var p = q("[data-projected-diff]");
    clear(p);
    chunks.forEach(function (chunk) {
      var op = chunk[0], text = chunk[1];
      var node = op === "insert" ? document.createElement("ins") : op === "delete" ? document.createElement("del") : null;
      if (node) { node.textContent = text; p.appendChild(node); } else { p.appendChild(document.createTextNode(text)); }
    });
  }

  function rect(cls, x, w) {
    var r = document.createElementNS(SVG, "rect");
    r.setAttribute("class", cls); r.setAttribute("x", x); r.setAttribute("y", "0");
    r.setAttribute("height", "10"); r.setAttribute("width", w);
    return r;
  }

  function drawTally(totals, byFamily) {
    ["pour", "contre", "abstention"].forEach(function (k) { q('[data-projected-total="' + k + '"]').textContent = totals[k] || 0; });
    var holder = q("[data-projected-families]");
    clear(holder);
    var codes = Object.keys(byFamily || {});
    if (!codes.length) return;
    var h = document.createElement("h3"); h.textContent = box.dataset.labelFamilies; holder.appendChild(h);
    codes.forEach(function (code) {
      var c = byFamily[code], total = (c.pour + c.contre + c.abstention) || 1;
      var pour = Math.round(1000 * c.pour / total) / 10, contre = Math.round(1000 * c.contre / total) / 10;
      var row = document.createElement("div"); row.className = "family-row";
      var label = document.createElement("span"); label.className = "family-label";
      label.textContent = familyLabels[code] || code || box.dataset.labelUnknown;
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("class", "family-bar"); svg.setAttribute("viewBox", "0 0 100 10");
      svg.setAttribute("preserveAspectRatio", "none"); svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", label.textContent + " : " + c.pour + " " + box.dataset.labelPour + ", " +
        c.contre + " " + box.dataset.labelContre + ", " + c.abstention + " " + box.dataset.labelAbstention);
      svg.appendChild(rect("bar-pour", 0, pour));
      svg.appendChild(rect("bar-contre", pour, contre));
      svg.appendChild(rect("bar-abstention", pour + contre, Math.max(0, 100 - pour - contre)));
      var counts = document.createElement("span"); counts.className = "family-counts";
      counts.textContent = c.pour + " · " + c.contre + " · " + c.abstention;
      row.appendChild(label); row.appendChild(svg); row.appendChild(counts);
      holder.appendChild(row);
    });
  }

  function drawOutcome(amendment, decided) {
    var out = q("[data-projected-outcome]");
    out.textContent = amendment.state !== "open" ? amendment.answer : "";
    if (decided) { box.classList.remove("decided"); void box.offsetWidth; box.classList.add("decided"); }
  }

  Live.on("session.amendment_shown", function (d) {
    var a = d.amendment;
    shownId = a ? a.id : null;
    box.hidden = !a;
    if (!a) return;
    q("[data-projected-number]").textContent = fmt(box.dataset.labelNumber, a.number);
    q("[data-projected-clause]").textContent = a.clause_number ? "— " + fmt(box.dataset.labelClause, a.clause_number) : "";
    q("[data-projected-author]").textContent = a.author;
    q("[data-projected-agora]").textContent = a.agora;
    drawDiff(d.chunks);
    drawTally(d.totals, d.by_family);
    drawOutcome(a, false);
    Live.announce(q("[data-projected-number]").textContent);
  });

  Live.on("support.changed", function (d) {
    if (shownId !== null && d.amendment_id === shownId) drawTally(d.totals, d.by_family);
  });

  ["amendment.accepted", "amendment.rejected", "amendment.position_taken", "amendment.marked_duplicate",
   "amendment.merged", "amendment.withdrawn"].forEach(function (type) {
    Live.on(type, function (d) {
      if (shownId !== null && d.amendment && d.amendment.id === shownId) {
        drawOutcome(d.amendment, true);
        Live.announce(d.amendment.answer);
      }
    });
  });

  if (box.dataset.amendmentId) shownId = Number(box.dataset.amendmentId);
}());
