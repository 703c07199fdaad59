/* Coécrire open contributions in the live room: new contributions, totals and answers arrive
 * live; participants post and support through the websocket (Live.send). Without JavaScript
 * the same form posts over HTTP. User text always goes in with textContent. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live-contributions]");
  if (!root || !window.Live) { return; }
  var list = root.querySelector("[data-contributions]");
  var words = JSON.parse(document.getElementById("contribution-words").textContent);

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function card(id) { return list.querySelector('[data-contribution="' + id + '"]'); }

  function setTotals(el, totals) {
    var target = el && el.querySelector("[data-totals]");
    if (target) { target.textContent = format(words.totals, totals); }
  }

  function upsert(c) {
    var el = card(c.id);
    if (c.hidden) { if (el) { el.remove(); } return; }
    if (!el) {
      el = document.getElementById("contribution-card-template").content.firstElementChild.cloneNode(true);
      el.setAttribute("data-contribution", c.id);
      setTotals(el, { pour: 0, contre: 0, abstention: 0 });
      list.insertBefore(el, list.firstChild);
      Live.announce(format(words.posted, { title: c.title }));
    }
    var link = el.querySelector("h3 a");
    link.textContent = "n° " + c.number + " — " + c.title;
    link.href = c.url;
    var meta = el.querySelector("[data-meta]");
    if (meta) { meta.textContent = c.theme + " · " + c.author + " — " + c.answer; }
  }

  Live.on("contribution.posted", function (data) { upsert(data.contribution); });
  Live.on("contribution.moderated", function (data) { upsert(data.contribution); });
  Live.on("contribution.answered", function (data) { upsert(data.contribution); });
  Live.on("contribution.support_changed", function (data) { setTotals(card(data.contribution_id), data.totals); });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-support]");
    if (!button) { return; }
    var id = Number(button.closest("[data-contribution]").getAttribute("data-contribution"));
    Live.send("contribution.support", { contribution_id: id, value: button.getAttribute("data-support") }).then(function (ack) {
      setTotals(card(id), ack.totals);
      button.parentNode.querySelectorAll("[data-support]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
    }, function (error) { Live.announce(error.message || ""); });
  });

  var form = root.querySelector("[data-contribution-form]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fd = new FormData(form);
      var theme = fd.get("theme");
      var clause = fd.get("clause");
      var errorBox = form.querySelector("[data-contribution-error]");
      Live.send("contribution.post", {
        title: fd.get("title") || "",
        text: fd.get("text") || "",
        section_id: theme && theme !== "new" ? Number(theme) : null,
        new_theme: theme === "new" ? (fd.get("new_theme") || "") : "",
        clause_number: clause ? Number(clause) : null
      }).then(function (ack) {
        errorBox.hidden = true;
        upsert(ack.contribution);
        form.reset();
      }, function (error) {
        errorBox.textContent = error.message || "";
        errorBox.hidden = false;
      });
    });
  }
})();
