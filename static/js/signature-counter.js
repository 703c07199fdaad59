// The live signature counter: a websocket pushes the full count; on (re)connect we fetch it.
// Without JavaScript the page shows the count as rendered by the server.
// Frames are sent from several server threads and processes and may arrive out of order: each
// carries `version` (when its count was read), and an older one never replaces what is shown,
// so a stale lower count cannot overwrite a newer one (docs/realtime.md).
(function () {
  "use strict";
  document.querySelectorAll("[data-counter-ws]").forEach(function (box) {
    var countEl = box.querySelector("[data-counter-count]");
    var labelEl = box.querySelector("[data-counter-label]");
    var progressEl = box.querySelector("[data-counter-progress]");
    var delay = 1000;
    var shownVersion = Number(box.dataset.counterVersion) || 0;

    function show(data) {
      if (typeof data.count !== "number") return;
      if (typeof data.version === "number") {
        if (data.version < shownVersion) return; // read before what is on screen: stale
        shownVersion = data.version;
      }
      countEl.textContent = data.count;
      if (labelEl) labelEl.textContent = data.count > 1 ? labelEl.dataset.many : labelEl.dataset.one;
      if (progressEl) progressEl.value = data.count;
      box.dataset.count = data.count;
    }

    function refresh() {
      fetch(box.dataset.counterUrl, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) show(data); })
        .catch(function () {});
    }

    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + box.dataset.counterWs);
      socket.onopen = function () { delay = 1000; box.dataset.live = "1"; refresh(); };
      socket.onmessage = function (message) {
        try {
          var frame = JSON.parse(message.data);
          if (frame.type === "signatures.count") show(frame.data);
        } catch (e) { /* ignore a malformed frame; the next one carries the full count */ }
      };
      socket.onclose = function () {
        box.dataset.live = "0";
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    }
    if ("WebSocket" in window) connect();
  });
})();
