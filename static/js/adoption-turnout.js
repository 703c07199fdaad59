// The vote's live turnout: a websocket pushes the whole figures (never a result); on (re)connect
// we fetch them. Without JavaScript the page shows the figures as rendered by the server.
(function () {
  "use strict";
  // A form being sent (the organiser closing the vote) is already leaving the page: a reload
  // would cancel it.
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("pagehide", function () { leaving = true; });

  document.querySelectorAll("[data-turnout-ws]").forEach(function (box) {
    var delay = 1000;
    var closed = false;

    function set(selector, value) {
      var el = box.querySelector(selector);
      if (el) el.textContent = value;
    }

    function show(data) {
      if (!data || !data.turnout) return;
      set("[data-turnout-voted]", data.turnout.voted);
      set("[data-turnout-roll]", data.turnout.roll);
      set("[data-turnout-percent]", data.percent);
      var progress = box.querySelector("[data-turnout-progress]");
      if (progress) { progress.max = data.turnout.weight_total || 1; progress.value = data.turnout.weight_voted; }
      box.dataset.voted = data.turnout.voted;
      if (data.closed && !closed && !leaving && box.hasAttribute("data-reload-on-close")) {
        closed = true;
        // The results are published at close: reload to read them from the server.
        location.reload();
      }
    }

    function refresh() {
      fetch(box.dataset.turnoutUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(show)
        .catch(function () {});
    }

    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + box.dataset.turnoutWs);
      socket.onopen = function () { delay = 1000; box.dataset.live = "1"; refresh(); };
      socket.onmessage = function (message) {
        try {
          var frame = JSON.parse(message.data);
          if (frame.type === "adoption.turnout") show(frame.data);
        } catch (e) { /* a malformed frame is ignored; the next one carries the whole figures */ }
      };
      socket.onclose = function () {
        box.dataset.live = "0";
        if (closed) return;
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    if ("WebSocket" in window) connect();
  });
})();
