/* Coécrire live room client: one small plain-JavaScript module, window.Live.
 *
 *   Live.on("session.phase_changed", function (data, event) { ... });
 *   Live.onSnapshot(function (data) { ... });
 *   Live.send("queue.raise_hand", {}).then(function (ackData) { ... }, function (error) { ... });
 *   Live.announce("Texte lu par les lecteurs d'écran");
 *
 * Protocol: docs/realtime.md. The server sends this session's events and the text-wide ones,
 * in seq order, each with `prev`; duplicates are ignored, and an event whose `prev` is above
 * the last seq applied (a gap) makes the client ask the server to resume from that seq. Commands carry
 * a client-generated id, wait in a queue while offline and are resent on reconnect; the
 * server answers a resent id with its stored reply, so a command is applied once. A command
 * answered `unavailable` (the database is out) is resent with the same id after a back-off.
 * While commands wait, [data-live-pending] says how many (a person sees their action is not
 * yet sent). Pass an id to send() to resend a command a reload forgot (a kept draft's id).
 * Started automatically on an element #live[data-live-ws]; it then shows what only works live
 * ([data-live-only], hidden for readers without JavaScript) and drops [data-static-only].
 */
(function () {
  "use strict";

  var handlers = {};
  var snapshotHandlers = [];
  var stateHandlers = [];
  var pending = {}; // id -> {type, data, resolve, reject, retries, timer}
  var order = []; // ids of pending commands, oldest first
  var socket = null;
  var lastSeq = null;
  var resuming = false;
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var pongTimer = null;
  var stopped = false;
  var config = null;
  var counter = 0;
  var prefix = Math.random().toString(36).slice(2, 10);

  var WORDS = {
    connecting: "Connexion au direct…",
    online: "En direct",
    reconnecting: "Connexion perdue, reconnexion…",
    offline: "Hors ligne : vos actions seront envoyées au retour du réseau.",
    refused: "Vous n'êtes pas (ou plus) dans cette séance."
  };

  function setState(name) {
    Live.state = name;
    var el = document.querySelector("[data-live-state]");
    // The page gives the translated words as data attributes (data-online="En direct"...).
    var words = (el && el.getAttribute("data-" + name)) || WORDS[name];
    if (el) {
      el.textContent = words;
      el.setAttribute("data-state", name);
    }
    stateHandlers.forEach(function (h) { h(name); });
  }

  function announce(text) {
    var el = document.querySelector("[data-live-announce]");
    if (!el || !text) return;
    el.textContent = "";
    // A fresh text node after a tick is what screen readers reliably announce.
    setTimeout(function () { el.textContent = text; }, 50);
  }

  function emit(type, data, event) {
    (handlers[type] || []).concat(handlers["*"] || []).forEach(function (h) {
      try { h(data, event); } catch (e) { console.error(e); }
    });
  }

  function url() {
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    var u = proto + "//" + location.host + config.path;
    return lastSeq === null ? u : u + "?since=" + lastSeq;
  }

  function rawSend(obj) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  function flushCommands() {
    order.forEach(function (id) {
      var c = pending[id];
      if (c && !c.timer) rawSend({ type: c.type, id: id, data: c.data });
    });
  }

  // How many commands have no answer yet: offline, or resent after `unavailable`.
  function showPending() {
    var count = order.length;
    document.querySelectorAll("[data-live-pending]").forEach(function (node) {
      node.hidden = count === 0;
      node.textContent = count ? (node.getAttribute("data-words") || "%s").replace("%s", count) : "";
    });
  }

  // `unavailable`: the change may or may not have committed; the same id is applied at most
  // once, so resend it after a back-off (0.5 s, 1 s, 2 s… up to 30 s) until another answer comes.
  function retryLater(id) {
    var c = pending[id];
    c.retries = (c.retries || 0) + 1;
    var wait = Math.min(30000, 500 * Math.pow(2, c.retries - 1));
    c.timer = setTimeout(function () {
      c.timer = null;
      if (pending[id]) rawSend({ type: c.type, id: id, data: c.data });
    }, wait * (0.75 + Math.random() / 2));
  }

  function ownSession(data) {
    return !data || data.session_id === undefined || data.session_id === config.sessionId;
  }

  function resume() {
    if (resuming) return;
    resuming = true;
    rawSend({ type: "resume", data: { seq: lastSeq } });
  }

  function applyEvent(event) {
    if (event.seq === null || event.seq === undefined) {
      if (ownSession(event.data)) emit(event.type, event.data, event);
      return;
    }
    if (lastSeq !== null && event.seq <= lastSeq) return; // already applied
    // `prev`: every event of this session's scope before this one is at or below it. Above
    // what we applied, we missed one: the resume replays it, then this one, in order.
    var prev = typeof event.prev === "number" ? event.prev : event.seq - 1;
    if (lastSeq !== null && prev > lastSeq) {
      resume();
      return;
    }
    lastSeq = event.seq;
    if (ownSession(event.data)) emit(event.type, event.data, event);
  }

  function onMessage(message) {
    var frame;
    try { frame = JSON.parse(message.data); } catch (e) { return; }
    switch (frame.type) {
      case "snapshot":
        lastSeq = frame.seq;
        resuming = false;
        snapshotHandlers.forEach(function (h) { h(frame.data); });
        break;
      case "resumed":
        resuming = false;
        break;
      case "pong":
        clearTimeout(pongTimer);
        // The server has sent this connection everything up to frame.seq: if we applied less,
        // a frame was lost on the way (the live feed stalled) and we resume from what we have.
        if (typeof frame.seq === "number" && lastSeq !== null && frame.seq > lastSeq) resume();
        break;
      case "ack":
      case "error":
        var c = frame.in_reply_to && pending[frame.in_reply_to];
        if (c && frame.type === "error" && frame.code === "unavailable") {
          retryLater(frame.in_reply_to);
          showPending();
        } else if (c) {
          clearTimeout(c.timer);
          delete pending[frame.in_reply_to];
          order = order.filter(function (id) { return id !== frame.in_reply_to; });
          showPending();
          if (frame.type === "ack") c.resolve(frame.data);
          else c.reject(frame);
        } else if (frame.type === "error") {
          emit("error", frame, frame);
          if (frame.code === "removed" || frame.code === "not_joined") {
            stopped = true;
            setState("refused");
            announce(frame.message);
          }
        }
        break;
      default:
        applyEvent(frame);
    }
  }

  function heartbeat() {
    clearInterval(pingTimer);
    pingTimer = setInterval(function () {
      if (rawSend({ type: "ping" })) {
        clearTimeout(pongTimer);
        // No pong within 10 s: the connection is dead even if the browser has not noticed.
        pongTimer = setTimeout(function () { if (socket) socket.close(); }, 10000);
      }
    }, config.pingMs || 25000);
  }

  function connect() {
    if (stopped) return;
    clearTimeout(reconnectTimer);
    setState(attempts ? "reconnecting" : "connecting");
    var ws = new WebSocket(url());
    socket = ws;
    ws.onopen = function () {
      attempts = 0;
      resuming = lastSeq !== null;
      setState("online");
      heartbeat();
      flushCommands();
    };
    ws.onmessage = onMessage;
    ws.onclose = function (e) {
      if (socket !== ws) return;
      socket = null;
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      if (e.code === 4403) {
        stopped = true;
        setState("refused");
        return;
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (stopped) return;
    attempts += 1;
    setState(navigator.onLine === false ? "offline" : "reconnecting");
    // Jittered exponential back-off: 0.5 s, 1 s, 2 s… up to 30 s, ±50 %.
    var base = Math.min(30000, 500 * Math.pow(2, attempts - 1));
    reconnectTimer = setTimeout(connect, base * (0.5 + Math.random()));
  }

  // An amendment's answer (suite donnée) in this page's language, from its outcome code and
  // parts and the page's words (deliberation/words.py: outcomes); an event's `answer` is in the
  // site's language and is only the fallback for a code the page does not know.
  function answerText(a, o) {
    o = o || {};
    var code = a.outcome, text;
    if (code === "pending" && a.deferred) return o.deferred || a.answer;
    if ((code === "integrated" || code === "integrated_modified") && a.outcome_clause_number != null) {
      text = o[code + "At"]; return text ? text.replace("%s", a.outcome_clause_number) : a.answer;
    }
    if ((code === "merged" || code === "duplicate") && a.outcome_related_number != null) {
      text = o[code === "merged" ? "mergedWith" : "duplicateOf"];
      return text ? text.replace("%s", a.outcome_related_number) : a.answer;
    }
    if ((code === "set_aside" || code === "not_retained") && a.outcome_reason) {
      text = o[code + "Because"]; return text ? text.replace("%s", a.outcome_reason) : a.answer;
    }
    return o[code] || a.answer || "";
  }

  var Live = {
    state: "connecting",
    answerText: answerText,
    on: function (type, handler) { (handlers[type] = handlers[type] || []).push(handler); return Live; },
    onSnapshot: function (handler) { snapshotHandlers.push(handler); return Live; },
    onState: function (handler) { stateHandlers.push(handler); return Live; },
    announce: announce,
    lastSeq: function () { return lastSeq; },
    newId: function () {
      counter += 1;
      return prefix + "-" + Date.now().toString(36) + "-" + counter;
    },
    // `id`: only to resend a command whose answer was never seen (after a reload); a command
    // already waiting under that id is not sent twice.
    send: function (type, data, id) {
      id = id || Live.newId();
      if (pending[id]) return pending[id].promise;
      var c = { type: type, data: data || {} };
      c.promise = new Promise(function (resolve, reject) { c.resolve = resolve; c.reject = reject; });
      pending[id] = c;
      order.push(id);
      showPending();
      rawSend({ type: type, id: id, data: c.data });
      return c.promise;
    },
    isPending: function (id) { return !!pending[id]; },
    start: function (options) {
      config = options;
      window.addEventListener("online", function () { if (!socket && !stopped) { attempts = 0; connect(); } });
      window.addEventListener("offline", function () {
        setState("offline");
        if (socket) socket.close(); // a socket over a dead network would linger until the ping timeout
      });
      connect();
    }
  };
  window.Live = Live;

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("live");
    if (!root || !root.dataset.liveWs) return;
    document.querySelectorAll("[data-static-only]").forEach(function (node) { node.remove(); });
    document.querySelectorAll("[data-live-only]").forEach(function (node) { node.hidden = false; });
    // Extensions (deliberation.js…) register their handlers before this runs: scripts are deferred in order.
    setTimeout(function () {
      Live.start({
        path: root.dataset.liveWs,
        sessionId: parseInt(root.dataset.liveSession, 10),
        role: root.dataset.liveRole
      });
    }, 0);
  });
})();
