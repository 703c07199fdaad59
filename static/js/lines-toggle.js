// Line numbers on demand without a reload: the link works without JavaScript (?lignes=1);
// here it only toggles the class the stylesheet reads and keeps the address shareable.
(function () {
  "use strict";
  var link = document.querySelector("[data-lines-toggle]");
  var body = document.getElementById("texte");
  if (!link || !body) return;
  link.setAttribute("role", "button");
  function show(on) {
    body.classList.toggle("lines-on", on);
    link.setAttribute("aria-pressed", on ? "true" : "false");
    link.textContent = on ? link.dataset.hideLabel : link.dataset.showLabel;
    var url = new URL(window.location.href);
    if (on) url.searchParams.set("lignes", "1"); else url.searchParams.delete("lignes");
    link.setAttribute("href", on ? "?" : "?lignes=1");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    show(!body.classList.contains("lines-on"));
  });
  show(body.classList.contains("lines-on"));
})();
