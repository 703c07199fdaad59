// Buttons marked data-print open the browser's print dialog (no inline handler: the CSP forbids them).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
