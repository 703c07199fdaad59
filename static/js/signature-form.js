// Shows the organisation fields only when signing for an organisation. Without JavaScript both show.
(function () {
  "use strict";
  var organisation = document.querySelector("[data-for-kind='organisation']");
  var radios = document.querySelectorAll("input[name='kind']");
  if (!organisation || !radios.length) return;
  function update() {
    var checked = document.querySelector("input[name='kind']:checked");
    organisation.hidden = !(checked && checked.value === "organisation");
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
