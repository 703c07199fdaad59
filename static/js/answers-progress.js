/* The collective's progress bar on the reading page: share of proposals answered per agora.
 *
 * The page is complete without JavaScript (the server renders the bars). This script asks
 * suites.json?depuis=<seq> every 15 seconds while the page is visible: the server reads the
 * event journal after that seq and answers {"changed": false} unless an amendment event was
 * journaled, so polling costs one small query. Labels come from the server, translated.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.progressUrl, seq = box.dataset.progressSeq || "0";
  var list = box.querySelector(".progress-list");

  function row(agora) {
    var item = list.querySelector('[data-progress-agora="' + agora.id + '"]');
    if (!item) {
      item = document.createElement("li");
      item.dataset.progressAgora = agora.id;
      var link = document.createElement("a");
      link.textContent = agora.title;
      link.href = agora.url;
      var bar = document.createElement("progress");
      var label = document.createElement("span");
      label.dataset.progressLabel = "";
      label.id = "progression-" + agora.id;
      bar.setAttribute("aria-describedby", label.id);
      item.appendChild(link); item.appendChild(document.createTextNode(" "));
      item.appendChild(bar); item.appendChild(document.createTextNode(" ")); item.appendChild(label);
      list.appendChild(item);
    }
    return item;
  }

  function apply(data) {
    seq = String(data.seq);
    if (!data.changed) { return; }
    data.agoras.forEach(function (agora) {
      var item = row(agora);
      var bar = item.querySelector("progress");
      bar.max = agora.total;
      bar.value = agora.answered;
      bar.textContent = agora.percent + " %";
      item.querySelector("[data-progress-label]").textContent = agora.label;
    });
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(url + "?depuis=" + encodeURIComponent(seq), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* offline: try again at the next tick */ });
  }
  setInterval(poll, 15000);
  document.addEventListener("visibilitychange", poll);
})();
